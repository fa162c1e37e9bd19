"""The person-by-person start: lawful for everyone, and later people fill what is still open."""

from __future__ import annotations

import time

from roster_cast import wanted, ward

from regiozorg.roster.evaluator import evaluate
from regiozorg.roster.problem import Staff
from regiozorg.roster.start import person_by_person


def test_each_person_fills_the_cover_the_others_left_open() -> None:
    staff = tuple(
        Staff(name, max_consecutive_shifts=4, min_consecutive_days_off=2, max_weekends=1)
        for name in ("anna", "bram", "cees")
    )
    problem = ward(staff=staff, covers=wanted(list(range(14)), need=2, under=100, over=50))
    roster = person_by_person(problem, time.monotonic() + 10)
    assert roster is not None
    evaluation = evaluate(problem, roster)
    assert evaluation.violations == ()
    per_day = [sum(1 for days in roster.assignments.values() if days[d]) for d in range(14)]
    assert max(per_day) <= 2  # nobody piles onto a day that is already covered


def test_a_person_without_any_lawful_roster_gives_none() -> None:
    impossible = Staff("anna", min_minutes=20 * 600)
    assert person_by_person(ward(staff=(impossible,)), time.monotonic() + 5) is None
