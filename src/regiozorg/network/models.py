"""Tables of the regional network. Client rows hold personal details: read them through
``network.actions.view_client`` so that every read is audited."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from regiozorg.clock import utcnow
from regiozorg.db import Base, UTCDateTime, string_enum
from regiozorg.network.rules import OrganisationKind, Profession, WardType


class Region(Base):
    __tablename__ = "regions"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("region_id", "name"),)

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    region_id: Mapped[UUID] = mapped_column(ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[OrganisationKind] = mapped_column(string_enum(OrganisationKind))
    agb_code: Mapped[str | None] = mapped_column(String(8), unique=True)


class Location(Base):
    __tablename__ = "locations"
    __table_args__ = (
        UniqueConstraint("code"),
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(160))
    address: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(7))
    town: Mapped[str] = mapped_column(String(80), index=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    care_offered: Mapped[list[str]] = mapped_column(JSON, default=list)


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("location_id", "name"),)

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    location_id: Mapped[UUID] = mapped_column(ForeignKey("locations.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    ward_type: Mapped[WardType] = mapped_column(string_enum(WardType))


class StaffMember(Base):
    __tablename__ = "staff_members"
    __table_args__ = (
        CheckConstraint("fte > 0 AND fte <= 1.5", name="fte"),
        # Namesakes exist; the organisation's own staff number tells them apart.
        UniqueConstraint("organisation_id", "staff_number"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    staff_number: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(160))
    profession: Mapped[Profession] = mapped_column(string_enum(Profession))
    fte: Mapped[float] = mapped_column(Float)
    base_location_id: Mapped[UUID | None] = mapped_column(ForeignKey("locations.id"), index=True)


class Client(Base):
    __tablename__ = "clients"
    __table_args__ = (UniqueConstraint("organisation_id", "client_number"),)

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    location_id: Mapped[UUID] = mapped_column(ForeignKey("locations.id"), index=True)
    client_number: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(160))
    birth_date: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PostcodeArea(Base):
    """Centroid of a four-digit postcode area, to estimate travel from a patient's home."""

    __tablename__ = "postcode_areas"

    postcode: Mapped[str] = mapped_column(String(4), primary_key=True)
    town: Mapped[str] = mapped_column(String(80))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)


class TravelTime(Base):
    """An imported travel time; it takes precedence over the estimate from coordinates.

    ``origin`` is a location code or a four-digit postcode area; ``destination`` a location code.
    """

    __tablename__ = "travel_times"
    __table_args__ = (CheckConstraint("minutes >= 0", name="minutes"),)

    origin: Mapped[str] = mapped_column(String(32), primary_key=True)
    destination: Mapped[str] = mapped_column(String(32), primary_key=True)
    minutes: Mapped[int] = mapped_column(Integer)
