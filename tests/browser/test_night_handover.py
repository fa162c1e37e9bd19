"""In headless Chromium at phone size and on a desktop: the morning's day team opens
``/night/handover`` and sees the night that has just ended with its closed incidents, in the
morning and again in the evening, not the (empty) night running now."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy.orm import Session

from regiozorg.clock import AMSTERDAM
from regiozorg.night.models import Incident
from regiozorg.night.reports import queries as reports
from regiozorg.night.rules import IncidentKind, IncidentState, InterventionType, Outcome
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, demo_database, served
from tests.cast import LINDEHOF, ORG_ADMIN, PASSWORD, first_client

pytestmark = pytest.mark.browser

RECEIVED = datetime(2026, 3, 10, 23, 40, tzinfo=AMSTERDAM)  # the night of 10 March


@pytest.fixture(scope="module")
def address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, engine = demo_database(tmp_path_factory.mktemp("night-handover"))
    with Session(engine) as session:
        client = first_client(session, LINDEHOF)
        session.add(
            Incident(
                id=uuid.uuid4(), kind=IncidentKind.ALARM, state=IncidentState.CLOSED,
                outcome=Outcome.VISIT_NEEDED, priority=2, client_id=client.id,
                organisation_id=client.organisation_id, location_id=client.location_id,
                received_at=RECEIVED, acknowledged_at=RECEIVED + timedelta(seconds=30),
                closed_at=RECEIVED + timedelta(minutes=40), intervention=InterventionType.FALL,
                handover_note="Gevallen naast het bed; graag fysio vragen.",
            )
        )  # fmt: skip
        session.commit()
    with served(url, engine) as served_at:
        yield served_at


@pytest.mark.parametrize(
    "clock",
    [
        datetime(2026, 3, 11, 7, 30, tzinfo=AMSTERDAM),
        datetime(2026, 3, 11, 21, 0, tzinfo=AMSTERDAM),
        datetime(2026, 3, 12, 3, 0, tzinfo=AMSTERDAM),  # the next night runs: not ended yet
    ],
    ids=["morning", "evening", "small-hours"],
)
@pytest.mark.parametrize("width", [390, 1366], ids=["phone", "desktop"])
def test_the_handover_opens_on_the_night_that_has_just_ended(
    address: str, monkeypatch: pytest.MonkeyPatch, clock: datetime, width: int
) -> None:
    monkeypatch.setattr(reports, "utcnow", lambda: clock)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="nl-NL", viewport={"width": width, "height": 844})
        page.goto(f"{address}/login")
        page.get_by_label("E-mailadres").fill(ORG_ADMIN)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_label("Wachtwoord").press("Enter")
        page.wait_for_url(f"{address}/**")
        page.goto(f"{address}/night/handover")
        expect(page.locator("#handover-night")).to_have_text(
            "De nacht van 10-03-2026 op 11-03-2026"
        )
        expect(page.get_by_text("Gevallen naast het bed; graag fysio vragen.")).to_be_visible()
        browser.close()
