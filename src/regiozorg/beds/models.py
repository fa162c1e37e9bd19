"""Tables of the coordination point. The rule "no two patients on one bed for overlapping
time" lives in the database: an exclusion constraint on PostgreSQL and a trigger on SQLite
(both created by migration 0002), so no code path can get around it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from regiozorg.beds.rules import AssignmentStatus, BedStatus, CareType, RequestStatus
from regiozorg.clock import utcnow
from regiozorg.db import Base, UTCDateTime, string_enum

OPEN_REQUEST_SQL = (
    "status IN ('received', 'triage', 'searching', 'on_hold', 'offered', 'accepted', 'confirmed')"
)


class Bed(Base):
    __tablename__ = "beds"
    # Counting per care type joins every care-type row to its bed's status: with both in one
    # index, SQLite never reads the wide bed row for it (migration h_bedscale_1).
    __table_args__ = (Index("ix_beds_id_status", "id", "status"),)

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    unit_id: Mapped[UUID] = mapped_column(ForeignKey("units.id"), index=True)
    location_id: Mapped[UUID] = mapped_column(ForeignKey("locations.id"), index=True)
    organisation_id: Mapped[UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    status: Mapped[BedStatus] = mapped_column(string_enum(BedStatus))
    capabilities: Mapped[list[str]] = mapped_column(JSON, default=list)
    expected_free_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status_updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BedCareType(Base):
    """Which care types a bed offers; a table, not a list, so matching can filter by index."""

    __tablename__ = "bed_care_types"
    __table_args__ = (Index("ix_bed_care_types_care_type_bed", "care_type", "bed_id"),)

    bed_id: Mapped[UUID] = mapped_column(
        ForeignKey("beds.id", ondelete="CASCADE"), primary_key=True
    )
    care_type: Mapped[CareType] = mapped_column(string_enum(CareType), primary_key=True)


class BedRequest(Base):
    __tablename__ = "bed_requests"
    __table_args__ = (
        # one open request per patient
        Index(
            "uq_bed_requests_open_patient",
            "patient_key",
            unique=True,
            sqlite_where=text(OPEN_REQUEST_SQL),
            postgresql_where=text(OPEN_REQUEST_SQL),
        ),
        Index("ix_bed_requests_status_created", "status", "created_at"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    care_type: Mapped[CareType] = mapped_column(string_enum(CareType))
    status: Mapped[RequestStatus] = mapped_column(string_enum(RequestStatus))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    wanted_from: Mapped[datetime] = mapped_column(UTCDateTime())
    patient_key: Mapped[str] = mapped_column(String(80))
    patient_initials: Mapped[str] = mapped_column(String(12))
    patient_birth_year: Mapped[int] = mapped_column(Integer)
    # Known when the intake gave the full date: the age shown is then exact, not by year.
    patient_birth_date: Mapped[date | None] = mapped_column(Date)
    patient_sex: Mapped[str] = mapped_column(String(1))
    patient_postcode: Mapped[str] = mapped_column(String(7))
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Why a bed is needed, in the referrer's words ("heupfractuur"): for the provider to judge.
    medical_reason: Mapped[str | None] = mapped_column(String(200))
    has_wlz_indication: Mapped[bool] = mapped_column(Boolean, default=False)
    life_expectancy_under_3_months: Mapped[bool] = mapped_column(Boolean, default=False)
    consents_outside_region: Mapped[bool] = mapped_column(Boolean, default=False)
    expects_return_home: Mapped[bool] = mapped_column(Boolean, default=True)
    preferred_location_id: Mapped[UUID | None] = mapped_column(ForeignKey("locations.id"))
    referrer_kind: Mapped[str] = mapped_column(String(24))
    referrer_name: Mapped[str] = mapped_column(String(160))
    referrer_phone: Mapped[str] = mapped_column(String(40))
    referrer_user_id: Mapped[UUID | None] = mapped_column(ForeignKey("users.id"))
    referrer_organisation_id: Mapped[UUID | None] = mapped_column(ForeignKey("organisations.id"))
    # Why the request stopped: a person's words (a cancellation), or the rules' reasons as
    # codes with parameters (``rules.stored_reasons``), said in the reader's language.
    outcome_reason: Mapped[str | None] = mapped_column(String(500))
    outcome_codes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    placed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BedRequestEvent(Base):
    """Every status change of a request, for its history and the time-to-placement reports."""

    __tablename__ = "bed_request_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[UUID] = mapped_column(ForeignKey("bed_requests.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    by_user_id: Mapped[UUID | None] = mapped_column(Uuid)
    note: Mapped[str | None] = mapped_column(String(500))


class BedAssignment(Base):
    """A bed given to a request (or registered occupancy) for the period [starts_at, ends_at)."""

    __tablename__ = "bed_assignments"
    __table_args__ = (
        Index("ix_bed_assignments_bed_period", "bed_id", "starts_at", "ends_at"),
        Index("ix_bed_assignments_status_expiry", "status", "hold_expires_at"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    bed_id: Mapped[UUID] = mapped_column(ForeignKey("beds.id"))
    request_id: Mapped[UUID | None] = mapped_column(ForeignKey("bed_requests.id"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(string_enum(AssignmentStatus))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the provider declined the hold (status cancelled): a decline, not a cancellation,
    # and the bed is not offered again for the same request.
    decline_reason: Mapped[str | None] = mapped_column(String(500))


def _bed_status(name: str) -> Enum:
    return Enum(
        BedStatus,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


class BedStatusChange(Base):
    """A change of a bed that had a patient in it, kept so the change can be undone: the bed's
    earlier status and expected discharge, and the stay it ended with the end it had."""

    __tablename__ = "bed_status_changes"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    bed_id: Mapped[UUID] = mapped_column(ForeignKey("beds.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_user_id: Mapped[UUID | None] = mapped_column(Uuid)
    # two columns of one enum need two names: each names its CHECK constraint (PostgreSQL
    # refuses two constraints of one name on a table)
    from_status: Mapped[BedStatus] = mapped_column(_bed_status("from_bedstatus"))
    to_status: Mapped[BedStatus] = mapped_column(_bed_status("to_bedstatus"))
    from_expected_free_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    from_status_updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(500))
    ended_stay_id: Mapped[UUID | None] = mapped_column(ForeignKey("bed_assignments.id"))
    ended_stay_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undo_until: Mapped[datetime] = mapped_column(UTCDateTime())
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CapacitySnapshot(Base):
    """Counts per care type for organisations that report numbers, not beds. Append-only:
    each report is a new row; the latest per location and care type is the current one."""

    __tablename__ = "capacity_snapshots"
    __table_args__ = (Index("ix_capacity_snapshots_latest", "location_id", "care_type", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    location_id: Mapped[UUID] = mapped_column(ForeignKey("locations.id"))
    care_type: Mapped[CareType] = mapped_column(string_enum(CareType))
    total: Mapped[int] = mapped_column(Integer)
    occupied: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reported_by: Mapped[UUID | None] = mapped_column(Uuid)


class AcceptanceRule(Base):
    """A provider's own terms for taking a patient at one location (for one care type, or all):
    an age limit and the hours in which it admits. Matching leaves out what a rule refuses."""

    __tablename__ = "bed_acceptance_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    location_id: Mapped[UUID] = mapped_column(ForeignKey("locations.id"), index=True)
    care_type: Mapped[CareType | None] = mapped_column(string_enum(CareType))
    max_age: Mapped[int | None] = mapped_column(Integer)
    admits_from_hour: Mapped[int | None] = mapped_column(Integer)
    admits_until_hour: Mapped[int | None] = mapped_column(Integer)


class BedTally(Base):
    """A location's beds, free beds and occupied beds (by ward status), in all (``care_type``
    '') and per care type: the national board reads 2,500 of these rows instead of counting
    120,000 beds.

    Kept by database triggers on ``beds`` and ``bed_care_types`` (migration 0009), in the same
    transaction as the change, so no write path can leave it behind. ``latest`` (on the rows
    for all care types) is the location's most recent bed status change. Reservations are not
    in it: whether a hold still runs depends on the clock, and the board counts those few apart.
    """

    __tablename__ = "bed_tallies"

    care_type: Mapped[str] = mapped_column(String(32), primary_key=True)  # '' for all beds
    location_id: Mapped[UUID] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    beds: Mapped[int] = mapped_column(Integer)
    free: Mapped[int] = mapped_column(Integer)
    occupied: Mapped[int] = mapped_column(Integer)
    latest: Mapped[datetime | None] = mapped_column(UTCDateTime())
