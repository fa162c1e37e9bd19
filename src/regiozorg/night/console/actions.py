"""The desk's own writes: a phone call taken at the desk becomes an incident its taker
handles at once.

Reads another feature's tables: ``network`` (clients, locations: where a call comes from)."""

from __future__ import annotations

from typing import NamedTuple
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.auth import Actor
from regiozorg.clock import utcnow
from regiozorg.errors import DomainError
from regiozorg.network.models import Client, Location
from regiozorg.night import rules
from regiozorg.night.console.schemas import CallIn
from regiozorg.night.intake import actions as intake
from regiozorg.night.models import (
    AlarmMessage,
    Incident,
    IncidentEvent,
    NightLocation,
    NightPlan,
)
from regiozorg.night.rules import IncidentKind, IncidentState, UnknownSender
from regiozorg.night.team import ensure_on_shift
from regiozorg.transaction import unit_of_work


class _CallOrigin(NamedTuple):
    """Where a call comes from, as far as the desk could tell."""

    client: intake.ClientRef | None
    organisation_id: UUID | None
    location_id: UUID | None


def _call_origin(session: Session, actor: Actor, call: CallIn) -> _CallOrigin:
    """The call's client, organisation and location, checked. A client the night team may not
    see (not enrolled, or no such id) is refused exactly like an id that exists nowhere: 404,
    one denied audit row, so the API cannot be used to find out which clients exist."""
    if call.client_id is not None:
        row = session.execute(
            select(Client.organisation_id, Client.location_id, NightPlan.enrolled)
            .join(NightPlan, NightPlan.client_id == Client.id)
            .join(NightLocation, NightLocation.location_id == Client.location_id)
            .where(Client.id == call.client_id)
        ).first()
        if row is None or not row.enrolled:
            raise intake.no_such_client(actor, call.client_id)
        named = {call.organisation_id, call.location_id} - {None}
        if not named <= {row.organisation_id, row.location_id}:
            raise DomainError(intake.PLACE_MISMATCH)
        client = intake.ClientRef(call.client_id, row.organisation_id, row.location_id)
        return _CallOrigin(client, row.organisation_id, row.location_id)
    if call.location_id is not None:
        organisation = session.scalar(
            select(Location.organisation_id)
            .join(NightLocation, NightLocation.location_id == Location.id)
            .where(Location.id == call.location_id)
        )
        if organisation is None:
            raise DomainError(intake.NOT_IN_NIGHT_SERVICE)
        if call.organisation_id not in (None, organisation):
            raise DomainError(intake.PLACE_MISMATCH)
        return _CallOrigin(None, organisation, call.location_id)
    if call.organisation_id is not None:
        taking_part = session.scalar(
            select(Location.id)
            .join(NightLocation, NightLocation.location_id == Location.id)
            .where(Location.organisation_id == call.organisation_id)
            .limit(1)
        )
        if taking_part is None:
            raise DomainError(intake.NOT_IN_NIGHT_SERVICE)
        return _CallOrigin(None, call.organisation_id, None)
    return _CallOrigin(None, None, None)


def record_call(session: Session, actor: Actor, *, call: CallIn) -> UUID:
    """A call taken by phone at the desk: the person who took it is its handler at once. A
    caller named by organisation or location, without a client, is no unknown sender: the
    incident keeps where the call came from (for the escalation and the location's own
    staff), and a client can still be linked to it later."""
    with unit_of_work(session):
        # Only the team on the roster takes calls: an off-shift account would own the incident
        # and nobody on shift could take its next step.
        ensure_on_shift(session, actor)
        origin = _call_origin(session, actor, call)
        incident_id = intake.create_incident(
            session,
            actor,
            kind=IncidentKind.CALL,
            priority=call.priority,
            client=origin.client,
            organisation_id=origin.organisation_id,
            location_id=origin.location_id,
            unknown=None if origin.organisation_id else UnknownSender.CALLER,
            summary=call.summary,
        )
        incident = session.get(Incident, incident_id)
        assert incident is not None
        now = utcnow()
        incident.state = IncidentState.TRIAGE
        incident.handler_id = actor.user_id
        incident.acknowledged_at = incident.triage_at = now
        incident.contact_mode = rules.ContactMode.PHONE
        incident.next_escalation_at = None
        session.add(
            IncidentEvent(incident_id=incident_id, at=now, kind="triage", by_user_id=actor.user_id)
        )
        session.add(
            AlarmMessage(
                source=f"manual/{actor.user_id}",
                reference=str(incident_id),
                message_type="CALL",
                incident_id=incident_id,
                payload=call.model_dump(mode="json"),
            )
        )
        intake.publish_change(session, incident_id, "triage", call.priority)
    return incident_id
