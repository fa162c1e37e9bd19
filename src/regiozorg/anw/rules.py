"""Pure rules of the joint on-call (ANW) pool: kinds of day, duties as time intervals, travel
time and who may take which role where. No I/O.

A duty belongs to the date it starts on; a duty whose end is not after its start (17:00-08:00)
ends the next day. Times are local (Europe/Amsterdam), so a night across a clock change lasts an
hour more or less, as it does for the physician.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import holidays as public_holidays

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
EARTH_RADIUS_KM = 6371.0
DEFAULT_DETOUR_FACTOR = 1.3
DEFAULT_SPEED_KMH = 60.0


class DayKind(StrEnum):
    WEEKDAY = "weekday"  # Monday to Friday, not a holiday
    WEEKEND = "weekend"  # Saturday and Sunday
    HOLIDAY = "holiday"  # a public holiday (or one set for the pool)


class Profession(StrEnum):
    """Who may take a role: a specialist ouderengeneeskunde, a verpleegkundig specialist, a
    physician assistant, a basisarts (task reallocation: taakherschikking)."""

    SO = "SO"
    VS = "VS"
    PA = "PA"
    BASISARTS = "basisarts"


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class DutyType:
    code: str
    start: time
    end: time
    days: frozenset[DayKind]

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class Role:
    """First line or backup (achterwacht): which professions may take it, and the longest
    travel to any location of the area, in minutes."""

    code: str
    professions: frozenset[Profession]
    travel_minutes: float


@dataclass(frozen=True)
class WorkRules:
    """Limits on one physician's duties, per pool. The Working Hours Act allows up to 14
    on-call days in 4 weeks; pools agree on fewer (default 7)."""

    max_duties_per_28_days: int = 7
    min_rest_hours_after_night: float = 11.0


@dataclass(frozen=True)
class Slot:
    """One duty on one date: an interval of real time (UTC)."""

    day: date
    duty: DutyType
    starts: datetime
    ends: datetime

    @property
    def hours(self) -> float:
        return (self.ends - self.starts).total_seconds() / 3600


def dutch_holidays(first: date, last: date) -> frozenset[date]:
    """The Dutch public holidays from ``first`` to ``last`` (from the ``holidays`` package)."""
    calendar = public_holidays.country_holidays("NL", years=range(first.year, last.year + 1))
    return frozenset(day for day in calendar if first <= day <= last)


def day_kinds(day: date, holidays: Iterable[date]) -> frozenset[DayKind]:
    kinds = set()
    if day in set(holidays):
        kinds.add(DayKind.HOLIDAY)
    if day.weekday() >= 5:
        kinds.add(DayKind.WEEKEND)
    elif DayKind.HOLIDAY not in kinds:
        kinds.add(DayKind.WEEKDAY)
    return frozenset(kinds)


def slot(day: date, duty: DutyType) -> Slot:
    ends_on = day + timedelta(days=1) if duty.crosses_midnight else day
    # In UTC: Python subtracts two times of one zone by their wall clocks, clock change or not.
    return Slot(
        day,
        duty,
        datetime.combine(day, duty.start, tzinfo=AMSTERDAM).astimezone(UTC),
        datetime.combine(ends_on, duty.end, tzinfo=AMSTERDAM).astimezone(UTC),
    )


def slots(
    start: date, days: int, duties: Sequence[DutyType], holidays: Iterable[date]
) -> list[Slot]:
    """Every duty that occurs from ``start`` for ``days`` days, in order of start."""
    free_days = frozenset(holidays)
    found: list[Slot] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        kinds = day_kinds(day, free_days)
        found.extend(slot(day, duty) for duty in duties if duty.days & kinds)
    return sorted(found, key=lambda s: (s.starts, s.duty.code))


def travel_minutes(a: Place, b: Place, *, detour_factor: float, speed_kmh: float) -> float:
    """Great-circle distance × detour factor ÷ speed, in minutes (not rounded)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
    return km * detour_factor / speed_kmh * 60


def within_reach(
    origin: Place,
    role: Role,
    area: Sequence[Place],
    *,
    detour_factor: float,
    speed_kmh: float,
) -> bool:
    """Whether someone starting from ``origin`` reaches every location of the area within the
    role's travel norm."""
    return all(
        travel_minutes(origin, place, detour_factor=detour_factor, speed_kmh=speed_kmh)
        <= role.travel_minutes
        for place in area
    )


def may_take(profession: Profession, role: Role) -> bool:
    return profession in role.professions


def rest_hours(before: Slot, after: Slot) -> float:
    """Hours free between the end of one duty and the start of the next (negative: overlap)."""
    return (after.starts - before.ends).total_seconds() / 3600


def is_night(duty: DutyType) -> bool:
    """A night duty covers some time between 00:00 and 06:00 (local time)."""
    night_ends = time(6)
    if duty.crosses_midnight:
        return True
    return duty.start < night_ends
