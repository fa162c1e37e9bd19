"""Soak: one real server under a steady mix of realistic traffic for an hour; afterwards its
memory must be flat, no request may have failed, and every alarm and reservation must be
accounted for.

    .venv/bin/python -m benchmarks.soak [--minutes 60] [--postgres URL | --sqlite PATH]
        [--alarms-per-second 0.5] [--heartbeats-per-second 10] [--bed-cycles-per-minute 4]
        [--pages-per-second 1] [--streams 4] [--growth-bound-mb 50] [--quick]

The database (default PostgreSQL ``regiozorg_bench_soak`` on 127.0.0.1; ``--sqlite`` a file)
is created afresh with the small demo; one ``uvicorn`` process serves it on 127.0.0.1
(``benchmarks.night.Server``), with bed holds lasting one minute so that holds left alone
expire during the run. All loops stop by themselves at the end of ``--minutes``.

The mix, each at an even rate:

- alarms from the demo's enrolled devices, each with a unique reference; every 10th is sent a
  second time (a platform's retry: it must be answered ``duplicate`` with the same incident);
  all but every 10th are reset at the source a few seconds later (``RE``), as most alarms are,
  so the queue stays the size of a real night;
- heartbeats of ``--heartbeat-controllers`` controllers in turn (each one well inside its
  interval: none may get a link failure);
- bed cycles by the demo's coordinator: a request, its matches, a hold on the best bed of a
  provider we have an account for, then in turn the provider accepts, declines, or leaves it to
  expire (requests want their bed in one of 20 fortnights ahead, so accepted beds do not run
  the small demo out of free beds);
- page loads with bearer tokens (bed board, work list, offers, night console and queue);
- ``--streams`` live streams (``GET /api/v1/events``, and one ``/beds/events``) open all along.

Memory: the resident set of the server's process group is read from /proc every
``--sample-seconds``. After ``--warmup-seconds`` (caches, connection pool, first templates),
the growth to the end and the least-squares slope must stay within ``--growth-bound-mb``
(50 MB over the hour by default). Why 50 MB: the server holds about 110 MB after warm-up in
short runs; the hour's mix is about 45,000 requests (36,000 of them heartbeats), so a leak of
about 1 kB per request (a kept response, the queue of a closed stream, an unclosed session)
shows as 50 MB, while allocator noise and caches filling with the run's rows stay well below.

Checks at the end: status codes per kind of request (any 5xx, transport error or unexpected
code is an error); every alarm stored exactly once and every retry answered as a duplicate of
it; every hold in the state its decision gave it (accepted; declined = stored cancelled with its
reason and answered "declined"; left alone = expired once its expiry and a round of the expiry
worker have passed, else held or expired);
no two occupying holds of one bed overlap; no link failure for a heartbeating controller;
every stream still open and having received events.

Results: benchmarks/results/soak.json. ``--quick``: 42 s of small rates (a smoke test, under
a minute in all). The shortened version in the test suite is tests/integration/test_soak.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from benchmarks.beds import OVERLAPPING_OCCUPATIONS
from benchmarks.common import machine, write
from benchmarks.heartbeats import link_failures
from benchmarks.night import (
    ROOT,
    Posting,
    Server,
    alarm,
    check_exactly_once,
    devices,
    fresh_database,
    platform_token,
)
from regiozorg import demo
from regiozorg.accounts import actions as accounts
from regiozorg.auth import SYSTEM
from regiozorg.beds.models import BedAssignment
from regiozorg.config import Settings
from regiozorg.network.models import Location, Organisation

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/regiozorg_bench_soak"
HOLD_MINUTES = 1
# Demo providers whose holds we decide: organisation name -> account.
PROVIDERS = {
    "Zorggroep Lindehof": demo.demo_email("orgadmin"),
    "Stichting Heidezicht": "orgadmin.heidezicht@demo.regiozorg.nl",
}
PAGES = (
    ("coordinator", "/beds"),
    ("coordinator", "/beds/requests"),
    ("coordinator", "/beds/board"),
    ("provider", "/beds/offers"),
    ("nightcarer", "/night"),
    ("nightcarer", "/night/queue"),
)
EXPECTED = {
    "alarm": {"202"},
    "reset": {"202"},
    "heartbeat": {"202"},
    "bed_request": {"201"},
    "matches": {"200"},
    "hold": {"201", "409"},  # 409: another cycle held that bed a moment earlier
    "decide": {"200"},
    "page": {"200"},
    "stream": {"200"},
}
FATES = ("accept", "decline", "expire")


KEEPALIVE_SECONDS = 2.0
"""How long a client keeps an idle connection: well under uvicorn's 5 s keep-alive."""


