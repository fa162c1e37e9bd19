"""Night service benchmarks against a real server process (issue 5), on PostgreSQL.

    .venv/bin/python -m benchmarks.night [--postgres URL] [--alarms 5000] [--clients 8 32]
        [--workers 1 2] [--subscribers 50] [--latency-alarms 200] [--rate 20]
        [--restart-alarms 600] [--restart-rate 30] [--kills 2] [--quick]
        [--skip ingest latency restart]

The script drops and recreates the database named in ``--postgres`` (default
``regiozorg_bench_night`` on 127.0.0.1), migrates it, seeds the small demo and creates an API
token for the alarm platform's account (alarmplatform@demo.regiozorg.nl). Every run starts
``uvicorn regiozorg.app:create_app`` as a subprocess on 127.0.0.1 and a free port; all traffic
stays on this machine, and every loop is bounded in count and time.

1. Ingestion: ``--alarms`` alarms with unique references POSTed to /api/v1/alarms by each
   number of ``--clients`` concurrent keep-alive clients, once per ``--workers`` count of
   uvicorn worker processes; alarms/s end to end, and the CPU time per alarm of the server's
   processes, of PostgreSQL's and of the client (from /proc: where the time goes, less
   disturbed by a busy machine than alarms/s). Afterwards the database must hold exactly one
   message and one incident per alarm. Target >= 500 alarms/s.
2. Latency: ``--subscribers`` clients follow GET /api/v1/events (SSE, with the token) while
   ``--latency-alarms`` alarms are posted at ``--rate`` per second; the time from the start of
   the POST to the event reaching each subscriber, p50 and p99. Target p99 <= 1 s.
3. Restart: four posters keep posting ``--restart-alarms`` alarms at ``--restart-rate`` per
   second, each retried on error or timeout until it gets 202, while the server is killed
   (SIGKILL) ``--kills`` times and restarted. Escalation steps are shortened to 2 and 4 s
   first, so that deadlines fall while the server is down. Afterwards every alarm must exist
   exactly once, and every incident must have taken each escalation step exactly once, those
   due while down after the restart.

Results: benchmarks/results/night.json (with the machine and its load average before and
after); README table: ``.venv/bin/python -m benchmarks.readme``. ``--quick`` runs everything
small (a smoke test of the harness). Server output goes to var/bench-night-server.log.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
from sqlalchemy import Engine, make_url, select, text
from sqlalchemy.orm import Session

from benchmarks.common import machine, percentile, write
from regiozorg import demo
from regiozorg.accounts import actions as accounts
from regiozorg.auth import SYSTEM
from regiozorg.db import make_engine
from regiozorg.migrate import upgrade
from regiozorg.night.models import AlarmDevice
from regiozorg.night.rules import EscalationTarget
from regiozorg.night.setup.actions import set_escalation_steps

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/regiozorg_bench_night"
PLATFORM = demo.demo_email("alarmplatform")
# Short escalation steps for the restart run: (seconds after the alarm, target).
ATTEMPTS = 5
FAST_STEPS = ((2, EscalationTarget.SECOND_HANDLER), (4, EscalationTarget.LOCATION_STAFF))


# --- the database ------------------------------------------------------------------------


def fresh_database(url: str) -> Engine:
    """Drop and recreate (PostgreSQL) or delete (SQLite) the database, migrate, seed."""
    if url.startswith("postgresql"):
        parsed = make_url(url)
        admin = parsed.set(drivername="postgresql", database="postgres")
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{parsed.database}"')
    else:
        path = Path(make_url(url).database or "")
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        demo.seed(session, scale=demo.Scale.SMALL, seed_value=2026)
    return engine


def platform_token(engine: Engine) -> str:
    with Session(engine) as session:
        return accounts.create_api_token(session, SYSTEM, user_email=PLATFORM, name="benchmark")


def devices(engine: Engine) -> list[tuple[str, str]]:
    """(controller, device) of every enrolled client's alarm device: alarms from known senders
    take the whole path (client, night plan, priority, audit row with the client)."""
    with Session(engine) as session:
        rows = session.execute(
            select(AlarmDevice.controller_id, AlarmDevice.device_id)
            .where(AlarmDevice.client_id.is_not(None))
            .order_by(AlarmDevice.controller_id, AlarmDevice.device_id)
        ).all()
    return [(c, d) for c, d in rows]


def fast_escalation(engine: Engine, steps: Sequence[tuple[int, EscalationTarget]]) -> None:
    with Session(engine) as session:
        for priority in range(1, 6):
            set_escalation_steps(
                session, SYSTEM, priority=priority, steps=[(s, t, None) for s, t in steps]
            )


def quiet_incidents(engine: Engine, tag: str) -> None:
    """No escalations for a finished ingestion run: the worker would load the next run."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE incidents SET next_escalation_at = NULL WHERE id IN (SELECT incident_id "
                "FROM alarm_messages WHERE reference LIKE :tag)"
            ),
            {"tag": f"{tag}-%"},
        )


