"""A pure `solve(problem, limits) -> Solution` on top of OR-Tools CP-SAT."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from regiozorg.roster import rules
from regiozorg.roster.clocks import Clock, WallClock, WorkClock
from regiozorg.roster.explain import Explanation, explain_infeasible
from regiozorg.roster.neighbourhoods import NEIGHBOURHOODS
from regiozorg.roster.problem import CostLine, Problem, Roster
from regiozorg.roster.rules import read_cost_lines, read_roster
from regiozorg.roster.start import person_by_person

log = logging.getLogger(__name__)

# Chosen from single 30-60 s runs on Instances 5, 8 and 14 (see benchmarks/results/nrp.md): the
# first search gets this share of the time before neighbourhood search takes over.
FIRST_SEARCH_SHARE = 0.3
INITIAL_FREE_CELLS = 150
GROW, SHRINK = 1.15, 0.85
MIN_STEP_SECONDS, MAX_STEP_SECONDS, STEPS_PER_RUN = 0.5, 3.0, 60
# Without a roster by this share of the time the first search stops, and the person-by-person
# start aims to be done by START_SHARE (Instance20 at 60 s: 6 s, then 12 s for the start).
GIVE_UP_SHARE, START_SHARE = 0.1, 0.3
#: A whole-problem search that has found nothing better for this share of the time stalls.
STALL_SHARE = 0.1
#: Restarts of the whole-problem search (see `_whole_searches`) may go on until this share.
RESTART_SHARE = 0.6
#: Above this many (person, day, shift) cells the whole-problem search is not even tried: on
#: Instances 21-24 (145,600 to 1.75M cells) it found no roster in 10% of 240-600 s, and building
#: the model of Instance24 alone took 24-32 s. Instance20 (54,600) and 13 (60,480) stay below.
WHOLE_SEARCH_MAX_CELLS = 100_000


@dataclass(frozen=True)
class Limits:
    """How long to search: `seconds` on the wall clock, or, when `work` is given, that much of
    CP-SAT's deterministic time (see `clocks`). The shares of the time below apply to either."""

    seconds: float = 60.0
    workers: int = 2
    seed: int = 0
    plain: bool = False
    """Only the plain model, as a baseline: no hint, no neighbourhood search."""
    work: float | None = None
    """A budget of work instead of seconds: the same roster from the same seed on any machine
    and under any load, as tests need. Searches are then not watched for stalling (only wall
    time can see a search that finds nothing), so none is restarted."""

    @property
    def budget(self) -> float:
        """The time given, in the unit of `clock()`."""
        return self.seconds if self.work is None else self.work

    def clock(self) -> Clock:
        """A fresh clock for one solve: work done so far counts from zero."""
        return WallClock() if self.work is None else WorkClock()


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
    explanation: Explanation | None = None
    """Why the problem is infeasible (INFEASIBLE only)."""

    @property
    def has_roster(self) -> bool:
        return self.roster is not None


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Passes each better roster of a whole-problem search on, and notes whether one exists
    and when the last was found."""

    def __init__(
        self,
        m: rules.RosterModel,
        on_progress: ProgressCallback | None,
        started: float,
        report_below: float = float("inf"),
    ) -> None:
        super().__init__()
        self._m = m
        self.on_progress = on_progress
        self.started = started
        self.report_below = report_below
        """A restart reports only rosters better than the best so far."""
        self.found = False
        self.stalled = False
        self.last_found = time.monotonic()
        self.done = threading.Event()

    def on_solution_callback(self) -> None:
        self.found = True
        self.last_found = time.monotonic()
        if self.on_progress is None or self.objective_value >= self.report_below:
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


#: With two workers CP-SAT runs "default_lp" and a fixed-search worker, which leaves the bound
#: where the weak LP puts it (1 on Instance5, 29 on Instance7) and search blind. A worker
#: with the full linearisation ("max_lp") in place of the fixed search, 20 s, 2 workers:
#: Instance7 1080 (bound 1048) instead of 1466 (bound 29), Instance4 1719 (bound 1568)
#: instead of 1721 (200), Instance5 1246 (bound 1025) instead of 1244 (1).
TWO_WORKERS = ("max_lp", "default_lp")


def _solver(
    clock: Clock, budget: float, workers: int, seed: int, *, plain: bool = False
) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    if workers == len(TWO_WORKERS) and not plain:
        solver.parameters.subsolvers.extend(TWO_WORKERS)
    solver.parameters.random_seed = seed
    clock.limit(solver, max(budget, 0.05))
    return solver


def _stop_when_stalled(
    solver: cp_model.CpSolver, reporter: _Reporter, limits: Limits, *, give_up: float, cutoff: float
) -> None:
    """Stop a whole-problem search once it has a roster and has found none better for the stall
    share of the time (noted in `reporter.stalled`), or at `cutoff`. Without any roster at
    `give_up`, stop it anyway: a person-by-person start is then the better bet."""
    stall = STALL_SHARE * limits.seconds
    # Wall time only: a clock of work has no `watch` (see `Limits.work`).

    def watch() -> None:
        while not reporter.done.wait(0.2):
            now = time.monotonic()
            reporter.stalled = reporter.found and now >= reporter.last_found + stall
            if reporter.stalled or now >= cutoff or (now >= give_up and not reporter.found):
                solver.stop_search()
                return

    threading.Thread(target=watch, daemon=True).start()


@dataclass
class _Incumbent:
    objective: int
    roster: Roster
    m: rules.RosterModel
    """The model (whole, or a sub-model) whose solution this roster is."""
    value: Callable[[Any], int]
    """Its solver's values, for the cost lines."""


