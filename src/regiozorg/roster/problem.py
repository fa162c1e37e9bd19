"""A general shift-rostering problem as plain data, free of any care domain.

Days are numbered from 0; `first_weekday` says which weekday day 0 is (0 = Monday). Times are
in minutes. Everything here is immutable so a problem can be shared between the solver, the
evaluator and a web page without anyone changing it underneath the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

#: Cap used when a person has no limit of their own (e.g. "no maximum run of shifts").
UNLIMITED = 10**9


@dataclass(frozen=True)
class ShiftType:
    """A kind of duty. `start_minute` (minutes after midnight) is optional: the benchmark has no
    clock times, but later rules such as rest hours after a night need them."""

    id: str
    minutes: int
    forbidden_next: frozenset[str] = frozenset()
    start_minute: int | None = None
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Cover:
    """How many people a shift on a day needs, and the cost of each one short or too many."""

    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class Staff:
    """One person and their contract. Counts of consecutive days follow the benchmark's convention:
    the horizon is preceded and followed by days off."""

    id: str
    max_shifts: Mapping[str, int] = field(default_factory=dict)
    """Most shifts of each type; a type missing here is unlimited."""
    min_minutes: int = 0
    max_minutes: int = UNLIMITED
    min_consecutive_shifts: int = 1
    max_consecutive_shifts: int = UNLIMITED
    min_consecutive_days_off: int = 1
    max_weekends: int = UNLIMITED
    days_off: frozenset[int] = frozenset()
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class ShiftRequest:
    """A wish: `on` means the person wants this shift (cost when unmet), otherwise they want to be
    free of it (cost when met)."""

    staff: str
    day: int
    shift: str
    weight: int
    on: bool


@dataclass(frozen=True)
class Problem:
    name: str
    days: int
    shift_types: tuple[ShiftType, ...]
    staff: tuple[Staff, ...]
    covers: tuple[Cover, ...] = ()
    requests: tuple[ShiftRequest, ...] = ()
    first_weekday: int = 0
    open_ends: bool = False
    """False: the horizon is preceded and followed by days off, so a run of shifts touching
    either end must still reach the minimum run (the benchmark README's rule). True: such a run
    may go on outside the horizon and is exempt, as for a roster that continues a previous one.
    The published best values of Instances 2 and 3 need True: with False, 833 and 1005 are
    proven optimal (benchmarks/nrp_ends.py)."""

    def weekday(self, day: int) -> int:
        return (self.first_weekday + day) % 7

    def day_label(self, day: int) -> str:
        """'Sat 12': the weekday name and the day number, so cost lines read naturally."""
        return f"{WEEKDAY_NAMES[self.weekday(day)]} {day}"

    def weekends(self) -> list[tuple[int, ...]]:
        """The days of each weekend (Saturday and Sunday) that fall inside the horizon."""
        groups: dict[int, list[int]] = {}
        for day in range(self.days):
            weekday = self.weekday(day)
            if weekday >= 5:
                # Key on the Saturday's position so a horizon starting on Sunday still groups.
                groups.setdefault(day - (weekday - 5), []).append(day)
        return [tuple(days) for _, days in sorted(groups.items())]

    def shift_ids(self) -> list[str]:
        return [shift.id for shift in self.shift_types]

    def shift(self, shift_id: str) -> ShiftType:
        for shift in self.shift_types:
            if shift.id == shift_id:
                return shift
        raise KeyError(shift_id)


Assignment = tuple[str, ...]
"""One person's roster: per day a shift id, or "" for a day off."""


@dataclass(frozen=True)
class Roster:
    """Who works what: `assignments[staff id][day]` is a shift id or "" for a day off."""

    assignments: Mapping[str, Assignment]

    def shift_of(self, staff: str, day: int) -> str:
        return self.assignments[staff][day]

    @staticmethod
    def empty(problem: Problem) -> Roster:
        return Roster({person.id: ("",) * problem.days for person in problem.staff})


@dataclass(frozen=True)
class CostLine:
    """One named penalty term of a roster: `count` units of `rule` at `weight` each."""

    rule: str
    subject: str
    count: int
    weight: int

    @property
    def cost(self) -> int:
        return self.count * self.weight

    def describe(self) -> str:
        """'3 × under-cover on Sat 12 N: 300'."""
        return f"{self.count} × {self.rule} {self.subject}: {self.cost}"


@dataclass(frozen=True)
class Violation:
    """A broken hard rule; `staff` is empty for rules about the whole roster."""

    rule: str
    staff: str
    message: str
