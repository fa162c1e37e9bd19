"""A first roster built one person at a time, for problems too large for one CP-SAT search.

Every hard rule concerns one person, so solving each person alone always keeps the roster
lawful; only cover links people. Each person is rostered against the cover still open after the
people before them.

For one person the cover penalty is linear: one more person on a shift that is still short saves
its under-weight, one more on a shift that is already full costs its over-weight. So a person's
model is their hard rules and a linear objective, without the cover's slack variables.

It is solved in two steps, because CP-SAT struggles to find any lawful roster for one person of
Instance20 (182 days) when the objective pulls towards working exactly the open days, while the
run rules and a narrow band of total minutes pull elsewhere: in 5 s it found none. First any lawful
roster, searched towards the most minutes (the direction in which the minimum is met and only the
maximum binds, found in a few hundredths of a second); then that roster as a hint for the
cover objective, for the rest of the person's share of the time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from ortools.sat.python import cp_model

from regiozorg.roster import rules
from regiozorg.roster.clocks import Clock, WallClock
from regiozorg.roster.problem import Assignment, Problem, Roster, Staff

_FOUND = (cp_model.OPTIMAL, cp_model.FEASIBLE)
#: Every person gets at least this long to aim their roster at the open cover, even past their
#: share: a roster kept from the first search ignores the cover, and on a busy machine that once
#: made the start of Instance20 cost 79121 instead of about 25000.
MIN_OPTIMISE_SECONDS = 0.25
#: How long a light presolve may look for a person's first roster before the full one takes over.
LIGHT_PRESOLVE_SECONDS = 1.0

Staffed = Counter[tuple[int, str]]
"""How many people already work each (day, shift)."""


def person_by_person(
    problem: Problem,
    deadline: float,
    seed: int = 0,
    workers: int = 1,
    *,
    last_resort: float | None = None,
    clock: Clock | None = None,
) -> Roster | None:
    """None when a person has no lawful roster on their own, or time runs out. Each person gets an
    equal share of the time left until `deadline`, so a fast person leaves more to those after
    them. Finding a person's first lawful roster may go on past `deadline` up to `last_resort`
    (it stops at the first): a late roster is better than none. Times are on `clock` (the wall
    clock unless given)."""
    clock = clock or WallClock()
    last_resort = max(deadline, last_resort or deadline)
    staffed: Staffed = Counter()
    assignments: dict[str, Assignment] = {}
    for number, person in enumerate(problem.staff):
        now = clock.now()
        if now >= last_resort:
            return None
        days = roster_alone(
            problem,
            person,
            staffed,
            max(deadline - now, 0.0) / (len(problem.staff) - number),
            patience=last_resort - now,
            seed=seed,
            workers=workers,
            clock=clock,
        )
        if days is None:
            return None
        assignments[person.id] = days
        staffed.update((day, shift) for day, shift in enumerate(days) if shift)
    return Roster(assignments)


def roster_alone(
    problem: Problem,
    person: Staff,
    staffed: Staffed,
    seconds: float,
    *,
    patience: float = 0.0,
    seed: int = 0,
    workers: int = 1,
    clock: Clock | None = None,
) -> Assignment | None:
    """The best roster found in `seconds` for `person` alone against the cover `staffed` leaves
    open; None when they have no lawful roster or none was found in time. Finding a first lawful
    roster may take up to `patience` seconds if that is longer. Seconds are on `clock` (the wall
    clock unless given)."""
    clock = clock or WallClock()
    started = clock.now()
    alone = replace(problem, staff=(person,), covers=(), requests=())
    m = rules.build(alone, rules=rules.HARD_RULES)
    cells = list(m.x.items())
    minutes = [problem.shift_types[s].minutes for (_, _, s), _ in cells]
    m.model.maximize(cp_model.LinearExpr.weighted_sum([var for _, var in cells], minutes))
    budget = max(seconds, patience)
    first = _solver(clock, min(budget, LIGHT_PRESOLVE_SECONDS), seed, workers)
    first.parameters.stop_after_first_solution = True
    status = clock.solve(first, m.model)
    if status == cp_model.UNKNOWN and budget > LIGHT_PRESOLVE_SECONDS:
        first = _solver(clock, budget - (clock.now() - started), seed, workers, light=False)
        first.parameters.stop_after_first_solution = True
        status = clock.solve(first, m.model)
    if status not in _FOUND:
        return None
    lawful = rules.read_roster(m, first.value).assignments[person.id]
    spent = clock.now() - started
    left = min(max(seconds - spent, MIN_OPTIMISE_SECONDS), max(seconds, patience) - spent)
    if left <= 0:
        return lawful
    weights = open_cover_weights(problem, person, staffed)
    m.model.minimize(
        cp_model.LinearExpr.weighted_sum(
            [var for _, var in cells],
            [weights.get((d, problem.shift_types[s].id), 0) for (_, d, s), _ in cells],
        )
    )
    for _, var in cells:
        m.model.add_hint(var, first.value(var))
    second = _solver(clock, left, seed, workers)
    if clock.solve(second, m.model) not in _FOUND:
        return lawful
    return rules.read_roster(m, second.value).assignments[person.id]


def open_cover_weights(
    problem: Problem, person: Staff, staffed: Staffed
) -> dict[tuple[int, str], int]:
    """What `person` working (day, shift) changes in the objective, given who already works:
    minus the under-weight while the shift is short, plus the over-weight once it is full; plus
    the person's own requests (an unmet on-request saved, a met off-request paid)."""
    weights: dict[tuple[int, str], int] = {}
    for cover in problem.covers:
        short = cover.requirement > staffed[cover.day, cover.shift]
        key = (cover.day, cover.shift)
        weights[key] = weights.get(key, 0) + (-cover.under_weight if short else cover.over_weight)
    for request in problem.requests:
        if request.staff == person.id:
            key = (request.day, request.shift)
            weights[key] = weights.get(key, 0) + (-request.weight if request.on else request.weight)
    return weights


def _solver(
    clock: Clock, seconds: float, seed: int, workers: int, *, light: bool = True
) -> cp_model.CpSolver:
    """A light presolve (one round, no probing, no symmetry) finds the first roster of a person
    of Instance24 (364 days, 32 shift types) in 0.35-0.47 s instead of 0.6-1.5 s; but for the
    people of Instance22 it finds none in 10 s where the full presolve needs 2-5 s."""
    solver = cp_model.CpSolver()
    if light:
        solver.parameters.max_presolve_iterations = 1
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.symmetry_level = 0
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    clock.limit(solver, max(seconds, 0.01))
    return solver
