"""Heartbeats against a real server process (the issue's bulk of real traffic), on PostgreSQL.

    .venv/bin/python -m benchmarks.heartbeats [--postgres URL] [--heartbeats 20000]
        [--controllers-throughput 2000] [--clients 8 32] [--protocols json scaip]
        [--controllers 10000] [--window 60] [--allowance 30] [--storm-clients 64]
        [--down-fraction 0.3] [--silent 50] [--storm-alarms 600] [--quick]
        [--skip throughput storm]

The database named in ``--postgres`` (default ``regiozorg_bench_heartbeats`` on 127.0.0.1) is
dropped, recreated, migrated and seeded with the small demo; the alarm platform's account gets
an API token. The server is ``uvicorn regiozorg.app:create_app`` on 127.0.0.1 and a free port
(``benchmarks.night.Server``); every loop is bounded in count and time.

A heartbeat is ``POST /api/v1/alarms`` with ``message_type: "PI"`` (JSON), or
``POST /api/v1/alarms/scaip`` with ``<mty>PI</mty>`` (SCAIP, as controllers send it). The
intake locks the controller's row and writes its ``last_heartbeat_at`` (``intake._heartbeat``).

1. Throughput: ``--heartbeats`` heartbeats from ``--controllers-throughput`` distinct
   controllers by each count of ``--clients`` concurrent keep-alive clients, per protocol:
   heartbeats/s end to end and CPU ms per heartbeat of the server's processes and PostgreSQL.
   Afterwards every controller's last heartbeat must be from the run. Target >= 2,000/s.
2. Storm (a power cut ends): ``--controllers`` controllers are registered through the setup
   action (``night.setup.register_device``) with a heartbeat interval of 300 s. The watchdog
   (``escalation.raise_link_failures``) raises a link failure once a controller has been silent
   for more than 2.5 intervals (``rules.heartbeat_overdue``), checked every worker round.
   - ``--down-fraction`` of them were silent long before: the server's own watchdog raises
     their link failures before the storm starts (true failures; their reconnect must restore
     the link and raise no second failure);
   - the others' last heartbeat is set (one UPDATE, the only write not made by the app: the
     server's clock cannot be moved) so that each one's deadline falls ``--allowance`` seconds
     after the moment it reconnects in the storm. Each reconnects that long before its
     deadline, so any link failure of it is a false alarm (the result tells apart heartbeats
     that waited behind the storm's connections, sent late, from those the server answered
     late);
   - ``--silent`` controllers, with deadlines inside the storm, never reconnect: each must get
     exactly one link failure (so the check can fail: the watchdog did run during the storm).
   All reconnecting controllers send one heartbeat at a random moment in ``--window`` seconds,
   over ``--storm-clients`` connections, half JSON and half SCAIP, while ``--storm-alarms``
   alarms are posted at an even rate with retries. Afterwards: every alarm stored exactly once,
   false link failures (target 0), heartbeat latency p50/p99, how late the last one was
   answered after its planned moment, errors.

Results: benchmarks/results/heartbeats.json (with ``machine()``). ``--quick`` runs everything
small (a smoke test of the harness, under a minute). Server output: var/bench-heartbeats-server.log.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, bindparam, text, update
from sqlalchemy.orm import Session

from benchmarks.common import machine, percentile, write
from benchmarks.night import (
    ATTEMPTS,
    ROOT,
    Posting,
    Server,
    alarm,
    check_exactly_once,
    cpu_seconds,
    devices,
    fresh_database,
    platform_token,
    post_with_retries,
    postgres_cpu_seconds,
    serving,
)
from regiozorg.auth import SYSTEM
from regiozorg.night.models import AlarmController
from regiozorg.night.rules import HEARTBEAT_GRACE
from regiozorg.night.setup.actions import register_device

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/regiozorg_bench_heartbeats"
INTERVAL = 300  # seconds: the controllers' heartbeat interval (the app's default)
TARGET_PER_SECOND = 2000
SCAIP_TYPE = "application/xml"


# --- sending -----------------------------------------------------------------------------


def json_heartbeat(controller: str, number: int) -> dict[str, Any]:
    return {"reference": f"pi{number}", "controller_id": controller, "message_type": "PI"}


def scaip_heartbeat(controller: str, number: int) -> bytes:
    return (
        f"<mrq><ref>pi{number}</ref><cid>{controller}</cid><dty>0000</dty><mty>PI</mty></mrq>"
    ).encode()


@dataclass
class Beats:
    """What the senders saw: per controller when its heartbeat was answered (wall clock), the
    latency of every request, status codes ("transport" for a connection that failed)."""

    sent: dict[str, datetime] = field(default_factory=dict)  # first attempt
    answered: dict[str, datetime] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    lateness: list[float] = field(default_factory=list)  # answer - planned moment, seconds
    codes: Counter[str] = field(default_factory=Counter)


async def send_heartbeats(
    base_url: str, token: str, plan: Sequence[tuple[float, str]], *, clients: int,
    scaip_share: float = 0.0, deadline: float = 600.0,
) -> tuple[float, Beats]:  # fmt: skip
    """Send one heartbeat per (seconds after start, controller) of ``plan``, in its order, by
    ``clients`` keep-alive connections; a failed connection is retried as a controller would
    (up to ``ATTEMPTS``). Every ``1/scaip_share``-th heartbeat goes as SCAIP. The seconds it
    all took, and what was seen. Stops by itself after ``deadline`` seconds."""
    beats = Beats()
    queue = iter(enumerate(plan))
    every = round(1 / scaip_share) if scaip_share > 0 else 0
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=60
    ) as client:
        start = time.perf_counter()

        async def one(number: int, controller: str) -> int | None:
            if every and number % every == 0:
                body = scaip_heartbeat(controller, number)
                response = await client.post(
                    "/api/v1/alarms/scaip", content=body, headers={"Content-Type": SCAIP_TYPE}
                )
            else:
                response = await client.post(
                    "/api/v1/alarms", json=json_heartbeat(controller, number)
                )
            return response.status_code

        async def worker() -> None:
            for number, (offset, controller) in queue:
                if time.perf_counter() - start > deadline:
                    beats.codes["not sent: deadline"] += 1
                    continue
                await asyncio.sleep(max(0.0, start + offset - time.perf_counter()))
                beats.sent.setdefault(controller, datetime.now(UTC))
                for attempt in range(1, ATTEMPTS + 1):
                    sent = time.perf_counter()
                    try:
                        code = await one(number, controller)
                        break
                    except httpx.TransportError as error:
                        beats.codes[f"transport: {type(error).__name__}"] += 1
                        code = None
                        if attempt < ATTEMPTS:
                            await asyncio.sleep(0.2)
                done = time.perf_counter()
                if code is None:
                    continue
                beats.codes[str(code)] += 1
                beats.latencies.append(done - sent)
                beats.lateness.append(done - start - offset)
                if code in (200, 202):
                    beats.answered[controller] = datetime.now(UTC)

        await asyncio.gather(*(worker() for _ in range(clients)))
        return time.perf_counter() - start, beats


def latency_summary(beats: Beats) -> dict[str, Any]:
    ms = [x * 1000 for x in beats.latencies] or [float("nan")]
    late = beats.lateness or [float("nan")]
    return {
        "latency_p50_ms": round(percentile(ms, 0.50), 1),
        "latency_p99_ms": round(percentile(ms, 0.99), 1),
        "latency_max_ms": round(max(ms), 1),
        "answered_after_planned_p99_s": round(percentile(late, 0.99), 2),
        "answered_after_planned_max_s": round(max(late), 2),
    }


def errors_of(codes: Counter[str]) -> int:
    return sum(n for code, n in codes.items() if code not in ("200", "202"))


# --- the database ------------------------------------------------------------------------


def last_heartbeats(engine: Engine, controllers: Sequence[str]) -> dict[str, datetime | None]:
    with Session(engine) as session:
        rows = session.execute(
            text(
                "SELECT controller_id, last_heartbeat_at FROM alarm_controllers "
                "WHERE controller_id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": list(controllers)},
        ).all()
    return {c: _aware(at) for c, at in rows}


def _aware(moment: Any) -> datetime | None:
    if moment is None:
        return None
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def set_last_heartbeats(engine: Engine, moments: dict[str, datetime | None]) -> None:
    """The one write the app does not make: a silence that began before the server's clock
    can be moved. ORM bulk UPDATE by primary key, so the column's type converts the times."""
    with Session(engine) as session:
        rows = [{"controller_id": c, "last_heartbeat_at": at} for c, at in moments.items()]
        for start in range(0, len(rows), 1000):
            session.execute(update(AlarmController), rows[start : start + 1000])
        session.commit()


