"""Races on the night desk, with real threads and real commits on both databases: an alarm
platform that fires the same alarm sixteen times at once opens one incident; eight handlers who
press "oppakken" together leave it with one; eight screens opening it together all see it; two
app processes running the escalation worker take every step once.

These tests commit, so they remove their incidents, messages, timelines and night shifts
afterwards (audit rows stay: the trail is append-only).
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from regiozorg.accounts.models import User
from regiozorg.audit import AuditEntry
from regiozorg.auth import Actor, Membership, Role
from regiozorg.clock import utcnow
from regiozorg.db import make_sessionmaker
from regiozorg.errors import ConflictError
from regiozorg.night.console import escalation
from regiozorg.night.incidents import actions
from regiozorg.night.intake import actions as intake
from regiozorg.night.models import (
    AlarmController,
    AlarmMessage,
    Incident,
    IncidentEvent,
    NightShift,
)
from regiozorg.night.rules import DeskRole, IncidentState
from tests.integration.race import all_at_once
from tests.night_cast import MEPPEL, PLATFORM, actor_of, alarm

SENDERS = 16
HANDLERS = 8


@dataclass
class Committed:
    """What a race test added to the committed database, to remove again afterwards."""

    sessions: sessionmaker[Session]
    tag: str
    platform: Actor
    incidents: set[UUID] = field(default_factory=set)
    shifts: list[UUID] = field(default_factory=list)

    def alarm(self, number: int = 0) -> UUID:
        with self.sessions() as session:
            received = intake.receive_alarm(
                session, self.platform, message=alarm(f"{self.tag}{number}", MEPPEL, "D001")
            )
        assert received.incident_id is not None
        self.incidents.add(received.incident_id)
        return received.incident_id


@pytest.fixture
def committed(engine: Engine) -> Iterator[Committed]:
    sessions = make_sessionmaker(engine)
    tag = "RACE" + "".join(random.choices(string.ascii_uppercase, k=6))
    with sessions() as session:
        platform = actor_of(session, PLATFORM)
    created = Committed(sessions, tag, platform)
    yield created
    with sessions() as session, session.begin():
        ours = select(AlarmMessage.incident_id).where(AlarmMessage.reference.startswith(tag))
        created.incidents |= {i for i in session.scalars(ours) if i is not None}
        session.execute(delete(AlarmMessage).where(AlarmMessage.reference.startswith(tag)))
        session.execute(
            delete(IncidentEvent).where(IncidentEvent.incident_id.in_(created.incidents))
        )
        session.execute(delete(Incident).where(Incident.id.in_(created.incidents)))
        session.execute(delete(NightShift).where(NightShift.id.in_(created.shifts)))


def test_sixteen_retries_of_one_alarm_at_once_open_one_incident(committed: Committed) -> None:
    started = utcnow()
    message = alarm(f"{committed.tag}0", MEPPEL, "D001")

    def post() -> intake.Intake:
        with committed.sessions() as session:
            return intake.receive_alarm(session, committed.platform, message=message)

    outcomes = all_at_once([post] * SENDERS)

    answers = [o for o in outcomes if isinstance(o, intake.Intake)]
    assert len(answers) == SENDERS, outcomes
    committed.incidents |= {a.incident_id for a in answers if a.incident_id}
    first = [a for a in answers if not a.duplicate]
    assert len(first) == 1
    assert first[0].incident_id is not None
    assert {a.incident_id for a in answers} == {first[0].incident_id}
    with committed.sessions() as session:
        messages = session.scalar(
            select(func.count())
            .select_from(AlarmMessage)
            .where(AlarmMessage.reference == message.reference)
        )
        incidents = session.scalars(
            select(Incident.id).where(
                Incident.controller_id == MEPPEL,
                Incident.device_id == "D001",
                Incident.received_at >= started,
            )
        ).all()
    assert messages == 1
    assert incidents == [first[0].incident_id]


@pytest.fixture
def handlers(committed: Committed) -> list[Actor]:
    """Eight people on the night desk now: demo accounts with a night-carer role and a shift."""
    now = utcnow()
    with committed.sessions() as session, session.begin():
        users = session.execute(select(User.id, User.email).order_by(User.email).limit(HANDLERS))
        people = []
        for user_id, email in users:
            shift = NightShift(
                user_id=user_id,
                role=DeskRole.DESK,
                starts_at=now - timedelta(hours=1),
                ends_at=now + timedelta(hours=1),
            )
            session.add(shift)
            session.flush()
            committed.shifts.append(shift.id)
            # The account's own organisation does not matter to the shared night team.
            membership = Membership(
                next(iter(committed.platform.organisation_ids())), Role.NIGHT_CARER
            )
            people.append(Actor(user_id=user_id, email=email, memberships=frozenset({membership})))
    assert len(people) == HANDLERS
    return people


def test_eight_handlers_claiming_one_alarm_leave_it_with_one(
    committed: Committed, handlers: list[Actor]
) -> None:
    incident_id = committed.alarm()

    def claim(handler: Actor) -> Callable[[], IncidentState]:
        def attempt() -> IncidentState:
            with committed.sessions() as session:
                return actions.acknowledge(session, handler, incident_id=incident_id)

        return attempt

    outcomes = all_at_once([claim(handler) for handler in handlers])

    won = [i for i, o in enumerate(outcomes) if o is IncidentState.ACKNOWLEDGED]
    lost = [o for o in outcomes if o is not IncidentState.ACKNOWLEDGED]
    assert len(won) == 1, outcomes
    assert len(lost) == HANDLERS - 1
    assert all(isinstance(o, ConflictError) for o in lost), lost
    assert all(str(o).startswith("Deze melding is al opgepakt door ") for o in lost)
    with committed.sessions() as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        assert incident.handler_id == handlers[won[0]].user_id
        claims = session.scalar(
            select(func.count())
            .select_from(IncidentEvent)
            .where(IncidentEvent.incident_id == incident_id, IncidentEvent.kind == "acknowledged")
        )
    assert claims == 1


def test_two_workers_escalating_at_once_take_every_step_once(committed: Committed) -> None:
    incident_id = committed.alarm()
    with committed.sessions() as session, session.begin():
        incident = session.get(Incident, incident_id)
        assert incident is not None
        # Unanswered for a day: every step is due, one per round of the worker.
        late = timedelta(days=1)
        incident.received_at -= late
        assert incident.next_escalation_at is not None
        incident.next_escalation_at -= late

    def worker() -> int:
        with committed.sessions() as session:
            return escalation.run_due_escalations(session)

    for _ in range(4):
        outcomes = all_at_once([worker, worker])
        assert all(isinstance(o, int) for o in outcomes), outcomes

    with committed.sessions() as session:
        steps = session.scalars(
            select(IncidentEvent.detail)
            .where(IncidentEvent.incident_id == incident_id, IncidentEvent.kind == "escalated")
            .order_by(IncidentEvent.id)
        ).all()
        incident = session.get(Incident, incident_id)
        assert incident is not None
    # stored as a small JSON record of the step, shown in words on the console
    assert [json.loads(step)["step"] for step in steps] == [1, 2, 3]
    assert incident.escalations_done == 3
    assert incident.next_escalation_at is None


def test_eight_screens_opening_one_incident_at_once_all_see_it(
    committed: Committed, handlers: list[Actor]
) -> None:
    incident_id = committed.alarm()

    def view(handler: Actor) -> Callable[[], actions.IncidentDetail]:
        def attempt() -> actions.IncidentDetail:
            with committed.sessions() as session:
                return actions.view_incident(session, handler, incident_id=incident_id)

        return attempt

    outcomes = all_at_once([view(handler) for handler in handlers])

    assert all(isinstance(o, actions.IncidentDetail) for o in outcomes), outcomes
    details = [o for o in outcomes if isinstance(o, actions.IncidentDetail)]
    assert {d.id for d in details} == {incident_id}
    assert all(d.client is not None for d in details)  # all on shift, the client enrolled
    with committed.sessions() as session:
        reads = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.action == "night.client.read",
                AuditEntry.object_id == str(incident_id),
                AuditEntry.outcome == "success",
            )
        )
    assert reads == HANDLERS  # every read of the card is in the trail


def test_first_heartbeats_of_a_new_controller_at_once_register_it_once(
    committed: Committed,
) -> None:
    """After a power cut a controller nobody configured may send its first heartbeat twice
    (a retry on a slow answer): neither may fail, and it is watched from then on."""
    controller = f"{committed.tag}C"
    ping = alarm(f"{committed.tag}P", controller, None, message_type="PI")

    def beat() -> intake.Intake:
        with committed.sessions() as session:
            return intake.receive_alarm(session, committed.platform, message=ping)

    try:
        outcomes = all_at_once([beat] * HANDLERS)
        assert all(isinstance(o, intake.Intake) for o in outcomes), outcomes
        with committed.sessions() as session:
            row = session.get(AlarmController, controller)
            assert row is not None and row.last_heartbeat_at is not None
            seen = session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "night.controller.seen")
                .where(AuditEntry.object_id == controller)
            )
            assert seen == 1
    finally:
        with committed.sessions() as session, session.begin():
            session.execute(
                delete(AlarmController).where(AlarmController.controller_id == controller)
            )
