"""Dates far in the past or future, inverted or too long periods: a readable refusal (422 with
a Dutch message), never a 500, on the figures API, the reports, the handover and the roster."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.night.models import NightShift
from tests.cast import NETWORK_ADMIN, ORG_ADMIN, PLANNER
from tests.web.conftest import Browser
from tests.web.test_night_setup import _user_id

FAR = [
    pytest.param("from=9999-12-31", "tussen", id="from the last day there is"),
    pytest.param("to=9999-12-31", "tussen", id="to the last day there is"),
    pytest.param("from=0001-01-01", "tussen", id="from year 1"),
    pytest.param("to=0001-01-01", "tussen", id="to year 1"),
    pytest.param("from=0001-01-01&to=9999-12-31", "tussen", id="everything"),
    pytest.param("from=2026-03-01&to=2026-02-01", "na de laatste", id="inverted"),
    pytest.param("from=2024-01-01&to=2026-01-01", "hoogstens 366", id="two years"),
]


@pytest.mark.parametrize(("query", "words"), FAR)
def test_the_figures_api_refuses_a_far_or_odd_period_readably(
    login_as: Any, query: str, words: str
) -> None:
    browser: Browser = login_as(PLANNER)
    response = browser.get(f"/api/v1/night/figures?{query}")
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]


@pytest.mark.parametrize("path", ["/night/reports", "/night/reports.csv"])
@pytest.mark.parametrize(("query", "words"), FAR)
def test_the_reports_refuse_a_far_or_odd_period_readably(
    login_as: Any, path: str, query: str, words: str
) -> None:
    browser: Browser = login_as(PLANNER)
    response = browser.get(f"{path}?{query}")
    assert response.status_code == 422, response.text
    assert words in response.text


@pytest.mark.parametrize("night", ["9999-12-31", "0001-01-01", "1900-01-01"])
def test_the_handover_refuses_a_far_night_readably(login_as: Any, night: str) -> None:
    browser: Browser = login_as(ORG_ADMIN)
    response = browser.get(f"/night/handover?night={night}")
    assert response.status_code == 422, response.text
    assert "tussen" in response.text


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("0001-01-01T23:00", "0001-01-02T07:00"),
        ("9999-12-31T22:00", "9999-12-31T23:30"),
        ("9999-12-31T22:00+00:00", "9999-12-31T23:59+00:00"),
    ],
)
def test_a_shift_far_away_is_refused_readably(
    login_as: Any, session: Session, start: str, end: str
) -> None:
    browser: Browser = login_as(NETWORK_ADMIN)
    browser.page("/night/setup")
    carer = _user_id(session, "mobiel.meppel@demo.regiozorg.nl")
    response = browser.submit(
        "/night/setup/shifts",
        {"user_id": str(carer), "role": "mobile", "starts_at": start, "ends_at": end,
         "phone": "06-99990000"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "tussen" in response.text
    assert session.scalar(select(NightShift).where(NightShift.phone == "06-99990000")) is None
    assert browser.get("/night/setup").status_code == 200
