"""The rostering rules as CP-SAT constraints: one function per rule.

Every function takes the `RosterModel` under construction and posts its constraints (hard rules)
or its named penalty terms (soft rules). New rules — rest hours after a night, fairness, travel-time
eligibility, pinned assignments — are more functions of the same shape, added to `ALL_RULES`.

Hard rules are posted per person through `RosterModel.guard`: normally that adds nothing, but
when explaining infeasibility it hands out one assumption literal per (rule, person), so CP-SAT's
assumption core names the rules that clash.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from regiozorg.roster.problem import UNLIMITED, CostLine, Problem, Roster, Staff

Cells = AbstractSet[tuple[int, int]]
"""(person index, day) pairs."""


@dataclass(frozen=True)
class PenaltyTerm:
    """A soft-rule term: `expr` counts how often `rule` is broken for `subject`."""

    rule: str
    subject: str
    weight: int
    expr: Any  # a CP-SAT linear expression
    day: int | None = None
    """The day the term is about, if any: search looks for improvements around costly days."""

    def count(self, value: Callable[[Any], int]) -> int:
        """How often the rule is broken in a solution whose values `value` gives."""
        return self.expr if isinstance(self.expr, int) else int(value(self.expr))


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

    A sub-model (`frozen` and `free` given) has variables only for the `free` cells (person,
    day); every other cell is the constant of the `frozen` roster, and only the people with a
    free cell get their hard rules posted (the frozen roster keeps everybody else lawful). Its
    objective is still the whole roster's cost, so neighbourhood search compares sub-models with
    the incumbent directly; it costs a fraction of the whole model to build and to presolve.
    """

    problem: Problem
    explain: bool = False
    frozen: Roster | None = None
    free: Cells | None = None
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[int, int, int], Any] = field(default_factory=dict)
    works: dict[tuple[int, int], Any] = field(default_factory=dict)
    """A Boolean, or 0/1 for a frozen cell."""
    people: list[int] = field(default_factory=list)
    """The people whose hard rules are posted: everybody, or those with a free cell."""
    penalties: list[PenaltyTerm] = field(default_factory=list)
    guards: list[Guard] = field(default_factory=list)
    _guard_index: dict[tuple[str, str], Any] = field(default_factory=dict)
    _frozen_shift: list[list[int]] = field(default_factory=list)
    _free_days: dict[int, list[int]] = field(default_factory=dict)
    _shift_index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problem = self.problem
        self._shift_index = {shift.id: s for s, shift in enumerate(problem.shift_types)}
        if self.frozen is not None:
            self._frozen_shift = [
                [self._shift_index.get(shift, -1) for shift in self.frozen.assignments[person.id]]
                for person in problem.staff
            ]
        if self.free is None:
            self.people = list(range(len(problem.staff)))
            self._free_days = {p: list(range(problem.days)) for p in self.people}
        else:
            for p, d in sorted(self.free):
                self._free_days.setdefault(p, []).append(d)
            self.people = sorted(self._free_days)
        for p in self.people:
            self._add_person(p)

    def _add_person(self, p: int) -> None:
        # Shifts a person can never work (fixed days off, a maximum of zero) get no variable at
        # all, which shrinks the largest instances by a third; when explaining infeasibility
        # they stay, so that the rules forbidding them can be relaxed.
        problem = self.problem
        person = problem.staff[p]
        banned = {
            s
            for s, shift in enumerate(problem.shift_types)
            if person.max_shifts.get(shift.id) == 0 and not self.explain
        }
        for d in range(problem.days):
            if not self.is_free(p, d):
                self.works[p, d] = int(self._frozen_shift[p][d] >= 0)
                continue
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
            if self.frozen is not None:
                frozen = self._frozen_shift[p][d]
                for s in range(len(problem.shift_types)):
                    if (p, d, s) in self.x:
                        self.model.add_hint(self.x[p, d, s], s == frozen)
                self.model.add_hint(works, frozen >= 0)

    def is_free(self, p: int, d: int) -> bool:
        return self.free is None or (p, d) in self.free

    def free_days(self, p: int) -> list[int]:
        return self._free_days.get(p, [])

    def starts_touching(self, p: int, first: int, last: int, starts: range) -> list[int]:
        """The `starts` t for which p has a free day in [t + first, t + last]: the windows a
        rule must post constraints for, since the others lie wholly in the frozen roster."""
        if self.free is None:
            return list(starts)
        touching: set[int] = set()
        for day in self.free_days(p):
            touching.update(
                range(max(day - last, starts.start), min(day - first, starts.stop - 1) + 1)
            )
        return sorted(touching)

    def frozen_counts(self, p: int) -> Counter[int]:
        """How often p works each shift index on frozen days (-1 counts the days off)."""
        if self.frozen is None:
            return Counter()
        counts = Counter(self._frozen_shift[p])
        counts.subtract(self._frozen_shift[p][d] for d in self.free_days(p))
        return counts

    def frozen_shift(self, p: int, d: int) -> int:
        """The shift index p works on frozen day d, or -1 for a day off."""
        return self._frozen_shift[p][d]

    def frozen_cover(self) -> Counter[tuple[int, int]]:
        """How many people work each (day, shift index) in the frozen cells."""
        count: Counter[tuple[int, int]] = Counter()
        if self.frozen is None:
            return count
        for p, days in enumerate(self._frozen_shift):
            count.update((d, s) for d, s in enumerate(days) if s >= 0 and not self.is_free(p, d))
        return count

    def free_people_by_day(self) -> dict[int, list[int]]:
        if self.free is None:
            everybody = list(range(len(self.problem.staff)))
            return dict.fromkeys(range(self.problem.days), everybody)
        by_day: dict[int, list[int]] = {}
        for p, d in sorted(self.free):
            by_day.setdefault(d, []).append(p)
        return by_day

    def cell(self, p: int, d: int, s: int) -> Any:
        """Whether p works shift s on day d: a Boolean, or 0/1 where that is already known."""
        if self.is_free(p, d):
            return self.x.get((p, d, s), 0)
        return int(self._frozen_shift[p][d] == s)

    def shifts_on(self, p: int, d: int, shifts: Collection[int]) -> list[Any]:
        """Whether p works one of `shifts` on day d: their Booleans, or [1] / [] when frozen."""
        if self.is_free(p, d):
            return [self.x[p, d, s] for s in shifts if (p, d, s) in self.x]
        return [1] if self._frozen_shift[p][d] in shifts else []

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
        if weight and not (isinstance(expr, int) and expr == 0):
            self.penalties.append(PenaltyTerm(rule, subject, weight, expr, day))

    def shift_index(self, shift_id: str) -> int:
        return self._shift_index[shift_id]


