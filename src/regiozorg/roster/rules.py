"""The rostering rules as CP-SAT constraints: one function per rule.

Every function takes the `RosterModel` under construction and posts its constraints (hard rules)
or its named penalty terms (soft rules). New rules — rest hours after a night, fairness, travel-time
eligibility, pinned assignments — are more functions of the same shape, added to `ALL_RULES`.

Hard rules are posted per person through `RosterModel.guard`: normally that adds nothing, but
when explaining infeasibility it hands out one assumption literal per (rule, person), so CP-SAT's
assumption core names the rules that clash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from regiozorg.roster.problem import UNLIMITED, CostLine, Problem, Roster, Staff


@dataclass(frozen=True)
class PenaltyTerm:
    """A soft-rule term: `expr` counts how often `rule` is broken for `subject`."""

    rule: str
    subject: str
    weight: int
    expr: Any  # a CP-SAT linear expression
    day: int | None = None
    """The day the term is about, if any: search looks for improvements around costly days."""


@dataclass(frozen=True)
class Guard:
    rule: str
    staff: str
    literal: Any


@dataclass
class RosterModel:
    """The CP-SAT model of a problem, with one Boolean per person, day and shift type.

    `x[p, d, s]` is person index p working shift index s on day d; `works[p, d]` whether p works
    at all on day d (at most one shift a day is structural, not a rule one can relax).
    """

    problem: Problem
    explain: bool = False
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[int, int, int], Any] = field(default_factory=dict)
    works: dict[tuple[int, int], Any] = field(default_factory=dict)
    penalties: list[PenaltyTerm] = field(default_factory=list)
    guards: list[Guard] = field(default_factory=list)
    _guard_index: dict[tuple[str, str], Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Shifts a person can never work (fixed days off, a maximum of zero) get no variable at
        # all, which shrinks the largest instances by a third; when explaining infeasibility
        # they stay, so that the rules forbidding them can be relaxed.
        problem = self.problem
        for p, person in enumerate(problem.staff):
            banned = {
                s
                for s, shift in enumerate(problem.shift_types)
                if person.max_shifts.get(shift.id) == 0 and not self.explain
            }
            for d in range(problem.days):
                fixed_off = d in person.days_off and not self.explain
                day_vars = []
                for s, shift in enumerate(problem.shift_types):
                    if fixed_off or s in banned:
                        continue
                    var = self.model.new_bool_var(f"x[{person.id},{d},{shift.id}]")
                    self.x[p, d, s] = var
                    day_vars.append(var)
                works = self.model.new_bool_var(f"works[{person.id},{d}]")
                self.model.add(cp_model.LinearExpr.sum(day_vars) == works)
                self.works[p, d] = works

    def shifts_on(self, p: int, d: int, shifts: Iterable[int]) -> list[Any]:
        """The variables of person p on day d for the given shift indices that can be worked."""
        return [self.x[p, d, s] for s in shifts if (p, d, s) in self.x]

    def guard(self, rule: str, person: Staff) -> list[Any]:
        """Enforcement literals for a hard rule of one person: none, unless explaining."""
        if not self.explain:
            return []
        key = (rule, person.id)
        if key not in self._guard_index:
            literal = self.model.new_bool_var(f"assume[{rule},{person.id}]")
            self._guard_index[key] = literal
            self.guards.append(Guard(rule, person.id, literal))
        return [self._guard_index[key]]

    def penalise(
        self, rule: str, subject: str, weight: int, expr: Any, day: int | None = None
    ) -> None:
        if weight:
            self.penalties.append(PenaltyTerm(rule, subject, weight, expr, day))

    def shift_index(self, shift_id: str) -> int:
        for s, shift in enumerate(self.problem.shift_types):
            if shift.id == shift_id:
                return s
        raise KeyError(shift_id)


# --- hard rules -------------------------------------------------------------------------------


def fixed_days_off(m: RosterModel) -> None:
    for p, person in enumerate(m.problem.staff):
        for d in sorted(person.days_off):
            if 0 <= d < m.problem.days:
                m.model.add(m.works[p, d] == 0).only_enforce_if(m.guard("fixed-day-off", person))


def forbidden_successions(m: RosterModel) -> None:
    """A shift may not be followed the next day by one of its forbidden successors.

    Posted as cliques: for each distinct forbidden set F, every shift that forbids all of F today
    plus every shift of F tomorrow sum to at most one. That is valid because a person works at
    most one shift a day, covers every forbidden pair, and needs a handful of constraints per
    person and day instead of one per pair.
    """
    problem = m.problem
    forbidden = [{m.shift_index(f) for f in shift.forbidden_next} for shift in problem.shift_types]
    groups = sorted({frozenset(f) for f in forbidden if f}, key=sorted)
    cliques = [
        ([s for s, theirs in enumerate(forbidden) if group <= theirs], sorted(group))
        for group in groups
    ]
    for p, person in enumerate(problem.staff):
        for d in range(problem.days - 1):
            for before, after in cliques:
                today, tomorrow = m.shifts_on(p, d, before), m.shifts_on(p, d + 1, after)
                if today and tomorrow:
                    m.model.add(cp_model.LinearExpr.sum(today + tomorrow) <= 1).only_enforce_if(
                        m.guard("forbidden-succession", person)
                    )


def max_shifts_per_type(m: RosterModel) -> None:
    problem = m.problem
    for p, person in enumerate(problem.staff):
        for shift_id, limit in person.max_shifts.items():
            s = m.shift_index(shift_id)
            if limit >= problem.days:
                continue
            worked = [m.x[p, d, s] for d in range(problem.days) if (p, d, s) in m.x]
            if len(worked) <= limit:
                continue
            m.model.add(cp_model.LinearExpr.sum(worked) <= limit).only_enforce_if(
                m.guard("max-shifts-of-type", person)
            )


def total_minutes(m: RosterModel) -> None:
    problem = m.problem
    for p, person in enumerate(problem.staff):
        worked = [
            (m.x[p, d, s], shift.minutes)
            for d in range(problem.days)
            for s, shift in enumerate(problem.shift_types)
            if (p, d, s) in m.x
        ]
        minutes = cp_model.LinearExpr.weighted_sum([v for v, _ in worked], [w for _, w in worked])
        if person.min_minutes > 0:
            m.model.add(minutes >= person.min_minutes).only_enforce_if(
                m.guard("min-total-minutes", person)
            )
        if person.max_minutes < UNLIMITED:
            m.model.add(minutes <= person.max_minutes).only_enforce_if(
                m.guard("max-total-minutes", person)
            )


def max_consecutive_shifts(m: RosterModel) -> None:
    """Every window of limit + 1 days holds at least one day off."""
    problem = m.problem
    for p, person in enumerate(problem.staff):
        limit = person.max_consecutive_shifts
        for start in range(problem.days - limit):
            window = [m.works[p, d] for d in range(start, start + limit + 1)]
            m.model.add(cp_model.LinearExpr.sum(window) <= limit).only_enforce_if(
                m.guard("max-consecutive-shifts", person)
            )


def _forbid_short_runs(m: RosterModel, p: int, minimum: int, working: bool, rule: str) -> None:
    """Forbid every maximal run of working days (or of days off) shorter than `minimum`, as
    clauses "not (other kind of day, `length` run days, other kind of day)".

    Outside the horizon every day is a day off: a short run of shifts touching an end is still
    forbidden, a run of days off touching an end is not closed and so never too short.
    """
    problem = m.problem
    person = problem.staff[p]
    for length in range(1, minimum):
        for first in range(problem.days - length + 1):
            before, after = first - 1, first + length
            inside = [d for d in (before, after) if 0 <= d < problem.days]
            if not working and len(inside) < 2:
                continue
            # Clause literals: "a neighbour breaks the pattern" or "a run day breaks it".
            clause = [m.works[p, d] if working else m.works[p, d].Not() for d in inside]
            clause += [
                m.works[p, d].Not() if working else m.works[p, d] for d in range(first, after)
            ]
            m.model.add_bool_or(clause).only_enforce_if(m.guard(rule, person))


def min_consecutive_shifts(m: RosterModel) -> None:
    """Runs of shifts touching the ends of the horizon still need the minimum length."""
    for p, person in enumerate(m.problem.staff):
        _forbid_short_runs(
            m, p, person.min_consecutive_shifts, working=True, rule="min-consecutive-shifts"
        )


def min_consecutive_days_off(m: RosterModel) -> None:
    """Runs of days off touching the ends of the horizon are exempt."""
    for p, person in enumerate(m.problem.staff):
        _forbid_short_runs(
            m, p, person.min_consecutive_days_off, working=False, rule="min-consecutive-days-off"
        )


def max_weekends(m: RosterModel) -> None:
    """A weekend counts as worked when either of its days is worked."""
    problem = m.problem
    weekends = problem.weekends()
    for p, person in enumerate(problem.staff):
        if person.max_weekends >= len(weekends):
            continue
        worked = []
        for days in weekends:
            weekend = m.model.new_bool_var(f"weekend[{person.id},{days[0]}]")
            day_literals = [m.works[p, d] for d in days]
            m.model.add_max_equality(weekend, day_literals)
            worked.append(weekend)
        m.model.add(sum(worked) <= person.max_weekends).only_enforce_if(
            m.guard("max-weekends", person)
        )


# --- soft rules -------------------------------------------------------------------------------


def shift_requests(m: RosterModel) -> None:
    problem = m.problem
    index = {person.id: p for p, person in enumerate(problem.staff)}
    for request in problem.requests:
        key = (index[request.staff], request.day, m.shift_index(request.shift))
        subject = f"of {request.staff} for {request.shift} on {problem.day_label(request.day)}"
        var = m.x.get(key, 0)  # a shift the person can never work is never assigned
        if request.on:
            m.penalise("unmet on-request", subject, request.weight, 1 - var, request.day)
        else:
            m.penalise("met off-request", subject, request.weight, var, request.day)


def cover(m: RosterModel) -> None:
    """Under- and over-cover per day and shift. A Boolean decides which side of the requirement
    the count is on, so the penalty variables are exact in every solution, not only optimal
    ones (the evaluator must agree with every roster the solver reports)."""
    problem = m.problem
    staff_count = len(problem.staff)
    for c in problem.covers:
        s = m.shift_index(c.shift)
        assigned = cp_model.LinearExpr.sum(
            [m.x[p, c.day, s] for p in range(staff_count) if (p, c.day, s) in m.x]
        )
        subject = f"on {problem.day_label(c.day)} {c.shift}"
        under = m.model.new_int_var(0, max(c.requirement, 0), f"under[{c.day},{c.shift}]")
        over = m.model.new_int_var(
            0, max(staff_count - c.requirement, 0), f"over[{c.day},{c.shift}]"
        )
        m.model.add(assigned + under - over == c.requirement)
        short = m.model.new_bool_var(f"short[{c.day},{c.shift}]")
        m.model.add(over == 0).only_enforce_if(short)
        m.model.add(under == 0).only_enforce_if(short.Not())
        m.penalise("under-cover", subject, c.under_weight, under, c.day)
        m.penalise("over-cover", subject, c.over_weight, over, c.day)


Rule = Callable[[RosterModel], None]

HARD_RULES: Sequence[Rule] = (
    fixed_days_off,
    forbidden_successions,
    max_shifts_per_type,
    total_minutes,
    max_consecutive_shifts,
    min_consecutive_shifts,
    min_consecutive_days_off,
    max_weekends,
)
SOFT_RULES: Sequence[Rule] = (shift_requests, cover)
ALL_RULES: Sequence[Rule] = (*HARD_RULES, *SOFT_RULES)


def build(
    problem: Problem, *, explain: bool = False, rules: Sequence[Rule] = ALL_RULES
) -> RosterModel:
    m = RosterModel(problem, explain=explain)
    for rule in rules:
        rule(m)
    if m.penalties:
        m.model.minimize(
            cp_model.LinearExpr.weighted_sum(
                [term.expr for term in m.penalties], [term.weight for term in m.penalties]
            )
        )
    return m


def read_roster(m: RosterModel, value: Callable[[Any], int]) -> Roster:
    problem = m.problem
    assignments: dict[str, tuple[str, ...]] = {}
    for p, person in enumerate(problem.staff):
        days: list[str] = []
        for d in range(problem.days):
            shift = ""
            for s, shift_type in enumerate(problem.shift_types):
                var = m.x.get((p, d, s))
                if var is not None and value(var):
                    shift = shift_type.id
                    break
            days.append(shift)
        assignments[person.id] = tuple(days)
    return Roster(assignments)


def read_cost_lines(m: RosterModel, value: Callable[[Any], int]) -> tuple[CostLine, ...]:
    lines = (
        CostLine(
            term.rule,
            term.subject,
            term.expr if isinstance(term.expr, int) else int(value(term.expr)),
            term.weight,
        )
        for term in m.penalties
    )
    return tuple(line for line in lines if line.cost)