def _fixed(_: Any) -> int:
    raise AssertionError("a model without free cells has no variables")


def _found(m: rules.RosterModel, solver: cp_model.CpSolver) -> _Incumbent:
    return _Incumbent(round(solver.objective_value), read_roster(m, solver.value), m, solver.value)


@dataclass(frozen=True)
class _Search:
    """One call of `solve`: what it was given, and when it began on its clock and on the wall."""

    problem: Problem
    limits: Limits
    clock: Clock
    begun: float
    """`clock.now()` at the start: the shares of the time count from here."""
    started: float
    """The wall clock at the start, for the seconds reported."""
    on_progress: ProgressCallback | None

    def at(self, share: float) -> float:
        """The moment on the clock by which `share` of the time is used."""
        return self.begun + share * self.limits.budget

    def elapsed(self) -> float:
        return time.monotonic() - self.started


def solve(
    problem: Problem, limits: Limits, on_progress: ProgressCallback | None = None
) -> Solution:
    """Solve within `limits`: CP-SAT over the whole problem, restarted with other seeds while
    restarts pay (skipped when the problem is too large to find a roster that way), then
    (unless plain) large-neighbourhood search from the best roster for the rest of the time.
    Decisions follow `limits.clock()`; the seconds reported are always wall time."""
    clock = limits.clock()
    search = _Search(problem, limits, clock, clock.now(), time.monotonic(), on_progress)
    cells = len(problem.staff) * problem.days * len(problem.shift_types)
    if limits.plain or cells <= WHOLE_SEARCH_MAX_CELLS:
        status, best_bound, incumbent = _whole_searches(search)
    else:
        status, best_bound, incumbent = cp_model.UNKNOWN, 0, None
    if incumbent is None and status == cp_model.UNKNOWN and not limits.plain:
        incumbent = _start_person_by_person(search)
    if incumbent is None:
        return _no_roster(search, status)
    if status != cp_model.OPTIMAL and not limits.plain:
        incumbent = _improve(search, incumbent, best_bound)
    optimal = status == cp_model.OPTIMAL or incumbent.objective == best_bound
    return Solution(
        status="OPTIMAL" if optimal else "FEASIBLE",
        objective=incumbent.objective,
        best_bound=best_bound,
        seconds=search.elapsed(),
        roster=incumbent.roster,
        cost_lines=read_cost_lines(incumbent.m, incumbent.value),
    )


def _whole_searches(search: _Search) -> tuple[Any, int, _Incumbent | None]:
    """CP-SAT over the whole problem: for the whole time when plain. Otherwise until the
    first-search share, or earlier once it stalls; a search that stalled is restarted from
    scratch with the next seed, each restart stopped when it stalls, until the restart share
    of the time; the best roster wins. Instance5, 15 s each, seeds 0-5: 1241, 1150, 1153,
    1240, 1148, 1151: a stalled search sits in a basin the next seed may well avoid. A search
    still improving at the first-search share is left to neighbourhood search (Instance12 at
    60 s: 6282 when the search went on while improving, 4341 with neighbourhood search)."""
    limits, clock = search.limits, search.clock
    m = rules.build(search.problem)
    status, bound, incumbent, stalled = _whole_search(
        search,
        m,
        limits.seed,
        give_up=search.at(GIVE_UP_SHARE),
        cutoff=search.at(1.0 if limits.plain else FIRST_SEARCH_SHARE),
    )
    restarts_end = search.at(RESTART_SHARE)
    seed = limits.seed
    while (
        stalled
        and not limits.plain
        and status == cp_model.FEASIBLE
        and incumbent is not None
        and clock.now() < restarts_end - STALL_SHARE * limits.budget
    ):
        seed += 1
        again, again_bound, other, stalled = _whole_search(
            search,
            m,
            seed,
            give_up=restarts_end,
            cutoff=restarts_end,
            report_below=incumbent.objective,
        )
        bound = max(bound, again_bound)
        log.debug(
            "restart with seed %d: %s, %s against %d",
            seed,
            _STATUS.get(again, "?"),
            other.objective if other else "-",
            incumbent.objective,
        )
        if other is not None and other.objective < incumbent.objective:
            incumbent = other
        if again == cp_model.OPTIMAL:
            status = again
    return status, bound, incumbent


