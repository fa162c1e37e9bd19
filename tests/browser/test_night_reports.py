"""The night reports in real headless Chromium: both charts are drawn by Chart.js from the
page's JSON blocks, under the CSP, without a script error."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.clock import utcnow
from regiozorg.network.models import Client, Location, Organisation
from regiozorg.night.figures import night_start
from regiozorg.night.models import Incident
from regiozorg.night.rules import IncidentKind, IncidentState, Outcome, night_of
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, demo_database, served
from tests.cast import LINDEHOF, PASSWORD, PLANNER

pytestmark = pytest.mark.browser


def _some_nights_of_alarms(session: Session) -> None:
    """Three alarms a night for the last five nights at Lindehof Meppel, one answered late."""
    client = session.scalars(
        select(Client)
        .join(Location, Location.id == Client.location_id)
        .join(Organisation, Organisation.id == Client.organisation_id)
        .where(Organisation.name == LINDEHOF, Location.town == "Meppel")
        .order_by(Client.client_number)
    ).first()
    assert client is not None
    tonight = night_of(utcnow())
    for back in range(1, 6):
        evening = night_start(tonight - timedelta(days=back)) + timedelta(hours=10)
        for n, (outcome, answered) in enumerate(
            [(Outcome.FALSE_ALARM, 20), (Outcome.RESOLVED_REMOTELY, 45), (Outcome.FALSE_ALARM, 95)]
        ):
            received = evening + timedelta(minutes=40 * n)
            session.add(
                Incident(
                    id=uuid.uuid4(),
                    kind=IncidentKind.ALARM,
                    state=IncidentState.COMPLETED,
                    outcome=outcome,
                    priority=3,
                    client_id=client.id,
                    organisation_id=client.organisation_id,
                    location_id=client.location_id,
                    received_at=received,
                    acknowledged_at=received + timedelta(seconds=answered),
                    completed_at=received + timedelta(minutes=5),
                    escalations_done=0,
                )
            )
    session.commit()


def test_the_night_reports_draw_both_charts(tmp_path: Path) -> None:
    shots = Path(os.environ.get("REGIOZORG_SCREENSHOTS", tmp_path))
    url, engine = demo_database(tmp_path)
    with Session(engine) as session:
        _some_nights_of_alarms(session)
    with served(url, engine) as address, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="nl-NL", viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # htmx adds its indicator <style> on every page, which the CSP blocks: not ours.
        page.on(
            "console",
            lambda m: (
                errors.append(f"{m.text} {m.location}")
                if m.type == "error" and "htmx" not in m.location["url"]
                else None
            ),
        )
        page.goto(f"{address}/login")
        page.get_by_label("E-mailadres").fill(PLANNER)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(lambda address: not address.endswith("/login"))  # landed
        errors.clear()
        page.goto(f"{address}/night/reports")
        page.wait_for_function(
            "() => ['chart-outcomes', 'chart-answer'].every(id => Chart.getChart(id))"
        )
        stacked = page.evaluate(
            "() => Chart.getChart('chart-outcomes').data.datasets"
            ".map(d => d.data.reduce((a, b) => a + b, 0))"
        )
        assert sum(stacked) == 15  # three alarms on each of five nights
        answered = page.evaluate("() => Chart.getChart('chart-answer').data.datasets[0].data")
        assert [share for share in answered if share is not None] == [66.7] * 5
        page.screenshot(path=str(shots / "night-reports.png"), full_page=True)
        assert errors == [], errors
        browser.close()
