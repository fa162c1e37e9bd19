"""The rules of a duty roster, each defined once: its CP-SAT constraint (``post``) and its own
check of a finished roster (``check``) side by side in one class, under one code.

A rule's breach is a code with its subject (``Breach``), never a sentence: whoever shows it says
it in the reader's language and in the words of its domain. Hard rules post through
``DutyModel.guard``: normally that adds nothing, but when explaining infeasibility it hands out
one assumption literal per (rule, subject), so CP-SAT's assumption core names the rules and
subjects that clash. Rules may span people: the cover of a post links everyone who may fill it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from ortools.sat.python import cp_model

from regiozorg.roster.duties import MINUTES_PER_DAY, DutyProblem, DutyRoster

Subject = tuple[tuple[str, Any], ...]  # sorted (name, value) pairs: hashable, readable


def subject(**parts: Any) -> Subject:
    return tuple(sorted(parts.items()))


@dataclass(frozen=True, order=True)
class Breach:
    rule: str
    about: Subject

    def part(self, name: str) -> Any:
        return dict(self.about).get(name)


@dataclass
class DutyModel:
    """One Boolean per person and post they may fill: ``x[p, q]`` for person index p and post
    index q. With ``explain``, people away on a day get variables too, so the rule keeping
    them off can be relaxed and named."""

    problem: DutyProblem
    explain: bool = False
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[int, int], Any] = field(default_factory=dict)
    guards: dict[tuple[str, Subject], Any] = field(default_factory=dict)
    penalties: list[tuple[str, Subject, int, Any]] = field(default_factory=list)
    by_post: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    by_person: dict[int, dict[str, list[Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        days = self.problem.day_of
        for p, person in enumerate(self.problem.people):
            self.by_person[p] = defaultdict(list)
            for q, post in enumerate(self.problem.posts):
                away = days[post.duty] in person.away
                if person.may_fill(post) and (self.explain or not away):
                    var = self.model.new_bool_var(f"x{p}_{q}")
                    self.x[p, q] = var
                    self.by_post[q].append(var)
                    self.by_person[p][post.duty].append(var)

    def guard(self, rule: str, about: Subject) -> list[Any]:
        """Literals to enforce a hard constraint with: none normally, one assumption when
        explaining (the same for one rule and subject)."""
        if not self.explain:
            return []
        if (rule, about) not in self.guards:
            self.guards[rule, about] = self.model.new_bool_var(f"guard {rule} {about}")
        return [self.guards[rule, about]]

    def taking(self, p: int) -> dict[str, list[Any]]:
        """Person p's variables per duty id."""
        return self.by_person[p]

    def penalise(self, rule: str, about: Subject, weight: int, expr: Any) -> None:
        self.penalties.append((rule, about, weight, expr))


