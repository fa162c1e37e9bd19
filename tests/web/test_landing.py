"""After login each role lands where its work is, not on the network overview."""

from __future__ import annotations

import pytest

from regiozorg.demo import demo_email
from tests.cast import COORDINATOR, NETWORK_ADMIN, NIGHT_CARER, PLANNER, VIEWER
from tests.web.conftest import Browser

MOBILE_CARER = demo_email("mobiel.meppel")


def _log_in(client: Browser, email: str, next_page: str | None = None) -> str:
    client.page("/login" if next_page is None else f"/login?next={next_page}")
    data = {"csrf_token": client.csrf, "email": email, "password": "regiozorg-demo-2026"}
    if next_page is not None:
        data["next"] = next_page
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    return location


@pytest.mark.parametrize(
    ("email", "landing", "title"),
    [
        (NIGHT_CARER, "/night", "Nachtzorg"),
        (MOBILE_CARER, "/night/mobile", "Mijn taak"),
        (COORDINATOR, "/beds/requests", "Werklijst"),
        (PLANNER, "/beds/reports", "Rapportages bedden"),
        (NETWORK_ADMIN, "/", "Netwerkoverzicht"),
        (VIEWER, "/", "Netwerkoverzicht"),
    ],
)
def test_each_role_lands_where_its_work_is(
    app_client: Browser, email: str, landing: str, title: str
) -> None:
    assert _log_in(app_client, email) == landing
    assert f"<title>{title} · regiozorg</title>" in app_client.page(landing)
    # a signed-in person who opens the login page again goes to the same place
    again = app_client.get("/login", follow_redirects=False)
    assert again.headers["location"] == landing


def test_the_page_that_sent_a_person_to_log_in_wins(app_client: Browser) -> None:
    assert _log_in(app_client, NIGHT_CARER, "/night/handover") == "/night/handover"
