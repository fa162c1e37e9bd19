"""Whose alarm or call it was: the handler searches the night service's clients and links one
to an incident of an unknown sender (or a call without a client), and a client is named by
number for a call taken at the desk. Each write one transaction with its audit row.

Reads other features' tables (never writes them): ``network`` (clients, locations and
organisations: the clients to pick from)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from regiozorg import audit
from regiozorg.auth import Actor
from regiozorg.errors import N_, ConflictError, NotFoundError
from regiozorg.network.models import Client, Location, Organisation
from regiozorg.night.incidents import actions as incidents
from regiozorg.night.intake import actions as intake
from regiozorg.night.intake.actions import publish_change
from regiozorg.night.models import (
    AlarmController,
    AlarmDevice,
    Incident,
    IncidentEvent,
    NightLocation,
    NightPlan,
)
from regiozorg.night.rules import IncidentState
from regiozorg.night.team import ensure_on_shift
from regiozorg.transaction import unit_of_work

CLIENT_KNOWN = N_("De cliënt van deze melding is al bekend.")
MIN_SEARCH = 2
"""Characters a search needs: one letter would list half the service."""
MAX_CANDIDATES = 20


def linkable(incident: Incident) -> bool:
    """Whether the handler may still name the incident's client: an unknown sender, or a call
    that came from a known place without a client."""
    return incident.state is not IncidentState.CLOSED and (
        incident.unknown_sender or incident.client_id is None
    )


def _in_night_service() -> ColumnElement[bool]:
    """Clients the night team may see: enrolled, at a location in the night service."""
    enrolled = select(NightPlan.client_id).where(NightPlan.enrolled.is_(True))
    return and_(
        Client.id.in_(enrolled),
        Client.location_id.in_(select(NightLocation.location_id)),
    )


@dataclass(frozen=True)
class Candidate:
    """A client the handler may pick as the incident's sender or caller."""

    id: UUID
    name: str
    client_number: str
    birth_date: date
    organisation: str
    location: str
    room: str
    here: bool  # at the incident's own location, as far as it is known


@dataclass(frozen=True)
class CandidateSearch:
    incident_id: UUID
    text: str
    candidates: tuple[Candidate, ...]
    more: bool  # more matched than are shown: search more precisely
    has_device: bool  # an alarm's device can be remembered; a phone call has none


def _like(text: str) -> str:
    """``text`` as a LIKE pattern matching it anywhere, its own wildcards taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find_candidates(
    session: Session, actor: Actor, *, incident_id: UUID, text: str
) -> CandidateSearch:
    """Clients in the night service whose name, client number or room holds ``text``, for the
    handler of an incident whose client is not known yet; the incident's own location first.
    Only the handler on shift may search, only while the client is unknown, and every client
    listed is audited as a read of their name and room, like a card."""
    text = " ".join(text.split())[:60]
    with unit_of_work(session):
        ensure_on_shift(session, actor)
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise NotFoundError("Melding niet gevonden.")
        incidents.ensure_handler(session, actor, incident)
        if not linkable(incident):
            raise ConflictError(CLIENT_KNOWN)
        has_device = incident.controller_id is not None
        if len(text) < MIN_SEARCH:
            return CandidateSearch(incident.id, text, (), False, has_device)
        pattern = _like(text)
        rooms = (
            select(func.min(AlarmDevice.room))
            .where(AlarmDevice.client_id == Client.id)
            .correlate(Client)
            .scalar_subquery()
        )
        in_room = select(AlarmDevice.client_id).where(
            func.lower(AlarmDevice.room).like(pattern, escape="\\")
        )
        here = Client.location_id == incident.location_id
        rows = session.execute(
            select(
                Client.id,
                Client.name,
                Client.client_number,
                Client.birth_date,
                Client.organisation_id,
                Organisation.name,
                Location.name,
                rooms,
                here,
            )
            .join(Location, Location.id == Client.location_id)
            .join(Organisation, Organisation.id == Client.organisation_id)
            .where(
                _in_night_service(),
                or_(
                    func.lower(Client.name).like(pattern, escape="\\"),
                    func.lower(Client.client_number).like(pattern, escape="\\"),
                    Client.id.in_(in_room),
                ),
            )
            .order_by(case((here, 0), else_=1), Client.name, Client.client_number)
            .limit(MAX_CANDIDATES + 1)
        ).all()
        shown = rows[:MAX_CANDIDATES]
        for row in shown:
            audit.record(
                session,
                actor,
                "night.client.search",
                obj=("incident", incident.id),
                client=(row[0], row[4]),
            )
        candidates = tuple(
            Candidate(
                id=row[0],
                name=row[1],
                client_number=row[2],
                birth_date=row[3],
                organisation=row[5],
                location=row[6],
                room=row[7] or "",
                here=bool(row[8]),
            )
            for row in shown
        )
        more = len(rows) > MAX_CANDIDATES
        return CandidateSearch(incident.id, text, candidates, more, has_device)


def resolve_sender(
    session: Session, actor: Actor, *, incident_id: UUID, client_id: UUID, remember_device: bool
) -> IncidentState:
    """The handler found out whose alarm or call it was: link the client, and (only when asked,
    a deliberate choice) the device, so its next alarm is known. A client outside the night
    service is refused like one that exists nowhere."""
    with unit_of_work(session):
        incident = incidents.for_step(session, actor, incident_id)
        incidents.ensure_handler(session, actor, incident)
        # No check that the client is still unknown: the handler may also correct a device
        # linked to the wrong person (it moved to a new resident).
        client = session.scalar(select(Client).where(Client.id == client_id, _in_night_service()))
        if client is None:
            raise intake.no_such_client(actor, client_id)
        incident.client_id = client.id
        incident.organisation_id = client.organisation_id
        incident.location_id = client.location_id
        incident.unknown_sender = False
        if remember_device and incident.controller_id:
            if session.get(AlarmController, incident.controller_id) is None:
                # A controller never seen before: it is at the client's location from now on.
                session.add(
                    AlarmController(
                        controller_id=incident.controller_id, location_id=client.location_id
                    )
                )
                session.flush()  # the device row below refers to it
            device = session.scalar(
                select(AlarmDevice).where(
                    AlarmDevice.controller_id == incident.controller_id,
                    AlarmDevice.device_id == (incident.device_id or ""),
                )
            )
            if device is None:
                session.add(
                    AlarmDevice(
                        controller_id=incident.controller_id,
                        device_id=incident.device_id or "",
                        device_type=incident.device_type or "0003",
                        client_id=client.id,
                    )
                )
            else:
                device.client_id = client.id
        session.add(
            IncidentEvent(incident_id=incident.id, kind="sender.resolved", by_user_id=actor.user_id)
        )
        audit.record(
            session,
            actor,
            "night.incident.sender_resolved",
            obj=("incident", incident.id),
            client=(client.id, client.organisation_id),
        )
        publish_change(session, incident_id, incident.state, incident.priority)
    return incident.state