@dataclass(frozen=True)
class Load:
    minutes: float = 60.0
    alarms_per_second: float = 0.5
    duplicate_every: int = 10
    unreset_every: int = 10
    heartbeats_per_second: float = 10.0
    heartbeat_controllers: int = 500
    bed_cycles_per_minute: float = 4.0
    pages_per_second: float = 1.0
    streams: int = 4
    sample_seconds: float = 5.0
    warmup_seconds: float = 120.0
    growth_bound_mb: float = 50.0


QUICK = Load(  # under a minute with preparing and checking
    minutes=0.7, alarms_per_second=1.0, heartbeats_per_second=10.0, heartbeat_controllers=50,
    bed_cycles_per_minute=12.0, pages_per_second=1.0, streams=2, sample_seconds=2.0,
    warmup_seconds=10.0, growth_bound_mb=100.0,
)  # fmt: skip


@dataclass
class Tally:
    """What the load saw, to be checked against the database afterwards."""

    codes: dict[str, Counter[str]] = field(default_factory=dict)
    alarms: Posting = field(default_factory=Posting)
    alarms_sent: int = 0
    duplicates_not_recognised: int = 0
    holds: dict[str, str] = field(default_factory=dict)  # hold id -> fate chosen
    decisions: dict[str, str] = field(default_factory=dict)  # hold id -> status answered
    cycles_without_a_bed: int = 0
    bed_requests: int = 0
    stream_events: list[int] = field(default_factory=list)
    streams_ended_early: int = 0
    rss_mb: list[tuple[float, float]] = field(default_factory=list)  # (seconds, MB)

    def count(self, kind: str, code: str) -> None:
        self.codes.setdefault(kind, Counter())[code] += 1

    def unexpected(self) -> dict[str, dict[str, int]]:
        return {
            kind: {code: n for code, n in codes.items() if code not in EXPECTED[kind]}
            for kind, codes in self.codes.items()
            if set(codes) - EXPECTED[kind]
        }


@dataclass(frozen=True)
class Accounts:
    platform: str
    coordinator: str
    nightcarer: str
    providers: dict[UUID, str]  # organisation id -> token
    organisation_of: dict[UUID, UUID]  # location id -> organisation id


def make_accounts(engine: Engine) -> Accounts:
    with Session(engine) as session:
        organisations = dict(session.execute(select(Organisation.name, Organisation.id)).all())
        locations = dict(session.execute(select(Location.id, Location.organisation_id)).all())

    def token(email: str) -> str:
        with Session(engine) as session:
            return accounts.create_api_token(session, SYSTEM, user_email=email, name="soak")

    return Accounts(
        platform=platform_token(engine),
        coordinator=token(demo.demo_email("coordinator")),
        nightcarer=token(demo.demo_email("nightcarer")),
        providers={organisations[name]: token(email) for name, email in PROVIDERS.items()},
        organisation_of=locations,
    )


# --- the load ----------------------------------------------------------------------------


async def paced(
    deadline: float, rate: float, action: Callable[[int], Coroutine[Any, Any, None]]
) -> None:
    """Start ``action(i)`` at ``i / rate`` seconds, each as a task of its own (a slow answer
    does not slow the pace), until ``deadline``; then wait for the started ones."""
    start = time.perf_counter()
    tasks: set[asyncio.Task[None]] = set()
    number = 0
    while rate > 0:
        at = start + number / rate
        if at >= deadline:
            break
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        task = asyncio.create_task(action(number))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        number += 1
    if tasks:
        await asyncio.gather(*tasks)


