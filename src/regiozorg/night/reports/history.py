"""An organisation's own night history: its clients' closed incidents with the logbook entry
and the handover note, for the day team that takes over in the morning.

Auditing: one audit row per client shown, not one per page. The question the trail has to
answer is "who read this client's details, and when" (a client's or a privacy officer's
question), and a row naming only the organisation cannot answer it. A page shows at most
``PAGE_SIZE`` incidents, so a read costs at most that many small inserts, in the same
transaction as the read: no details leave without their audit rows committed.

Reads other features' tables: ``network`` (clients, locations, organisations) and ``accounts``
(users: the carer's name).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from regiozorg import audit
from regiozorg.accounts.models import User
from regiozorg.auth import Actor, Permission, ensure_allowed, scope
from regiozorg.network.models import Client, Location, Organisation
from regiozorg.night.models import Incident
from regiozorg.night.rules import IncidentState
from regiozorg.transaction import unit_of_work

PAGE_SIZE = 100


@dataclass(frozen=True)
class HistoryRow:
    incident_id: UUID
    kind: str
    received_at: datetime
    closed_at: datetime | None
    organisation: str
    location: str | None
    client_name: str
    client_number: str
    outcome: str | None
    intervention: str | None
    log_notes: str
    handover_note: str
    handler: str | None
    carer: str | None


def organisations_in_view(session: Session, actor: Actor) -> Sequence[tuple[UUID, str]]:
    """The organisations whose history the reader may see: their own, by role."""
    ensure_allowed(actor, Permission.NIGHT_HISTORY)
    own = scope(actor, Permission.NIGHT_HISTORY)
    query = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    if own is not None:
        query = query.where(Organisation.id.in_(own))
    return [(row[0], row[1]) for row in session.execute(query)]


def read_history(
    session: Session, actor: Actor, *, organisation_id: UUID | None = None, limit: int = PAGE_SIZE
) -> Sequence[HistoryRow]:
    """Closed incidents of the reader's own organisations' clients, newest first; each client
    shown is audited. Asking for another organisation's history answers "not found"."""
    with unit_of_work(session):
        if organisation_id is not None:
            ensure_allowed(actor, Permission.NIGHT_HISTORY, organisation_id)
        else:
            ensure_allowed(actor, Permission.NIGHT_HISTORY)
        own = scope(actor, Permission.NIGHT_HISTORY)
        handler = aliased(User)
        carer = aliased(User)
        query = (
            select(
                Incident,
                Organisation.name,
                Location.name,
                Client.name,
                Client.client_number,
                handler.name,
                carer.name,
            )
            .join(Client, Client.id == Incident.client_id)
            .join(Organisation, Organisation.id == Incident.organisation_id)
            .outerjoin(Location, Location.id == Incident.location_id)
            .outerjoin(handler, handler.id == Incident.handler_id)
            .outerjoin(carer, carer.id == Incident.carer_id)
            .where(Incident.state == IncidentState.CLOSED)
            .order_by(Incident.closed_at.desc(), Incident.id)
            .limit(limit)
        )
        if own is not None:
            query = query.where(Incident.organisation_id.in_(own))
        if organisation_id is not None:
            query = query.where(Incident.organisation_id == organisation_id)
        rows = session.execute(query).all()
        shown: dict[tuple[UUID, UUID], int] = {}
        for incident, *_ in rows:
            assert incident.client_id and incident.organisation_id
            key = (incident.client_id, incident.organisation_id)
            shown[key] = shown.get(key, 0) + 1
        for client, count in shown.items():
            audit.record(
                session,
                actor,
                "night.history.read",
                client=client,
                detail=f"{count} incident(s)",
            )
        return [
            HistoryRow(
                incident_id=incident.id,
                kind=incident.kind,
                received_at=incident.received_at,
                closed_at=incident.closed_at,
                organisation=organisation,
                location=location,
                client_name=client_name,
                client_number=client_number,
                outcome=incident.outcome,
                intervention=incident.intervention,
                log_notes=incident.log_notes,
                handover_note=incident.handover_note,
                handler=handler_name,
                carer=carer_name,
            )
            for incident, organisation, location, client_name, client_number, handler_name, carer_name in rows  # noqa: E501
        ]
