"""Providers' own terms: an age limit and admission hours (also across midnight)."""

from __future__ import annotations

from datetime import datetime

from regiozorg.beds.rules import Acceptance, Reason, acceptance_refusal

EVENING = datetime(2026, 11, 24, 21, 30)  # noqa: DTZ001 - a local clock time
MORNING = datetime(2026, 11, 24, 9, 0)  # noqa: DTZ001


def test_no_terms_refuse_nobody() -> None:
    assert acceptance_refusal(Acceptance(), birth_year=1920, wanted_local=EVENING) is None


def test_age_limit() -> None:
    terms = Acceptance(max_age=75)
    assert acceptance_refusal(terms, birth_year=1951, wanted_local=MORNING) is None  # 75
    assert acceptance_refusal(terms, birth_year=1950, wanted_local=MORNING) == Reason(
        "over_max_age", {"max_age": 75}
    )


def test_admission_hours_by_day_and_across_midnight() -> None:
    day = Acceptance(admits_from_hour=8, admits_until_hour=20)
    assert acceptance_refusal(day, birth_year=1940, wanted_local=MORNING) is None
    assert acceptance_refusal(day, birth_year=1940, wanted_local=EVENING) is not None
    night = Acceptance(admits_from_hour=20, admits_until_hour=8)
    assert acceptance_refusal(night, birth_year=1940, wanted_local=EVENING) is None
    assert acceptance_refusal(night, birth_year=1940, wanted_local=MORNING) is not None
