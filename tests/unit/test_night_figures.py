"""The night logbook's figures from plain rows: percentiles, shares, norms and which night an
alarm belongs to, around midnight and the clock changes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from regiozorg.clock import AMSTERDAM
from regiozorg.night.figures import (
    IncidentFacts,
    Norms,
    answered_within,
    by_intervention,
    default_period,
    night_start,
    on_site_within,
    percentile,
    period_bounds,
    summarise,
)
from regiozorg.night.rules import Outcome, night_of

NIGHT = datetime(2026, 3, 10, 23, 0, tzinfo=AMSTERDAM)
NOW = NIGHT + timedelta(days=1)
ALICE, BOB = uuid.uuid4(), uuid.uuid4()
STRICT, LOOSE = uuid.uuid4(), uuid.uuid4()
NORMS = {STRICT: Norms(answer_seconds=30, on_site_minutes=15), LOOSE: Norms(60, 30)}


def norms(location: uuid.UUID | None) -> Norms:
    return NORMS.get(location, Norms()) if location else Norms()


def alarm(
    minute: int = 0,
    *,
    answered: float | None = 20,
    on_site: float | None = None,
    outcome: Outcome | None = Outcome.FALSE_ALARM,
    client: uuid.UUID | None = ALICE,
    location: uuid.UUID | None = LOOSE,
    unknown: bool = False,
    escalations: int = 0,
    **extra: Any,
) -> IncidentFacts:
    """An alarm ``minute`` minutes after 23:00, answered after ``answered`` seconds and with
    someone there ``on_site`` minutes after the alarm."""
    received = NIGHT + timedelta(minutes=minute)
    return IncidentFacts(
        received_at=received,
        organisation_id=None,
        location_id=location,
        client_id=client,
        outcome=outcome,
        unknown_sender=unknown,
        escalations=escalations,
        acknowledged_at=received + timedelta(seconds=answered) if answered is not None else None,
        on_site_at=received + timedelta(minutes=on_site) if on_site is not None else None,
        **extra,
    )


# --- percentiles and shares ----------------------------------------------------------------


def test_percentiles_are_times_that_really_occurred() -> None:
    times = [10.0, 50.0, 20.0, 40.0, 30.0, 60.0, 70.0, 80.0, 90.0, 100.0]
    assert percentile(times, 0.5) == 50
    assert percentile(times, 0.9) == 90
    assert percentile([7.0], 0.9) == 7
    assert percentile([], 0.5) is None


def test_p90_of_twenty_answers_ignores_the_two_slowest() -> None:
    assert percentile([float(s) for s in range(1, 21)], 0.9) == 18


def test_shares_of_outcomes_count_only_decided_incidents() -> None:
    rows = [
        alarm(outcome=Outcome.FALSE_ALARM),
        alarm(outcome=Outcome.FALSE_ALARM),
        alarm(outcome=Outcome.RESOLVED_REMOTELY),
        alarm(outcome=Outcome.VISIT_NEEDED, on_site=10),
        alarm(outcome=Outcome.EMERGENCY_112, on_site=8),
        alarm(outcome=None, answered=None, minute=-600),  # still open
    ]
    figures = summarise(rows, norms, NOW)
    assert figures.incidents == 6 and figures.decided == 5
    assert figures.false_alarm_share == pytest.approx(0.4)
    assert figures.remote_share == pytest.approx(0.6)
    assert figures.visit_share == pytest.approx(0.2)
    assert figures.emergency_share == pytest.approx(0.2)


def test_contacts_per_client_per_night_leave_unknown_senders_out() -> None:
    next_night = 24 * 60
    rows = [
        alarm(0, client=ALICE),
        alarm(30, client=ALICE),
        alarm(60, client=ALICE),
        alarm(90, client=BOB),
        alarm(next_night, client=ALICE),
        alarm(5, client=None, unknown=True),
    ]
    figures = summarise(rows, norms, NOW + timedelta(days=1))
    # Alice 3 on the first night, Bob 1, Alice 1 on the second: 5 contacts in 3 client-nights.
    assert figures.client_nights == 3
    assert figures.contacts_per_client == pytest.approx(5 / 3)
    assert figures.unknown_sender == 1


def test_nothing_to_count_gives_no_share_instead_of_zero() -> None:
    figures = summarise([], norms, NOW)
    assert figures.incidents == 0
    assert figures.false_alarm_share is None
    assert figures.answer_share is None and figures.answer_norm_met is None
    assert figures.contacts_per_client is None


# --- answer time against the norm ----------------------------------------------------------


def test_answered_at_the_norm_is_within_it_and_a_second_later_is_not() -> None:
    assert answered_within(alarm(answered=60), 60, NOW) is True
    assert answered_within(alarm(answered=61), 60, NOW) is False


def test_an_unanswered_alarm_counts_as_late_only_once_older_than_the_norm() -> None:
    waiting = alarm(answered=None, outcome=None)
    assert answered_within(waiting, 60, waiting.received_at + timedelta(seconds=59)) is None
    assert answered_within(waiting, 60, waiting.received_at + timedelta(seconds=61)) is False


def test_98_5_percent_within_the_norm_meets_it_and_98_does_not() -> None:
    met = [alarm(answered=10)] * 197 + [alarm(answered=90)] * 3  # 98.5%
    missed = [alarm(answered=10)] * 49 + [alarm(answered=90)]  # 98%
    assert summarise(met, norms, NOW).answer_norm_met is True
    figures = summarise(missed, norms, NOW)
    assert figures.answer_share == pytest.approx(0.98)
    assert figures.answer_norm_met is False


def test_each_alarm_is_held_to_its_own_locations_norm() -> None:
    rows = [alarm(answered=45, location=STRICT), alarm(answered=45, location=LOOSE)]
    figures = summarise(rows, norms, NOW)
    assert (figures.answer_within, figures.answer_counted) == (1, 2)
    assert figures.answer_p50_seconds == 45


# --- on site against the norm --------------------------------------------------------------


def test_on_site_counts_from_the_alarm_for_visits_only() -> None:
    rows = [
        alarm(outcome=Outcome.VISIT_NEEDED, on_site=14, location=STRICT),
        alarm(outcome=Outcome.VISIT_NEEDED, on_site=16, location=STRICT),
        alarm(outcome=Outcome.EMERGENCY_112, on_site=25, location=LOOSE),
        alarm(outcome=Outcome.FALSE_ALARM),  # nobody had to go: not counted
    ]
    figures = summarise(rows, norms, NOW)
    assert (figures.on_site_within, figures.on_site_counted) == (2, 3)
    assert figures.on_site_p50_minutes == 16
    assert figures.on_site_p90_minutes == 25


def test_a_visit_nobody_reached_yet_is_late_once_past_the_norm() -> None:
    waiting = alarm(outcome=Outcome.VISIT_NEEDED, location=STRICT)
    assert on_site_within(waiting, 15, waiting.received_at + timedelta(minutes=10)) is None
    assert on_site_within(waiting, 15, waiting.received_at + timedelta(minutes=16)) is False
    assert on_site_within(alarm(outcome=Outcome.RESOLVED_REMOTELY), 15, NOW) is None


# --- handling time per intervention --------------------------------------------------------


def test_handling_time_per_intervention_runs_from_alarm_to_closing() -> None:
    def closed(
        intervention: str, minutes: int, on_site: tuple[int, int] | None = None
    ) -> IncidentFacts:
        return alarm(
            outcome=Outcome.VISIT_NEEDED if on_site else Outcome.RESOLVED_REMOTELY,
            on_site=on_site[0] if on_site else None,
            intervention=intervention,
            closed_at=NIGHT + timedelta(minutes=minutes),
            completed_at=NIGHT + timedelta(minutes=on_site[1]) if on_site else None,
        )

    rows = [
        closed("fall", 40, on_site=(12, 32)),
        closed("fall", 60, on_site=(20, 50)),
        closed("reassurance", 5),
        alarm(intervention="toileting"),  # not closed yet: not counted
    ]
    by_kind = {f.intervention: f for f in by_intervention(rows)}
    assert set(by_kind) == {"fall", "reassurance"}
    assert by_kind["fall"].closed == 2
    assert by_kind["fall"].handling_p50_minutes == 40
    assert by_kind["fall"].handling_p90_minutes == 60
    assert by_kind["fall"].on_site_p50_minutes == 20  # 32-12 and 50-20: 20 and 30 minutes
    assert by_kind["reassurance"].on_site_p50_minutes is None


def test_escalations_count_incidents_and_steps() -> None:
    figures = summarise([alarm(escalations=2), alarm(escalations=1), alarm()], norms, NOW)
    assert (figures.escalated, figures.escalation_steps) == (2, 3)


# --- which night ---------------------------------------------------------------------------


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def test_an_alarm_after_midnight_belongs_to_the_night_before() -> None:
    assert night_of(_at(2026, 3, 10, 23, 59)) == date(2026, 3, 10)
    assert night_of(_at(2026, 3, 11, 0, 1)) == date(2026, 3, 10)
    assert night_of(_at(2026, 3, 11, 11, 59)) == date(2026, 3, 10)
    assert night_of(_at(2026, 3, 11, 12, 0)) == date(2026, 3, 11)


def test_the_night_the_clocks_go_forward() -> None:
    # 29 March 2026, 02:00 CET becomes 03:00 CEST. 01:30 local is 00:30 UTC.
    moment = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert moment.astimezone(AMSTERDAM).hour == 1
    assert night_of(moment) == date(2026, 3, 28)
    assert night_of(datetime(2026, 3, 29, 1, 30, tzinfo=UTC)) == date(2026, 3, 28)  # 03:30 CEST


def test_the_night_the_clocks_go_back_has_both_half_past_twos() -> None:
    # 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happens twice, both in one night.
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert first.astimezone(AMSTERDAM).hour == second.astimezone(AMSTERDAM).hour == 2
    assert night_of(first) == night_of(second) == date(2026, 10, 24)


def test_a_period_runs_from_noon_of_the_first_evening_to_noon_after_the_last_night() -> None:
    start, end = period_bounds(date(2026, 3, 28), date(2026, 3, 29))
    assert start == datetime(2026, 3, 28, 11, 0, tzinfo=UTC)  # 12:00 CET
    assert end == datetime(2026, 3, 30, 10, 0, tzinfo=UTC)  # 12:00 CEST
    # The short night of the clock change is 23 hours long, and the boundaries match night_of.
    short = night_start(date(2026, 3, 29)).astimezone(UTC) - night_start(date(2026, 3, 28))
    assert short == timedelta(hours=23)
    assert night_of(end - timedelta(microseconds=1)) == date(2026, 3, 29)
    assert night_of(end) == date(2026, 3, 30)


def test_the_default_period_is_the_last_fourteen_nights_including_tonight() -> None:
    first, last = default_period(_at(2026, 3, 11, 3, 0))
    assert last == date(2026, 3, 10)
    assert first == date(2026, 2, 25)
    assert (last - first).days == 13
