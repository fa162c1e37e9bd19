"""The board's pure parts: roll-ups and paging of counted locations, and how concurrent boards
share one count without ever getting one older than their question."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

from regiozorg.beds.board import PAGE_SIZE, BoardFilter, Coalesced, Counts, Site, view

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def _site(region: uuid.UUID, town: str, number: int, free: int) -> Site:
    return Site(
        uuid.uuid4(), f"Locatie {number:03d}", town, "Org", region, Counts(free, 1, 5, 0), NOW
    )


def test_the_view_sums_the_chosen_region_per_place_and_pages_its_locations() -> None:
    home, other = uuid.uuid4(), uuid.uuid4()
    sites = [_site(home, "Assen" if n % 2 else "Emmen", n, n % 3) for n in range(120)]
    sites += [_site(other, "Zwolle", n, 2) for n in range(7)]
    names = {home: "Drenthe", other: "Overijssel"}

    first = view(sites, names, BoardFilter(region_id=home), stale_before=NOW)
    assert first.totals.total == 120 * 7
    assert first.totals.free == sum(n % 3 for n in range(120))
    assert [(p.town, p.locations) for p in first.places] == [("Assen", 60), ("Emmen", 60)]
    assert (first.pages, len(first.lines), first.locations) == (3, PAGE_SIZE, 120)
    assert [(r.name, r.locations, r.counts.free) for r in first.other_regions] == [
        ("Overijssel", 7, 14)
    ]

    last = view(sites, names, BoardFilter(region_id=home, page=99), stale_before=NOW)
    assert (last.page, len(last.lines)) == (3, 120 - 2 * PAGE_SIZE)

    assen_free = view(
        sites, names, BoardFilter(region_id=home, place="Assen", free_only=True), stale_before=NOW
    )
    assert all(line.town == "Assen" and line.counts.free for line in assen_free.lines)
    assert assen_free.totals.total == 60 * 7  # the totals are the place's, free or not


def test_concurrent_callers_share_a_count_never_started_before_they_asked() -> None:
    shared: Coalesced[int] = Coalesced()
    version = 0
    started = threading.Event()
    release = threading.Event()

    def count() -> int:
        seen = version  # what the database holds when the count starts
        started.set()
        release.wait(5)
        return seen

    answers: dict[str, int] = {}

    def ask(name: str) -> None:
        answers[name] = shared.run("board", count)

    first = threading.Thread(target=ask, args=("first",))
    first.start()
    assert started.wait(5)
    version = 1  # a change commits while the first count runs; then 20 boards ask
    started.clear()
    later = [threading.Thread(target=ask, args=(f"board {n}",)) for n in range(20)]
    for thread in later:
        thread.start()
    time.sleep(0.1)
    release.set()
    for thread in [first, *later]:
        thread.join(5)
    assert answers["first"] == 0
    assert all(answers[f"board {n}"] == 1 for n in range(20))  # none got the older count
    assert shared.computations == 2  # and 21 boards cost two counts


def test_an_error_reaches_every_caller_of_that_count_and_the_next_count_runs_anew() -> None:
    shared: Coalesced[int] = Coalesced()

    def broken() -> int:
        raise RuntimeError("database gone")

    try:
        shared.run("board", broken)
    except RuntimeError as error:
        assert "database gone" in str(error)
    else:
        raise AssertionError("the error was swallowed")
    assert shared.run("board", lambda: 7) == 7


def test_a_count_begun_after_the_last_change_serves_later_callers_and_an_older_one_not() -> None:
    now = [100.0]
    last_change = [0.0]
    shared: Coalesced[str] = Coalesced(
        changed=lambda: last_change[0], reuse=0.25, clock=lambda: now[0]
    )
    shared.run("board", lambda: "first")
    now[0] += 0.1  # within the reuse window, no change since: the same count
    assert shared.run("board", lambda: "second") == "first"
    last_change[0] = now[0] + 0.01  # a change event after that count began
    now[0] += 0.02
    assert shared.run("board", lambda: "third") == "third"
    now[0] += 1.0  # no change, but past the window: counted anew (holds run out unannounced)
    assert shared.run("board", lambda: "fourth") == "fourth"
    assert shared.computations == 3
