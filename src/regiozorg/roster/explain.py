"""Explains an infeasible problem: which hard rules, for whom, clash.

Every hard rule of every person gets an assumption literal (see `RosterModel.guard`); CP-SAT
returns a subset of assumptions that is already infeasible, and we shrink it by deletion so that
each remaining rule is needed for the clash. The soft rules cannot cause infeasibility and are
left out.

The explanation is data: for each rule its code (the rule's name) and the limits behind it, so a
display says it in its reader's language (see ``roster.labels``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from regiozorg.roster import rules
from regiozorg.roster.clocks import Clock, WallClock
from regiozorg.roster.problem import Problem, Staff


@dataclass(frozen=True)
class Clash:
    """One person's hard rule in a clash: `rule` is its code, `limits` its parameters."""

    staff: str
    """The person's label."""
    rule: str
    limits: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Explanation:
    """Why no roster satisfies the hard rules: rules that cannot all hold together, each needed
    for the clash; empty when no smaller clash was found in the time given."""

    clash: tuple[Clash, ...] = ()


def _limits(person: Staff, rule: str) -> dict[str, object]:
    """The parameters of `person`'s `rule`: what a reader needs to see why it binds."""
    match rule:
        case "fixed-day-off":
            return {"days": tuple(sorted(person.days_off))}
        case "max-shifts-of-type":
            return {"shifts": tuple(sorted(person.max_shifts.items()))}
        case "min-total-minutes":
            return {"minutes": person.min_minutes}
        case "max-total-minutes":
            return {"minutes": person.max_minutes}
        case "max-consecutive-shifts":
            return {"count": person.max_consecutive_shifts}
        case "min-consecutive-shifts":
            return {"count": person.min_consecutive_shifts}
        case "min-consecutive-days-off":
            return {"count": person.min_consecutive_days_off}
        case "max-weekends":
            return {"count": person.max_weekends}
    return {}  # forbidden successions: the shift types say which


def clash_of(problem: Problem, guard: rules.Guard) -> Clash:
    person = next(person for person in problem.staff if person.id == guard.staff)
    return Clash(person.label, guard.rule, _limits(person, guard.rule))


def _infeasible_with(
    m: rules.RosterModel, guards: list[rules.Guard], seconds: float, clock: Clock
) -> tuple[bool | None, list[int]]:
    """Whether the hard rules behind `guards` alone are infeasible (None: undecided in time),
    and the indices of a sufficient subset when they are."""
    m.model.clear_assumptions()
    m.model.add_assumptions([guard.literal for guard in guards])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    clock.limit(solver, max(seconds, 0.1))
    status = clock.solve(solver, m.model)
    if status == cp_model.INFEASIBLE:
        return True, list(solver.sufficient_assumptions_for_infeasibility())
    if status in (cp_model.FEASIBLE, cp_model.OPTIMAL):
        return False, []
    return None, []


def clashing_rules(
    problem: Problem, seconds: float = 30.0, *, clock: Clock | None = None
) -> list[rules.Guard]:
    """A small set of (rule, person) pairs that cannot all hold; empty if none was found in time.
    Seconds are on `clock` (the wall clock unless given)."""
    clock = clock or WallClock()
    deadline = clock.now() + seconds
    m = rules.build(problem, explain=True, rules=rules.HARD_RULES)
    literal_index = {guard.literal.index: guard for guard in m.guards}
    infeasible, core = _infeasible_with(m, m.guards, seconds, clock)
    if not infeasible:
        return []
    clash = [literal_index[i] for i in core if i in literal_index] or list(m.guards)
    # Deletion: drop each rule whose absence keeps the clash; what stays is needed.
    for guard in list(clash):
        remaining = deadline - clock.now()
        if remaining <= 0:
            break
        trial = [other for other in clash if other is not guard]
        still, _ = _infeasible_with(m, trial, min(remaining, 5.0), clock)
        if still:
            clash = trial
    return clash


def explain_infeasible(
    problem: Problem, seconds: float = 30.0, *, clock: Clock | None = None
) -> Explanation:
    clash = clashing_rules(problem, seconds, clock=clock)
    return Explanation(tuple(clash_of(problem, guard) for guard in clash))
