"""Neighbourhoods choose which (person, day) cells the search may change."""

from __future__ import annotations

import random

from regiozorg.roster.neighbourhoods import some_days, some_staff, staff_block
from regiozorg.roster.problem import Staff
from tests.unit.roster.roster_cast import ward

STAFF = tuple(Staff(name) for name in ("anna", "bram", "cees", "dirk", "eva", "fien"))


def test_some_staff_frees_whole_schedules() -> None:
    free = some_staff(random.Random(1), ward(staff=STAFF), size=3 * 14, hot=[])
    people = {p for p, _ in free}
    assert len(people) == 3
    assert free == {(p, d) for p in people for d in range(14)}


def test_some_days_frees_everyone_on_a_window_around_a_costly_day() -> None:
    problem = ward(staff=STAFF)
    for seed in range(20):
        free = some_days(random.Random(seed), problem, size=6 * 3, hot=[(11, 300)])
        days = sorted({d for _, d in free})
        assert len(days) == 3
        assert len(free) == 6 * 3
    # Most windows (the hot share) contain the only costly day.
    hits = sum(
        11 in {d for _, d in some_days(random.Random(seed), problem, 18, [(11, 300)])}
        for seed in range(50)
    )
    assert hits >= 30


def test_staff_block_stays_inside_the_horizon() -> None:
    problem = ward(staff=STAFF)
    for seed in range(20):
        free = staff_block(random.Random(seed), problem, size=40, hot=[])
        assert all(0 <= d < 14 and 0 <= p < 6 for p, d in free)