def stored(engine: Engine, tag: str) -> dict[str, int]:
    """What the database holds of one run, counted from both sides: messages by reference,
    incidents by the run's tag in their summary."""
    with engine.connect() as connection:
        messages, references, incidents = connection.execute(
            text(
                "SELECT count(*), count(DISTINCT reference), count(DISTINCT incident_id) "
                "FROM alarm_messages WHERE reference LIKE :tag"
            ),
            {"tag": f"{tag}-%"},
        ).one()
        by_summary = connection.execute(
            text("SELECT count(*) FROM incidents WHERE summary LIKE :tag"), {"tag": f"{tag} %"}
        ).scalar_one()
    return {
        "messages": messages,
        "distinct_references": references,
        "incidents_of_messages": incidents,
        "incidents": by_summary,
    }


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """``uvicorn regiozorg.app:create_app`` in a process group of its own, so a kill takes
    its worker processes too."""

    database_url: str
    workers: int = 1
    worker_seconds: float = 2.0  # how often the night worker takes due escalation steps
    port: int = field(default_factory=free_port)
    log: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> float:
        """Start and wait until /api/v1/health answers 200; the seconds that took."""
        env = os.environ | {
            "REGIOZORG_DATABASE_URL": self.database_url,
            "REGIOZORG_COOKIE_SECURE": "false",
            "REGIOZORG_NIGHT_WORKER_SECONDS": str(self.worker_seconds),
        }
        command = [sys.executable, "-m", "uvicorn", "regiozorg.app:create_app", "--factory"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--no-access-log"]
        # info: the supervisor of several workers says so when it replaces one
        command += ["--log-level", "info", "--workers", str(self.workers)]
        output = self.log.open("ab") if self.log else subprocess.DEVNULL
        started = time.perf_counter()
        self.process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                msg = f"server exited with {self.process.returncode} (see {self.log})"
                raise RuntimeError(msg)
            try:
                if httpx.get(f"{self.base_url}/api/v1/health", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.kill()
        msg = f"server did not answer within {timeout} s"
        raise RuntimeError(msg)

    def kill(self) -> None:
        """SIGKILL, as a crash or a power cut: no lifespan shutdown, nothing flushed."""
        self._signal(signal.SIGKILL)

    def stop(self) -> None:
        self._signal(signal.SIGTERM)

    def _signal(self, number: signal.Signals) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with_group = True
        try:
            os.killpg(self.process.pid, number)
        except ProcessLookupError:
            with_group = False
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            if with_group:
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        if with_group and number is signal.SIGKILL:
            return
        # Worker processes of a stopped supervisor: make sure none outlives it.
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    server.start()
    try:
        yield server
    finally:
        server.stop()


def cpu_seconds(processes: str | int) -> float:
    """CPU time (user + system) used so far by the processes of one group (``int``: a process
    group id, its reaped children included) or of one name (``str``, e.g. "postgres");
    Linux only, 0 elsewhere."""
    return _cpu_seconds(processes, database=None)


def postgres_cpu_seconds(url: str) -> float:
    """CPU time used so far by the PostgreSQL backends connected to ``url``'s database: on a
    shared machine the sum over every PostgreSQL process counted other people's tests too, and
    fell whenever one of their backends exited (negative CPU per alarm). Leaves out the
    WAL writer and checkpointer, which serve every database."""
    return _cpu_seconds("postgres", database=make_url(url).database)


def _cpu_seconds(processes: str | int, *, database: str | None) -> float:
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if isinstance(processes, int):
                if os.getpgid(int(entry.name)) != processes:
                    continue
            elif (entry / "comm").read_text().strip() != processes:
                continue
            if database is not None:
                # A backend's title: "postgres: 15/main: user database host(port) state".
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                if f" {database} " not in title:
                    continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, ValueError):
            continue  # gone meanwhile
        own = int(fields[11]) + int(fields[12])
        # A process group's reaped children (cutime + cstime) count too: a worker process
        # that exits during a run leaves its time with its parent.
        total += own + (int(fields[13]) + int(fields[14]) if database is None else 0)
    return total / tick


def alarm(tag: str, number: int, sender: tuple[str, str]) -> dict[str, Any]:
    return {
        "reference": f"{tag}-{number}",
        "controller_id": sender[0],
        "device_id": sender[1],
        "device_type": "0003",
        "text": f"{tag} {number}",
    }


# --- 1. ingestion ------------------------------------------------------------------------


async def post_all(
    base_url: str, token: str, bodies: list[dict[str, Any]], clients: int
) -> tuple[float, dict[str, int]]:
    """POST every body with ``clients`` concurrent keep-alive connections: once, unless the
    connection fails (then again, up to ``ATTEMPTS`` times, counted as "retried")."""
    codes: dict[str, int] = {}
    queue = iter(bodies)
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=60
    ) as client:

        async def worker() -> None:
            for body in queue:
                for attempt in range(1, ATTEMPTS + 1):
                    try:
                        response = await client.post("/api/v1/alarms", json=body)
                        break
                    except httpx.TransportError:
                        # A platform retries; the reference makes the retry harmless.
                        codes["retried"] = codes.get("retried", 0) + 1
                        if attempt == ATTEMPTS:
                            raise
                        await asyncio.sleep(0.2)
                codes[str(response.status_code)] = codes.get(str(response.status_code), 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return time.perf_counter() - started, codes


def ingest(
    engine: Engine, url: str, token: str, *, alarms: int, clients: int, workers: int, log: Path
) -> dict[str, Any]:
    tag = f"ing{workers}w{clients}c{int(time.time())}"
    senders = devices(engine)
    bodies = [alarm(tag, i, senders[i % len(senders)]) for i in range(alarms)]
    with serving(Server(url, workers=workers, log=log)) as server:
        # Warm up every worker's connections and caches with alarms that are not counted.
        warm = [alarm(f"warm{tag}", i, senders[i % len(senders)]) for i in range(50)]
        asyncio.run(post_all(server.base_url, token, warm, clients))
        load = os.getloadavg()
        assert server.process is not None
        cpu = cpu_seconds(server.process.pid), postgres_cpu_seconds(url), time.process_time()
        elapsed, codes = asyncio.run(post_all(server.base_url, token, bodies, clients))
        cpu_used = [
            after - before
            for before, after in zip(
                cpu,
                (cpu_seconds(server.process.pid), postgres_cpu_seconds(url), time.process_time()),
                strict=True,
            )
        ]
    counts = stored(engine, tag)
    quiet_incidents(engine, tag)
    quiet_incidents(engine, f"warm{tag}")
    return {
        "workers": workers,
        "clients": clients,
        "alarms": alarms,
        "seconds": round(elapsed, 2),
        "alarms_per_second": round(alarms / elapsed, 1),
        "status_codes": codes,
        "stored": counts,
        # CPU per alarm counts less on a busy machine than alarms/s: where the time goes.
        "cpu_ms_per_alarm": {
            name: round(1000 * used / alarms, 2)
            for name, used in zip(("server", "postgres", "client"), cpu_used, strict=True)
        },
        "load_average_before": [round(x, 2) for x in load],
        "ok": codes.get("202") == alarms
        and set(codes) <= {"202", "retried"}
        and set(counts.values()) == {alarms},
    }


# --- 2. latency to the live screens ------------------------------------------------------


async def subscriber(
    base_url: str, token: str, arrivals: dict[str, float], ready: asyncio.Event
) -> None:
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
    timeout = httpx.Timeout(10, read=None)
    async with (
        httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout) as client,
        client.stream("GET", "/api/v1/events") as response,
    ):
        response.raise_for_status()
        async for line in response.aiter_lines():
            ready.set()  # the stream's first line comes after the subscription is made
            if line.startswith("data:"):
                event = json.loads(line[5:])
                incident = event.get("data", {}).get("incident_id")
                if incident and incident not in arrivals:
                    arrivals[incident] = time.perf_counter()


