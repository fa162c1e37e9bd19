"""The bed tally the board reads is kept by the database itself: after any write to ``beds`` or
``bed_care_types`` (status, a move to another location, a new bed, a care type added, changed or
removed, a bed deleted, a status change undone) it equals a count of the beds themselves."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from regiozorg.beds.models import Bed, BedCareType, BedTally
from regiozorg.beds.rules import BedStatus, CareType
from regiozorg.clock import utcnow

Figures = dict[tuple[Any, str], tuple[int, int, int]]  # beds, free, occupied


def _kept(session: Session) -> tuple[Figures, dict[Any, Any]]:
    rows = session.execute(
        select(
            BedTally.location_id,
            BedTally.care_type,
            BedTally.beds,
            BedTally.free,
            BedTally.occupied,
            BedTally.latest,
        )
    )
    figures: Figures = {}
    latest = {}
    for loc, kind, beds, free, occupied, moment in rows:
        if beds:
            figures[(loc, kind)] = (beds, free, occupied)
        if beds and kind == "":
            latest[loc] = moment
    return figures, latest


def _counted(session: Session) -> tuple[Figures, dict[Any, Any]]:
    def counts() -> tuple[Any, ...]:
        return (
            func.count(),
            func.sum(case((Bed.status == BedStatus.FREE, 1), else_=0)),
            func.sum(case((Bed.status == BedStatus.OCCUPIED, 1), else_=0)),
        )

    figures: Figures = {}
    for loc, beds, free, occupied in session.execute(
        select(Bed.location_id, *counts()).group_by(Bed.location_id)
    ):
        figures[(loc, "")] = (beds, free, occupied)
    for loc, kind, beds, free, occupied in session.execute(
        select(Bed.location_id, BedCareType.care_type, *counts())
        .join(Bed, Bed.id == BedCareType.bed_id)
        .group_by(Bed.location_id, BedCareType.care_type)
    ):
        figures[(loc, str(kind))] = (beds, free, occupied)
    latest = dict(
        session.execute(
            select(Bed.location_id, func.max(Bed.status_updated_at)).group_by(Bed.location_id)
        ).all()
    )
    return figures, latest


def _agree(session: Session) -> None:
    session.flush()
    kept, kept_latest = _kept(session)
    counted, counted_latest = _counted(session)
    assert kept == counted
    assert kept_latest == counted_latest


def test_the_tally_follows_every_kind_of_write_to_beds(session: Session) -> None:
    _agree(session)  # as migrated and seeded
    beds = session.execute(select(Bed).order_by(Bed.label).limit(400)).scalars().all()
    first, second = beds[0], next(b for b in beds if b.location_id != beds[0].location_id)

    # A status change, through the ORM and in bulk.
    first.status = BedStatus.CLOSED if first.status != BedStatus.CLOSED else BedStatus.FREE
    first.status_updated_at = utcnow()
    _agree(session)
    session.execute(
        update(Bed).where(Bed.location_id == second.location_id).values(status=BedStatus.FREE)
    )
    _agree(session)

    # A bed moved to another location, and its status change undone to an older moment.
    session.execute(
        update(Bed)
        .where(Bed.id == first.id)
        .values(location_id=second.location_id, status_updated_at=utcnow() - timedelta(days=40))
    )
    _agree(session)

    # A new bed with two care types; one changed, one removed.
    new_id = uuid.uuid4()
    session.execute(
        insert(Bed).values(
            id=new_id,
            unit_id=second.unit_id,
            location_id=second.location_id,
            organisation_id=second.organisation_id,
            label="T-1",
            status=BedStatus.OCCUPIED,
            capabilities=[],
            status_updated_at=utcnow(),
        )
    )
    session.execute(
        insert(BedCareType),
        [
            {"bed_id": new_id, "care_type": CareType.ELV_LOW},
            {"bed_id": new_id, "care_type": CareType.GRZ},
        ],
    )
    _agree(session)
    session.execute(
        update(BedCareType)
        .where(BedCareType.bed_id == new_id, BedCareType.care_type == CareType.GRZ)
        .values(care_type=CareType.ELV_HIGH)
    )
    _agree(session)
    session.execute(
        delete(BedCareType).where(
            BedCareType.bed_id == new_id, BedCareType.care_type == CareType.ELV_LOW
        )
    )
    _agree(session)

    # A bed deleted with the care types it still has.
    session.execute(delete(Bed).where(Bed.id == new_id))
    _agree(session)
