"""The bed board and reports on the national demo (2,510 locations, 122,094 beds), over HTTP
against a real server process (``uvicorn regiozorg.app:create_app``, one worker), on SQLite and
PostgreSQL:

    .venv/bin/python -m benchmarks.board [--sqlite PATH] [--postgres URL] [--requests 20]

0. The national count itself, side by side in one process: counting the 122,094 beds (as the
   board did up to migration 0008, and still does for a capability filter) against reading the
   tally the database keeps per location (migration 0009). Median and p95 over ``--requests``.
1. GET /beds (the coordinator's page), /beds/board (the live fragment), a filtered board and
   /beds/reports: median and p95 over ``--requests`` requests, and the size of the answer.
   Targets: the board within 300 ms and 200 KiB, the reports within 500 ms.
2. A live change reaching 50 open boards: 50 clients listen on /beds/events; one bed of the
   coordinator's region changes status through the API; each client, on its event, fetches the
   board fragment (as the page does) and checks that the new count is there. Per round: the
   time until the last client had its event, and until the last one had the new board.
   Target: every board within 1 s.

Seeding the national demo takes a while: it is done once per database and then reused.
Results: benchmarks/results/board.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from benchmarks.beds import prepare
from benchmarks.common import RESULTS, machine, percentile, write
from benchmarks.night import Server, cpu_seconds, serving
from regiozorg import demo
from regiozorg.accounts import actions as accounts
from regiozorg.auth import SYSTEM
from regiozorg.beds import board
from regiozorg.beds.models import Bed
from regiozorg.beds.rules import BedStatus
from regiozorg.network.models import Organisation

CLIENTS = 50
TOTAL_FREE = re.compile(r'id="total-free">(\d+)<')
PAGES = {
    "board_page": "/beds",
    "board_fragment": "/beds/board",
    "board_filtered": "/beds?care_type=ELV_LOW&capability=hoist&free=1",
    "board_other_place": "/beds?place=Utrecht",
    "reports": "/beds/reports",
}
TARGETS = {"board_ms": 300, "board_kib": 200, "reports_ms": 500, "fanout_ms": 1000}


def _token(engine: Engine) -> str:
    with Session(engine) as session:
        return accounts.create_api_token(
            session, SYSTEM, user_email=demo.demo_email("coordinator"), name="benchmark board"
        )


def _home_bed(engine: Engine) -> tuple[UUID, BedStatus]:
    """An occupied bed of the coordinator's own organisation: theirs to change."""
    with Session(engine) as session:
        bed = session.execute(
            select(Bed.id, Bed.status)
            .join(Organisation, Organisation.id == Bed.organisation_id)
            .where(Organisation.name == demo.HOME_ORGANISATION, Bed.status == BedStatus.OCCUPIED)
            .order_by(Bed.id)
            .limit(1)
        ).one()
        return bed.id, BedStatus(bed.status)


def _cpu(server: Server) -> float:
    """CPU seconds so far of the server process (with SQLite, the database's work is in it):
    on a shared machine the latency includes waiting for a core, the CPU time does not.
    PostgreSQL's backends are left out: the sum over them falls whenever a pooled connection
    closes, so it gave negative figures per round."""
    assert server.process is not None
    return cpu_seconds(server.process.pid)


def count_side_by_side(engine: Engine, n: int) -> dict[str, Any]:
    keys = [Bed.location_id]
    ways: dict[str, Callable[[Session], Any]] = {
        "counted_bed_by_bed": lambda session: board._tally(
            session, keys, [], board._counted_wards(session, keys, [], per_care_type=False)
        ),
        "read_from_the_tally": lambda session: board._tally(
            session,
            keys,
            [],
            board._kept_wards(session, care_type=None, location_ids=None, per_care_type=False),
        ),
    }
    result: dict[str, Any] = {}
    with Session(engine) as session:
        answers = [way(session) for way in ways.values()]
        result["same_answer"] = answers[0] == answers[1]
        for name, way in ways.items():
            timings = []
            for _ in range(n):
                started = time.perf_counter()
                way(session)
                timings.append((time.perf_counter() - started) * 1000)
            result[name] = {
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(percentile(timings, 0.95), 1),
            }
    print(f"  count: {result}")
    return result


def page_timings(server: Server, token: str, n: int) -> dict[str, Any]:
    base = server.base_url
    headers = {"Authorization": f"Bearer {token}"}
    result: dict[str, Any] = {}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for name, path in PAGES.items():
            for _ in range(3):  # warm caches and connections
                client.get(path).raise_for_status()
            timings, sizes = [], []
            cpu_before = _cpu(server)
            for _ in range(n):
                # Boards woken by one change share a count for a quarter of a second: apart
                # by more, every request here makes its own (the cost of a fresh count).
                time.sleep(0.3)
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
                sizes.append(len(response.content))
            cpu_ms = (_cpu(server) - cpu_before) * 1000 / n
            result[name] = {
                "path": path,
                "n": n,
                "cpu_ms_per_request": round(cpu_ms, 1),
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(percentile(timings, 0.95), 1),
                "max_ms": round(max(timings), 1),
                "kib": round(max(sizes) / 1024, 1),
            }
            print(f"  {name}: {result[name]}")
    return result