async def request(
    tally: Tally, kind: str, client: httpx.AsyncClient, method: str, url: str, **kw: Any
) -> httpx.Response | None:
    try:
        response = await client.request(method, url, **kw)
    except httpx.TransportError as error:
        tally.count(kind, f"transport: {type(error).__name__}")
        return None
    tally.count(kind, str(response.status_code))
    return response


@dataclass
class Soak:
    base_url: str
    who: Accounts
    load: Load
    tag: str
    senders: list[tuple[str, str]]
    tally: Tally = field(default_factory=Tally)
    controllers: list[str] = field(default_factory=list)

    def client(self, token: str) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"}
        # uvicorn closes a keep-alive connection after 5 s idle; a client that reuses one at
        # that moment sees the server hang up (RemoteProtocolError), a race of the client's
        # making that a browser retries. Idle connections are dropped first here instead.
        limits = httpx.Limits(keepalive_expiry=KEEPALIVE_SECONDS)
        return httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=30, limits=limits)

    async def run(self, server_group: int) -> Tally:
        deadline = time.perf_counter() + self.load.minutes * 60
        self.controllers = [
            f"6{int(time.time()) % 10000:04d}{i:04d}"
            for i in range(self.load.heartbeat_controllers)
        ]
        async with (
            self.client(self.who.platform) as platform,
            self.client(self.who.coordinator) as coordinator,
            self.client(self.who.nightcarer) as nightcarer,
        ):
            streams = [
                asyncio.create_task(self.stream(self.who.platform, "/api/v1/events", i))
                for i in range(self.load.streams)
            ] + [asyncio.create_task(self.stream(self.who.coordinator, "/beds/events", -1))]
            self.tally.stream_events = [0] * len(streams)
            roles = {"coordinator": coordinator, "nightcarer": nightcarer}
            providers = {org: self.client(t) for org, t in self.who.providers.items()}
            try:
                await asyncio.gather(
                    self.sample_memory(server_group, deadline),
                    paced(deadline, self.load.alarms_per_second, lambda i: self.alarm(platform, i)),
                    paced(
                        deadline, self.load.heartbeats_per_second,
                        lambda i: self.heartbeat(platform, i),
                    ),
                    paced(
                        deadline, self.load.bed_cycles_per_minute / 60,
                        lambda i: self.bed_cycle(coordinator, providers, i),
                    ),
                    paced(
                        deadline, self.load.pages_per_second,
                        lambda i: self.page(roles, next(iter(providers.values())), i),
                    ),
                )  # fmt: skip
            finally:
                for client in providers.values():
                    await client.aclose()
                await asyncio.sleep(1.0)  # the last events on their way to the streams
                for stream in streams:
                    stream.cancel()
                await asyncio.gather(*streams, return_exceptions=True)
        return self.tally

    async def alarm(self, client: httpx.AsyncClient, number: int) -> None:
        sender = self.senders[number % len(self.senders)]
        body = alarm(self.tag, number, sender)
        self.tally.alarms_sent += 1
        self.tally.alarms.attempts += 1
        response = await request(self.tally, "alarm", client, "POST", "/api/v1/alarms", json=body)
        if response is None or response.status_code != 202:
            return
        answer = response.json()
        self.tally.alarms.answers[body["reference"]] = answer
        if number % self.load.duplicate_every == 0:  # the platform's retry
            self.tally.alarms.attempts += 1
            again = await request(self.tally, "alarm", client, "POST", "/api/v1/alarms", json=body)
            if again is not None and again.status_code == 202:
                repeat = again.json()
                self.tally.alarms.duplicates += bool(repeat["duplicate"])
                if not repeat["duplicate"] or repeat["incident_id"] != answer["incident_id"]:
                    self.tally.duplicates_not_recognised += 1
        if number % self.load.unreset_every != 0:
            await asyncio.sleep(3.0)
            reset = {
                "reference": f"re{self.tag}-{number}",
                "controller_id": sender[0],
                "device_id": sender[1],
                "message_type": "RE",
            }
            await request(self.tally, "reset", client, "POST", "/api/v1/alarms", json=reset)

    async def heartbeat(self, client: httpx.AsyncClient, number: int) -> None:
        controller = self.controllers[number % len(self.controllers)]
        body = {"reference": f"pi{number}", "controller_id": controller, "message_type": "PI"}
        await request(self.tally, "heartbeat", client, "POST", "/api/v1/alarms", json=body)

    async def bed_cycle(
        self, coordinator: httpx.AsyncClient, providers: dict[UUID, httpx.AsyncClient],
        number: int,
    ) -> None:  # fmt: skip
        wanted = datetime.now(UTC) + timedelta(days=1 + 15 * (number % 20))
        body = {
            "care_type": "WLZ_RESPITE",
            "wanted_from": wanted.isoformat(),
            "patient_initials": "S" + "".join(chr(ord("A") + int(d)) for d in str(number)),
            "patient_birth_year": 1930 + number % 60,
            "patient_sex": "FMX"[number % 3],
            "patient_postcode": "7941 AB",
            "has_wlz_indication": True,
            "consents_outside_region": True,
            "referrer_kind": "coordinator",
            "referrer_name": f"Soak {self.tag}",
            "referrer_phone": "0522-000000",
        }
        made = await request(
            self.tally, "bed_request", coordinator, "POST", "/api/v1/bed-requests", json=body
        )
        if made is None or made.status_code != 201:
            return
        self.tally.bed_requests += 1
        request_id = made.json()["id"]
        found = await request(
            self.tally, "matches", coordinator, "GET", f"/api/v1/bed-requests/{request_id}/matches"
        )
        if found is None or found.status_code != 200:
            return
        ours = [
            m for m in found.json()
            if self.who.organisation_of.get(UUID(m["location_id"])) in providers
        ]  # fmt: skip
        if not ours:
            self.tally.cycles_without_a_bed += 1
            return
        bed = ours[0]
        held = await request(
            self.tally, "hold", coordinator, "POST",
            f"/api/v1/bed-requests/{request_id}/hold", json={"bed_id": bed["bed_id"]},
        )  # fmt: skip
        if held is None or held.status_code != 201:
            return
        hold_id = held.json()["hold_id"]
        fate = FATES[number % len(FATES)]
        self.tally.holds[hold_id] = fate
        if fate == "expire":
            return
        await asyncio.sleep(1.0 + number % 3)  # the provider reads the offer
        provider = providers[self.who.organisation_of[UUID(bed["location_id"])]]
        decided = await request(
            self.tally, "decide", provider, "POST", f"/api/v1/holds/{hold_id}/{fate}"
        )
        if decided is not None and decided.status_code == 200:
            self.tally.decisions[hold_id] = decided.json()["status"]

    async def page(
        self, roles: dict[str, httpx.AsyncClient], provider: httpx.AsyncClient, number: int
    ) -> None:
        role, path = PAGES[number % len(PAGES)]
        client = provider if role == "provider" else roles[role]
        await request(self.tally, "page", client, "GET", path)

    async def stream(self, token: str, path: str, index: int) -> None:
        slot = index if index >= 0 else self.load.streams
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        timeout = httpx.Timeout(10, read=None)
        async with httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=timeout) as c:
            try:
                async with c.stream("GET", path) as response:
                    self.tally.count("stream", str(response.status_code))
                    async for line in response.aiter_lines():
                        if line.startswith("data:"):
                            self.tally.stream_events[slot] += 1
            except httpx.TransportError as error:
                self.tally.count("stream", f"transport: {type(error).__name__}")
        # Only cancellation at the end may stop a stream: reaching this line is an early end.
        self.tally.streams_ended_early += 1

    async def sample_memory(self, group: int, deadline: float) -> None:
        start = time.perf_counter()
        while time.perf_counter() < deadline:
            self.tally.rss_mb.append((time.perf_counter() - start, rss_mb(group)))
            await asyncio.sleep(
                min(self.load.sample_seconds, max(0.0, deadline - time.perf_counter()))
            )
        self.tally.rss_mb.append((time.perf_counter() - start, rss_mb(group)))