async def measure_latency(
    base_url: str, token: str, senders: list[tuple[str, str]], *, subscribers: int, n: int,
    rate: float,
) -> dict[str, Any]:  # fmt: skip
    tag = f"lat{int(time.time())}"
    arrivals: list[dict[str, float]] = [{} for _ in range(subscribers)]
    readies = [asyncio.Event() for _ in range(subscribers)]
    streams = [
        asyncio.create_task(subscriber(base_url, token, arrivals[i], readies[i]))
        for i in range(subscribers)
    ]
    try:
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=30)
        posted: dict[str, float] = {}
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30) as client:
            start = time.perf_counter()
            for i in range(n):
                await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
                sent = time.perf_counter()
                response = await client.post(
                    "/api/v1/alarms", json=alarm(tag, i, senders[i % len(senders)])
                )
                response.raise_for_status()
                posted[response.json()["incident_id"]] = sent
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline and any(
            len(a.keys() & posted.keys()) < n for a in arrivals
        ):
            await asyncio.sleep(0.05)
    finally:
        for stream in streams:
            stream.cancel()
        await asyncio.gather(*streams, return_exceptions=True)
    latencies = [a[i] - t for a in arrivals for i, t in posted.items() if i in a]
    missed = subscribers * n - len(latencies)
    ms = [x * 1000 for x in latencies] or [float("nan")]
    return {
        "subscribers": subscribers,
        "alarms": n,
        "rate_per_second": rate,
        "deliveries": len(latencies),
        "missed": missed,
        "p50_ms": round(percentile(ms, 0.50), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "max_ms": round(max(ms), 1),
        "ok": missed == 0 and percentile(ms, 0.99) <= 1000,
    }


def latency(
    engine: Engine, url: str, token: str, *, workers: int, subscribers: int, n: int, rate: float,
    log: Path,
) -> dict[str, Any]:  # fmt: skip
    with serving(Server(url, workers=workers, log=log)) as server:
        load = os.getloadavg()
        result = asyncio.run(
            measure_latency(
                server.base_url, token, devices(engine), subscribers=subscribers, n=n, rate=rate
            )
        )
    with engine.begin() as connection:
        connection.execute(text("UPDATE incidents SET next_escalation_at = NULL"))
    return {"workers": workers, **result, "load_average_before": [round(x, 2) for x in load]}


# --- 3. restart --------------------------------------------------------------------------


@dataclass
class Posting:
    """The retrying poster's record: what each reference was answered, and how often."""

    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    attempts: int = 0
    failures: int = 0
    duplicates: int = 0


async def post_with_retries(
    base_url: str, token: str, bodies: list[dict[str, Any]], *, rate: float, clients: int = 4,
    give_up_after: float = 120.0, pause: float = 0.2,
) -> Posting:  # fmt: skip
    """Like an alarm platform: alarm i is first sent ``i / rate`` seconds after the start, and
    retried on error or timeout until it gets 202."""
    record = Posting()
    queue = enumerate(bodies)
    start = time.perf_counter()
    deadline = start + give_up_after
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=3) as client:

        async def worker() -> None:
            for number, body in queue:
                await asyncio.sleep(max(0.0, start + number / rate - time.perf_counter()))
                while True:
                    if time.perf_counter() > deadline:
                        msg = f"{body['reference']} not accepted within {give_up_after} s"
                        raise TimeoutError(msg)
                    record.attempts += 1
                    try:
                        response = await client.post("/api/v1/alarms", json=body)
                    except httpx.TransportError:
                        response = None
                    if response is not None and response.status_code == 202:
                        answer = response.json()
                        record.duplicates += bool(answer["duplicate"])
                        record.answers[body["reference"]] = answer
                        break
                    record.failures += 1
                    await asyncio.sleep(pause)

        await asyncio.gather(*(worker() for _ in range(clients)))
    return record


