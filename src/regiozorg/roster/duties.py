"""Rostering with duties as time intervals, roles and eligibility as data: the problem model
the on-call roster (ANW) needs, still free of any care domain.

A *duty* is a stretch of real time (minutes from the start of the horizon) belonging to the day
it starts on; it may cross midnight and it carries tags a rule can count by ("night",
"weekend", "holiday"). A *post* is a place to fill on a duty: a role in an area, for exactly
``need`` people. A *person* may take the (role, area) pairs listed in ``may``; what makes them
eligible (a profession, a travel norm) is the caller's business. A roster says who fills each
post. Everything is immutable, so one problem is shared by the solver, the checks and a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Duty:
    id: str
    day: int
    start: int  # minutes from the start of the horizon
    end: int
    tags: frozenset[str] = frozenset()

    def overlaps(self, other: Duty) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Post:
    """One role in one area on one duty, for exactly ``need`` people."""

    duty: str
    role: str
    area: str = ""
    need: int = 1

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.duty, self.role, self.area)


@dataclass(frozen=True)
class Person:
    id: str
    group: str = ""  # who they work for: fairness between groups counts by it
    weight: float = 1.0  # share of the work (FTE)
    may: frozenset[tuple[str, str]] = frozenset()  # (role, area) pairs they may take
    away: frozenset[int] = frozenset()  # days no duty of theirs may start on
    pinned: frozenset[tuple[str, str, str]] = frozenset()  # post keys they must fill
    carried: Mapping[str, float] = field(default_factory=dict)
    """Duties per tag from earlier periods ('' for all), so fairness looks further back."""

    def may_fill(self, post: Post) -> bool:
        return (post.role, post.area) in self.may


@dataclass(frozen=True)
class DutyProblem:
    name: str
    days: int
    duties: tuple[Duty, ...]
    posts: tuple[Post, ...]
    people: tuple[Person, ...]

    @cached_property
    def day_of(self) -> dict[str, int]:
        """The day each duty (by id) belongs to: every rule counting by day asks this."""
        return {duty.id: duty.day for duty in self.duties}


@dataclass(frozen=True)
class DutyRoster:
    """Who fills each post: ``filled[post key]`` is a tuple of person ids."""

    filled: Mapping[tuple[str, str, str], tuple[str, ...]]

    def duties_of(self, person: str) -> list[tuple[str, str, str]]:
        return sorted(key for key, who in self.filled.items() if person in who)
