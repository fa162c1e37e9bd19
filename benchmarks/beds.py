"""Bed coordination benchmarks on the national demo (about 2,500 locations, 120,000 beds).

    .venv/bin/python -m benchmarks.beds [--postgres URL] [--sqlite PATH] [--requests 200]

1. Ranked match latency per request (p50, p95) on SQLite and PostgreSQL, side by side.
2. The race over HTTP: 64 concurrent clients hold the last 10 free beds of a care type through
   the API; exactly 10 must succeed, every other gets 409, and the database shows no double
   booking afterwards.
3. Hold-and-release cycles per second on PostgreSQL (hold, then the provider declines).
Results: benchmarks/results/beds.json.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import httpx
import psycopg
import uvicorn
from sqlalchemy import Engine, delete, func, make_url, select, text, update
from sqlalchemy.orm import Session

from benchmarks.common import machine, summary_ms, write
from regiozorg import demo
from regiozorg.accounts import actions as accounts
from regiozorg.app import create_app
from regiozorg.auth import SYSTEM
from regiozorg.beds import actions, queries
from regiozorg.beds.models import Bed, BedAssignment, BedCareType, BedRequest
from regiozorg.beds.rules import OCCUPYING, BedStatus, CareType
from regiozorg.beds.schemas import BedRequestIn
from regiozorg.config import Settings
from regiozorg.db import make_engine, make_sessionmaker
from regiozorg.migrate import upgrade
from regiozorg.network.models import PostcodeArea

CARE_TYPES = [
    CareType.ELV_LOW,
    CareType.ELV_HIGH,
    CareType.WLZ_CRISIS_VV,
    CareType.GRZ,
    CareType.WLZ_RESPITE,
]


# Pairs of occupying assignments of one bed whose periods overlap: a double booking, which the
# database's exclusion constraint (a trigger on SQLite) should keep at 0.
OVERLAPPING_OCCUPATIONS = text(
    "SELECT count(*) FROM bed_assignments a JOIN bed_assignments b "
    "ON a.bed_id = b.bed_id AND a.id < b.id "
    "WHERE a.status IN ('held','accepted','admitted') "
    "AND b.status IN ('held','accepted','admitted') "
    "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"
)


def prepare(url: str) -> Engine:
    if url.startswith("postgresql"):
        parsed = make_url(url)
        admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(False)
        with psycopg.connect(admin, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{parsed.database}"')
    upgrade(url)
    engine = (
        make_engine(url, pool_size=80, max_overflow=20)
        if url.startswith("postgresql")
        else (make_engine(url))
    )
    with Session(engine) as session:
        started = time.perf_counter()
        summary = demo.seed(session, scale=demo.Scale.NATIONAL, seed_value=2026)
        if summary.created:
            print(
                f"  seeded national demo in {time.perf_counter() - started:.0f} s: "
                f"{summary.locations} locations, {summary.beds} beds"
            )
        session.execute(text("ANALYZE"))
        session.commit()
    return engine


def _letters(tag: str) -> str:
    """Initials are letters only: the digits of a tag become letters A-J."""
    return "".join(chr(ord("A") + int(c)) if c.isdigit() else c for c in tag)


def new_request(session: Session, rng: random.Random, care: CareType, tag: str) -> UUID:
    postcode = rng.choice(session.scalars(select(PostcodeArea.postcode)).all())
    request = actions.request_bed(
        session,
        SYSTEM,
        data=BedRequestIn(
            care_type=care,
            patient_initials=f"B{_letters(tag)}",
            patient_birth_year=1930 + rng.randint(0, 60),
            patient_sex=rng.choice("FMX"),
            patient_postcode=f"{postcode} AB",
            has_wlz_indication=care.is_wlz_crisis or care is CareType.WLZ_RESPITE,
            consents_outside_region=True,
            referrer_kind="coordinator",
            referrer_name="Benchmark",
            referrer_phone="0000-000000",
        ),
    )
    return request.id


def cleanup(session: Session) -> None:
    """Benchmarks leave the national demo as they found it."""
    ids = select(BedRequest.id).where(BedRequest.referrer_name == "Benchmark")
    session.execute(
        text(
            "DELETE FROM bed_request_events WHERE request_id IN "
            "(SELECT id FROM bed_requests WHERE referrer_name = 'Benchmark')"
        )
    )
    rows_only = {"synchronize_session": False}
    session.execute(
        delete(BedAssignment).where(BedAssignment.request_id.in_(ids)), execution_options=rows_only
    )
    session.execute(
        delete(BedRequest).where(BedRequest.referrer_name == "Benchmark"),
        execution_options=rows_only,
    )
    session.commit()


def match_latency(engine: Engine, settings: Settings, n: int) -> dict[str, Any]:
    rng = random.Random(7)
    with Session(engine) as session:
        cleanup(session)
        ids = [new_request(session, rng, rng.choice(CARE_TYPES), f"M{i}") for i in range(n)]
        for request_id in ids[:10]:  # warm caches
            queries.matches(session, settings, request_id=request_id)
        timings, found = [], []
        for request_id in ids:
            started = time.perf_counter()
            result = queries.matches(session, settings, request_id=request_id)
            timings.append(time.perf_counter() - started)
            found.append(len(result))
        cleanup(session)
    return summary_ms(timings) | {"mean_matches": round(sum(found) / len(found), 1)}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_race(
    engine: Engine, settings: Settings, clients: int = 64, beds: int = 10
) -> dict[str, Any]:
    """Close every bed of one care type but ``beds``, then let ``clients`` fight for them."""
    rng = random.Random(11)
    care = CareType.GRZ
    with Session(engine) as session:
        cleanup(session)
        bed_ids = session.scalars(
            select(Bed.id)
            .join(BedCareType, BedCareType.bed_id == Bed.id)
            .where(BedCareType.care_type == care)
            .order_by(Bed.id)
        ).all()
        last = list(bed_ids[:beds])
        saved = dict(session.execute(select(Bed.id, Bed.status).where(Bed.id.in_(bed_ids))).all())
        session.execute(update(Bed).where(Bed.id.in_(bed_ids)).values(status=BedStatus.CLOSED))
        session.execute(update(Bed).where(Bed.id.in_(last)).values(status=BedStatus.FREE))
        session.commit()
        requests = [new_request(session, rng, care, f"R{i}") for i in range(clients)]
        token = accounts.create_api_token(
            session, SYSTEM, user_email=demo.demo_email("coordinator"), name="benchmark race"
        )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, engine), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    barrier = threading.Barrier(clients)

    def attempt(index: int) -> int:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            barrier.wait()
            response = client.post(
                f"/api/v1/bed-requests/{requests[index]}/hold",
                json={"bed_id": str(last[index % beds])},
                headers={"Authorization": f"Bearer {token}"},
            )
            return response.status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        codes = list(pool.map(attempt, range(clients)))
    elapsed = time.perf_counter() - started
    server.should_exit = True
    thread.join(timeout=10)
    with Session(engine) as session:
        per_bed = session.execute(
            select(BedAssignment.bed_id, func.count())
            .where(BedAssignment.bed_id.in_(last), BedAssignment.status.in_(OCCUPYING))
            .group_by(BedAssignment.bed_id)
        ).all()
        overlapping = session.execute(OVERLAPPING_OCCUPATIONS).scalar_one()
        for bed_id, status in saved.items():
            session.execute(update(Bed).where(Bed.id == bed_id).values(status=status))
        session.commit()
        cleanup(session)
    return {
        "clients": clients,
        "free_beds": beds,
        "seconds": round(elapsed, 3),
        "status_codes": {str(code): codes.count(code) for code in sorted(set(codes))},
        "holds_succeeded": codes.count(201),
        "conflicts_409": codes.count(409),
        "max_occupying_per_bed": max((count for _, count in per_bed), default=0),
        "overlapping_pairs_in_database": overlapping,
        "ok": codes.count(201) == beds and codes.count(409) == clients - beds and overlapping == 0,
    }


def hold_release(engine: Engine, seconds: float = 10.0, threads: int = 2) -> dict[str, Any]:
    rng = random.Random(13)
    with Session(engine) as session:
        cleanup(session)
        free = session.scalars(
            select(Bed.id)
            .join(BedCareType, BedCareType.bed_id == Bed.id)
            .where(BedCareType.care_type == CareType.ELV_LOW, Bed.status == BedStatus.FREE)
            .limit(threads)
        ).all()
        requests = [new_request(session, rng, CareType.ELV_LOW, f"H{i}") for i in range(threads)]
    counts = [0] * threads
    load_before = os.getloadavg()
    deadline = time.perf_counter() + seconds

    def loop(index: int) -> None:
        with make_sessionmaker(engine)() as session:  # as in the app: no reload after commit
            while time.perf_counter() < deadline:
                hold = actions.hold_bed(
                    session, SYSTEM, request_id=requests[index], bed_id=free[index]
                )
                actions.decide_hold(session, SYSTEM, hold_id=hold.hold_id, accept=False)
                counts[index] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    with Session(engine) as session:
        cleanup(session)
    return {
        "threads": threads,
        "seconds": round(elapsed, 2),
        "cycles": sum(counts),
        "cycles_per_second": round(sum(counts) / elapsed, 1),
        # the machine is shared: what else ran shows in the load around each measurement
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/regiozorg_bench"
    )
    parser.add_argument("--sqlite", default="var/bench-national.sqlite3")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--skip", nargs="*", default=[], choices=["match", "race", "cycles"])
    args = parser.parse_args()
    result: dict[str, Any] = {
        "machine": machine(),
        "targets": {
            "match_p95_ms": 50,
            "race": "exactly 10 of 64 holds succeed, no double booking",
            "hold_release_per_second_postgresql": 200,
        },
    }
    for name, url in (("sqlite", f"sqlite:///{args.sqlite}"), ("postgresql", args.postgres)):
        print(f"{name}: preparing {url}")
        engine = prepare(url)
        settings = Settings(database_url=url, cookie_secure=False)
        section: dict[str, Any] = {}
        if "match" not in args.skip:
            section["match_latency"] = match_latency(engine, settings, args.requests)
            print(f"  match latency: {section['match_latency']}")
        if "race" not in args.skip:
            section["http_race"] = http_race(engine, settings)
            print(f"  race: {section['http_race']}")
        if name == "postgresql" and "cycles" not in args.skip:
            # Each thread is one coordinator with a bed of their own: commits (each one
            # flushed to disk) overlap across threads, as they would for a busy desk.
            section["hold_release"] = [hold_release(engine, threads=n) for n in (1, 2, 8)]
            print(f"  hold/release: {section['hold_release']}")
        result[name] = section
        engine.dispose()
    print(f"written to {write('beds', result)}")


if __name__ == "__main__":
    main()
