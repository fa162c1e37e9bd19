"""The person-by-person start: lawful for everyone, and later people fill what is still open.

Budgets here are work on a `WorkClock`, not seconds: the same rosters on any machine."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from regiozorg.roster import nrp
from regiozorg.roster.clocks import WorkClock
from regiozorg.roster.evaluator import evaluate
from regiozorg.roster.problem import Roster, ShiftRequest, Staff
from regiozorg.roster.start import open_cover_weights, person_by_person, roster_alone
from tests.unit.roster.roster_cast import wanted, ward


def test_each_person_fills_the_cover_the_others_left_open() -> None:
    staff = tuple(
        Staff(name, max_consecutive_shifts=4, min_consecutive_days_off=2, max_weekends=1)
        for name in ("anna", "bram", "cees")
    )
    problem = ward(staff=staff, covers=wanted(list(range(14)), need=2, under=100, over=50))
    roster = person_by_person(problem, 10.0, clock=WorkClock())
    assert roster is not None
    evaluation = evaluate(problem, roster)
    assert evaluation.violations == ()
    per_day = [sum(1 for days in roster.assignments.values() if days[d]) for d in range(14)]
    assert max(per_day) <= 2  # nobody piles onto a day that is already covered


def test_a_person_without_any_lawful_roster_gives_none() -> None:
    impossible = Staff("anna", min_minutes=20 * 600)
    assert person_by_person(ward(staff=(impossible,)), 5.0, clock=WorkClock()) is None


def test_a_shift_still_short_pays_to_work_and_a_full_one_costs() -> None:
    problem = ward(
        covers=wanted([0, 1], need=1, under=100, over=7),
        requests=(
            ShiftRequest("anna", 1, "E", 3, on=False),
            ShiftRequest("anna", 2, "N", 5, on=True),
        ),
    )
    weights = open_cover_weights(problem, problem.staff[0], Counter({(1, "E"): 1}))
    assert weights[0, "E"] == -100  # nobody on it yet: one more saves an under-cover
    assert weights[1, "E"] == 7 + 3  # already full: over-cover, and anna asked to be free
    assert weights[2, "N"] == 7 - 5  # nobody needed, but anna asked for it


def test_a_person_of_instance20_gets_a_lawful_roster_with_little_work() -> None:
    # One-person CP-SAT search towards the open cover found none in 5 s for these people.
    problem = nrp.load("Instance20")
    for person in problem.staff[1:3]:
        days = roster_alone(problem, person, Counter(), 0.5, patience=2.5, clock=WorkClock())
        assert days is not None
        alone = replace(problem, staff=(person,))
        assert evaluate(alone, Roster({person.id: days})).violations == ()


def test_a_start_past_its_deadline_still_gives_everyone_a_lawful_roster() -> None:
    problem = replace(nrp.load("Instance20"), staff=nrp.load("Instance20").staff[:3])
    roster = person_by_person(problem, 0.0, last_resort=30.0, clock=WorkClock())
    assert roster is not None
    assert evaluate(problem, roster).violations == ()


def test_a_person_without_a_share_of_time_still_works_where_cover_is_open() -> None:
    problem = ward(covers=wanted([2, 3, 4], need=1, under=100, over=50))
    days = roster_alone(
        problem, problem.staff[0], Counter(), seconds=0.0, patience=5.0, clock=WorkClock()
    )
    assert days is not None
    assert [day for day, shift in enumerate(days) if shift] == [2, 3, 4]


def test_a_person_of_instance22_gets_a_lawful_roster() -> None:
    # A light presolve alone found none in 10 s for this person (364 days, 232-234 shifts).
    problem = nrp.load("Instance22")
    person = problem.staff[0]
    days = roster_alone(problem, person, Counter(), seconds=0.0, patience=30.0, clock=WorkClock())
    assert days is not None
    assert evaluate(replace(problem, staff=(person,)), Roster({person.id: days})).violations == ()
