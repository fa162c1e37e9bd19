"""One test per rule: a tiny ward where the rule is what decides the optimum.

Every expected optimum differs from what the ward would cost without the rule, so each test
fails if its rule is dropped or posted wrongly. `solved` also checks the evaluator agrees.
"""

from __future__ import annotations

from dataclasses import replace

from regiozorg.roster.problem import Cover, ShiftRequest, Staff
from tests.unit.roster.roster_cast import solved, wanted, ward, worked_days

EVERY_DAY = list(range(14))


def test_fixed_days_off_are_kept_even_when_cover_is_short() -> None:
    anna = Staff("anna", days_off=frozenset({3, 4}), max_consecutive_shifts=14)
    solution = solved(ward(staff=(anna,), covers=wanted(EVERY_DAY)))
    assert worked_days(solution) == [0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert solution.objective == 2 * 10


def test_a_night_is_not_followed_by_an_early() -> None:
    covers = (Cover(0, "N", 1, 10, 1), Cover(1, "E", 1, 7, 1))
    solution = solved(ward(covers=covers))
    assert solution.roster is not None
    assert solution.roster.assignments["anna"][:2] == ("N", "")
    assert solution.objective == 7


def test_at_most_the_allowed_number_of_a_shift_type() -> None:
    anna = Staff("anna", max_shifts={"E": 5}, max_consecutive_shifts=14)
    solution = solved(ward(staff=(anna,), covers=wanted(EVERY_DAY)))
    assert len(worked_days(solution)) == 5
    assert solution.objective == 9 * 10


def test_at_most_the_maximum_minutes() -> None:
    anna = Staff("anna", max_minutes=6 * 480)
    solution = solved(ward(staff=(anna,), covers=wanted(EVERY_DAY)))
    assert len(worked_days(solution)) == 6


def test_at_least_the_minimum_minutes_even_when_nobody_is_needed() -> None:
    anna = Staff("anna", min_minutes=4 * 480)
    nobody = wanted([], over=3)
    solution = solved(ward(staff=(anna,), covers=nobody))
    assert len(worked_days(solution)) == 4
    assert solution.objective == 4 * 3


def test_no_run_of_shifts_longer_than_the_maximum() -> None:
    anna = Staff("anna", max_consecutive_shifts=3)
    solution = solved(ward(staff=(anna,), covers=wanted(EVERY_DAY)))
    # Best is work 3, rest 1: days 3, 7 and 11 off.
    assert solution.objective == 3 * 10


def test_a_run_of_shifts_reaches_the_minimum_length() -> None:
    anna = Staff("anna", min_consecutive_shifts=3)
    solution = solved(ward(staff=(anna,), covers=wanted([6], under=10, over=1)))
    assert len(worked_days(solution)) == 3
    assert 6 in worked_days(solution)
    assert solution.objective == 2


def test_a_run_of_shifts_touching_the_end_still_needs_the_minimum() -> None:
    anna = Staff("anna", min_consecutive_shifts=3)
    solution = solved(ward(staff=(anna,), covers=wanted([13], under=10, over=1)))
    assert worked_days(solution) == [11, 12, 13]


def test_with_open_ends_a_run_of_shifts_touching_the_end_may_be_short() -> None:
    anna = Staff("anna", min_consecutive_shifts=3)
    problem = replace(ward(staff=(anna,), covers=wanted([13], under=10, over=1)), open_ends=True)
    solution = solved(problem)
    assert worked_days(solution) == [13]
    assert solution.objective == 0


def test_a_run_of_days_off_reaches_the_minimum_length() -> None:
    anna = Staff("anna", min_consecutive_days_off=2)
    everyday_but_sunday = [day for day in EVERY_DAY if day != 6]
    solution = solved(ward(staff=(anna,), covers=wanted(everyday_but_sunday, under=10, over=20)))
    assert solution.objective == 10


def test_a_run_of_days_off_touching_the_start_is_exempt() -> None:
    anna = Staff("anna", min_consecutive_days_off=3)
    solution = solved(ward(staff=(anna,), covers=wanted(list(range(1, 14)))))
    assert worked_days(solution) == list(range(1, 14))
    assert solution.objective == 0


def test_at_most_the_allowed_weekends() -> None:
    anna = Staff("anna", max_weekends=1)
    solution = solved(ward(staff=(anna,), covers=wanted([5, 13], under=10, over=1)))
    assert solution.objective == 10


def test_unmet_on_request_and_met_off_request_cost_their_weight() -> None:
    requests = (
        ShiftRequest("anna", 2, "E", weight=4, on=True),
        ShiftRequest("anna", 2, "E", weight=3, on=False),
        ShiftRequest("anna", 5, "N", weight=2, on=False),
    )
    covers = (Cover(5, "N", 1, under_weight=5, over_weight=1),)
    solution = solved(ward(requests=requests, covers=covers))
    # Working E on day 2 costs 3 (off-request) instead of 4; working the needed night costs 2.
    assert solution.objective == 3 + 2
    lines = sorted(line.describe() for line in solution.cost_lines)
    assert lines == [
        "1 × met off-request of anna for E on Wed 2: 3",
        "1 × met off-request of anna for N on Sat 5: 2",
    ]


def test_cover_counts_people_short() -> None:
    covers = (Cover(12, "N", 3, under_weight=100, over_weight=1), Cover(13, "E", 3, 100, 5))
    solution = solved(ward(covers=covers))
    # Anna alone can take the night or the early after it, not both: 2 + 3 short either way.
    assert solution.objective == 200 + 300
    assert "3 × under-cover on Sat 12 N: 300" in [line.describe() for line in solution.cost_lines]


def test_cover_counts_people_too_many() -> None:
    staff = tuple(Staff(name, min_minutes=480) for name in ("anna", "bram", "cees", "dirk"))
    covers = tuple(
        Cover(day, shift, 1 if (day, shift) == (0, "E") else 0, 100, 5)
        for day in range(14)
        for shift in ("E", "N")
    )
    solution = solved(ward(staff=staff, covers=covers))
    assert solution.objective == 3 * 5