def rss_mb(group: int) -> float:
    """Resident memory of every process in one process group (the server and its workers),
    from /proc; 0 where /proc is missing."""
    total_kb = 0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if os.getpgid(int(entry.name)) != group:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except (OSError, ValueError):
            continue  # gone meanwhile
    return total_kb / 1024


# --- the checks --------------------------------------------------------------------------


def memory(samples: list[tuple[float, float]], warmup: float, bound: float) -> dict[str, Any]:
    """Memory at the end of the warm-up, its maximum and end, and the least-squares slope after
    the warm-up in MB per hour; flat when neither the growth nor the fitted growth passes
    ``bound``."""
    after = [(t, mb) for t, mb in samples if t >= warmup] or samples[-2:]
    times = [t for t, _ in after]
    mean_t = sum(times) / len(times)
    mean_mb = sum(mb for _, mb in after) / len(after)
    spread = sum((t - mean_t) ** 2 for t in times)
    slope = sum((t - mean_t) * (mb - mean_mb) for t, mb in after) / spread if spread else 0.0
    growth = after[-1][1] - after[0][1]
    fitted = slope * (times[-1] - times[0])
    return {
        "samples": len(samples),
        "warmup_seconds": warmup,
        "start_mb": round(after[0][1], 1),
        "max_mb": round(max(mb for _, mb in samples), 1),
        "end_mb": round(after[-1][1], 1),
        "growth_mb": round(growth, 1),
        "slope_mb_per_hour": round(slope * 3600, 1),
        "bound_mb": bound,
        "flat": growth <= bound and fitted <= bound and after[0][1] > 0,
    }


