"""Infeasible input gets the clashing rules named, never a bare INFEASIBLE."""

from __future__ import annotations

from regiozorg.roster.clocks import WorkClock
from regiozorg.roster.explain import clashing_rules
from regiozorg.roster.problem import Staff
from regiozorg.roster.solver import Limits, solve
from tests.unit.roster.roster_cast import ward


def test_clashing_rules_of_one_person_are_named() -> None:
    # A week off leaves seven days; even seven nights (4200 minutes) fall short of 4800.
    anna = Staff("anna")
    bram = Staff("bram", min_minutes=10 * 480, days_off=frozenset(range(7)))
    solution = solve(ward(staff=(anna, bram)), Limits(work=10))
    assert solution.status == "INFEASIBLE"
    assert solution.explanation[0] == "No roster satisfies these hard rules together:"
    named = "\n".join(solution.explanation[1:])
    assert "bram: min-total-minutes (at least 4800 minutes)" in named
    assert "bram: fixed-day-off" in named
    assert "anna" not in named


def test_the_clash_is_minimal() -> None:
    bram = Staff(
        "bram",
        min_minutes=8 * 480,
        max_consecutive_shifts=2,
        min_consecutive_days_off=3,
        max_weekends=0,
        min_consecutive_shifts=1,
    )
    clash = clashing_rules(ward(staff=(bram,)), 10.0, clock=WorkClock())
    rules = sorted(guard.rule for guard in clash)
    # Two on, three off gives 6 shifts in 14 days at most; weekends are not needed for the clash.
    assert rules == ["max-consecutive-shifts", "min-consecutive-days-off", "min-total-minutes"]
