"""An ANW pool as the roster engine's duty problem: every duty of the period as a time
interval, one post per duty, area and role, and each physician with the (role, area) pairs
their profession and travel time allow. The engine knows nothing of physicians; this is
where the pool's words become its data."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from regiozorg.anw import rules
from regiozorg.anw.scenario import Scenario
from regiozorg.roster.duties import Duty, DutyProblem, Person, Post
from regiozorg.roster.duty_rules import (
    ApartDays,
    ApartWeekends,
    Away,
    ExactCover,
    FairShare,
    MostInWindow,
    Pinned,
    RestAfter,
    Rule,
)


def holidays_of(scenario: Scenario) -> frozenset[date]:
    """The pool's own list, else the Dutch public holidays of the period."""
    if scenario.holidays is not None:
        return scenario.holidays
    last = scenario.start + timedelta(days=scenario.weeks * 7 - 1)
    return rules.dutch_holidays(scenario.start, last)


def duty_id(slot: rules.Slot) -> str:
    return f"{slot.day.isoformat()}/{slot.duty.code}"


def to_problem(scenario: Scenario) -> DutyProblem:
    free_days = holidays_of(scenario)
    slots = rules.slots(scenario.start, scenario.weeks * 7, scenario.duties, free_days)
    origin = datetime.combine(scenario.start, datetime.min.time(), tzinfo=rules.AMSTERDAM)

    def minutes(moment: datetime) -> int:
        return round((moment - origin).total_seconds() / 60)

    duties = []
    for slot in slots:
        tags = {kind.value for kind in rules.day_kinds(slot.day, free_days)}
        if rules.is_night(slot.duty):
            tags.add("night")
        duties.append(
            Duty(
                duty_id(slot),
                (slot.day - scenario.start).days,
                minutes(slot.starts),
                minutes(slot.ends),
                frozenset(tags),
            )
        )
    posts = tuple(
        Post(duty.id, role.code, area)
        for duty in duties
        for area in scenario.areas
        for role in scenario.roles
    )
    travel = {"detour_factor": scenario.detour_factor, "speed_kmh": scenario.speed_kmh}
    people = tuple(
        Person(
            physician.id,
            group=physician.organisation,
            weight=physician.fte,
            may=frozenset(
                (role.code, area)
                for role in scenario.roles
                if rules.may_take(physician.profession, role)
                for area, places in scenario.areas.items()
                if rules.within_reach(physician.place, role, places, **travel)
            ),
            away=frozenset((day - scenario.start).days for day in physician.unavailable),
        )
        for physician in scenario.physicians
    )
    return DutyProblem(scenario.name, scenario.weeks * 7, tuple(duties), posts, people)


def rules_of(scenario: Scenario) -> tuple[Rule, ...]:
    """The pool's rules: hard as the file sets them, soft with the weights a planner sees."""
    limits = scenario.rules
    return (
        ExactCover(),
        Away(),
        RestAfter("night", round(limits.min_rest_hours_after_night * 60)),
        MostInWindow(limits.max_duties_per_28_days, 28),
        Pinned(),
        FairShare("", 10),
        FairShare("night", 5),
        FairShare("weekend", 5),
        FairShare("holiday", 5),
        ApartDays(3),
        ApartWeekends(scenario.start.weekday(), "weekend", 3),
    )