def link_failures(engine: Engine, controllers: Sequence[str]) -> Counter[str]:
    """Link failures raised per controller (each is a ``link.failure`` event of a technical
    incident; ``escalation.raise_link_failures`` writes exactly one per failure)."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT i.controller_id FROM incidents i JOIN incident_events e "
                "ON e.incident_id = i.id WHERE e.kind = 'link.failure' "
                "AND i.controller_id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": list(controllers)},
        ).all()
    return Counter(c for (c,) in rows)


def escalation_steps_of_link_failures(engine: Engine, controllers: Sequence[str]) -> int:
    """Escalation steps the worker took for link failures of these controllers: the work a
    false alarm adds to a server that is already behind."""
    with engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM incidents i JOIN incident_events e "
                    "ON e.incident_id = i.id WHERE e.kind = 'escalated' "
                    "AND i.kind = 'technical' AND i.controller_id IN :ids"
                ).bindparams(bindparam("ids", expanding=True)),
                {"ids": list(controllers)},
            ).scalar_one()
        )


def steps_after_restore(engine: Engine, controllers: Sequence[str]) -> int:
    """Escalation steps taken for a link failure after its link was restored: the heartbeat
    marks the failure restored but leaves its escalation running (``intake._heartbeat``);
    reported, not judged (whether a restored link should still be escalated is the service's
    call)."""
    with engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM incident_events e JOIN incidents i "
                    "ON i.id = e.incident_id JOIN (SELECT incident_id, min(at) AS at "
                    "FROM incident_events WHERE kind = 'link.restored' GROUP BY incident_id) r "
                    "ON r.incident_id = e.incident_id WHERE e.kind = 'escalated' "
                    "AND e.at > r.at AND i.controller_id IN :ids"
                ).bindparams(bindparam("ids", expanding=True)),
                {"ids": list(controllers)},
            ).scalar_one()
        )


def restored(engine: Engine, controllers: Sequence[str]) -> set[str]:
    """Controllers whose link failure got a ``link.restored`` event and whose link is up."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT DISTINCT i.controller_id FROM incidents i JOIN incident_events e "
                "ON e.incident_id = i.id JOIN alarm_controllers c "
                "ON c.controller_id = i.controller_id WHERE e.kind = 'link.restored' "
                "AND c.link_down = :down AND i.controller_id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": list(controllers), "down": False},
        ).all()
    return {c for (c,) in rows}


