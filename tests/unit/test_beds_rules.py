"""The coordination point's pure rules: who may move a request where, who is eligible for which
bed, for how long a bed is needed, when a bed is free, and how matches are ranked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regiozorg.beds import explain, rules
from regiozorg.beds.rules import (
    BedStatus,
    Candidate,
    CareType,
    MatchReason,
    Party,
    Patient,
    Reason,
    RequestFacts,
    RequestStatus,
)

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
TERMINAL = (
    RequestStatus.ADMITTED,
    RequestStatus.CANCELLED,
    RequestStatus.EXPIRED,
)
TRANSITION_CASES = [
    pytest.param(current, target, party, id=f"{current}->{target} by {party}")
    for (current, target) in rules.TRANSITIONS
    for party in Party
]


# --- the request state machine ---------------------------------------------------------------


@pytest.mark.parametrize(("current", "target", "party"), TRANSITION_CASES)
def test_each_transition_is_for_its_parties_only(
    current: RequestStatus, target: RequestStatus, party: Party
) -> None:
    refusal = rules.transition_refusal(current, target, party)
    if party in rules.TRANSITIONS[(current, target)]:
        assert refusal is None
    else:
        assert refusal == Reason(
            "transition_not_yours", {"current": str(current), "target": str(target)}
        )


def test_the_expected_parties_make_the_key_steps() -> None:
    """The provider accepts and admits; the coordinator holds and confirms; both the
    coordinator and the referrer may cancel."""
    assert rules.TRANSITIONS[(RequestStatus.OFFERED, RequestStatus.ACCEPTED)] == {Party.PROVIDER}
    assert rules.TRANSITIONS[(RequestStatus.CONFIRMED, RequestStatus.ADMITTED)] == {Party.PROVIDER}
    assert rules.TRANSITIONS[(RequestStatus.SEARCHING, RequestStatus.OFFERED)] == {
        Party.COORDINATOR
    }
    assert rules.TRANSITIONS[(RequestStatus.ACCEPTED, RequestStatus.CONFIRMED)] == {
        Party.COORDINATOR
    }
    for state in rules.OPEN_STATUSES:
        assert rules.TRANSITIONS[(state, RequestStatus.CANCELLED)] == {
            Party.COORDINATOR,
            Party.REFERRER,
        }


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (RequestStatus.ADMITTED, RequestStatus.SEARCHING),
        (RequestStatus.RECEIVED, RequestStatus.OFFERED),
        (RequestStatus.SEARCHING, RequestStatus.ACCEPTED),
        (RequestStatus.OFFERED, RequestStatus.ADMITTED),
        (RequestStatus.ACCEPTED, RequestStatus.ADMITTED),
        (RequestStatus.NOT_ELIGIBLE, RequestStatus.SEARCHING),
        (RequestStatus.CANCELLED, RequestStatus.SEARCHING),
    ],
)
@pytest.mark.parametrize("party", list(Party))
def test_impossible_transitions_are_refused_with_a_message(
    current: RequestStatus, target: RequestStatus, party: Party
) -> None:
    refusal = rules.transition_refusal(current, target, party)
    assert refusal is not None and refusal.code == "transition_impossible"
    message = explain.text(refusal)
    assert message.format(**refusal.params) == (
        f"Een aanvraag met status '{current}' kan niet naar '{target}'."
    )


@pytest.mark.parametrize("terminal", TERMINAL)
def test_terminal_states_have_no_way_out(terminal: RequestStatus) -> None:
    assert terminal not in rules.OPEN_STATUSES
    assert not [pair for pair in rules.TRANSITIONS if pair[0] is terminal]
    for target in RequestStatus:
        for party in Party:
            assert rules.transition_refusal(terminal, target, party) is not None


def test_not_suitable_is_no_dead_end_the_coordinator_can_triage_again() -> None:
    """A request found not suitable is closed (no bed is sought) but the coordinator can
    correct it and triage it again; nobody else can, and it cannot skip the triage."""
    assert RequestStatus.NOT_ELIGIBLE not in rules.OPEN_STATUSES
    not_eligible = RequestStatus.NOT_ELIGIBLE
    assert rules.transition_refusal(not_eligible, RequestStatus.TRIAGE, Party.COORDINATOR) is None
    for party in (Party.PROVIDER, Party.REFERRER, Party.SYSTEM):
        assert rules.transition_refusal(not_eligible, RequestStatus.TRIAGE, party) is not None
    for target in set(RequestStatus) - {RequestStatus.TRIAGE}:
        for party in Party:
            assert rules.transition_refusal(not_eligible, target, party) is not None


def test_every_open_state_can_be_cancelled_and_expired() -> None:
    for state in rules.OPEN_STATUSES:
        assert rules.transition_refusal(state, RequestStatus.CANCELLED, Party.REFERRER) is None
        assert rules.transition_refusal(state, RequestStatus.EXPIRED, Party.SYSTEM) is None


# --- eligibility ----------------------------------------------------------------------------

PATIENT = Patient(initials="AB", birth_year=1938, sex="F", postcode="7941 AB")


def _facts(care_type: CareType, **patient: Any) -> RequestFacts:
    return RequestFacts(care_type, replace(PATIENT, **patient), NOW)


@pytest.mark.parametrize("care_type", [CareType.ELV_LOW, CareType.ELV_HIGH])
def test_a_good_elv_request_has_no_problems(care_type: CareType) -> None:
    assert rules.eligibility_problems(_facts(care_type)) == []


def test_good_requests_of_the_other_care_types_have_no_problems() -> None:
    assert (
        rules.eligibility_problems(
            _facts(CareType.ELV_PALLIATIVE, life_expectancy_under_3_months=True)
        )
        == []
    )
    for crisis in (CareType.WLZ_CRISIS_VV, CareType.WLZ_CRISIS_GZ):
        facts = _facts(crisis, has_wlz_indication=True, consents_outside_region=True)
        assert rules.eligibility_problems(facts) == []
    for care_type in (CareType.WLZ_RESPITE, CareType.GRZ):
        assert rules.eligibility_problems(_facts(care_type, expects_return_home=False)) == []


@pytest.mark.parametrize("care_type", [c for c in CareType if c.is_elv])
def test_a_wlz_indication_excludes_elv(care_type: CareType) -> None:
    facts = _facts(care_type, has_wlz_indication=True, life_expectancy_under_3_months=True)
    assert rules.elv_excluded_by_wlz(facts) == Reason("elv_excluded_by_wlz")
    assert rules.elv_excluded_by_wlz(replace(facts, patient=PATIENT)) is None
    assert Reason("elv_excluded_by_wlz") in rules.eligibility_problems(facts)


def test_a_wlz_indication_does_not_exclude_other_care() -> None:
    for care_type in (CareType.WLZ_RESPITE, CareType.GRZ):
        assert rules.elv_excluded_by_wlz(_facts(care_type, has_wlz_indication=True)) is None


def test_palliative_elv_needs_a_life_expectancy_under_three_months() -> None:
    short = _facts(CareType.ELV_PALLIATIVE, life_expectancy_under_3_months=True)
    longer = _facts(CareType.ELV_PALLIATIVE, life_expectancy_under_3_months=False)
    assert rules.palliative_needs_short_life_expectancy(short) is None
    assert rules.eligibility_problems(longer) == [Reason("palliative_needs_short_life_expectancy")]
    # other care types do not ask for it
    assert rules.palliative_needs_short_life_expectancy(_facts(CareType.ELV_HIGH)) is None


@pytest.mark.parametrize("care_type", [CareType.ELV_LOW, CareType.ELV_HIGH])
def test_elv_low_and_high_need_an_expected_return_home(care_type: CareType) -> None:
    assert rules.elv_needs_expected_return_home(_facts(care_type)) is None
    assert rules.eligibility_problems(_facts(care_type, expects_return_home=False)) == [
        Reason("elv_needs_expected_return_home")
    ]


def test_palliative_elv_does_not_need_a_return_home() -> None:
    facts = _facts(
        CareType.ELV_PALLIATIVE, life_expectancy_under_3_months=True, expects_return_home=False
    )
    assert rules.elv_needs_expected_return_home(facts) is None
    assert rules.eligibility_problems(facts) == []


@pytest.mark.parametrize("care_type", [CareType.WLZ_CRISIS_VV, CareType.WLZ_CRISIS_GZ])
def test_wlz_crisis_needs_consent_to_any_bed(care_type: CareType) -> None:
    assert (
        rules.crisis_needs_consent_to_any_bed(_facts(care_type, consents_outside_region=True))
        is None
    )
    assert rules.eligibility_problems(_facts(care_type, consents_outside_region=False)) == [
        Reason("crisis_needs_consent_to_any_bed")
    ]


def test_all_problems_are_reported_together() -> None:
    facts = _facts(CareType.ELV_LOW, has_wlz_indication=True, expects_return_home=False)
    assert len(rules.eligibility_problems(facts)) == 2


# --- periods and availability ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("care_type", "days"),
    [
        (CareType.WLZ_CRISIS_VV, 14),
        (CareType.WLZ_CRISIS_GZ, 42),
        (CareType.WLZ_RESPITE, 14),
        (CareType.GRZ, 42),
        (CareType.ELV_LOW, 28),
        (CareType.ELV_HIGH, 28),
        (CareType.ELV_PALLIATIVE, 90),
    ],
)
def test_needed_period_follows_the_expected_stay(care_type: CareType, days: int) -> None:
    assert rules.needed_period(care_type, NOW) == (NOW, NOW + timedelta(days=days))


def test_every_care_type_has_an_expected_stay_and_crisis_a_placement_norm() -> None:
    assert set(rules.EXPECTED_STAY) == set(CareType)
    assert rules.PLACEMENT_NORM[CareType.WLZ_CRISIS_VV] == timedelta(hours=24)
    assert rules.PLACEMENT_NORM[CareType.WLZ_CRISIS_GZ] == timedelta(hours=48)


def test_touching_periods_do_not_overlap() -> None:
    first = (NOW, NOW + DAY)
    second = (NOW + DAY, NOW + 2 * DAY)
    assert not rules.overlaps(first, second)
    assert not rules.overlaps(second, first)
    assert rules.overlaps(first, (NOW + DAY - timedelta(seconds=1), NOW + 2 * DAY))
    assert rules.overlaps(first, (NOW + timedelta(hours=1), NOW + timedelta(hours=2)))


moments = st.integers(min_value=0, max_value=10_000).map(lambda m: NOW + timedelta(minutes=m))
periods = st.tuples(moments, st.integers(min_value=1, max_value=5_000)).map(
    lambda p: (p[0], p[0] + timedelta(minutes=p[1]))
)


@given(periods, periods)
def test_overlap_is_symmetric_and_matches_a_shared_moment(
    a: tuple[datetime, datetime], b: tuple[datetime, datetime]
) -> None:
    assert rules.overlaps(a, b) == rules.overlaps(b, a)
    latest_start, earliest_end = max(a[0], b[0]), min(a[1], b[1])
    assert rules.overlaps(a, b) == (latest_start < earliest_end)


@given(periods)
def test_a_period_overlaps_itself(a: tuple[datetime, datetime]) -> None:
    assert rules.overlaps(a, a)


WANTED = (NOW, NOW + 14 * DAY)


def test_a_free_bed_with_no_occupancy_is_available() -> None:
    assert rules.bed_available(BedStatus.FREE, None, [], WANTED)


@pytest.mark.parametrize(
    "status",
    [BedStatus.CLOSED, BedStatus.HOUSEKEEPING, BedStatus.ISOLATED, BedStatus.CONTAMINATED],
)
def test_closed_maintained_isolated_or_contaminated_beds_are_never_available(
    status: BedStatus,
) -> None:
    assert not rules.bed_available(status, None, [], WANTED)
    assert not rules.bed_available(status, NOW - DAY, [], WANTED)


def test_an_occupied_bed_is_available_only_after_its_expected_discharge() -> None:
    assert not rules.bed_available(BedStatus.OCCUPIED, None, [], WANTED)
    assert not rules.bed_available(BedStatus.OCCUPIED, NOW + timedelta(hours=1), [], WANTED)
    assert rules.bed_available(BedStatus.OCCUPIED, NOW, [], WANTED)
    assert rules.bed_available(BedStatus.OCCUPIED, NOW - DAY, [], WANTED)


def test_a_registered_occupancy_blocks_only_overlapping_periods() -> None:
    before = (NOW - 14 * DAY, NOW)
    after = (WANTED[1], WANTED[1] + DAY)
    inside = (NOW + DAY, NOW + 2 * DAY)
    assert rules.bed_available(BedStatus.FREE, None, [before, after], WANTED)
    assert not rules.bed_available(BedStatus.FREE, None, [before, inside], WANTED)
    assert not rules.bed_available(BedStatus.OCCUPIED, NOW - DAY, [inside], WANTED)


@given(
    st.sampled_from(list(BedStatus)),
    st.one_of(st.none(), moments),
    st.lists(periods, max_size=5),
    periods,
)
def test_a_bed_is_never_available_while_an_occupancy_overlaps(
    status: BedStatus,
    expected_free_at: datetime | None,
    occupied: list[tuple[datetime, datetime]],
    wanted: tuple[datetime, datetime],
) -> None:
    available = rules.bed_available(status, expected_free_at, occupied, wanted)
    if any(rules.overlaps(taken, wanted) for taken in occupied):
        assert not available
    if status not in (BedStatus.FREE, BedStatus.OCCUPIED):
        assert not available
    if status is BedStatus.FREE and not any(rules.overlaps(t, wanted) for t in occupied):
        assert available


# --- matching -------------------------------------------------------------------------------

BASE = Candidate(
    bed_id="bed",
    location_id="location",
    organisation_id="organisation",
    location_name="Lindehof Meppel",
    travel_minutes=20,
    capabilities=frozenset({"oxygen"}),
    preferred=False,
    free_later=False,
    stale=False,
)


def _score(candidate: Candidate, needs: frozenset[str] = frozenset()) -> float:
    return rules.match_score(candidate, needs)[0]


def test_nearer_beds_score_higher() -> None:
    near, far = replace(BASE, travel_minutes=10), replace(BASE, travel_minutes=40)
    assert _score(near) == 90.0
    assert _score(far) == 60.0
    assert _score(near) > _score(far)


def test_preference_stale_data_and_later_freedom_move_the_score() -> None:
    assert _score(replace(BASE, preferred=True)) == _score(BASE) + 25
    assert _score(replace(BASE, stale=True)) == _score(BASE) - 10
    assert _score(replace(BASE, free_later=True)) == _score(BASE) - 5
    everything = replace(BASE, preferred=True, stale=True, free_later=True)
    assert _score(everything) == _score(BASE) + 10


def test_a_preferred_bed_beats_a_nearer_one_within_25_minutes() -> None:
    preferred_far = replace(BASE, travel_minutes=40, preferred=True)
    near = replace(BASE, travel_minutes=20)
    assert _score(preferred_far) > _score(near)


def test_a_free_bed_beats_one_free_after_discharge_at_the_same_distance() -> None:
    ranked = sorted(
        [replace(BASE, free_later=True), replace(BASE, stale=True), BASE], key=_score, reverse=True
    )
    assert ranked == [BASE, replace(BASE, free_later=True), replace(BASE, stale=True)]


def test_the_score_names_every_factor_as_a_code_with_its_points() -> None:
    score, reasons = rules.match_score(
        replace(BASE, preferred=True, free_later=True, stale=True, has_preference=True),
        frozenset({"oxygen"}),
    )
    assert score == 90.0
    assert reasons == [
        MatchReason("travel", 80.0, minutes=20),
        MatchReason("preferred", 25.0),
        MatchReason("needs_met", capabilities=("oxygen",)),
        MatchReason("free_later", -5.0),
        MatchReason("stale", -10.0),
    ]
    assert score == sum(r.points for r in reasons)
    # factors that added nothing are named too: the reader sees why, not only what counted
    assert [r.code for r in rules.match_score(BASE, frozenset())[1]] == [
        "travel",
        "no_preference",
        "no_needs",
        "free_now",
        "fresh",
    ]
    assert [r.code for r in rules.match_score(replace(BASE, has_preference=True), frozenset())[1]][
        1
    ] == "not_preferred"


def test_a_missing_need_is_named_and_costs_not_claimed_as_offered() -> None:
    score, reasons = rules.match_score(BASE, frozenset({"oxygen", "hoist"}))
    assert MatchReason("needs_met", capabilities=("oxygen",)) in reasons
    assert MatchReason("needs_missing", -50.0, capabilities=("hoist",)) in reasons
    assert score == _score(BASE) - 50


@given(st.integers(0, 200), st.integers(0, 200), st.booleans(), st.booleans(), st.booleans())
def test_with_equal_flags_the_nearer_bed_never_scores_lower(
    a: int, b: int, preferred: bool, free_later: bool, stale: bool
) -> None:
    flagged = replace(BASE, preferred=preferred, free_later=free_later, stale=stale)
    near, far = sorted((a, b))
    assert _score(replace(flagged, travel_minutes=near)) >= _score(
        replace(flagged, travel_minutes=far)
    )