def holds_accounted(engine: Engine, tally: Tally, checked_at: datetime) -> dict[str, Any]:
    """Each hold in exactly the state its decision gave it."""
    ids = [UUID(h) for h in tally.holds]
    with Session(engine) as session:
        rows = {
            str(i): (str(s), e)
            for i, s, e in session.execute(
                select(BedAssignment.id, BedAssignment.status, BedAssignment.hold_expires_at)
                .where(BedAssignment.id.in_(ids))
            )
        }  # fmt: skip
    due = timedelta(
        seconds=Settings().bed_hold_expiry_seconds + 5
    )  # a round of the expiry worker, and some
    wrong: list[str] = []
    states: Counter[str] = Counter()
    for hold_id, fate in tally.holds.items():
        status, expires = rows.get(hold_id, ("missing", None))
        states[status] += 1
        if fate == "accept":
            ok = status == "accepted" and tally.decisions.get(hold_id) == "accepted"
        elif fate == "decline":
            ok = status == "cancelled" and tally.decisions.get(hold_id) == "declined"
        elif expires is not None and _utc(expires) + due < checked_at:
            ok = status == "expired"
        else:
            ok = status in ("held", "expired")
        if not ok:
            wrong.append(f"{hold_id}: {fate} -> {status}")
    return {
        "holds": len(tally.holds),
        "by_fate": dict(Counter(tally.holds.values())),
        "by_state": dict(states),
        "not_as_decided": wrong[:20],
        "not_as_decided_count": len(wrong),
    }


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def overlapping_occupations(engine: Engine) -> int:
    """Double bookings, counted as ``benchmarks.beds`` counts them."""
    with engine.connect() as connection:
        return int(connection.execute(OVERLAPPING_OCCUPATIONS).scalar_one())


def bed_requests_stored(engine: Engine, referrer: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT count(*) FROM bed_requests WHERE referrer_name = :name"),
                {"name": referrer},
            ).scalar_one()
        )


