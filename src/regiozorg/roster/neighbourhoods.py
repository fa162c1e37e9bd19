"""Neighbourhoods for large-neighbourhood search: which cells (person, day) to set free.

Everything outside the chosen cells keeps the incumbent roster; CP-SAT then re-optimises the
free part exactly. Three shapes, because rostering costs interact along both axes: a person's
whole schedule (contract totals, weekends), a stretch of days for everybody (cover), and a block
of a few people over a few weeks (large instances, where neither of the first fits in a
sub-solve).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from regiozorg.roster.problem import Problem

HOT_SHARE = 0.7

Cells = set[tuple[int, int]]
"""(person index, day) pairs; any set of them is a `rules.Cells` for a sub-model."""
HotDays = list[tuple[int, int]]
"""(day, cost) for the days on which the incumbent roster pays penalties."""


def some_staff(rng: random.Random, problem: Problem, size: float, hot: HotDays) -> Cells:
    count = min(len(problem.staff), max(2, round(size / problem.days)))
    chosen = rng.sample(range(len(problem.staff)), count)
    return {(p, d) for p in chosen for d in range(problem.days)}


def some_days(rng: random.Random, problem: Problem, size: float, hot: HotDays) -> Cells:
    """Mostly a window around a costly day: under-cover is mended by moving shifts between
    people on nearby days."""
    width = min(problem.days, max(2, round(size / len(problem.staff))))
    start = rng.randrange(problem.days - width + 1)
    if hot and rng.random() < HOT_SHARE:
        (centre,) = rng.choices([day for day, _ in hot], weights=[cost for _, cost in hot])
        start = min(max(0, centre - rng.randrange(width)), problem.days - width)
    return {(p, d) for p in range(len(problem.staff)) for d in range(start, start + width)}


def staff_block(rng: random.Random, problem: Problem, size: float, hot: HotDays) -> Cells:
    width = min(problem.days, rng.choice([7, 14, 21, 28, 42]))
    count = min(len(problem.staff), max(2, round(size / width)))
    start = rng.randrange(problem.days - width + 1)
    chosen = rng.sample(range(len(problem.staff)), count)
    return {(p, d) for p in chosen for d in range(start, start + width)}


Neighbourhood = Callable[[random.Random, Problem, float, HotDays], Cells]

NEIGHBOURHOODS: dict[str, Neighbourhood] = {
    "staff": some_staff,
    "days": some_days,
    "block": staff_block,
}
