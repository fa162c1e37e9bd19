"""The app runs the night worker by itself: an alarm nobody answers escalates without anyone
pressing a button, and the worker stops with the app.

The tests wait for the worker's rounds themselves (a job added after the real ones tells when a
round is done), not for a guessed number of seconds."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from regiozorg import workers
from regiozorg.app import create_app
from regiozorg.clock import utcnow
from regiozorg.config import Settings
from regiozorg.night import worker as night_worker
from regiozorg.night.intake import actions as intake
from regiozorg.night.models import Incident, IncidentEvent
from regiozorg.night.rules import IncidentState
from tests.night_cast import PLATFORM, actor_of, alarm

#: Only a worker that never runs waits this long: the test then fails instead of hanging.
NEVER = 30.0


def _rounds(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set when the night worker has finished a round of its jobs."""
    done = threading.Event()

    def round_done(session: Session) -> int:
        done.set()
        return 0

    monkeypatch.setattr(night_worker, "JOBS", (*night_worker.JOBS, round_done))
    return done


def _started_workers(monkeypatch: pytest.MonkeyPatch) -> dict[str, asyncio.Task[None] | None]:
    """The background jobs the app starts, by name, and their tasks (None: switched off)."""
    started: dict[str, asyncio.Task[None] | None] = {}
    start = workers.start

    def recorded(seconds: float, job: Callable[[], object], name: str) -> asyncio.Task[None] | None:
        started[name] = start(seconds, job, name)
        return started[name]

    monkeypatch.setattr(workers, "start", recorded)
    return started


def test_the_app_escalates_an_unanswered_alarm_by_itself_and_stops_cleanly(
    settings: Settings,
    engine: Engine,
    sessions: sessionmaker[Session],
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    received = intake.receive_alarm(
        session, actor_of(session, PLATFORM), message=alarm("WORKER1", device_type="0003")
    )
    assert received.incident_id is not None
    incident = session.get(Incident, received.incident_id)
    assert incident is not None and incident.next_escalation_at is not None
    # Nobody answered for the first step's time: it is due now.
    late = incident.next_escalation_at - incident.received_at + timedelta(seconds=1)
    incident.received_at -= late
    incident.next_escalation_at -= late
    session.commit()

    app = create_app(settings.model_copy(update={"night_worker_seconds": 0.1}), engine)
    app.state.sessions = sessions
    round_done = _rounds(monkeypatch)
    with TestClient(app):
        # The test's connection is the worker's: leave it alone until a round is done.
        assert round_done.wait(NEVER), "the night worker never ran"
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 5  # the worker stopped with the app

    session.expire_all()
    incident = session.get(Incident, received.incident_id)
    assert incident is not None
    assert incident.state is IncidentState.RECEIVED
    # one desk carer on the roster: step 1 (a second handler) skipped, step 2 taken with it
    assert incident.escalations_done == 2
    assert incident.next_escalation_at is not None and incident.next_escalation_at > utcnow()
    steps = session.scalars(
        select(IncidentEvent.detail).where(
            IncidentEvent.incident_id == incident.id, IncidentEvent.kind == "escalated"
        )
    ).all()
    assert [json.loads(step).get("skipped") for step in steps] == ["no_second_desk", None]


def test_the_worker_stays_off_at_zero_seconds(
    settings: Settings,
    engine: Engine,
    sessions: sessionmaker[Session],
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    received = intake.receive_alarm(
        session, actor_of(session, PLATFORM), message=alarm("WORKER2", device_type="0003")
    )
    incident = session.get(Incident, received.incident_id)
    assert incident is not None and incident.next_escalation_at is not None
    incident.next_escalation_at = utcnow() - timedelta(seconds=1)
    session.commit()

    assert settings.night_worker_seconds == 0
    app = create_app(settings, engine)
    app.state.sessions = sessions
    started = _started_workers(monkeypatch)
    with TestClient(app):
        assert started["night worker"] is None  # no task: nothing can run it

    session.expire_all()
    incident = session.get(Incident, received.incident_id)
    assert incident is not None and incident.escalations_done == 0
