"""Explains an infeasible problem: which hard rules, for whom, clash.

Every hard rule of every person gets an assumption literal (see `RosterModel.guard`); CP-SAT
returns a subset of assumptions that is already infeasible, and we shrink it by deletion so that
each remaining rule is needed for the clash. The soft rules cannot cause infeasibility and are
left out.
"""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model

from regiozorg.roster import rules
from regiozorg.roster.clocks import Clock, WallClock
from regiozorg.roster.problem import Problem, Staff


def _limit(person: Staff, problem: Problem) -> dict[str, Callable[[], str]]:
    return {
        "fixed-day-off": lambda: (
            "days off on " + ", ".join(problem.day_label(d) for d in sorted(person.days_off))
        ),
        "forbidden-succession": lambda: "some shifts may not follow others",
        "max-shifts-of-type": lambda: (
            "at most " + ", ".join(f"{n} × {s}" for s, n in sorted(person.max_shifts.items()))
        ),
        "min-total-minutes": lambda: f"at least {person.min_minutes} minutes",
        "max-total-minutes": lambda: f"at most {person.max_minutes} minutes",
        "max-consecutive-shifts": lambda: (
            f"at most {person.max_consecutive_shifts} shifts in a row"
        ),
        "min-consecutive-shifts": lambda: (
            f"at least {person.min_consecutive_shifts} shifts in a row"
        ),
        "min-consecutive-days-off": lambda: (
            f"at least {person.min_consecutive_days_off} days off in a row"
        ),
        "max-weekends": lambda: f"at most {person.max_weekends} weekends",
    }


def describe_guard(problem: Problem, guard: rules.Guard) -> str:
    """'A: min-total-minutes (at least 3360 minutes)'."""
    person = next(person for person in problem.staff if person.id == guard.staff)
    detail = _limit(person, problem).get(guard.rule)
    suffix = f" ({detail()})" if detail else ""
    return f"{person.label}: {guard.rule}{suffix}"


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
) -> tuple[str, ...]:
    clash = clashing_rules(problem, seconds, clock=clock)
    if not clash:
        return ("No roster satisfies the hard rules, and no smaller clash was found in time.",)
    return (
        "No roster satisfies these hard rules together:",
        *(describe_guard(problem, guard) for guard in clash),
    )
