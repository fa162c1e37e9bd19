"""Capacity snapshots: organisations that report counts per care type instead of single beds.

Snapshots are only ever added; the latest per location and care type is the current figure,
and the history shows how capacity moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from regiozorg import audit, events
from regiozorg.auth import Actor, Permission, ensure_allowed
from regiozorg.beds.events import CapacityReported
from regiozorg.beds.models import CapacitySnapshot
from regiozorg.beds.rules import CareType
from regiozorg.errors import NotFoundError
from regiozorg.network.models import Location
from regiozorg.transaction import unit_of_work
from regiozorg.web.deps import CurrentActor, SessionDep


class CapacityIn(BaseModel):
    location_id: UUID
    care_type: CareType
    total: Annotated[int, Field(ge=0, le=10_000)]
    occupied: Annotated[int, Field(ge=0, le=10_000)]

    @model_validator(mode="after")
    def _occupied_within_total(self) -> CapacityIn:
        if self.occupied > self.total:
            msg = "occupied cannot exceed total"
            raise ValueError(msg)
        return self


@dataclass(frozen=True)
class CapacityRow:
    location_id: UUID
    care_type: str
    total: int
    occupied: int
    at: datetime


def report_capacity(session: Session, actor: Actor, *, data: CapacityIn) -> int:
    with unit_of_work(session):
        location = session.get(Location, data.location_id)
        if location is None:
            raise NotFoundError("Locatie niet gevonden.")
        ensure_allowed(actor, Permission.BEDS_PROVIDE, location.organisation_id)
        snapshot = CapacitySnapshot(
            location_id=location.id,
            care_type=data.care_type,
            total=data.total,
            occupied=data.occupied,
            reported_by=actor.user_id,
        )
        session.add(snapshot)
        session.flush()
        audit.record(
            session,
            actor,
            "beds.capacity",
            obj=("capacity_snapshot", snapshot.id),
            organisation_id=location.organisation_id,
            detail=f"{data.care_type} {data.occupied}/{data.total}",
        )
        snapshot_id = snapshot.id
        events.publish(session, CapacityReported(data.location_id))
    return snapshot_id


def latest(session: Session) -> list[CapacityRow]:
    """The current figure per location and care type: each pair's most recent snapshot."""
    newest = (
        select(
            CapacitySnapshot.location_id,
            CapacitySnapshot.care_type,
            func.max(CapacitySnapshot.id).label("id"),
        )
        .group_by(CapacitySnapshot.location_id, CapacitySnapshot.care_type)
        .subquery()
    )
    rows = session.scalars(
        select(CapacitySnapshot)
        .join(newest, newest.c.id == CapacitySnapshot.id)
        .order_by(CapacitySnapshot.location_id, CapacitySnapshot.care_type)
    )
    return [CapacityRow(r.location_id, str(r.care_type), r.total, r.occupied, r.at) for r in rows]


router = APIRouter(prefix="/api/v1", tags=["beds"])


class CapacityOut(BaseModel):
    location_id: UUID
    care_type: str
    total: int
    occupied: int
    at: datetime


@router.post("/capacity-snapshots", status_code=201, summary="Report bed counts per care type")
def post_capacity(data: CapacityIn, session: SessionDep, actor: CurrentActor) -> dict[str, int]:
    return {"id": report_capacity(session, actor, data=data)}


@router.get("/capacity-snapshots", summary="Current bed counts per location and care type")
def get_capacity(session: SessionDep, actor: CurrentActor) -> list[CapacityOut]:
    ensure_allowed(actor, Permission.BEDS_VIEW)
    return [CapacityOut(**vars(row)) for row in latest(session)]
