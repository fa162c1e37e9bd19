"""Infeasible input gets the clashing rules named, never a bare INFEASIBLE: as codes with their
limits, said in the reader's language where shown."""

from __future__ import annotations

from regiozorg.roster.clocks import WorkClock
from regiozorg.roster.explain import Clash, Explanation, clashing_rules
from regiozorg.roster.labels import say_explanation
from regiozorg.roster.problem import Staff
from regiozorg.roster.solver import Limits, solve
from tests.unit.roster.roster_cast import ward


def test_clashing_rules_of_one_person_are_named() -> None:
    # A week off leaves seven days; even seven nights (4200 minutes) fall short of 4800.
    anna = Staff("anna")
    bram = Staff("bram", min_minutes=10 * 480, days_off=frozenset(range(7)))
    problem = ward(staff=(anna, bram))
    solution = solve(problem, Limits(work=10))
    assert solution.status == "INFEASIBLE"
    assert solution.explanation is not None
    clash = solution.explanation.clash
    assert Clash("bram", "min-total-minutes", {"minutes": 4800}) in clash
    assert Clash("bram", "fixed-day-off", {"days": tuple(range(7))}) in clash
    assert all(rule.staff == "bram" for rule in clash)

    dutch = say_explanation("nl", problem, solution.explanation)
    assert dutch[0] == "Geen rooster voldoet aan deze harde regels samen:"
    assert "bram: ten minste 4800 minuten" in dutch
    english = say_explanation("en", problem, solution.explanation)
    assert english[0] == "No roster satisfies these hard rules together:"
    assert "bram: at least 4800 minutes" in english
    assert "bram: days off on Mon 0, Tue 1, Wed 2, Thu 3, Fri 4, Sat 5, Sun 6" in english


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


def test_a_clash_not_found_in_time_is_said_too() -> None:
    (line,) = say_explanation("en", ward(), Explanation())
    assert line.startswith("No roster satisfies the hard rules;")