# --- hard rules -------------------------------------------------------------------------------
#
# In a sub-model some terms are constants (frozen cells); a constraint without any variable is
# kept by the frozen roster already and is not posted.


def _has_variable(terms: Iterable[Any]) -> bool:
    return any(not isinstance(term, int) for term in terms)


def fixed_days_off(m: RosterModel) -> None:
    for p in m.people:
        person = m.problem.staff[p]
        for d in sorted(person.days_off):
            if 0 <= d < m.problem.days and _has_variable([m.works[p, d]]):
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
        ({s for s, theirs in enumerate(forbidden) if group <= theirs}, set(group))
        for group in groups
    ]
    for p in m.people:
        person = problem.staff[p]
        for d in m.starts_touching(p, 0, 1, range(problem.days - 1)):
            for before, after in cliques:
                terms = m.shifts_on(p, d, before) + m.shifts_on(p, d + 1, after)
                if len(terms) > 1 and _has_variable(terms):
                    m.model.add(cp_model.LinearExpr.sum(terms) <= 1).only_enforce_if(
                        m.guard("forbidden-succession", person)
                    )


def max_shifts_per_type(m: RosterModel) -> None:
    problem = m.problem
    for p in m.people:
        person = problem.staff[p]
        frozen = m.frozen_counts(p)
        for shift_id, limit in person.max_shifts.items():
            s = m.shift_index(shift_id)
            if limit >= problem.days:
                continue
            worked = [m.x[p, d, s] for d in m.free_days(p) if (p, d, s) in m.x]
            if len(worked) + frozen[s] <= limit:
                continue
            m.model.add(cp_model.LinearExpr.sum(worked) <= limit - frozen[s]).only_enforce_if(
                m.guard("max-shifts-of-type", person)
            )


def total_minutes(m: RosterModel) -> None:
    problem = m.problem
    shifts = problem.shift_types
    for p in m.people:
        person = problem.staff[p]
        frozen = sum(shifts[s].minutes * n for s, n in m.frozen_counts(p).items() if s >= 0)
        worked = [
            (m.x[p, d, s], shift.minutes)
            for d in m.free_days(p)
            for s, shift in enumerate(shifts)
            if (p, d, s) in m.x
        ]
        minutes = (
            cp_model.LinearExpr.weighted_sum([v for v, _ in worked], [w for _, w in worked])
            + frozen
        )
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
    for p in m.people:
        person = problem.staff[p]
        limit = person.max_consecutive_shifts
        for start in m.starts_touching(p, 0, limit, range(problem.days - limit)):
            window = [m.works[p, d] for d in range(start, start + limit + 1)]
            if _has_variable(window):
                m.model.add(cp_model.LinearExpr.sum(window) <= limit).only_enforce_if(
                    m.guard("max-consecutive-shifts", person)
                )


