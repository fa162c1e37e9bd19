"""Escalation on real databases records only what happened: whom a step warned on the
console, which number it put there to ring, and a step with nobody to reach as skipped with
its reason (the next step taken at once)."""

from __future__ import annotations

import json
from datetime import timedelta
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.accounts.models import User
from regiozorg.audit import AuditEntry
from regiozorg.clock import utcnow
from regiozorg.night.console import escalation, queries
from regiozorg.night.intake import actions as intake
from regiozorg.night.models import Incident, IncidentEvent, NightShift
from regiozorg.night.rules import DeskRole
from tests.night_cast import DESK, MOBILE_MEPPEL, PLATFORM, actor_of, alarm


def _steps(session: Session, incident_id: UUID) -> list[dict[str, object]]:
    return [
        json.loads(detail)
        for detail in session.scalars(
            select(IncidentEvent.detail)
            .where(IncidentEvent.incident_id == incident_id, IncidentEvent.kind == "escalated")
            .order_by(IncidentEvent.id)
        )
    ]


def _alarm(session: Session, reference: str, controller: str = "7100") -> Incident:
    received = intake.receive_alarm(
        session, actor_of(session, PLATFORM), message=alarm(reference, controller, "D002")
    )
    incident = session.get(Incident, received.incident_id)
    assert incident is not None
    return incident


def _name(session: Session, email: str) -> str:
    return session.scalars(select(User.name).where(User.email == email)).one()


def test_a_second_desk_carer_on_the_roster_is_warned_by_name(session: Session) -> None:
    second = session.scalars(select(User).where(User.email == MOBILE_MEPPEL)).one()
    session.add(
        NightShift(
            user_id=second.id,
            role=DeskRole.DESK,
            starts_at=utcnow() - timedelta(hours=1),
            ends_at=utcnow() + timedelta(hours=8),
        )
    )
    session.commit()
    incident = _alarm(session, "ESC-TWO")
    escalation.run_due_escalations(session, now=incident.next_escalation_at)
    (step,) = _steps(session, incident.id)
    assert step["target"] == "second_handler" and "skipped" not in step
    assert step["to"] == sorted([_name(session, DESK), second.name])


def test_an_unknown_sender_without_location_goes_straight_to_the_fallback_number(
    session: Session,
) -> None:
    incident = _alarm(session, "ESC-UNKNOWN", controller="9999")  # a controller never seen
    assert incident.unknown_sender and incident.location_id is None
    escalation.run_due_escalations(session, now=incident.next_escalation_at)
    steps = _steps(session, incident.id)
    assert steps == [
        {"step": 1, "target": "second_handler", "skipped": "no_second_desk"},
        {"step": 2, "target": "location_staff", "skipped": "no_location"},
        {"step": 3, "target": "phone", "phone": "0522-000000"},
    ]
    session.expire_all()
    assert session.get_one(Incident, incident.id).next_escalation_at is None
    trail = session.scalars(
        select(AuditEntry.detail)
        .where(
            AuditEntry.object_id == str(incident.id),
            AuditEntry.action == "night.incident.escalated",
        )
        .order_by(AuditEntry.id)
    ).all()
    assert trail == [
        "step 1: second_handler, skipped: no_second_desk",
        "step 2: location_staff, skipped: no_location",
        "step 3: phone, number shown to call: 0522-000000",
    ]
    (row,) = [r for r in queries.open_queue(session) if r.id == incident.id]
    assert row.escalations == 3
    assert json.loads(row.escalation or "")["phone"] == "0522-000000"
