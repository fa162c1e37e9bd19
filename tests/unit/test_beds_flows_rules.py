"""Pure rules behind the coordination point's flows: the norm warning, the patient's age,
when a bed change needs confirmation, and match reasons in the reader's words (``beds.web``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from regiozorg.beds import rules
from regiozorg.beds import web as pages
from regiozorg.beds.rules import BedStatus, MatchReason, NormState
from regiozorg.beds.schemas import BedRequestIn
from regiozorg.web.moments import local_text


@pytest.mark.parametrize(
    ("hours", "norm_hours", "state"),
    [
        (1, 24, NormState.WITHIN),
        (17.9, 24, NormState.WITHIN),
        (18, 24, NormState.NEAR),  # 75% of 24 h
        (24, 24, NormState.NEAR),
        (24.1, 24, NormState.PASSED),
        (35.9, 48, NormState.WITHIN),
        (36, 48, NormState.NEAR),  # 75% of 48 h
        (49, 48, NormState.PASSED),
        (100, None, NormState.NONE),
    ],
)
def test_the_norm_warns_from_three_quarters_and_turns_red_when_passed(
    hours: float, norm_hours: int | None, state: NormState
) -> None:
    norm = timedelta(hours=norm_hours) if norm_hours else None
    assert rules.norm_state(timedelta(hours=hours), norm) is state


def test_age_is_exact_with_a_date_of_birth_and_by_year_without() -> None:
    day = date(2026, 12, 7)
    assert rules.age_on(day, birth_year=1938, birth_date=date(1938, 12, 8)) == 87
    assert rules.age_on(day, birth_year=1938, birth_date=date(1938, 12, 7)) == 88
    assert rules.age_on(day, birth_year=1938) == 88


@pytest.mark.parametrize("target", [s for s in BedStatus if s is not BedStatus.OCCUPIED])
def test_changing_a_bed_with_a_patient_in_it_needs_confirmation(target: BedStatus) -> None:
    assert rules.change_needs_confirmation(BedStatus.OCCUPIED, False, target)
    assert rules.change_needs_confirmation(BedStatus.ISOLATED, True, target)
    assert not rules.change_needs_confirmation(BedStatus.OCCUPIED, True, BedStatus.OCCUPIED)
    assert not rules.change_needs_confirmation(BedStatus.FREE, False, target)


def test_match_reasons_in_dutch_use_labels_and_dutch_numbers() -> None:
    assert pages.reason_text("nl", MatchReason("travel", 89.0, minutes=11)) == (
        "11 min reistijd vanaf de postcode van de patiënt (+89,0)"
    )
    assert pages.reason_text("nl", MatchReason("needs_met", capabilities=("hoist", "pg"))) == (
        "biedt tillift, PG (psychogeriatrie)"
    )
    assert pages.reason_text("nl", MatchReason("stale", -10.0)) == (
        "beddenstand niet recent bijgewerkt (\u221210,0)"
    )
    assert pages.number("nl", 1234.5) == "1.234,5"


def test_match_reasons_in_english_use_english_labels_and_numbers() -> None:
    assert pages.reason_text("en", MatchReason("travel", 89.0, minutes=11)) == (
        "11 min travel time from the patient's postcode (+89.0)"
    )
    missing = MatchReason("needs_missing", -50.0, capabilities=("hoist",))
    assert pages.reason_text("en", missing) == "lacks hoist (\u221250.0)"
    assert pages.number("en", 1234.5) == "1,234.5"


def test_initials_are_taken_as_typed_with_dutch_particles() -> None:
    base = {
        "care_type": "ELV_LOW",
        "patient_birth_date": "1940-06-30",
        "patient_sex": "F",
        "patient_postcode": "7901 AB",
        "referrer_kind": "gp",
        "referrer_name": "Dokter Bakker",
        "referrer_phone": "0528-123456",
    }
    for typed in ("J.v.d.B.", "A. 't H.", "M.-L."):
        data = BedRequestIn.model_validate(base | {"patient_initials": typed})
        assert data.patient_initials == typed and data.birth_year == 1940
    with pytest.raises(ValidationError):
        BedRequestIn.model_validate(base | {"patient_initials": "J<b>"})


def test_the_bed_pages_show_moments_with_the_one_date_filter_to_the_minute() -> None:
    moment = datetime(2026, 12, 7, 13, 5, 9, tzinfo=UTC)
    assert local_text(moment, "minute") == "07-12-2026 14:05"  # Amsterdam, winter time
    assert local_text(moment) == "07-12-2026 14:05:09"
    assert local_text(None) == ""