def links_down(engine: Engine, controllers: Sequence[str]) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM alarm_controllers WHERE link_down = :down "
                    "AND controller_id IN :ids"
                ).bindparams(bindparam("ids", expanding=True)),
                {"ids": list(controllers), "down": True},
            ).scalar_one()
        )


def register(engine: Engine, controllers: Sequence[str]) -> float:
    """Register each controller with its own call button through the setup action, as an
    installer would; the seconds that took."""
    started = time.perf_counter()
    with Session(engine) as session:
        for controller in controllers:
            register_device(
                session, SYSTEM, controller_id=controller, device_id="", device_type="0003",
                client_id=None, location_id=None, heartbeat_interval_seconds=INTERVAL,
            )  # fmt: skip
    return time.perf_counter() - started


# --- 1. throughput -----------------------------------------------------------------------


def throughput(
    engine: Engine, url: str, token: str, *, heartbeats: int, controllers: int, clients: int,
    protocol: str, log: Path,
) -> dict[str, Any]:  # fmt: skip
    prefix = "7" + str(int(time.time()) % 100000).zfill(5)
    ids = [f"{prefix}{i:05d}" for i in range(controllers)]
    plan = [(0.0, ids[i % controllers]) for i in range(heartbeats)]
    share = 1.0 if protocol == "scaip" else 0.0
    with serving(Server(url, log=log)) as server:
        # Warm-up, not counted: the first heartbeat of each controller creates its row.
        asyncio.run(
            send_heartbeats(
                server.base_url, token, [(0.0, c) for c in ids], clients=clients,
                scaip_share=share,
            )
        )  # fmt: skip
        assert server.process is not None
        group = server.process.pid
        begun = datetime.now(UTC)
        load = os.getloadavg()
        cpu = cpu_seconds(group), postgres_cpu_seconds(url), time.process_time()
        elapsed, beats = asyncio.run(
            send_heartbeats(server.base_url, token, plan, clients=clients, scaip_share=share)
        )
        after = cpu_seconds(group), postgres_cpu_seconds(url), time.process_time()
    seen = last_heartbeats(engine, ids)
    stale = sum(1 for c in ids if (seen.get(c) or datetime.min.replace(tzinfo=UTC)) < begun)
    # Quiet them: their silence after the run is no link failure for the next phase to count.
    set_last_heartbeats(engine, dict.fromkeys(ids))
    errors = errors_of(beats.codes)
    return {
        "protocol": protocol,
        "clients": clients,
        "controllers": controllers,
        "heartbeats": heartbeats,
        "seconds": round(elapsed, 2),
        "heartbeats_per_second": round(heartbeats / elapsed, 1),
        "status_codes": dict(beats.codes),
        "controllers_without_a_heartbeat_of_the_run": stale,
        "cpu_ms_per_heartbeat": {
            name: round(1000 * (b - a) / heartbeats, 3)
            for name, a, b in zip(("server", "postgres", "client"), cpu, after, strict=True)
        },
        **latency_summary(beats),
        "load_average_before": [round(x, 2) for x in load],
        "ok": errors == 0 and stale == 0 and heartbeats / elapsed >= TARGET_PER_SECOND,
    }