class Rule(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def hard(self) -> bool: ...

    def post(self, m: DutyModel) -> None: ...

    def check(self, problem: DutyProblem, roster: DutyRoster) -> list[Breach]: ...


@runtime_checkable
class SoftRule(Rule, Protocol):
    def costs(self, problem: DutyProblem, roster: DutyRoster) -> list[Cost]: ...


@dataclass(frozen=True)
class ExactCover:
    """Every post is filled by exactly as many people as it needs, each allowed to fill it."""

    code: str = "cover"
    hard: bool = True

    def post(self, m: DutyModel) -> None:
        for q, post in enumerate(m.problem.posts):
            chosen = m.by_post.get(q, [])
            about = subject(duty=post.duty, role=post.role, area=post.area)
            m.model.add(sum(chosen) == post.need).only_enforce_if(m.guard(self.code, about))

    def check(self, problem: DutyProblem, roster: DutyRoster) -> list[Breach]:
        people = {person.id: person for person in problem.people}
        breaches = []
        for post in problem.posts:
            who = roster.filled.get(post.key, ())
            allowed = all(w in people and people[w].may_fill(post) for w in who)
            if len(who) != post.need or not allowed or len(set(who)) != len(who):
                breaches.append(
                    Breach(self.code, subject(duty=post.duty, role=post.role, area=post.area))
                )
        return breaches


@dataclass(frozen=True)
class Away:
    """Nobody takes a duty starting on a day they are away."""

    code: str = "away"
    hard: bool = True

    def post(self, m: DutyModel) -> None:
        days = m.problem.day_of
        for (p, q), var in m.x.items():
            person, post = m.problem.people[p], m.problem.posts[q]
            day = days[post.duty]
            if day in person.away:
                about = subject(person=person.id, day=day)
                m.model.add(var == 0).only_enforce_if(m.guard(self.code, about))

    def check(self, problem: DutyProblem, roster: DutyRoster) -> list[Breach]:
        days = problem.day_of
        return [
            Breach(self.code, subject(person=person.id, day=days[key[0]]))
            for person in problem.people
            for key in roster.duties_of(person.id)
            if days[key[0]] in person.away
        ]


@dataclass(frozen=True)
class RestAfter:
    """No two duties of one person at once, and after a duty tagged ``tag`` (a night) no new
    duty within ``rest_minutes`` of its end."""

    tag: str = "night"
    rest_minutes: int = 11 * 60
    code: str = "rest"
    hard: bool = True

    def _clash(self, problem: DutyProblem) -> list[tuple[str, str]]:
        duties = sorted(problem.duties, key=lambda d: (d.start, d.id))
        pairs = []
        for i, first in enumerate(duties):
            rest = self.rest_minutes if self.tag in first.tags else 0
            for second in duties[i + 1 :]:
                if second.start >= first.end + rest:
                    if second.start >= first.end + max(rest, MINUTES_PER_DAY):
                        break
                    continue
                pairs.append((first.id, second.id))
        return pairs

    def post(self, m: DutyModel) -> None:
        pairs = self._clash(m.problem)
        for p, person in enumerate(m.problem.people):
            taking = m.taking(p)
            about = subject(person=person.id)
            for choices in taking.values():
                if len(choices) > 1:
                    m.model.add(sum(choices) <= 1).only_enforce_if(m.guard(self.code, about))
            for a, b in pairs:
                if a in taking and b in taking:
                    both = taking[a] + taking[b]
                    m.model.add(sum(both) <= 1).only_enforce_if(m.guard(self.code, about))

    def check(self, problem: DutyProblem, roster: DutyRoster) -> list[Breach]:
        pairs = set(self._clash(problem))
        breaches = []
        for person in problem.people:
            duties = [key[0] for key in roster.duties_of(person.id)]
            twice = len(duties) != len(set(duties))
            if twice or any((a, b) in pairs for a in duties for b in duties):
                breaches.append(Breach(self.code, subject(person=person.id)))
        return breaches


@dataclass(frozen=True)
class MostInWindow:
    """At most ``most`` duties in any ``days`` consecutive days (by the day a duty starts)."""

    most: int = 7
    days: int = 28
    code: str = "window"
    hard: bool = True

    def _windows(self, horizon: int) -> range:
        return range(max(1, horizon - self.days + 1))

    def post(self, m: DutyModel) -> None:
        day_of = m.problem.day_of
        for p, person in enumerate(m.problem.people):
            taking = m.taking(p)
            about = subject(person=person.id)
            for first in self._windows(m.problem.days):
                inside = [
                    var
                    for duty, choices in taking.items()
                    if first <= day_of[duty] < first + self.days
                    for var in choices
                ]
                if len(inside) > self.most:
                    m.model.add(sum(inside) <= self.most).only_enforce_if(m.guard(self.code, about))

    def check(self, problem: DutyProblem, roster: DutyRoster) -> list[Breach]:
        day_of = problem.day_of
        breaches = []
        for person in problem.people:
            days = [day_of[key[0]] for key in roster.duties_of(person.id)]
            for first in self._windows(problem.days):
                if sum(first <= day < first + self.days for day in days) > self.most:
                    breaches.append(Breach(self.code, subject(person=person.id)))
                    break
        return breaches


@dataclass(frozen=True)
class Pinned:
    """A pinned duty stays with its person."""

    code: str = "pinned"
    hard: bool = True

    def post(self, m: DutyModel) -> None:
        index = {post.key: q for q, post in enumerate(m.problem.posts)}
        for p, person in enumerate(m.problem.people):
            for key in person.pinned:
                about = subject(person=person.id, duty=key[0], role=key[1], area=key[2])
                var = m.x.get((p, index[key])) if key in index else None
                if var is None:  # pinned where they may not be: that alone leaves no roster
                    m.model.add_bool_or([]).only_enforce_if(m.guard(self.code, about))
                else:
                    m.model.add(var == 1).only_enforce_if(m.guard(self.code, about))

    def check(self, problem: DutyProblem, roster: DutyRoster) -> list[Breach]:
        return [
            Breach(self.code, subject(person=p.id, duty=key[0], role=key[1], area=key[2]))
            for p in problem.people
            for key in p.pinned
            if p.id not in roster.filled.get(key, ())
        ]


HARD_RULES: Sequence[Rule] = (ExactCover(), Away(), RestAfter(), MostInWindow(), Pinned())

SCALE = 100  # shares are compared in hundredths of a duty


@dataclass(frozen=True)
class Cost:
    """``count`` units of a soft rule for a subject, at ``weight`` each."""

    rule: str
    about: Subject
    count: int
    weight: int

    @property
    def cost(self) -> int:
        return self.count * self.weight


def _tagged(problem: DutyProblem, tag: str) -> set[str]:
    return {duty.id for duty in problem.duties if not tag or tag in duty.tags}


def _shares(problem: DutyProblem, tag: str) -> dict[str, int]:
    """Each person's fair share of the posts on duties with ``tag`` ('' for all), duties
    carried from earlier periods included, in hundredths: in proportion to their weight."""
    counted = _tagged(problem, tag)
    demand = sum(post.need for post in problem.posts if post.duty in counted)
    carried = sum(person.carried.get(tag, 0.0) for person in problem.people)
    weights = sum(person.weight for person in problem.people) or 1.0
    return {
        person.id: round(
            ((demand + carried) * person.weight / weights - person.carried.get(tag, 0.0)) * SCALE
        )
        for person in problem.people
    }


@dataclass(frozen=True)
class FairShare:
    """Each person takes duties (with ``tag``: nights, weekends, holidays; '' for all) in
    proportion to their weight (FTE), counting what earlier periods carried over: the cost is
    the distance from that share, in hundredths of a duty."""

    tag: str = ""
    weight: int = 10
    hard: bool = False

    @property
    def code(self) -> str:
        return f"fair_{self.tag or 'all'}"

    def post(self, m: DutyModel) -> None:
        counted = _tagged(m.problem, self.tag)
        shares = _shares(m.problem, self.tag)
        bound = SCALE * len(m.problem.posts)
        for p, person in enumerate(m.problem.people):
            taken = [var for duty, choices in m.taking(p).items() if duty in counted
                     for var in choices]  # fmt: skip
            distance = m.model.new_int_var(0, bound + abs(shares[person.id]), "")
            m.model.add_abs_equality(distance, SCALE * sum(taken) - shares[person.id])
            m.penalise(self.code, subject(person=person.id), self.weight, distance)

    def check(self, problem: DutyProblem, roster: DutyRoster) -> list[Breach]:
        return []

    def costs(self, problem: DutyProblem, roster: DutyRoster) -> list[Cost]:
        counted = _tagged(problem, self.tag)
        shares = _shares(problem, self.tag)
        found = []
        for person in problem.people:
            taken = sum(key[0] in counted for key in roster.duties_of(person.id))
            distance = abs(SCALE * taken - shares[person.id])
            if distance:
                found.append(Cost(self.code, subject(person=person.id), distance, self.weight))
        return found


def _any(m: DutyModel, choices: list[Any]) -> Any:
    """A Boolean that is true exactly when one of ``choices`` is."""
    flag = m.model.new_bool_var("")
    m.model.add_max_equality(flag, choices)
    return flag


def _both(m: DutyModel, a: Any, b: Any) -> Any:
    """A Boolean that is true exactly when ``a`` and ``b`` are: a penalty never counted in
    vain, so the solver's cost is the rules' own price of its roster."""
    both = m.model.new_bool_var("")
    m.model.add_bool_and([a, b]).only_enforce_if(both)
    m.model.add_bool_or([a.Not(), b.Not(), both])
    return both


@dataclass(frozen=True)
class ApartDays:
    """No duties on two days in a row: each pair costs ``weight``."""

    weight: int = 3
    code: str = "consecutive_days"
    hard: bool = False

    def post(self, m: DutyModel) -> None:
        day_of = m.problem.day_of
        for p, person in enumerate(m.problem.people):
            per_day: dict[int, list[Any]] = defaultdict(list)
            for duty, choices in m.taking(p).items():
                per_day[day_of[duty]].extend(choices)
            worked = {day: _any(m, choices) for day, choices in per_day.items()}
            for day, flag in worked.items():
                if day + 1 in worked:
                    both = _both(m, flag, worked[day + 1])
                    m.penalise(self.code, subject(person=person.id, day=day), self.weight, both)

    def check(self, problem: DutyProblem, roster: DutyRoster) -> list[Breach]:
        return []

    def costs(self, problem: DutyProblem, roster: DutyRoster) -> list[Cost]:
        day_of = problem.day_of
        found = []
        for person in problem.people:
            days = {day_of[key[0]] for key in roster.duties_of(person.id)}
            found += [
                Cost(self.code, subject(person=person.id, day=day), 1, self.weight)
                for day in sorted(days)
                if day + 1 in days
            ]
        return found


@dataclass(frozen=True)
class ApartWeekends:
    """No duties on two weekends in a row (duties tagged ``tag``, grouped by calendar week:
    ``first_weekday`` is the weekday of day 0, Monday 0): each pair costs ``weight``."""

    first_weekday: int = 0
    tag: str = "weekend"
    weight: int = 3
    code: str = "weekends_in_a_row"
    hard: bool = False

    def _week(self, day: int) -> int:
        return (day + self.first_weekday) // 7

    def post(self, m: DutyModel) -> None:
        weekend = {duty.id: self._week(duty.day) for duty in m.problem.duties
                   if self.tag in duty.tags}  # fmt: skip
        for p, person in enumerate(m.problem.people):
            per_week: dict[int, list[Any]] = defaultdict(list)
            for duty, choices in m.taking(p).items():
                if duty in weekend:
                    per_week[weekend[duty]].extend(choices)
            worked = {week: _any(m, choices) for week, choices in per_week.items()}
            for week, flag in worked.items():
                if week + 1 in worked:
                    both = _both(m, flag, worked[week + 1])
                    m.penalise(self.code, subject(person=person.id, week=week), self.weight, both)

    def check(self, problem: DutyProblem, roster: DutyRoster) -> list[Breach]:
        return []

    def costs(self, problem: DutyProblem, roster: DutyRoster) -> list[Cost]:
        weekend = {duty.id: self._week(duty.day) for duty in problem.duties
                   if self.tag in duty.tags}  # fmt: skip
        found = []
        for person in problem.people:
            weeks = {weekend[key[0]] for key in roster.duties_of(person.id) if key[0] in weekend}
            found += [
                Cost(self.code, subject(person=person.id, week=week), 1, self.weight)
                for week in sorted(weeks)
                if week + 1 in weeks
            ]
        return found


def costs_all(problem: DutyProblem, roster: DutyRoster, rules: Sequence[Rule]) -> list[Cost]:
    """Every soft rule's own pricing of a roster, by rule and subject."""
    return [
        cost for rule in rules if isinstance(rule, SoftRule) for cost in rule.costs(problem, roster)
    ]


def check_all(problem: DutyProblem, roster: DutyRoster, rules: Sequence[Rule]) -> list[Breach]:
    """Every hard rule's own check of a finished roster: nothing when it is lawful."""
    return [breach for rule in rules if rule.hard for breach in rule.check(problem, roster)]


def roster_from(m: DutyModel, value: Callable[[Any], int]) -> DutyRoster:
    """The roster a solution's ``value(var)`` gives."""
    filled: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for (p, q), var in m.x.items():
        if value(var):
            filled[m.problem.posts[q].key].append(m.problem.people[p].id)
    return DutyRoster({key: tuple(sorted(who)) for key, who in filled.items()})
