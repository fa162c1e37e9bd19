"""Read models of one incident: the mobile carers it could be sent and a carer's own task.

Reads other features' tables: ``network`` (locations: travel times) and ``accounts`` (users:
the names of the mobile carers)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.accounts.models import User
from regiozorg.auth import Actor, Permission, ensure_allowed
from regiozorg.clock import utcnow
from regiozorg.config import Settings
from regiozorg.errors import NotFoundError
from regiozorg.network.models import Location
from regiozorg.network.queries import travel_minutes
from regiozorg.night import rules
from regiozorg.night.models import Incident, NightShift
from regiozorg.night.rules import DeskRole, IncidentState
from regiozorg.night.team import current_shift


def tasks_of(session: Session, carer_id: UUID) -> Sequence[UUID]:
    """A mobile carer's open tasks, oldest dispatch first: the first is the current one."""
    return list(
        session.scalars(
            select(Incident.id)
            .where(
                Incident.carer_id == carer_id,
                Incident.state.in_(list(rules.CARER_BUSY_STATES | {IncidentState.COMPLETED})),
            )
            .order_by(Incident.dispatched_at)
        )
    )


def current_task(session: Session, actor: Actor) -> tuple[UUID | None, int]:
    """The mobile carer's current task, and how many wait behind it."""
    ensure_allowed(actor, Permission.NIGHT_HANDLE)
    assert actor.user_id is not None  # a person: the system holds no night role
    tasks = tasks_of(session, actor.user_id)
    session.rollback()  # ends the read: reading the task (audited) is a transaction of its own
    return (tasks[0], len(tasks) - 1) if tasks else (None, 0)


def carer_options(
    session: Session, settings: Settings, incident: Incident
) -> list[rules.CarerOption]:
    """Mobile carers on shift now, whether busy, and their travel time to the incident."""
    now = utcnow()
    rows = session.execute(
        select(NightShift.user_id, User.name, Location.code)
        .join(User, User.id == NightShift.user_id)
        .outerjoin(Location, Location.id == NightShift.base_location_id)
        .where(NightShift.role == DeskRole.MOBILE, current_shift(now))
    ).all()
    busy = set(
        session.scalars(
            select(Incident.carer_id).where(
                Incident.state.in_(list(rules.CARER_BUSY_STATES)), Incident.id != incident.id
            )
        )
    )
    destination = (
        session.scalar(select(Location.code).where(Location.id == incident.location_id))
        if incident.location_id
        else None
    )
    options = []
    for user_id, name, base in {r[0]: r for r in rows}.values():
        minutes = (
            travel_minutes(session, settings, origin=base, destination=destination)
            if base and destination
            else None
        )
        options.append(rules.CarerOption(str(user_id), name, user_id in busy, minutes))
    return sorted(options, key=lambda o: (o.busy, o.travel_minutes is None, o.travel_minutes or 0))


def carers_to_send(
    session: Session, settings: Settings, actor: Actor, *, incident_id: UUID
) -> list[rules.CarerOption]:
    """The mobile carers a handler can send to the incident (``carer_options``)."""
    ensure_allowed(actor, Permission.NIGHT_HANDLE)
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFoundError("Melding niet gevonden.")
    options = carer_options(session, settings, incident)
    session.rollback()  # ends the read before the page's next step (see ``db.unit_of_work``)
    return options