# --- 2. storm ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StormPlan:
    window: float
    allowance: float
    reconnecting: list[str]  # down ones first
    down: list[str]
    silent: list[str]
    offsets: dict[str, float]  # seconds after the storm's start: reconnect, or silent deadline


def plan_storm(
    controllers: int, *, down_fraction: float, silent: int, window: float, allowance: float,
    seed: int = 2026,
) -> StormPlan:  # fmt: skip
    rng = random.Random(seed)
    ids = [f"8{i:06d}" for i in range(controllers)]
    quiet = [f"9{i:06d}" for i in range(silent)]
    down = ids[: round(controllers * down_fraction)]
    offsets = {c: rng.uniform(0, window) for c in ids + quiet}
    return StormPlan(window, allowance, ids, down, quiet, offsets)


def wait_for_links_down(engine: Engine, controllers: Sequence[str], timeout: float) -> float:
    started = time.perf_counter()
    while links_down(engine, controllers) < len(controllers):
        if time.perf_counter() - started > timeout:
            msg = f"the watchdog did not raise {len(controllers)} link failures in {timeout} s"
            raise RuntimeError(msg)
        time.sleep(0.5)
    return time.perf_counter() - started


async def storm_traffic(
    base_url: str, token: str, plan: StormPlan, bodies: list[dict[str, Any]], clients: int
) -> tuple[tuple[float, Beats], Posting]:
    schedule = sorted((plan.offsets[c], c) for c in plan.reconnecting)
    rate = max(len(bodies) / plan.window, 0.1)
    return await asyncio.gather(
        send_heartbeats(
            base_url, token, schedule, clients=clients, scaip_share=0.5,
            deadline=plan.window + 600,
        ),
        post_with_retries(base_url, token, bodies, rate=rate, give_up_after=plan.window + 300),
    )  # fmt: skip


