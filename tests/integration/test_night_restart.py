"""Alarms survive a crash of the server: a real server process is killed (SIGKILL) while an
alarm platform keeps posting with retries; afterwards every alarm is stored exactly once, and
every escalation step that fell due while the server was down is taken after it came back.

The server commits for real, so this test has a database of its own (a file on SQLite; on
PostgreSQL the test database's name with ``_restart``), created afresh each run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from benchmarks.night import (
    Server,
    alarm,
    check_escalations,
    check_exactly_once,
    devices,
    fast_escalation,
    fresh_database,
    platform_token,
    post_through_restarts,
)
from sqlalchemy import Engine, make_url

from regiozorg.night.rules import EscalationTarget
from tests.conftest import BACKENDS, POSTGRES_URL

pytestmark = pytest.mark.slow

ALARMS = 120
STEP_SECONDS = 1


@pytest.fixture(params=BACKENDS)
def restart_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'night-restart.sqlite3'}"
    else:
        assert POSTGRES_URL
        parsed = make_url(POSTGRES_URL)
        url = parsed.set(database=f"{parsed.database}_restart").render_as_string(False)
    yield url


@pytest.fixture
def prepared(restart_database: str) -> Iterator[Engine]:
    engine = fresh_database(restart_database)
    # One escalation step a second after the alarm: due while the server is down.
    fast_escalation(engine, [(STEP_SECONDS, EscalationTarget.SECOND_HANDLER)])
    yield engine
    engine.dispose()


def test_a_killed_server_loses_and_doubles_no_alarm_and_still_escalates(
    prepared: Engine, restart_database: str, tmp_path: Path
) -> None:
    token = platform_token(prepared)
    senders = devices(prepared)
    tag = "restart"
    bodies = [alarm(tag, i, senders[i % len(senders)]) for i in range(ALARMS)]
    server = Server(restart_database, worker_seconds=0.5, log=tmp_path / "server.log")
    server.start()
    try:
        # About 3 s of alarms at 40/s; the kill comes 1.5 s in, for 2 s.
        posting, windows = asyncio.run(
            post_through_restarts(server, token, bodies, rate=40, kills=1, every=1.5, down=2.0)
        )
        once = check_exactly_once(prepared, tag, posting, ALARMS)
        escalated = check_escalations(prepared, tag, [STEP_SECONDS], windows, wait=15)
    finally:
        server.stop()

    assert len(windows) == 1
    assert posting.failures > 0, "the kill came after the last alarm: nothing was retried"
    assert once["accepted"] == ALARMS
    assert once["stored"] == {
        "messages": ALARMS,
        "distinct_references": ALARMS,
        "incidents_of_messages": ALARMS,
        "incidents": ALARMS,
    }
    assert once["answers_not_matching_database"] == 0
    assert escalated["incidents_without_every_step_exactly_once"] == 0
    assert escalated["steps_due_while_down"] > 0
    assert escalated["of_those_taken_after_restart"] == escalated["steps_due_while_down"]
