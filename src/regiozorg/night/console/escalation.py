"""What a worker does every few seconds: escalate alarms nobody answered, and raise a
technical alarm for a controller whose heartbeat stopped. Deadlines live in the database, so
an app that restarts picks up exactly where the last one stopped; each step is one
transaction, so two workers (two app processes) never take the same step twice.

Reads other features' tables: ``accounts`` (users: who is on shift to warn) and ``network``
(locations: the staff of the own location)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from regiozorg import audit
from regiozorg.accounts.models import User
from regiozorg.auth import SYSTEM
from regiozorg.clock import utcnow
from regiozorg.network.models import Location
from regiozorg.night import labels, rules
from regiozorg.night.intake.actions import escalation_steps, in_flight, publish_change
from regiozorg.night.models import (
    AlarmController,
    Incident,
    IncidentEvent,
    NightLocation,
    NightShift,
)
from regiozorg.night.rules import DeskRole, IncidentKind, IncidentState
from regiozorg.night.team import current_shift
from regiozorg.transaction import unit_of_work

BATCH = 100


def run_due_escalations(session: Session, *, now: datetime | None = None) -> int:
    """Take every escalation step that is due; the number of incidents escalated."""
    moment = now or utcnow()
    taken: list[tuple[UUID, int]] = []
    with unit_of_work(session):
        query = (
            select(Incident)
            .where(
                Incident.next_escalation_at.is_not(None),
                Incident.next_escalation_at <= moment,
            )
            .order_by(Incident.next_escalation_at)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
        for incident in session.scalars(query):
            if incident.state is not IncidentState.RECEIVED:
                incident.next_escalation_at = None  # answered in the meantime
                continue
            steps = escalation_steps(session, incident.priority)
            reachable = _reachable(session, incident, moment)
            taken_now = rules.steps_to_take(steps, incident.escalations_done, reachable)
            if not taken_now:
                incident.next_escalation_at = None
                continue
            for step in taken_now:
                _record(session, incident, step, moment)
            incident.escalations_done += len(taken_now)
            incident.next_escalation_at = rules.escalation_deadline(
                incident.received_at, steps, incident.escalations_done
            )
            taken.append((incident.id, incident.priority))
            publish_change(session, incident.id, "escalated", incident.priority)
    return len(taken)


def _record(session: Session, incident: Incident, taken: rules.StepTaken, moment: datetime) -> None:
    """One step in the timeline and the audit trail: whom it reached, or why nobody."""
    session.add(
        IncidentEvent(
            incident_id=incident.id,
            at=moment,
            kind="escalated",
            detail=labels.escalation_detail(taken),
        )
    )
    if taken.skipped is not None:
        outcome = f"skipped: {taken.skipped}"
    elif taken.notified:
        outcome = f"console of {len(taken.notified)} desk carer(s)"
    else:
        outcome = f"number shown to call: {taken.phone}"
    audit.record(
        session,
        SYSTEM,
        "night.incident.escalated",
        obj=("incident", incident.id),
        client=incident.audited_client,
        detail=f"step {taken.step.number}: {taken.step.target}, {outcome}",
    )


def _reachable(session: Session, incident: Incident, moment: datetime) -> rules.Reachable:
    """Who the incident's escalation could reach now: the desk carers on the roster, and the
    incident's location with its night phone."""
    desk = tuple(
        session.scalars(
            select(User.name)
            .join(NightShift, NightShift.user_id == User.id)
            .where(NightShift.role == DeskRole.DESK, current_shift(moment))
            .distinct()
            .order_by(User.name)
        )
    )
    if incident.location_id is None:
        return rules.Reachable(desk=desk)
    row = session.execute(
        select(Location.name, NightLocation.staff_phone)
        .outerjoin(NightLocation, NightLocation.location_id == Location.id)
        .where(Location.id == incident.location_id)
    ).one_or_none()
    if row is None:
        return rules.Reachable(desk=desk)
    return rules.Reachable(desk=desk, location=row[0], location_phone=row[1] or None)


def raise_link_failures(session: Session, *, now: datetime | None = None) -> int:
    """A technical alarm, priority 1, for every controller whose heartbeats stopped."""
    # Judged as of the moment every heartbeat that reached this process is recorded: one
    # still waiting in the thread pool (a storm of reconnecting controllers) is no silence.
    moment = now or in_flight.settled_until(utcnow())
    raised: list[UUID] = []
    with unit_of_work(session):
        overdue = _overdue_condition(session, moment)
        if overdue is None:
            return 0
        controllers = session.scalars(
            select(AlarmController)
            .where(AlarmController.link_down.is_(False), overdue)
            .with_for_update(skip_locked=True)
        ).all()
        for controller in controllers:
            if not rules.heartbeat_overdue(
                controller.last_heartbeat_at, controller.heartbeat_interval_seconds, moment
            ):
                continue
            controller.link_down = True
            steps = escalation_steps(session, rules.HIGHEST_PRIORITY)
            incident = Incident(
                id=uuid.uuid4(),
                kind=IncidentKind.TECHNICAL,
                state=IncidentState.RECEIVED,
                priority=rules.HIGHEST_PRIORITY,
                location_id=controller.location_id,
                controller_id=controller.controller_id,
                summary=(
                    f"Verbinding verbroken: centrale {controller.controller_id} geeft geen "
                    "hartslag meer. Volg de terugvalprocedure."
                ),
                received_at=moment,
                escalations_done=0,
                next_escalation_at=rules.escalation_deadline(moment, steps, 0),
            )
            session.add(incident)
            session.add(IncidentEvent(incident_id=incident.id, at=moment, kind="link.failure"))
            audit.record(
                session,
                SYSTEM,
                "night.link.failure",
                obj=("controller", controller.controller_id),
                detail=f"last heartbeat {controller.last_heartbeat_at.isoformat()}"
                if controller.last_heartbeat_at
                else None,
            )
            raised.append(incident.id)
            publish_change(session, incident.id, "received", rules.HIGHEST_PRIORITY)
    return len(raised)


def _overdue_condition(session: Session, moment: datetime) -> ColumnElement[bool] | None:
    """Which watched controllers are overdue at ``moment``, as SQL, so the check reads and
    locks only those: it used to load and lock every controller each round, ten thousand rows
    every few seconds in a region after a power cut, holding up the very heartbeats it waits
    for. One deadline per heartbeat interval in use (a handful), the same rule as
    ``rules.heartbeat_overdue``; None when no controller is watched."""
    intervals = session.scalars(
        select(AlarmController.heartbeat_interval_seconds)
        .where(AlarmController.link_down.is_(False), AlarmController.last_heartbeat_at.is_not(None))
        .distinct()
    ).all()
    if not intervals:
        return None
    return or_(
        *(
            and_(
                AlarmController.heartbeat_interval_seconds == seconds,
                AlarmController.last_heartbeat_at
                < moment - timedelta(seconds=seconds * rules.HEARTBEAT_GRACE),
            )
            for seconds in intervals
        )
    )