def check(engine: Engine, soak: Soak, *, checked_at: datetime) -> dict[str, Any]:
    tally, load = soak.tally, soak.load
    alarms = check_exactly_once(engine, soak.tag, tally.alarms, tally.alarms_sent)
    retries = len(range(0, tally.alarms_sent, load.duplicate_every))
    holds = holds_accounted(engine, tally, checked_at)
    failures = link_failures(engine, soak.controllers)
    result: dict[str, Any] = {
        "status_codes": {kind: dict(codes) for kind, codes in tally.codes.items()},
        "unexpected_status": tally.unexpected(),
        "alarms": alarms
        | {
            "retries_sent": retries,
            "retries_not_answered_as_duplicate_of_the_first": tally.duplicates_not_recognised,
        },
        "bed_requests": tally.bed_requests,
        "bed_requests_stored": bed_requests_stored(engine, f"Soak {soak.tag}"),
        "cycles_without_a_bed_of_our_providers": tally.cycles_without_a_bed,
        "holds": holds,
        "overlapping_occupations": overlapping_occupations(engine),
        "heartbeat_controllers": len(soak.controllers),
        "link_failures_of_heartbeating_controllers": sum(failures.values()),
        "stream_events": tally.stream_events,
        "streams_ended_early": tally.streams_ended_early,
        "memory": memory(tally.rss_mb, load.warmup_seconds, load.growth_bound_mb),
    }
    result["ok"] = (
        not result["unexpected_status"]
        and alarms["exactly_once"]
        and tally.alarms.duplicates == retries
        and tally.duplicates_not_recognised == 0
        and holds["not_as_decided_count"] == 0
        and result["overlapping_occupations"] == 0
        and result["bed_requests_stored"] == tally.bed_requests
        and result["link_failures_of_heartbeating_controllers"] == 0
        and tally.streams_ended_early == 0
        and all(n > 0 for n in tally.stream_events)
        and result["memory"]["flat"]
    )
    return result


# --- one run -----------------------------------------------------------------------------


@contextlib.contextmanager
def environment(**values: str) -> Iterator[None]:
    """Settings for the server subprocess, which inherits this process's environment."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def soak(url: str, load: Load, *, log: Path | None = None) -> dict[str, Any]:
    """Prepare the database, serve it, drive ``load`` against it, check; the result."""
    engine = fresh_database(url)
    try:
        who = make_accounts(engine)
        run = Soak("", who, load, tag=f"soak{int(time.time())}", senders=devices(engine))
        server = Server(url, log=log)
        with environment(REGIOZORG_BED_HOLD_MINUTES=str(HOLD_MINUTES)):
            server.start()
        try:
            assert server.process is not None
            run.base_url = server.base_url
            load_before = os.getloadavg()
            started = time.perf_counter()
            asyncio.run(run.run(server.process.pid))
            elapsed = time.perf_counter() - started
            alive = server.process.poll() is None
        finally:
            server.stop()
        result = check(engine, run, checked_at=datetime.now(UTC))
    finally:
        engine.dispose()
    result["ok"] = result["ok"] and alive
    return {
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
        "load": asdict(load),
        "seconds": round(elapsed, 1),
        "server_alive_at_the_end": alive,
        "load_average_before": [round(x, 2) for x in load_before],
        **result,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--sqlite", nargs="?", const="var/bench-soak.sqlite3", default=None)
    parser.add_argument("--quick", action="store_true", help="42 s of small rates")
    defaults = Load()
    for name, value in asdict(defaults).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=None)
    args = parser.parse_args()
    base = QUICK if args.quick else defaults
    load = Load(**{
        name: getattr(args, name) if getattr(args, name) is not None else value
        for name, value in asdict(base).items()
    })  # fmt: skip
    url = f"sqlite:///{args.sqlite}" if args.sqlite else args.postgres
    log = ROOT / "var" / "bench-soak-server.log"
    log.parent.mkdir(exist_ok=True)
    log.write_bytes(b"")
    print(f"soak of {load.minutes} min against {url}")
    result = {
        "machine": machine(),
        "targets": {
            "errors": "no 5xx, no transport error, no unexpected status",
            "alarms": "every alarm stored exactly once, every retry answered as a duplicate",
            "holds": "every hold in the state its decision gave it; no double booking",
            "memory": f"growth after warm-up <= {load.growth_bound_mb} MB",
        },
        "note": "client and server share the machine's cores",
        "quick": args.quick,
        **soak(url, load, log=log),
    }
    result["machine"]["load_average_at_end"] = os.getloadavg()
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=1, default=str))
    print(f"written to {write('soak', result)}")


if __name__ == "__main__":
    main()
