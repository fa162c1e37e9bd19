"""Kinds of day, duties as real time intervals, travel time and who may take a role where."""

from __future__ import annotations

from datetime import date, time

import pytest

from regiozorg.anw.rules import (
    DayKind,
    DutyType,
    Place,
    Profession,
    Role,
    day_kinds,
    dutch_holidays,
    is_night,
    may_take,
    rest_hours,
    slot,
    slots,
    travel_minutes,
    within_reach,
)

WEEKNIGHT = DutyType("weeknight", time(17), time(8), frozenset({DayKind.WEEKDAY}))
WEEKEND_DAY = DutyType(
    "weekend_day", time(8), time(17), frozenset({DayKind.WEEKEND, DayKind.HOLIDAY})
)
MEPPEL = Place("MEP", "Meppel", 52.696, 6.194)
HAVELTE = Place("HAV", "Havelte", 52.770, 6.240)
FIRST_LINE = Role("first_line", frozenset(Profession), 30)
BACKUP = Role("backup", frozenset({Profession.SO}), 45)


def test_a_weekday_a_weekend_day_and_a_holiday() -> None:
    easter_monday = date(2027, 3, 29)
    assert day_kinds(date(2027, 3, 1), []) == {DayKind.WEEKDAY}
    assert day_kinds(date(2027, 3, 6), []) == {DayKind.WEEKEND}
    assert day_kinds(easter_monday, [easter_monday]) == {DayKind.HOLIDAY}
    assert day_kinds(date(2027, 3, 28), [date(2027, 3, 28)]) == {DayKind.WEEKEND, DayKind.HOLIDAY}


def test_the_dutch_public_holidays_come_from_the_holidays_package() -> None:
    found = dutch_holidays(date(2027, 1, 1), date(2027, 12, 31))
    assert {date(2027, 4, 27), date(2027, 3, 29), date(2027, 12, 25), date(2027, 5, 6)} <= found
    assert date(2027, 3, 1) not in found


def test_a_night_duty_ends_the_next_morning_and_belongs_to_the_day_it_starts() -> None:
    night = slot(date(2027, 3, 1), WEEKNIGHT)
    assert night.day == date(2027, 3, 1)
    assert night.ends.date() == date(2027, 3, 2)
    assert night.hours == 15


def test_a_night_across_the_clock_change_lasts_an_hour_less() -> None:
    summer_time_begins = date(2027, 3, 27)  # the night of Saturday to Sunday 28 March
    night = DutyType("weekend_night", time(17), time(8), frozenset({DayKind.WEEKEND}))
    assert slot(summer_time_begins, night).hours == 14


def test_duties_occur_on_the_kinds_of_day_they_are_set_for() -> None:
    week = slots(date(2027, 3, 1), 7, [WEEKNIGHT, WEEKEND_DAY], holidays=[date(2027, 3, 3)])
    nights = [s.day.day for s in week if s.duty is WEEKNIGHT]
    days = [s.day.day for s in week if s.duty is WEEKEND_DAY]
    assert nights == [1, 2, 4, 5]  # Wednesday the 3rd is a holiday
    assert days == [3, 6, 7]
    assert [s.starts for s in week] == sorted(s.starts for s in week)


def test_travel_time_is_great_circle_times_detour_over_speed() -> None:
    minutes = travel_minutes(MEPPEL, HAVELTE, detour_factor=1.3, speed_kmh=60)
    assert minutes == pytest.approx(8.79 * 1.3, abs=0.05)  # 8.79 km as the crow flies
    assert travel_minutes(MEPPEL, MEPPEL, detour_factor=1.3, speed_kmh=60) == 0


def test_a_role_in_an_area_needs_every_location_within_its_norm() -> None:
    area = [MEPPEL, HAVELTE]
    assert within_reach(MEPPEL, FIRST_LINE, area, detour_factor=1.3, speed_kmh=60)
    far = Place("GRO", "Groningen", 53.219, 6.567)  # about 60 km away
    assert not within_reach(far, FIRST_LINE, area, detour_factor=1.3, speed_kmh=60)
    assert within_reach(far, BACKUP, [MEPPEL], detour_factor=1.0, speed_kmh=90)


def test_only_the_professions_of_a_role_may_take_it() -> None:
    assert may_take(Profession.PA, FIRST_LINE)
    assert not may_take(Profession.PA, BACKUP)


def test_rest_between_two_duties() -> None:
    night = slot(date(2027, 3, 1), WEEKNIGHT)
    next_night = slot(date(2027, 3, 2), WEEKNIGHT)
    assert rest_hours(night, next_night) == 9
    assert rest_hours(night, slot(date(2027, 3, 1), WEEKNIGHT)) < 0


def test_a_night_duty_covers_time_between_midnight_and_six() -> None:
    assert is_night(WEEKNIGHT)
    assert not is_night(WEEKEND_DAY)
    assert is_night(DutyType("early", time(5), time(13), frozenset({DayKind.WEEKDAY})))
    assert not is_night(DutyType("evening", time(17), time(23, 59), frozenset({DayKind.WEEKDAY})))
