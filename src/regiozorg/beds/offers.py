"""Read models for the providing side: the offers awaiting an organisation's decision, its own
beds to keep up to date, and where a bed is (for pages that only hold a bed id).

Offers carry the patient's minimal details: ``decide_patient_access`` lets the people of the
organisation a bed was offered to see them, and callers pass only organisations the actor may
provide for.

Reads ``locations`` and ``organisations`` of the network feature for names.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from regiozorg.beds.models import Bed, BedAssignment, BedRequest, BedStatusChange
from regiozorg.beds.rules import AssignmentStatus
from regiozorg.clock import utcnow
from regiozorg.network.models import Location, Organisation


def _reserving(now: datetime) -> ColumnElement[bool]:
    """A hold still running, or a bed the provider accepted and the patient has yet to take."""
    return or_(
        and_(BedAssignment.status == AssignmentStatus.HELD, BedAssignment.hold_expires_at > now),
        BedAssignment.status == AssignmentStatus.ACCEPTED,
    )


@dataclass(frozen=True)
class Offer:
    hold_id: UUID
    hold_status: str
    expires_at: datetime | None
    bed_label: str
    location: str
    organisation: str
    request_id: UUID
    request_status: str
    care_type: str
    urgent: bool
    wanted_from: datetime
    patient_initials: str
    patient_birth_year: int
    patient_sex: str
    needs: list[str]
    medical_reason: str | None = None


def offers(session: Session, organisation_ids: Collection[UUID]) -> list[Offer]:
    """Live holds (to accept or decline) and accepted beds (to admit) of these organisations,
    soonest expiry first."""
    if not organisation_ids:
        return []
    now = utcnow()
    rows = session.execute(
        select(BedAssignment, Bed.label, Location.name, Organisation.name, BedRequest)
        .join(Bed, Bed.id == BedAssignment.bed_id)
        .join(Location, Location.id == Bed.location_id)
        .join(Organisation, Organisation.id == Bed.organisation_id)
        .join(BedRequest, BedRequest.id == BedAssignment.request_id)
        .where(Bed.organisation_id.in_(list(organisation_ids)), _reserving(now))
        .order_by(BedAssignment.status.desc(), BedAssignment.created_at)
    ).all()
    return [
        Offer(
            hold_id=hold.id,
            hold_status=str(hold.status),
            expires_at=hold.hold_expires_at,
            bed_label=label,
            location=location,
            organisation=organisation,
            request_id=request.id,
            request_status=str(request.status),
            care_type=str(request.care_type),
            urgent=request.urgent,
            wanted_from=request.wanted_from,
            patient_initials=request.patient_initials,
            patient_birth_year=request.patient_birth_year,
            patient_sex=request.patient_sex,
            needs=list(request.needs),
            medical_reason=request.medical_reason,
        )
        for hold, label, location, organisation, request in rows
    ]


@dataclass(frozen=True)
class OwnBed:
    id: UUID
    location_id: UUID
    location: str
    label: str
    status: str
    expected_free_at: datetime | None
    status_updated_at: datetime
    reserved: bool  # held for a patient or accepted: not free to give away on the ward


def own_beds(
    session: Session, organisation_ids: Collection[UUID], *, only: UUID | None = None
) -> list[OwnBed]:
    """The beds these organisations report on, by location and label (or the one bed
    ``only``, if it is theirs)."""
    if not organisation_ids:
        return []
    one = [Bed.id == only] if only is not None else []
    reserved = set(
        session.scalars(
            select(BedAssignment.bed_id)
            .join(Bed, Bed.id == BedAssignment.bed_id)
            .where(Bed.organisation_id.in_(list(organisation_ids)), _reserving(utcnow()), *one)
        )
    )
    rows = session.execute(
        select(
            Bed.id,
            Bed.location_id,
            Location.name,
            Bed.label,
            Bed.status,
            Bed.expected_free_at,
            Bed.status_updated_at,
        )
        .join(Location, Location.id == Bed.location_id)
        .where(Bed.organisation_id.in_(list(organisation_ids)), *one)
        .order_by(Location.town, Location.name, Bed.label)
    ).all()
    return [
        OwnBed(bed_id, loc_id, loc, label, str(status), free_at, updated, bed_id in reserved)
        for bed_id, loc_id, loc, label, status, free_at, updated in rows
    ]


@dataclass(frozen=True)
class BedPlace:
    label: str
    location: str
    organisation: str


def bed_places(session: Session, bed_ids: Collection[UUID]) -> dict[UUID, BedPlace]:
    if not bed_ids:
        return {}
    rows = session.execute(
        select(Bed.id, Bed.label, Location.name, Organisation.name)
        .join(Location, Location.id == Bed.location_id)
        .join(Organisation, Organisation.id == Bed.organisation_id)
        .where(Bed.id.in_(list(bed_ids)))
    ).all()
    return {bed_id: BedPlace(label, loc, org) for bed_id, label, loc, org in rows}


@dataclass(frozen=True)
class UndoableChange:
    id: UUID
    to_status: str
    reason: str
    undo_until: datetime


def undoable_changes(session: Session, bed_ids: Collection[UUID]) -> dict[UUID, UndoableChange]:
    """Per bed, its latest change with a patient in it that can still be taken back."""
    if not bed_ids:
        return {}
    now = utcnow()
    rows = session.scalars(
        select(BedStatusChange)
        .join(Bed, Bed.id == BedStatusChange.bed_id)
        .where(
            BedStatusChange.bed_id.in_(list(bed_ids)),
            BedStatusChange.undone_at.is_(None),
            BedStatusChange.undo_until > now,
            Bed.status == BedStatusChange.to_status,
        )
        .order_by(BedStatusChange.at)
    )
    return {
        row.bed_id: UndoableChange(row.id, str(row.to_status), row.reason, row.undo_until)
        for row in rows
    }


@dataclass(frozen=True)
class Decline:
    bed_id: UUID
    reason: str
    at: datetime | None


def declines(session: Session, request_id: UUID) -> dict[UUID, Decline]:
    """The beds providers declined for this request, with their reasons: not to be offered
    to it again at the top of its matches."""
    rows = session.execute(
        select(BedAssignment.bed_id, BedAssignment.decline_reason, BedAssignment.decided_at)
        .where(
            BedAssignment.request_id == request_id,
            BedAssignment.decline_reason.is_not(None),
        )
        .order_by(BedAssignment.decided_at)
    ).all()
    return {bed_id: Decline(bed_id, reason or "", at) for bed_id, reason, at in rows}
