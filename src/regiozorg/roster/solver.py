"""A pure `solve(problem, limits) -> Solution` on top of OR-Tools CP-SAT."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from regiozorg.roster import rules
from regiozorg.roster.neighbourhoods import NEIGHBOURHOODS
from regiozorg.roster.problem import CostLine, Problem, Roster
from regiozorg.roster.rules import read_cost_lines, read_roster
from regiozorg.roster.start import person_by_person

# Chosen from single 30-60 s runs on Instances 5, 8 and 14 (see benchmarks/results/nrp.md): the
# first search gets this share of the time before neighbourhood search takes over.
FIRST_SEARCH_SHARE = 0.3
INITIAL_FREE_CELLS = 150
GROW, SHRINK = 1.15, 0.85
MIN_STEP_SECONDS, MAX_STEP_SECONDS, STEPS_PER_RUN = 0.5, 10.0, 60
# Without a roster by this share of the time the first search stops, and the person-by-person
# start aims to be done by START_SHARE (Instance20 at 60 s: 6 s, then 12 s for the start).
GIVE_UP_SHARE, START_SHARE = 0.1, 0.3


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


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Passes each better roster of the first search on, and notes whether one exists."""

    def __init__(
        self, m: rules.RosterModel, on_progress: ProgressCallback | None, started: float
    ) -> None:
        super().__init__()
        self._m = m
        self.on_progress = on_progress
        self.started = started
        self.found = False
        self.done = threading.Event()

    def on_solution_callback(self) -> None:
        self.found = True
        if self.on_progress is None:
            return
        self.on_progress(
            Progress(
                objective=round(self.objective_value),
                best_bound=round(self.best_objective_bound),
                seconds=time.monotonic() - self.started,
                roster=read_roster(self._m, self.value),
            )
        )


_STATUS: dict[Any, str] = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}

