"""A pure `solve(problem, limits) -> Solution` on top of OR-Tools CP-SAT."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from regiozorg.roster import rules
from regiozorg.roster.problem import CostLine, Problem, Roster


@dataclass(frozen=True)
class Limits:
    seconds: float = 60.0
    workers: int = 2
    seed: int = 0
    plain: bool = False
    """Only the plain model, as a baseline: no hint, no neighbourhood search."""


@dataclass(frozen=True)
class Progress:
    """The best roster so far, as the search goes."""

    objective: int
    best_bound: int
    seconds: float
    roster: Roster


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class Solution:
    status: str
    """OPTIMAL, FEASIBLE, INFEASIBLE or UNKNOWN (no roster found in the time given)."""
    objective: int | None
    best_bound: int | None
    seconds: float
    roster: Roster | None
    cost_lines: tuple[CostLine, ...] = ()
    explanation: tuple[str, ...] = ()
    """Why the problem is infeasible, one line per clashing rule; empty otherwise."""

    @property
    def has_roster(self) -> bool:
        return self.roster is not None


def read_roster(m: rules.RosterModel, value: Callable[[Any], int]) -> Roster:
    problem = m.problem
    assignments: dict[str, tuple[str, ...]] = {}
    for p, person in enumerate(problem.staff):
        days: list[str] = []
        for d in range(problem.days):
            shift = ""
            for s, shift_type in enumerate(problem.shift_types):
                if value(m.x[p, d, s]):
                    shift = shift_type.id
                    break
            days.append(shift)
        assignments[person.id] = tuple(days)
    return Roster(assignments)


def read_cost_lines(m: rules.RosterModel, value: Callable[[Any], int]) -> tuple[CostLine, ...]:
    lines = (
        CostLine(term.rule, term.subject, int(value(term.expr)), term.weight)
        for term in m.penalties
    )
    return tuple(line for line in lines if line.cost)


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, m: rules.RosterModel, on_progress: ProgressCallback, started: float) -> None:
        super().__init__()
        self._m = m
        self._on_progress = on_progress
        self._started = started

    def on_solution_callback(self) -> None:
        self._on_progress(
            Progress(
                objective=round(self.objective_value),
                best_bound=round(self.best_objective_bound),
                seconds=time.monotonic() - self._started,
                roster=read_roster(self._m, self.value),
            )
        )


_STATUS = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


def solve(
    problem: Problem, limits: Limits, on_progress: ProgressCallback | None = None
) -> Solution:
    started = time.monotonic()
    m = rules.build(problem)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limits.seconds
    solver.parameters.num_workers = limits.workers
    solver.parameters.random_seed = limits.seed
    reporter = _Reporter(m, on_progress, started) if on_progress else None
    status = solver.solve(m.model, reporter)
    seconds = time.monotonic() - started
    name = _STATUS.get(status, "UNKNOWN")
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solution(
            status=name,
            objective=round(solver.objective_value),
            best_bound=round(solver.best_objective_bound),
            seconds=seconds,
            roster=read_roster(m, solver.value),
            cost_lines=read_cost_lines(m, solver.value),
        )
    explanation: tuple[str, ...] = ()
    if status == cp_model.INFEASIBLE:
        from regiozorg.roster.explain import explain_infeasible  # noqa: PLC0415

        explanation = explain_infeasible(problem, seconds=max(limits.seconds - seconds, 5.0))
    return Solution(name, None, None, seconds, None, explanation=explanation)