def storm(
    engine: Engine, url: str, token: str, plan: StormPlan, *, alarms: int, clients: int,
    worker_seconds: float, log: Path,
) -> dict[str, Any]:  # fmt: skip
    everyone = plan.reconnecting + plan.silent
    registration = register(engine, everyone)
    long_ago = datetime.now(UTC) - timedelta(seconds=3 * HEARTBEAT_GRACE * INTERVAL)
    set_last_heartbeats(engine, dict.fromkeys(plan.down, long_ago))
    tag = f"storm{int(time.time())}"
    senders = devices(engine)
    bodies = [alarm(tag, i, senders[i % len(senders)]) for i in range(alarms)]
    with serving(Server(url, log=log, worker_seconds=worker_seconds)) as server:
        down_after = wait_for_links_down(engine, plan.down, timeout=300)
        start = datetime.now(UTC) + timedelta(seconds=2)
        grace = timedelta(seconds=HEARTBEAT_GRACE * INTERVAL)

        def last(controller: str) -> datetime:
            deadline = start + timedelta(seconds=plan.offsets[controller])
            if controller not in plan.silent:
                deadline += timedelta(seconds=plan.allowance)
            return deadline - grace

        up = [c for c in everyone if c not in set(plan.down)]
        set_last_heartbeats(engine, {c: last(c) for c in up})
        time.sleep(max(0.0, (start - datetime.now(UTC)).total_seconds()))
        load = os.getloadavg()
        (elapsed, beats), posting = asyncio.run(
            storm_traffic(server.base_url, token, plan, bodies, clients)
        )
        # Every deadline has passed and the watchdog has had two rounds to act on it.
        settle = start + timedelta(seconds=plan.window + plan.allowance + 3 * worker_seconds + 2)
        time.sleep(max(0.0, (settle - datetime.now(UTC)).total_seconds()))
    return storm_checks(engine, plan, tag, posting, beats, alarms, last) | {
        "controllers": len(plan.reconnecting),
        "already_down": len(plan.down),
        "silent": len(plan.silent),
        "window_seconds": plan.window,
        "allowance_seconds": plan.allowance,
        "clients": clients,
        "registration_seconds": round(registration, 1),
        "seconds_until_watchdog_had_raised_the_down_ones": round(down_after, 1),
        "storm_seconds": round(elapsed, 1),
        "heartbeats_per_second_in_storm": round(len(beats.latencies) / elapsed, 1),
        "status_codes": dict(beats.codes),
        **latency_summary(beats),
        "load_average_before": [round(x, 2) for x in load],
    }


def storm_checks(
    engine: Engine, plan: StormPlan, tag: str, posting: Posting, beats: Beats, alarms: int,
    last: Callable[[str], datetime],
) -> dict[str, Any]:  # fmt: skip
    grace = timedelta(seconds=HEARTBEAT_GRACE * INTERVAL)
    failures = link_failures(engine, plan.reconnecting + plan.silent)
    down = set(plan.down)
    up = [c for c in plan.reconnecting if c not in down]
    not_answered = [c for c in plan.reconnecting if c not in beats.answered]
    # Each one was planned to reconnect ``allowance`` seconds before its deadline: it did its
    # part, so any link failure of it is a false alarm. Whether its heartbeat waited behind the
    # storm's connections (sent late) or in the server (answered late) is told apart.
    deadline = {c: last(c) + grace for c in up}
    sent_late = {c for c in up if c not in beats.sent or beats.sent[c] > deadline[c]}
    answered_late = {c for c in up if c in beats.answered and beats.answered[c] > deadline[c]}
    false_alarms = {c for c in up if failures[c]}
    once = check_exactly_once(engine, tag, posting, alarms)
    back = restored(engine, plan.down)
    result = {
        "alarms": once,
        "reconnects_not_answered": len(not_answered),
        "reconnects_sent_after_their_deadline": len(sent_late),
        "reconnects_answered_after_their_deadline": len(answered_late),
        "false_link_failures": len(false_alarms),
        "false_link_failures_answered_after_the_deadline": len(answered_late & false_alarms),
        "false_link_failures_answered_in_time": len(false_alarms - answered_late),
        "escalation_steps_taken_for_link_failures": escalation_steps_of_link_failures(
            engine, plan.reconnecting + plan.silent
        ),
        "escalation_steps_taken_after_the_link_was_restored": steps_after_restore(
            engine, plan.reconnecting
        ),
        "down_ones_restored": len(back),
        "down_ones_with_more_than_one_failure": sum(1 for c in plan.down if failures[c] > 1),
        "silent_ones_with_exactly_one_failure": sum(1 for c in plan.silent if failures[c] == 1),
    }
    result["ok"] = (
        once["exactly_once"]
        and errors_of(beats.codes) == 0
        and not not_answered
        and not sent_late
        and not answered_late
        and not false_alarms
        and len(back) == len(plan.down)
        and result["down_ones_with_more_than_one_failure"] == 0
        and result["silent_ones_with_exactly_one_failure"] == len(plan.silent)
    )
    return result


