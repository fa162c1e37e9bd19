"""Solving a duty roster (``roster.duties``) under a set of rules, and saying why none exists.

``solve`` posts every rule, minimises the soft rules' weighted penalties and checks what it
found with every hard rule's own check. ``clashes`` asks the same model with one assumption per
(hard rule, subject) and returns the subjects of CP-SAT's assumption core: the smallest set of
rules it found that together leave no roster.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from regiozorg.roster.clocks import Clock, WallClock
from regiozorg.roster.duties import DutyProblem, DutyRoster
from regiozorg.roster.duty_rules import Breach, DutyModel, Rule, check_all, roster_from

STATUS = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible",
          cp_model.INFEASIBLE: "infeasible"}  # fmt: skip


@dataclass(frozen=True)
class DutySolution:
    status: str  # optimal, feasible, infeasible, unknown (no roster within the limit)
    roster: DutyRoster | None
    objective: float | None
    bound: float | None
    first_seconds: float | None
    breaches: tuple[Breach, ...]  # the hard rules' own checks of the roster: empty if lawful


class _FirstFound(cp_model.CpSolverSolutionCallback):
    def __init__(self) -> None:
        super().__init__()
        self.started = time.perf_counter()
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.started


def build(problem: DutyProblem, rules: Sequence[Rule], *, explain: bool = False) -> DutyModel:
    m = DutyModel(problem, explain=explain)
    for rule in rules:
        rule.post(m)
    if m.penalties:
        m.model.minimize(sum(weight * expr for _, _, weight, expr in m.penalties))
    return m


def solve(
    problem: DutyProblem,
    rules: Sequence[Rule],
    *,
    budget: float,
    clock: Clock | None = None,
    workers: int = 2,
    seed: int = 1,
) -> DutySolution:
    clock = clock or WallClock()
    m = build(problem, rules)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    clock.limit(solver, budget)
    found = _FirstFound()
    status = clock.solve(solver, m.model, found)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return DutySolution(STATUS.get(status, "unknown"), None, None, None, None, ())
    roster = roster_from(m, solver.value)
    return DutySolution(
        STATUS[status],
        roster,
        solver.objective_value if m.penalties else 0.0,
        solver.best_objective_bound if m.penalties else 0.0,
        found.first,
        tuple(check_all(problem, roster, rules)),
    )


def clashes(
    problem: DutyProblem, rules: Sequence[Rule], *, budget: float, clock: Clock | None = None
) -> list[Breach] | None:
    """The (rule, subject) pairs that clash, from the assumption core; [] when the rules do
    not clash (a roster exists), None when the budget ran out before an answer."""
    clock = clock or WallClock()
    m = build(problem, [rule for rule in rules if rule.hard], explain=True)
    m.model.add_assumptions(list(m.guards.values()))
    solver = cp_model.CpSolver()
    clock.limit(solver, budget)
    solver.parameters.num_workers = 1  # the core is only reported by a single plain search
    solver.parameters.interleave_search = False
    status = clock.solve(solver, m.model, None)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return []
    if status != cp_model.INFEASIBLE:
        return None
    named = {literal.index: key for key, literal in m.guards.items()}
    core = solver.sufficient_assumptions_for_infeasibility()
    return sorted(Breach(*named[index]) for index in core if index in named)
