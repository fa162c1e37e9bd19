"""Read models of the night console: the live queue, the carers' board, the places a caller
is named by, and a controller's heartbeat interval (for the intake's SCAIP replies). They show
where and what, never who: a client's name and plan come only through
``incidents.actions.view_incident``, which audits the read.

Reads other features' tables: ``network`` (organisations and locations: names of places) and
``accounts`` (users: the names of the night team)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from regiozorg.accounts.models import User
from regiozorg.clock import utcnow
from regiozorg.network.models import Location, Organisation
from regiozorg.night import figures, rules
from regiozorg.night.console.schemas import QueueRowOut
from regiozorg.night.models import (
    AlarmDevice,
    Incident,
    IncidentEvent,
    NightLocation,
    NightShift,
)
from regiozorg.night.rules import DeskRole, IncidentState
from regiozorg.night.team import current_shift


class QueueRow(QueueRowOut):
    """An incident in the queue as the console shows it: the API's row (``QueueRowOut``) with
    what the page marks it by."""

    escalation: str | None = None  # the last escalation step as stored (labels.escalation_shown)
    # the norm its waiting time is held to now (``figures.running_norm``), None if none runs
    norm_seconds: int | None = None


QUEUE_STATES = rules.OPEN_STATES | {IncidentState.COMPLETED}
"""What the console's queue shows: open incidents and completed ones awaiting their logbook."""


def open_queue(
    session: Session, *, limit: int = 200, states: Collection[IncidentState] = QUEUE_STATES
) -> Sequence[QueueRow]:
    """Open incidents, most urgent first and oldest first within a priority."""
    return _incident_rows(
        session,
        Incident.state.in_(list(states)),
        (Incident.priority, Incident.received_at),
        limit,
    )


def closed_incidents(session: Session, *, limit: int = 200) -> Sequence[QueueRow]:
    """Closed incidents, the most recently closed first."""
    return _incident_rows(
        session,
        Incident.state == IncidentState.CLOSED,
        (Incident.closed_at.desc(), Incident.received_at.desc()),
        limit,
    )


def _incident_rows(
    session: Session,
    where: ColumnElement[bool],
    order: tuple[ColumnElement[Any] | InstrumentedAttribute[Any], ...],
    limit: int,
) -> Sequence[QueueRow]:
    handler = aliased(User)
    carer = aliased(User)
    now = utcnow()
    rows = session.execute(
        select(
            Incident,
            Location.name,
            AlarmDevice.room,
            handler.name,
            carer.name,
            NightLocation.answer_norm_seconds,
            NightLocation.on_site_norm_minutes,
        )
        .outerjoin(Location, Location.id == Incident.location_id)
        .outerjoin(NightLocation, NightLocation.location_id == Incident.location_id)
        .outerjoin(
            AlarmDevice,
            (AlarmDevice.controller_id == Incident.controller_id)
            & (AlarmDevice.device_id == Incident.device_id),
        )
        .outerjoin(handler, handler.id == Incident.handler_id)
        .outerjoin(carer, carer.id == Incident.carer_id)
        .where(where)
        .order_by(*order)
        .limit(limit)
    ).all()
    last_steps = _last_escalation_steps(
        session, [incident.id for incident, *_ in rows if incident.escalations_done]
    )
    return [
        QueueRow(
            id=incident.id,
            kind=incident.kind,
            state=incident.state,
            priority=incident.priority,
            received_at=incident.received_at,
            age_seconds=max(0, int((now - incident.received_at).total_seconds())),
            unknown_sender=incident.unknown_sender,
            location=location,
            room=room or "",
            device_type=incident.device_type,
            handler=handler_name,
            carer=carer_name,
            escalations=incident.escalations_done,
            escalation=last_steps.get(incident.id),
            norm_seconds=figures.running_norm(incident.state, _norms(answer, on_site)),
        )
        for incident, location, room, handler_name, carer_name, answer, on_site in rows
    ]


def _last_escalation_steps(session: Session, incident_ids: Sequence[UUID]) -> dict[UUID, str]:
    """The detail of each escalated incident's last step, so the queue can say in words where
    its escalation stands (one query for the page, only for incidents that escalated)."""
    if not incident_ids:
        return {}
    last: dict[UUID, str] = {}
    for incident_id, detail in session.execute(
        select(IncidentEvent.incident_id, IncidentEvent.detail)
        .where(IncidentEvent.incident_id.in_(incident_ids), IncidentEvent.kind == "escalated")
        .order_by(IncidentEvent.id)
    ):
        last[incident_id] = detail
    return last


def _norms(answer_seconds: int | None, on_site_minutes: int | None) -> figures.Norms:
    """A location's own norms, the defaults for a sender without an enrolled location."""
    return figures.Norms(
        answer_seconds or figures.DEFAULT_ANSWER_NORM_SECONDS,
        on_site_minutes or figures.DEFAULT_ON_SITE_NORM_MINUTES,
    )


@dataclass(frozen=True)
class CarerRow:
    user_id: UUID
    name: str
    role: DeskRole
    phone: str
    base: str | None
    task_id: UUID | None
    task_state: IncidentState | None
    task_location: str | None


def carers_on_shift(session: Session) -> Sequence[CarerRow]:
    """Everyone on the night roster now, and what the mobile carers are doing."""
    now = utcnow()
    shifts = session.execute(
        select(NightShift, User.name, Location.name)
        .join(User, User.id == NightShift.user_id)
        .outerjoin(Location, Location.id == NightShift.base_location_id)
        .where(current_shift(now))
        .order_by(NightShift.role, User.name)
    ).all()
    tasks = {
        carer_id: (incident_id, state, location)
        for incident_id, carer_id, state, location in session.execute(
            select(Incident.id, Incident.carer_id, Incident.state, Location.name)
            .outerjoin(Location, Location.id == Incident.location_id)
            .where(Incident.state.in_(list(rules.CARER_BUSY_STATES)))
            .order_by(Incident.dispatched_at)
        )
    }
    result: dict[UUID, CarerRow] = {}
    for shift, name, base in shifts:
        task = tasks.get(shift.user_id)
        result.setdefault(
            shift.user_id,
            CarerRow(
                user_id=shift.user_id,
                name=name,
                role=shift.role,
                phone=shift.phone,
                base=base,
                task_id=task[0] if task else None,
                task_state=task[1] if task else None,
                task_location=task[2] if task else None,
            ),
        )
    return list(result.values())


# --- naming a caller -------------------------------------------------------------------------


def night_organisations(session: Session) -> Sequence[tuple[UUID, str]]:
    """Organisations with a location in the night service: not secret, and the handler needs
    them to name a caller without any list of clients on screen."""
    return [
        (row[0], row[1])
        for row in session.execute(
            select(Organisation.id, Organisation.name)
            .join(Location, Location.organisation_id == Organisation.id)
            .join(NightLocation, NightLocation.location_id == Location.id)
            .distinct()
            .order_by(Organisation.name)
        )
    ]


def night_locations(session: Session) -> Sequence[tuple[UUID, str, str]]:
    """Locations in the night service with their organisation's name, for a caller's place."""
    return [
        (row[0], row[1], row[2])
        for row in session.execute(
            select(Location.id, Organisation.name, Location.name)
            .join(Organisation, Organisation.id == Location.organisation_id)
            .join(NightLocation, NightLocation.location_id == Location.id)
            .order_by(Organisation.name, Location.name)
        )
    ]