_FOUND = (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _solver(seconds: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver


def _stop_when_found(
    solver: cp_model.CpSolver, reporter: _Reporter, deadline: float, give_up: float
) -> None:
    """From `deadline` on, stop the first search as soon as it holds a roster: the rest of the
    time goes to neighbourhood search. At `give_up` stop it anyway: a person-by-person start
    is then the better bet."""

    def watch() -> None:
        while not reporter.done.wait(0.2):
            now = time.monotonic()
            if (now >= deadline and reporter.found) or now >= give_up:
                solver.stop_search()
                return

    threading.Thread(target=watch, daemon=True).start()


@dataclass
class _Incumbent:
    objective: int
    values: list[int]
    solver: cp_model.CpSolver
    """The solver whose response holds this roster; it answers value() for any expression."""


def solve(
    problem: Problem, limits: Limits, on_progress: ProgressCallback | None = None
) -> Solution:
    """Solve within `limits`: one CP-SAT search over the whole problem, then (unless plain)
    large-neighbourhood search from its best roster for the rest of the time."""
    started = time.monotonic()
    deadline = started + limits.seconds
    m = rules.build(problem)
    first_share = 1.0 if limits.plain else FIRST_SEARCH_SHARE
    solver = _solver(deadline - time.monotonic(), limits.workers, limits.seed)
    reporter = _Reporter(m, on_progress, started)
    if not limits.plain:
        _stop_when_found(
            solver,
            reporter,
            started + first_share * limits.seconds,
            started + GIVE_UP_SHARE * limits.seconds,
        )
    status = solver.solve(m.model, reporter)
    reporter.done.set()
    best_bound = round(solver.best_objective_bound)
    if status in _FOUND:
        incumbent: _Incumbent | None = _Incumbent(
            round(solver.objective_value), list(solver.response_proto.solution), solver
        )
    elif status == cp_model.UNKNOWN and not limits.plain:
        incumbent = _start_person_by_person(m, limits, started, deadline)
    else:
        incumbent = None
    if incumbent is None:
        return _no_roster(problem, limits, status, time.monotonic() - started)
    if status != cp_model.OPTIMAL and not limits.plain:
        incumbent = _improve(m, limits, incumbent, best_bound, deadline, reporter)
    final = incumbent.solver
    optimal = status == cp_model.OPTIMAL or incumbent.objective == best_bound
    return Solution(
        status="OPTIMAL" if optimal else "FEASIBLE",
        objective=incumbent.objective,
        best_bound=best_bound,
        seconds=time.monotonic() - started,
        roster=read_roster(m, final.value),
        cost_lines=read_cost_lines(m, final.value),
    )


def _start_person_by_person(
    m: rules.RosterModel, limits: Limits, started: float, deadline: float
) -> _Incumbent | None:
    """A first roster when the whole-problem search found none: see `start.person_by_person`,
    then the full model with every shift fixed, which only fills in the penalty variables."""
    roster = person_by_person(
        m.problem,
        started + START_SHARE * limits.seconds,
        limits.seed,
        limits.workers,
        last_resort=deadline,
    )
    if roster is None:
        return None
    ids = {shift.id: s for s, shift in enumerate(m.problem.shift_types)}
    proto = m.model.proto
    for (p, d, s), var in m.x.items():
        value = int(ids.get(roster.assignments[m.problem.staff[p].id][d], -1) == s)
        domain = proto.variables[var.index].domain
        domain[0] = domain[1] = value
    solver = _solver(deadline - time.monotonic(), limits.workers, limits.seed)
    status = solver.solve(m.model)
    for var in m.x.values():
        domain = proto.variables[var.index].domain
        domain[0], domain[1] = 0, 1
    if status not in _FOUND:
        return None
    return _Incumbent(round(solver.objective_value), list(solver.response_proto.solution), solver)


def _no_roster(
    problem: Problem, limits: Limits, status: cp_model.CpSolverStatus, seconds: float
) -> Solution:
    explanation: tuple[str, ...] = ()
    if status == cp_model.INFEASIBLE:
        from regiozorg.roster.explain import explain_infeasible  # noqa: PLC0415

        explanation = explain_infeasible(problem, seconds=max(limits.seconds - seconds, 5.0))
    return Solution(
        _STATUS.get(status, "UNKNOWN"), None, None, seconds, None, explanation=explanation
    )


def hot_days(m: rules.RosterModel, solver: cp_model.CpSolver) -> list[tuple[int, int]]:
    costs: dict[int, int] = {}
    for term in m.penalties:
        if term.day is not None and not isinstance(term.expr, int):
            cost = term.weight * int(solver.value(term.expr))
            if cost:
                costs[term.day] = costs.get(term.day, 0) + cost
    return sorted(costs.items())


def choice_weights(successes: dict[str, int], spent: dict[str, float]) -> list[float]:
    """How often to pick each neighbourhood: improvements per second spent in it, so a kind
    that improves in a tenth of a second is not crowded out by one that improves once in a full
    step (Instance20: windows of days solved to optimality in 0.1-0.4 s, blocks timing out at
    1 s). Every kind keeps a chance, as if it had one success in a step of its own."""
    step = max(MIN_STEP_SECONDS, sum(spent.values()) / max(1, sum(successes.values())))
    return [(1 + successes[k]) / (step + spent[k]) for k in successes]


def _improve(
    m: rules.RosterModel,
    limits: Limits,
    incumbent: _Incumbent,
    best_bound: int,
    deadline: float,
    reporter: _Reporter,
) -> _Incumbent:
    """Large-neighbourhood search: free a set of cells, fix the rest to the incumbent, solve the
    rest exactly with the incumbent as hint; keep equal or better rosters. Each neighbourhood's
    size grows when its sub-problems are solved to optimality fast and shrinks when they time
    out, so sub-solves stay just hard enough."""
    rng = random.Random(limits.seed)  # noqa: S311 - reproducible search, not cryptography
    problem = m.problem
    cells = len(problem.staff) * problem.days
    size: dict[str, float] = dict.fromkeys(NEIGHBOURHOODS, float(min(cells, INITIAL_FREE_CELLS)))
    proto = m.model.proto
    # Domains are edited in place in the model (and restored after each step): copying the
    # model of a 364-day instance for every step would cost more than the step itself.
    cell_vars: dict[tuple[int, int], list[tuple[int, Any]]] = {}
    for (p, d, _), var in m.x.items():
        cell_vars.setdefault((p, d), []).append((var.index, proto.variables[var.index].domain))
    step_seconds = min(MAX_STEP_SECONDS, max(MIN_STEP_SECONDS, limits.seconds / STEPS_PER_RUN))
    iteration = 0
    successes = dict.fromkeys(NEIGHBOURHOODS, 0)
    spent = dict.fromkeys(NEIGHBOURHOODS, 0.0)
    hot = hot_days(m, incumbent.solver)
    while incumbent.objective > best_bound:
        remaining = deadline - time.monotonic()
        if remaining < MIN_STEP_SECONDS / 2:
            break
        iteration += 1
        kinds = list(NEIGHBOURHOODS)
        (kind,) = rng.choices(kinds, weights=choice_weights(successes, spent))
        free = NEIGHBOURHOODS[kind](rng, problem, size[kind], hot)
        fixed = [
            var for cell, cell_var in cell_vars.items() if cell not in free for var in cell_var
        ]
        for index, domain in fixed:
            domain[0] = domain[1] = incumbent.values[index]
        proto.clear_solution_hint()
        proto.solution_hint.vars.extend(range(len(incumbent.values)))
        proto.solution_hint.values.extend(incumbent.values)
        sub = _solver(min(step_seconds, remaining), limits.workers, limits.seed + iteration)
        step_started = time.monotonic()
        status = sub.solve(m.model)
        for _, domain in fixed:
            domain[0], domain[1] = 0, 1
        took = time.monotonic() - step_started
        spent[kind] += took
        if status == cp_model.OPTIMAL and took < step_seconds / 2:
            size[kind] = min(cells, size[kind] * GROW)
        elif status != cp_model.OPTIMAL:
            size[kind] = max(2 * problem.days, size[kind] * SHRINK)
        if status in _FOUND and round(sub.objective_value) <= incumbent.objective:
            better = round(sub.objective_value) < incumbent.objective
            incumbent = _Incumbent(
                round(sub.objective_value), list(sub.response_proto.solution), sub
            )
            hot = hot_days(m, sub)
            successes[kind] += better
            if better and reporter.on_progress:
                reporter.on_progress(
                    Progress(
                        incumbent.objective,
                        best_bound,
                        time.monotonic() - reporter.started,
                        read_roster(m, sub.value),
                    )
                )
    proto.clear_solution_hint()
    return incumbent
