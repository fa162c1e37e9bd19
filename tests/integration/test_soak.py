"""A shortened soak (``benchmarks/soak.py``): a real server process under about 25 s of mixed
traffic (alarms with retries and resets, heartbeats, bed requests with holds, pages, live
streams); afterwards no request failed, every alarm and hold is accounted for, nothing is
double-booked, and the server's memory stayed within a loose bound.

The server commits for real, so the run has a database of its own: a file on SQLite; on
PostgreSQL the test database's name with ``_soak``, created afresh each run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.soak import Load, soak
from sqlalchemy import make_url

from tests.conftest import BACKENDS, POSTGRES_URL

pytestmark = pytest.mark.slow

# Low rates: the suite runs on busy machines; the hour-long soak is the benchmark's.
SHORT = Load(
    minutes=0.4, alarms_per_second=1.0, heartbeats_per_second=5.0, heartbeat_controllers=20,
    bed_cycles_per_minute=12.0, pages_per_second=1.0, streams=2, sample_seconds=1.0,
    warmup_seconds=8.0, growth_bound_mb=100.0,
)  # fmt: skip


@pytest.fixture(params=BACKENDS)
def soak_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'soak.sqlite3'}"
    assert POSTGRES_URL
    parsed = make_url(POSTGRES_URL)
    return parsed.set(database=f"{parsed.database}_soak").render_as_string(False)


def test_a_short_soak_fails_no_request_and_loses_no_alarm_or_hold(
    soak_database: str, tmp_path: Path
) -> None:
    result = soak(soak_database, SHORT, log=tmp_path / "server.log")

    assert result["server_alive_at_the_end"]
    assert result["unexpected_status"] == {}, result["status_codes"]
    alarms = result["alarms"]
    assert alarms["alarms"] >= 20, "too few alarms were sent to say anything"
    assert alarms["exactly_once"], alarms
    assert alarms["answered_duplicate"] == alarms["retries_sent"] > 0
    assert alarms["retries_not_answered_as_duplicate_of_the_first"] == 0
    assert result["bed_requests_stored"] == result["bed_requests"] > 0
    holds = result["holds"]
    assert holds["holds"] >= 3, result["status_codes"]
    assert holds["not_as_decided_count"] == 0, holds["not_as_decided"]
    assert holds["by_state"].get("accepted", 0) >= 1
    assert holds["by_state"].get("cancelled", 0) >= 1
    assert result["overlapping_occupations"] == 0
    assert result["link_failures_of_heartbeating_controllers"] == 0
    assert result["streams_ended_early"] == 0
    assert all(n > 0 for n in result["stream_events"]), result["stream_events"]
    assert result["memory"]["flat"], result["memory"]
    assert result["ok"]