async def kill_and_restart(
    server: Server, kills: int, *, every: float, down: float
) -> list[tuple[datetime, datetime]]:
    """Kill the server ``kills`` times, ``every`` seconds apart, each time down for ``down``
    seconds before starting again; the windows in which no server process ran, from the kill
    to the start of the new process (which then needs a moment before it answers)."""
    windows = []
    for _ in range(kills):
        await asyncio.sleep(every)
        killed = datetime.now(UTC)
        server.kill()
        await asyncio.sleep(down)
        windows.append((killed, datetime.now(UTC)))
        await asyncio.to_thread(server.start)
    return windows


async def post_through_restarts(
    server: Server, token: str, bodies: list[dict[str, Any]], *, rate: float, kills: int,
    every: float, down: float,
) -> tuple[Posting, list[tuple[datetime, datetime]]]:  # fmt: skip
    posting, windows = await asyncio.gather(
        post_with_retries(server.base_url, token, bodies, rate=rate),
        kill_and_restart(server, kills, every=every, down=down),
    )
    return posting, windows


def escalations(engine: Engine, tag: str) -> list[tuple[str, datetime, int, list[datetime]]]:
    """Per incident of the run: id, received_at, escalations_done, when each step was taken."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT i.id, i.received_at, i.escalations_done FROM incidents i "
                "JOIN alarm_messages m ON m.incident_id = i.id WHERE m.reference LIKE :tag"
            ),
            {"tag": f"{tag}-%"},
        ).all()
        taken: dict[str, list[datetime]] = {}
        for incident_id, at in connection.execute(
            text(
                "SELECT e.incident_id, e.at FROM incident_events e JOIN alarm_messages m "
                "ON m.incident_id = e.incident_id WHERE m.reference LIKE :tag "
                "AND e.kind = 'escalated' ORDER BY e.at"
            ),
            {"tag": f"{tag}-%"},
        ):
            taken.setdefault(str(incident_id), []).append(_aware(at))
    return [(str(i), _aware(r), d, taken.get(str(i), [])) for i, r, d in rows]


def _uuid(value: Any) -> UUID | None:
    return None if value is None else UUID(str(value))


def _aware(moment: Any) -> datetime:
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def check_exactly_once(engine: Engine, tag: str, posting: Posting, n: int) -> dict[str, Any]:
    counts = stored(engine, tag)
    with engine.connect() as connection:
        twice = connection.execute(
            text(
                "SELECT count(*) FROM (SELECT reference FROM alarm_messages "
                "WHERE reference LIKE :tag GROUP BY reference HAVING count(*) > 1) AS t"
            ),
            {"tag": f"{tag}-%"},
        ).scalar_one()
        stored_ids: dict[str, Any] = dict(
            connection.execute(
                text("SELECT reference, incident_id FROM alarm_messages WHERE reference LIKE :tag"),
                {"tag": f"{tag}-%"},
            ).all()
        )
    mismatched = sum(  # SQLite keeps a UUID as 32 hex digits, PostgreSQL as a uuid
        _uuid(stored_ids.get(reference)) != _uuid(answer["incident_id"])
        for reference, answer in posting.answers.items()
    )
    return {
        "alarms": n,
        "accepted": len(posting.answers),
        "attempts": posting.attempts,
        "failed_attempts": posting.failures,
        "answered_duplicate": posting.duplicates,
        "stored": counts,
        "references_stored_twice": twice,
        "answers_not_matching_database": mismatched,
        "exactly_once": len(posting.answers) == n
        and set(counts.values()) == {n}
        and twice == 0
        and mismatched == 0,
    }


def check_escalations(
    engine: Engine, tag: str, steps: Sequence[int], windows: list[tuple[datetime, datetime]],
    wait: float,
) -> dict[str, Any]:  # fmt: skip
    """Wait (at most ``wait`` s) until every step has fallen due and been taken; then each
    incident must have taken each step once, and a step due while the server was down must
    have been taken after it came back."""
    deadline = time.monotonic() + wait
    while True:
        rows = escalations(engine, tag)
        done = all(d == len(steps) for _, _, d, _ in rows)
        if done or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    due_while_down = fired_after_restart = 0
    wrong_count = sum(d != len(steps) or len(taken) != len(steps) for _, _, d, taken in rows)
    for _, received, _, taken in rows:
        for number, after in enumerate(steps):
            due = received + timedelta(seconds=after)
            for killed, back in windows:
                if killed <= due <= back:
                    due_while_down += 1
                    fired_after_restart += len(taken) > number and taken[number] >= back
    return {
        "steps_seconds": list(steps),
        "incidents": len(rows),
        "incidents_without_every_step_exactly_once": wrong_count,
        "steps_due_while_down": due_while_down,
        "of_those_taken_after_restart": fired_after_restart,
        "ok": wrong_count == 0 and due_while_down == fired_after_restart,
    }


def restart(
    engine: Engine, url: str, token: str, *, n: int, rate: float, kills: int,
    every: float = 4.0, down: float = 3.0, log: Path,
) -> dict[str, Any]:  # fmt: skip
    tag = f"rst{int(time.time())}"
    fast_escalation(engine, FAST_STEPS)
    senders = devices(engine)
    bodies = [alarm(tag, i, senders[i % len(senders)]) for i in range(n)]
    server = Server(url, log=log)
    server.start()
    try:
        started = time.perf_counter()
        posting, windows = asyncio.run(
            post_through_restarts(
                server, token, bodies, rate=rate, kills=kills, every=every, down=down
            )
        )
        elapsed = time.perf_counter() - started
        once = check_exactly_once(engine, tag, posting, n)
        escalated = check_escalations(engine, tag, [s for s, _ in FAST_STEPS], windows, wait=60)
    finally:
        server.stop()
    return {
        "kills": len(windows),
        "seconds_without_server": [round((b - k).total_seconds(), 1) for k, b in windows],
        "seconds": round(elapsed, 1),
        **once,
        "escalation": escalated,
        "ok": once["exactly_once"] and escalated["ok"] and len(windows) == kills,
    }


# --- main --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--alarms", type=int, default=5000)
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--subscribers", type=int, default=50)
    parser.add_argument("--latency-alarms", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--restart-alarms", type=int, default=600)
    parser.add_argument("--restart-rate", type=float, default=30.0)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="everything small")
    parser.add_argument("--skip", nargs="*", default=[], choices=["ingest", "latency", "restart"])
    args = parser.parse_args()
    if args.quick:
        args.alarms, args.latency_alarms, args.restart_alarms = 300, 40, 300
        args.subscribers, args.kills = 10, 1
    log = ROOT / "var" / "bench-night-server.log"
    log.parent.mkdir(exist_ok=True)
    log.write_bytes(b"")
    result: dict[str, Any] = {
        "machine": machine(),
        "database": "postgresql",
        "targets": {
            "ingest_alarms_per_second": 500,
            "latency_p99_ms": 1000,
            "restart": "every alarm exactly once; every escalation step due while down taken "
            "after the restart",
        },
        "note": "client and server share the machine's cores",
        "quick": args.quick,
    }
    print(f"preparing {args.postgres}")
    engine = fresh_database(args.postgres)
    token = platform_token(engine)
    if "ingest" not in args.skip:
        result["ingest"] = []
        for workers in args.workers:
            for clients in args.clients:
                run = ingest(
                    engine, args.postgres, token, alarms=args.alarms, clients=clients,
                    workers=workers, log=log,
                )  # fmt: skip
                print(f"  ingest: {run}")
                result["ingest"].append(run)
    if "latency" not in args.skip:
        result["latency"] = []
        for workers in args.workers:
            run = latency(
                engine, args.postgres, token, workers=workers, subscribers=args.subscribers,
                n=args.latency_alarms, rate=args.rate, log=log,
            )  # fmt: skip
            print(f"  latency: {run}")
            result["latency"].append(run)
    if "restart" not in args.skip:
        result["restart"] = restart(
            engine, args.postgres, token, n=args.restart_alarms, rate=args.restart_rate,
            kills=args.kills, log=log,
        )  # fmt: skip
        print(f"  restart: {result['restart']}")
    result["machine"]["load_average_at_end"] = os.getloadavg()
    engine.dispose()
    print(f"written to {write('night', result)}")


if __name__ == "__main__":
    main()
