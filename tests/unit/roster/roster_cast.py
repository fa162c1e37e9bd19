"""The cast of the roster tests: a small ward rostered over two weeks starting on a Monday."""

from __future__ import annotations

from regiozorg.roster.evaluator import evaluate
from regiozorg.roster.problem import Cover, Problem, ShiftRequest, ShiftType, Staff
from regiozorg.roster.solver import Limits, Solution, solve

EARLY = ShiftType("E", 480)
NIGHT = ShiftType("N", 600, forbidden_next=frozenset({"E"}))


def ward(
    *,
    staff: tuple[Staff, ...] = (Staff("anna"),),
    covers: tuple[Cover, ...] = (),
    requests: tuple[ShiftRequest, ...] = (),
    days: int = 14,
) -> Problem:
    """A two-week ward with an early and a night shift; a night may not be followed by an early."""
    return Problem("ward", days, (EARLY, NIGHT), staff, covers, requests)


def wanted(
    days: list[int], shift: str = "E", need: int = 1, under: int = 10, over: int = 1
) -> tuple[Cover, ...]:
    """Cover asking `need` people on `shift` on the given days and nobody anywhere else."""
    return tuple(
        Cover(day, kind, need if kind == shift and day in days else 0, under, over)
        for day in range(14)
        for kind in ("E", "N")
    )


def solved(problem: Problem) -> Solution:
    """Solve to optimality and check the evaluator agrees before the test looks at it."""
    solution = solve(problem, Limits(work=10))
    assert solution.status == "OPTIMAL"
    assert solution.roster is not None
    evaluation = evaluate(problem, solution.roster)
    assert evaluation.violations == ()
    assert evaluation.objective == solution.objective
    return solution


def worked_days(solution: Solution, person: str = "anna") -> list[int]:
    assert solution.roster is not None
    return [day for day, shift in enumerate(solution.roster.assignments[person]) if shift]
