"""Providers' acceptance rules per location: set by the location's own people, respected by
matching (``queries.matches`` leaves out locations whose terms refuse the patient)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from regiozorg import audit, events
from regiozorg.auth import Actor, Permission, ensure_allowed
from regiozorg.beds.events import AcceptanceChanged
from regiozorg.beds.models import AcceptanceRule
from regiozorg.beds.rules import CareType
from regiozorg.errors import NotFoundError
from regiozorg.network.models import Location
from regiozorg.transaction import unit_of_work
from regiozorg.web.deps import CurrentActor, SessionDep

Hour = Annotated[int, Field(ge=0, le=24)]


class AcceptanceRuleIn(BaseModel):
    care_type: CareType | None = Field(default=None, description="None: every care type")
    max_age: Annotated[int, Field(ge=0, le=130)] | None = None
    admits_from_hour: Hour | None = None
    admits_until_hour: Hour | None = None


def set_rules(
    session: Session, actor: Actor, *, location_id: UUID, terms: list[AcceptanceRuleIn]
) -> None:
    """Replace a location's acceptance rules with ``terms``."""
    with unit_of_work(session):
        location = session.get(Location, location_id)
        if location is None:
            raise NotFoundError("Locatie niet gevonden.")
        ensure_allowed(actor, Permission.BEDS_PROVIDE, location.organisation_id)
        session.execute(delete(AcceptanceRule).where(AcceptanceRule.location_id == location.id))
        session.add_all(AcceptanceRule(location_id=location.id, **t.model_dump()) for t in terms)
        audit.record(
            session,
            actor,
            "beds.acceptance",
            obj=("location", location.id),
            organisation_id=location.organisation_id,
            detail=f"{len(terms)} rules",
        )
        events.publish(session, AcceptanceChanged(location_id))


def rules_of(session: Session, location_id: UUID) -> list[AcceptanceRuleIn]:
    return [
        AcceptanceRuleIn(
            care_type=r.care_type,
            max_age=r.max_age,
            admits_from_hour=r.admits_from_hour,
            admits_until_hour=r.admits_until_hour,
        )
        for r in session.scalars(
            select(AcceptanceRule)
            .where(AcceptanceRule.location_id == location_id)
            .order_by(AcceptanceRule.id)
        )
    ]


router = APIRouter(prefix="/api/v1", tags=["beds"])


@router.put("/locations/{location_id}/acceptance-rules", summary="Set a location's terms")
def put_rules(
    location_id: UUID, terms: list[AcceptanceRuleIn], session: SessionDep, actor: CurrentActor
) -> list[AcceptanceRuleIn]:
    set_rules(session, actor, location_id=location_id, terms=terms)
    return rules_of(session, location_id)


@router.get("/locations/{location_id}/acceptance-rules", summary="A location's terms")
def get_rules(
    location_id: UUID, session: SessionDep, actor: CurrentActor
) -> list[AcceptanceRuleIn]:
    ensure_allowed(actor, Permission.BEDS_VIEW)
    return rules_of(session, location_id)
