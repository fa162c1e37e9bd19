"""The evaluator re-scores any roster from scratch; here on hand-made rosters, and against the
solver on generated problems (every roster the solver reports must score the same)."""

from __future__ import annotations

from dataclasses import replace
from random import Random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from regiozorg.roster import rules
from regiozorg.roster.clocks import WorkClock
from regiozorg.roster.evaluator import evaluate
from regiozorg.roster.problem import Cover, Problem, Roster, ShiftRequest, ShiftType, Staff
from regiozorg.roster.solver import Limits, Progress, solve
from tests.unit.roster.roster_cast import ward


def roster(**days: str) -> Roster:
    """roster(anna="EE-NN") : one letter per day, '-' for a day off."""
    return Roster({who: tuple("" if c == "-" else c for c in line) for who, line in days.items()})


def rules_broken(problem: Problem, plan: Roster) -> list[str]:
    return sorted(violation.rule for violation in evaluate(problem, plan).violations)


def test_a_lawful_roster_has_no_violations() -> None:
    anna = Staff("anna", min_consecutive_shifts=2, min_consecutive_days_off=2, max_weekends=1)
    assert rules_broken(ward(staff=(anna,)), roster(anna="EE--NN---EE---")) == []


def test_every_broken_hard_rule_is_listed() -> None:
    anna = Staff(
        "anna",
        max_shifts={"N": 0},
        min_minutes=10_000,
        max_consecutive_shifts=2,
        min_consecutive_shifts=2,
        min_consecutive_days_off=2,
        max_weekends=0,
        days_off=frozenset({0}),
    )
    plan = roster(anna="ENEE-E--------")
    assert rules_broken(ward(staff=(anna,)), plan) == [
        "fixed-day-off",
        "forbidden-succession",
        "max-consecutive-shifts",
        "max-shifts-of-type",
        "max-weekends",
        "min-consecutive-days-off",
        "min-consecutive-shifts",
        "min-total-minutes",
    ]


def test_runs_at_the_ends_follow_the_benchmark_convention() -> None:
    anna = Staff("anna", min_consecutive_shifts=3, min_consecutive_days_off=3)
    # Days off touching either end are exempt; a short run of shifts at the end is not.
    assert rules_broken(ward(staff=(anna,)), roster(anna="-EEE---EEE---E")) == [
        "min-consecutive-shifts"
    ]
    # With open ends the run may go on after the horizon; inside it, it is still too short.
    open_ends = replace(ward(staff=(anna,)), open_ends=True)
    assert rules_broken(open_ends, roster(anna="-EEE---EEE---E")) == []
    assert rules_broken(open_ends, roster(anna="EEE---E---EEEE")) == ["min-consecutive-shifts"]


def test_cost_lines_name_their_rule_and_day() -> None:
    problem = ward(
        covers=(Cover(12, "N", 3, under_weight=100, over_weight=1),),
        requests=(ShiftRequest("anna", 0, "E", 2, on=True),),
    )
    evaluation = evaluate(problem, roster(anna="------------N-"))
    assert [line.describe() for line in evaluation.cost_lines] == [
        "1 × unmet on-request of anna for E on Mon 0: 2",
        "2 × under-cover on Sat 12 N: 200",
    ]
    assert evaluation.objective == 202


# --- the solver against the evaluator on generated problems ---------------------------------

SHIFTS = (ShiftType("D", 480), ShiftType("L", 540), ShiftType("N", 600, frozenset({"D", "L"})))


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    days = draw(st.sampled_from([7, 14]))
    shift_types = SHIFTS[: draw(st.integers(1, 3))]
    ids = [shift.id for shift in shift_types]
    staff = []
    for number in range(draw(st.integers(1, 4))):
        low_run = draw(st.integers(1, 3))
        staff.append(
            Staff(
                f"p{number}",
                max_shifts={shift: draw(st.integers(0, days)) for shift in ids},
                min_minutes=draw(st.sampled_from([0, 480, 1440])),
                max_minutes=draw(st.sampled_from([2400, 4800, 9600])),
                min_consecutive_shifts=low_run,
                max_consecutive_shifts=draw(st.integers(low_run, 6)),
                min_consecutive_days_off=draw(st.integers(1, 3)),
                max_weekends=draw(st.integers(0, 2)),
                days_off=frozenset(draw(st.sets(st.integers(0, days - 1), max_size=2))),
            )
        )
    covers = tuple(
        Cover(
            day, shift, draw(st.integers(0, 3)), draw(st.integers(0, 100)), draw(st.integers(0, 5))
        )
        for day in range(days)
        for shift in ids
    )
    requests = tuple(
        ShiftRequest(
            draw(st.sampled_from(staff)).id,
            draw(st.integers(0, days - 1)),
            draw(st.sampled_from(ids)),
            draw(st.integers(1, 3)),
            on=draw(st.booleans()),
        )
        for _ in range(draw(st.integers(0, 6)))
    )
    return Problem(
        "generated",
        days,
        shift_types,
        tuple(staff),
        covers,
        requests,
        open_ends=draw(st.booleans()),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_solver_and_evaluator_agree_on_every_reported_roster(problem: Problem) -> None:
    seen: list[Progress] = []
    solution = solve(problem, Limits(work=2), on_progress=seen.append)
    if solution.status == "INFEASIBLE":
        assert solution.explanation is not None
        return
    assert solution.roster is not None
    for found in [*seen, Progress(solution.objective or 0, 0, 0, solution.roster)]:
        evaluation = evaluate(problem, found.roster)
        assert evaluation.violations == ()
        assert evaluation.objective == found.objective
    lines = solution.cost_lines
    assert sum(line.cost for line in lines) == solution.objective


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.randoms(use_true_random=False))
def test_a_sub_model_changes_only_its_free_cells_and_scores_the_whole_roster(
    problem: Problem, rng: Random
) -> None:
    """Neighbourhood search re-solves sub-models: the frozen cells must stay as they were, the
    objective must be the whole roster's cost, and a lawful frozen roster must stay lawful."""
    start = solve(problem, Limits(work=1, plain=True))
    if start.roster is None:
        return
    cells = [(p, d) for p in range(len(problem.staff)) for d in range(problem.days)]
    free = set(rng.sample(cells, rng.randrange(len(cells) + 1)))

    frozen_only = rules.build(problem, frozen=start.roster, free=set())
    assert sum(term.weight * term.count(int) for term in frozen_only.penalties) == start.objective

    sub = rules.build(problem, frozen=start.roster, free=free)
    solver, clock = cp_model.CpSolver(), WorkClock()
    clock.limit(solver, 5.0)
    assert clock.solve(solver, sub.model) == cp_model.OPTIMAL
    assert start.objective is not None
    # Weights are integers; CP-SAT reports the objective as a float (2.000000000000001).
    assert round(solver.objective_value) <= start.objective
    found = rules.read_roster(sub, solver.value)
    evaluation = evaluate(problem, found)
    assert evaluation.violations == ()
    assert evaluation.objective == round(solver.objective_value)
    for p, person in enumerate(problem.staff):
        for d in range(problem.days):
            if (p, d) not in free:
                assert found.assignments[person.id][d] == start.roster.assignments[person.id][d]
