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
from typing import Any

from ortools.sat.python import cp_model

from regiozorg.roster.clocks import Clock, WallClock
from regiozorg.roster.duties import DutyProblem, DutyRoster
from regiozorg.roster.duty_rules import (
    Breach,
    DutyModel,
    Rule,
    check_all,
    costs_all,
    roster_from,
)

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
    """A lawful roster first (the hard rules alone are quick to satisfy, the penalties of the
    soft ones make the first roster slow to find), then the whole model from that roster as a
    hint for what is left of the budget."""
    clock = clock or WallClock()
    started, began = clock.now(), time.perf_counter()
    lawful = build(problem, [rule for rule in rules if rule.hard])
    status, solver = _search(lawful, clock, budget, workers, seed)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return DutySolution(STATUS.get(status, "unknown"), None, None, None, None, ())
    first_seconds = time.perf_counter() - began
    m = build(problem, rules)
    for key, var in m.x.items():
        m.model.add_hint(var, solver.value(lawful.x[key]))
    left = budget - (clock.now() - started)
    if m.penalties and left > 0:
        status, solver = _search(m, clock, left, workers, seed)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            roster = roster_from(m, solver.value)
            return DutySolution(
                STATUS[status],
                roster,
                solver.objective_value,
                solver.best_objective_bound,
                first_seconds,
                tuple(check_all(problem, roster, rules)),
            )
    roster = roster_from(lawful, solver.value)
    objective = sum(cost.cost for cost in costs_all(problem, roster, rules))
    return DutySolution(
        "feasible" if m.penalties else "optimal",
        roster,
        objective,
        None,
        first_seconds,
        tuple(check_all(problem, roster, rules)),
    )


def _search(
    m: DutyModel, clock: Clock, budget: float, workers: int, seed: int
) -> tuple[Any, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    clock.limit(solver, budget)
    return clock.solve(solver, m.model, None), solver


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