# --- main --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--heartbeats", type=int, default=20000)
    parser.add_argument("--controllers-throughput", type=int, default=2000)
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--protocols", nargs="+", default=["json", "scaip"])
    parser.add_argument("--controllers", type=int, default=10000)
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--allowance", type=float, default=30.0)
    parser.add_argument("--storm-clients", type=int, default=64)
    parser.add_argument("--down-fraction", type=float, default=0.3)
    parser.add_argument("--silent", type=int, default=50)
    parser.add_argument("--storm-alarms", type=int, default=600)
    parser.add_argument("--worker-seconds", type=float, default=2.0)
    parser.add_argument("--quick", action="store_true", help="everything small")
    parser.add_argument("--skip", nargs="*", default=[], choices=["throughput", "storm"])
    args = parser.parse_args()
    if args.quick:
        args.heartbeats, args.controllers_throughput, args.clients = 1000, 200, [8]
        args.controllers, args.window, args.allowance = 300, 10.0, 10.0
        args.silent, args.storm_alarms, args.storm_clients = 10, 50, 16
    log = ROOT / "var" / "bench-heartbeats-server.log"
    log.parent.mkdir(exist_ok=True)
    log.write_bytes(b"")
    result: dict[str, Any] = {
        "machine": machine(),
        "database": "postgresql" if args.postgres.startswith("postgresql") else "sqlite",
        "targets": {
            "heartbeats_per_second": TARGET_PER_SECOND,
            "storm": "10,000 controllers reconnecting within 60 s: every alarm sent during it "
            "stored exactly once, no false link failure, no error",
        },
        "note": "client and server share the machine's cores",
        "quick": args.quick,
    }
    print(f"preparing {args.postgres}")
    engine = fresh_database(args.postgres)
    token = platform_token(engine)
    if "throughput" not in args.skip:
        result["throughput"] = []
        for protocol in args.protocols:
            for clients in args.clients:
                run = throughput(
                    engine, args.postgres, token, heartbeats=args.heartbeats,
                    controllers=args.controllers_throughput, clients=clients,
                    protocol=protocol, log=log,
                )  # fmt: skip
                print(f"  throughput: {run}")
                result["throughput"].append(run)
    if "storm" not in args.skip:
        plan = plan_storm(
            args.controllers, down_fraction=args.down_fraction, silent=args.silent,
            window=args.window, allowance=args.allowance,
        )  # fmt: skip
        result["storm"] = storm(
            engine, args.postgres, token, plan, alarms=args.storm_alarms,
            clients=args.storm_clients, worker_seconds=args.worker_seconds, log=log,
        )  # fmt: skip
        print(f"  storm: {result['storm']}")
    result["machine"]["load_average_at_end"] = os.getloadavg()
    engine.dispose()
    print(f"written to {write('heartbeats', result)}")


if __name__ == "__main__":
    main()