async def _fanout_round(
    base: str, token: str, bed_id: UUID, status: BedStatus, clients: int
) -> dict[str, Any]:
    """One change, ``clients`` boards: seconds until each had its event and its new board."""
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients * 2 + 4)
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30, limits=limits) as http:
        before = int(TOTAL_FREE.findall((await http.get("/beds/board")).text)[0])
        expected = before + (1 if status is BedStatus.FREE else -1)
        ready = asyncio.Barrier(clients + 1)
        changed_at = 0.0
        events: list[float] = []
        boards: list[float] = []
        wrong: list[int] = []

        async def board_client() -> None:
            async with http.stream("GET", "/beds/events") as stream:
                lines = stream.aiter_lines()
                async for line in lines:  # the stream's greeting: subscribed
                    if line.startswith(": verbonden"):
                        break
                await ready.wait()
                async for line in lines:
                    if line.startswith("event: bed.status"):
                        events.append(time.perf_counter() - changed_at)
                        break
            shown = int(TOTAL_FREE.findall((await http.get("/beds/board")).text)[0])
            boards.append(time.perf_counter() - changed_at)
            if shown != expected:
                wrong.append(shown)

        tasks = [asyncio.create_task(board_client()) for _ in range(clients)]
        await ready.wait()
        changed_at = time.perf_counter()
        # A bed set occupied is a bed with a patient to the API: changing it back needs a reason.
        change = {"code": status.value, "reason": "benchmark: status round"}
        answer = await http.put(f"/api/v1/beds/{bed_id}/status", json=change)
        answer.raise_for_status()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    return {
        "clients": clients,
        "all_events_ms": round(max(events) * 1000, 1),
        "all_boards_ms": round(max(boards) * 1000, 1),
        "median_board_ms": round(statistics.median(boards) * 1000, 1),
        "boards_with_the_new_count": clients - len(wrong),
    }


def fanout(server: Server, token: str, engine: Engine, rounds: int) -> dict[str, Any]:
    base = server.base_url
    bed_id, original = _home_bed(engine)
    runs = []
    for index in range(rounds):
        status = BedStatus.FREE if index % 2 == 0 else BedStatus.OCCUPIED
        cpu_before, client_before = _cpu(server), time.process_time()
        runs.append(asyncio.run(_fanout_round(base, token, bed_id, status, CLIENTS)))
        # CPU for the whole round: the server's for 50 streams and 51 boards, and this load
        # client's own, which shares the same cores
        runs[-1]["server_cpu_ms"] = round((_cpu(server) - cpu_before) * 1000, 1)
        runs[-1]["client_cpu_ms"] = round((time.process_time() - client_before) * 1000, 1)
        time.sleep(0.5)
        print(f"  fan-out round {index + 1}: {runs[-1]}")
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        restore = {"code": original.value, "reason": "benchmark: restored"}
        client.put(f"/api/v1/beds/{bed_id}/status", json=restore).raise_for_status()
    worst = max(run["all_boards_ms"] for run in runs)
    return {
        "rounds": runs,
        "worst_all_boards_ms": worst,
        "worst_all_events_ms": max(run["all_events_ms"] for run in runs),
        "every_board_right": all(run["boards_with_the_new_count"] == CLIENTS for run in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sqlite", default="var/bench-national.sqlite3")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/regiozorg_bench_board"
    )
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    result: dict[str, Any] = {"machine": machine(), "targets": TARGETS}
    for name, url in (("sqlite", f"sqlite:///{args.sqlite}"), ("postgresql", args.postgres)):
        if args.only and name != args.only:
            continue
        print(f"{name}: preparing {url}")
        engine = prepare(url)  # migrates, seeds the national demo once, ANALYZE
        token = _token(engine)
        section: dict[str, Any] = {"load_average_before": os.getloadavg()}
        section["count"] = count_side_by_side(engine, args.requests)
        with serving(Server(url)) as server:
            section["pages"] = page_timings(server, token, args.requests)
            section["fanout"] = fanout(server, token, engine, args.rounds)
        section["load_average_after"] = os.getloadavg()
        result[name] = section
        engine.dispose()
    if args.only and (RESULTS / "board.json").exists():  # keep the other database's figures
        kept = json.loads((RESULTS / "board.json").read_text())
        result = kept | result
    print(f"written to {write('board', result)}")


if __name__ == "__main__":
    main()