def _forbid_short_runs(m: RosterModel, p: int, minimum: int, working: bool, rule: str) -> None:
    """Forbid every maximal run of working days (or of days off) shorter than `minimum`, as
    clauses "not (other kind of day, `length` run days, other kind of day)".

    Outside the horizon every day is a day off: a short run of shifts touching an end is still
    forbidden (unless the problem has open ends), a run of days off touching an end is not closed
    and so never too short.
    """
    problem = m.problem
    person = problem.staff[p]
    for length in range(1, minimum):
        for first in m.starts_touching(p, -1, length, range(problem.days - length + 1)):
            before, after = first - 1, first + length
            inside = [d for d in (before, after) if 0 <= d < problem.days]
            if len(inside) < 2 and (not working or problem.open_ends):
                continue
            # The clause holds when a neighbour or a run day breaks the pattern: a neighbour
            # that is of the run's kind, or a run day that is not.
            breaks = [(d, working) for d in inside]
            breaks += [(d, not working) for d in range(first, after)]
            clause: list[Any] = []
            for d, breaking in breaks:
                works = m.works[p, d]
                if isinstance(works, int):
                    if works == breaking:
                        break
                else:
                    clause.append(works if breaking else works.Not())
            else:
                if clause:
                    m.model.add_bool_or(clause).only_enforce_if(m.guard(rule, person))


def min_consecutive_shifts(m: RosterModel) -> None:
    """Runs of shifts touching the ends of the horizon still need the minimum length."""
    for p in m.people:
        _forbid_short_runs(
            m,
            p,
            m.problem.staff[p].min_consecutive_shifts,
            working=True,
            rule="min-consecutive-shifts",
        )


def min_consecutive_days_off(m: RosterModel) -> None:
    """Runs of days off touching the ends of the horizon are exempt."""
    for p in m.people:
        _forbid_short_runs(
            m,
            p,
            m.problem.staff[p].min_consecutive_days_off,
            working=False,
            rule="min-consecutive-days-off",
        )


def max_weekends(m: RosterModel) -> None:
    """A weekend counts as worked when either of its days is worked."""
    problem = m.problem
    weekends = problem.weekends()
    for p in m.people:
        person = problem.staff[p]
        if person.max_weekends >= len(weekends):
            continue
        worked: list[Any] = []
        for days in weekends:
            day_terms = [m.works[p, d] for d in days]
            variables = [t for t in day_terms if not isinstance(t, int)]
            if any(isinstance(t, int) and t == 1 for t in day_terms):
                worked.append(1)  # a frozen day of the weekend is worked
                continue
            if not variables:
                worked.append(0)
                continue
            weekend = m.model.new_bool_var(f"weekend[{person.id},{days[0]}]")
            m.model.add_max_equality(weekend, variables)
            worked.append(weekend)
        if _has_variable(worked):
            m.model.add(cp_model.LinearExpr.sum(worked) <= person.max_weekends).only_enforce_if(
                m.guard("max-weekends", person)
            )


# --- soft rules -------------------------------------------------------------------------------
#
# Every penalty is posted, as a constant where no free cell touches it, so that a sub-model's
# objective is the cost of the whole roster.


def shift_requests(m: RosterModel) -> None:
    problem = m.problem
    index = {person.id: p for p, person in enumerate(problem.staff)}
    for request in problem.requests:
        # A shift the person can never work has no variable and is never assigned.
        var = m.cell(index[request.staff], request.day, m.shift_index(request.shift))
        subject = f"of {request.staff} for {request.shift} on {problem.day_label(request.day)}"
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
    frozen = m.frozen_cover()
    free_on = m.free_people_by_day()
    for c in problem.covers:
        s = m.shift_index(c.shift)
        variables = [m.x[p, c.day, s] for p in free_on.get(c.day, ()) if (p, c.day, s) in m.x]
        count = frozen[c.day, s]
        subject = f"on {problem.day_label(c.day)} {c.shift}"
        if not variables:
            m.penalise("under-cover", subject, c.under_weight, max(c.requirement - count, 0), c.day)
            m.penalise("over-cover", subject, c.over_weight, max(count - c.requirement, 0), c.day)
            continue
        assigned = cp_model.LinearExpr.sum(variables) + count
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
    problem: Problem,
    *,
    explain: bool = False,
    rules: Sequence[Rule] = ALL_RULES,
    frozen: Roster | None = None,
    free: Cells | None = None,
) -> RosterModel:
    """The model of `problem`; with `frozen` and `free`, the sub-model in which only the `free`
    cells may change (see `RosterModel`), with the frozen roster as hint."""
    if (frozen is None) != (free is None):
        raise ValueError("a sub-model needs both a frozen roster and its free cells")
    m = RosterModel(problem, explain=explain, frozen=frozen, free=free)
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
            if not m.is_free(p, d):
                frozen = m.frozen_shift(p, d)
                days.append(problem.shift_types[frozen].id if frozen >= 0 else "")
                continue
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
            term.count(value),
            term.weight,
        )
        for term in m.penalties
    )
    return tuple(line for line in lines if line.cost)
