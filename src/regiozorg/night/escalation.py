"""What a worker does every few seconds: escalate alarms nobody answered, and raise a
technical alarm for a controller whose heartbeat stopped. Deadlines live in the database, so
an app that restarts picks up exactly where the last one stopped; each step is one
transaction, so two workers (two app processes) never take the same step twice."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from regiozorg import audit
from regiozorg.auth import SYSTEM
from regiozorg.clock import utcnow
from regiozorg.db import unit_of_work
from regiozorg.night import labels, rules
from regiozorg.night.intake import escalation_steps, in_flight, publish_change
from regiozorg.night.models import (
    AlarmController,
    Incident,
    IncidentEvent,
    NightLocation,
)
from regiozorg.night.rules import EscalationTarget, IncidentKind, IncidentState

BATCH = 100


def run_due_escalations(session: Session, *, now: datetime | None = None) -> int:
    """Take every escalation step that is due; the number of steps taken."""
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
            step = rules.next_step(steps, incident.escalations_done)
            if step is None:
                incident.next_escalation_at = None
                continue
            detail = _describe(session, incident, step)
            incident.escalations_done += 1
            incident.next_escalation_at = rules.escalation_deadline(
                incident.received_at, steps, incident.escalations_done
            )
            session.add(
                IncidentEvent(incident_id=incident.id, at=moment, kind="escalated", detail=detail)
            )
            audit.record(
                session,
                SYSTEM,
                "night.incident.escalated",
                obj=("incident", incident.id),
                client=incident.audited_client,
                detail=f"step {incident.escalations_done}: {step.target}",
            )
            taken.append((incident.id, incident.priority))
    for incident_id, priority in taken:
        publish_change(incident_id, "escalated", priority)
    return len(taken)


def _describe(session: Session, incident: Incident, step: rules.EscalationStep) -> str:
    """The step as the timeline stores it: codes and the number called, not words."""
    phone = step.phone if step.target is EscalationTarget.PHONE else None
    if step.target is EscalationTarget.LOCATION_STAFF and incident.location_id:
        phone = session.scalar(
            select(NightLocation.staff_phone).where(
                NightLocation.location_id == incident.location_id
            )
        )
    return labels.escalation_detail(step.number, step.target, phone)


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
    for incident_id in raised:
        publish_change(incident_id, "received", rules.HIGHEST_PRIORITY)
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