def _whole_search(
    search: _Search,
    m: rules.RosterModel,
    seed: int,
    *,
    give_up: float,
    cutoff: float,
    report_below: float = float("inf"),
) -> tuple[Any, int, _Incumbent | None, bool]:
    limits, clock = search.limits, search.clock
    solver = _solver(clock, cutoff - clock.now(), limits.workers, seed, plain=limits.plain)
    reporter = _Reporter(m, search.on_progress, search.started, report_below)
    if not limits.plain and not clock.deterministic:
        _stop_when_stalled(solver, reporter, limits, give_up=give_up, cutoff=cutoff)
    status = clock.solve(solver, m.model, reporter)
    reporter.done.set()
    incumbent = _found(m, solver) if status in _FOUND else None
    return status, round(solver.best_objective_bound), incumbent, reporter.stalled


def _start_person_by_person(search: _Search) -> _Incumbent | None:
    """A first roster when the whole-problem search found none (see `start.person_by_person`),
    scored by the model in which every cell is frozen."""
    problem, limits = search.problem, search.limits
    roster = person_by_person(
        problem,
        search.at(START_SHARE),
        limits.seed,
        limits.workers,
        last_resort=search.at(1.0),
        clock=search.clock,
    )
    if roster is None:
        return None
    m = rules.build(problem, frozen=roster, free=set())
    objective = sum(term.weight * term.count(_fixed) for term in m.penalties)
    return _Incumbent(objective, roster, m, _fixed)


def _no_roster(search: _Search, status: cp_model.CpSolverStatus) -> Solution:
    explanation = None
    if status == cp_model.INFEASIBLE:
        left = search.at(1.0) - search.clock.now()
        explanation = explain_infeasible(search.problem, max(left, 5.0), clock=search.clock)
    return Solution(
        _STATUS.get(status, "UNKNOWN"), None, None, search.elapsed(), None, explanation=explanation
    )


def hot_days(m: rules.RosterModel, value: Callable[[Any], int]) -> list[tuple[int, int]]:
    costs: dict[int, int] = {}
    for term in m.penalties:
        if term.day is not None:
            cost = term.weight * term.count(value)
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


def _improve(search: _Search, incumbent: _Incumbent, best_bound: int) -> _Incumbent:
    """Large-neighbourhood search: free a set of cells, freeze the rest to the incumbent, solve
    the sub-model (`rules.build` with `frozen` and `free`) exactly with the incumbent as hint;
    keep equal or better rosters. Each neighbourhood's size grows when its sub-problems are
    solved to optimality fast and shrinks when they time out, so sub-solves stay just hard
    enough."""
    problem, limits, clock = search.problem, search.limits, search.clock
    deadline = search.at(1.0)
    rng = random.Random(limits.seed)  # noqa: S311 - reproducible search, not cryptography
    cells = len(problem.staff) * problem.days
    size: dict[str, float] = dict.fromkeys(NEIGHBOURHOODS, float(min(cells, INITIAL_FREE_CELLS)))
    step_seconds = min(MAX_STEP_SECONDS, max(MIN_STEP_SECONDS, limits.budget / STEPS_PER_RUN))
    iteration = 0
    successes = dict.fromkeys(NEIGHBOURHOODS, 0)
    spent = dict.fromkeys(NEIGHBOURHOODS, 0.0)
    hot = hot_days(incumbent.m, incumbent.value)
    while incumbent.objective > best_bound:
        if deadline - clock.now() < MIN_STEP_SECONDS / 2:
            break
        iteration += 1
        (kind,) = rng.choices(list(NEIGHBOURHOODS), weights=choice_weights(successes, spent))
        step_started, step_wall = clock.now(), time.monotonic()
        free = NEIGHBOURHOODS[kind](rng, problem, size[kind], hot)
        sub = rules.build(problem, frozen=incumbent.roster, free=free)
        solver = _solver(
            clock,
            min(step_seconds, deadline - clock.now()),
            limits.workers,
            limits.seed + iteration,
        )
        status = clock.solve(solver, sub.model)
        spent[kind] += clock.now() - step_started
        log.debug(
            "step %d %s: %d free cells, %s in %.2f s (built in %.2f s), %s against %d",
            iteration,
            kind,
            len(free),
            solver.status_name(status),
            solver.wall_time,
            time.monotonic() - step_wall - solver.wall_time,
            round(solver.objective_value) if status in _FOUND else "-",
            incumbent.objective,
        )
        if status == cp_model.OPTIMAL and clock.took(solver) < step_seconds / 2:
            size[kind] = min(cells, size[kind] * GROW)
        elif status != cp_model.OPTIMAL:
            size[kind] = max(2 * problem.days, size[kind] * SHRINK)
        if status in _FOUND and round(solver.objective_value) <= incumbent.objective:
            better = round(solver.objective_value) < incumbent.objective
            incumbent = _found(sub, solver)
            hot = hot_days(sub, solver.value)
            successes[kind] += better
            if better and search.on_progress:
                search.on_progress(
                    Progress(incumbent.objective, best_bound, search.elapsed(), incumbent.roster)
                )
    return incumbent
