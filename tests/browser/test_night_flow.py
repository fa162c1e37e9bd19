"""The issue's "done when", in real headless Chromium: the desk handler and a mobile carer work
one incident from alarm to handover in two browser windows, the carer's phone view updating by
itself when the task is sent, while a third window of another organisation sees nothing of
the client."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright
from sqlalchemy.orm import Session

from regiozorg.network.models import Client
from regiozorg.night.intake import actions as intake
from regiozorg.night.models import Incident
from regiozorg.night.rules import IncidentState
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, Scene, demo_scene
from tests.cast import HEIDEZICHT_ADMIN, PASSWORD
from tests.night_cast import DESK, MOBILE_MEPPEL, PLATFORM, actor_of, alarm

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    with demo_scene(tmp_path_factory.mktemp("night-browser")) as served_scene:
        yield served_scene


def _signed_in(browser: Browser, url: str, email: str, *, phone: bool = False) -> Page:
    viewport: ViewportSize = (
        {"width": 390, "height": 844} if phone else {"width": 1366, "height": 900}
    )
    context = browser.new_context(locale="nl-NL", viewport=viewport)
    page = context.new_page()
    page.goto(f"{url}/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda address: not address.endswith("/login"))  # landed
    return page


def _live(page: Page) -> None:
    """Wait until the page's event stream is open, so no event is missed after this."""
    page.wait_for_function("() => document.body.dataset.nightStream === 'open'")


def test_a_handler_and_a_mobile_carer_work_an_incident_while_another_organisation_sees_nothing(
    scene: Scene, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("REGIOZORG_SCREENSHOTS", tmp_path))
    url = scene.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        desk = _signed_in(browser, url, DESK)
        carer = _signed_in(browser, url, MOBILE_MEPPEL, phone=True)
        outsider = _signed_in(browser, url, HEIDEZICHT_ADMIN)

        desk.get_by_role("link", name="Nachtzorg").click()
        desk.wait_for_url(f"{url}/night")
        _live(desk)
        desk.get_by_role("button", name="Geluid aan").click()
        expect(desk.locator("#sound-toggle")).to_have_attribute("aria-pressed", "true")
        carer.goto(f"{url}/night/mobile")
        expect(carer.locator("#no-task")).to_be_visible()
        _live(carer)

        # the alarm platform reports a call button in Lindehof Meppel
        with Session(scene.engine) as session:
            received = intake.receive_alarm(
                session, actor_of(session, PLATFORM), message=alarm("BROWSER1")
            )
            incident = session.get(Incident, received.incident_id)
            assert incident is not None and incident.client_id is not None
            client = session.get(Client, incident.client_id)
            assert client is not None
            name = client.name
        incident_id = received.incident_id

        # it appears in the desk's queue without a reload, highlighted as new
        row = desk.locator(f"#incident-{incident_id}")
        expect(row).to_be_visible()
        expect(row).to_have_class(re.compile(r"\bnew\b.*\bjust-in\b"))
        expect(desk.locator("body")).to_have_attribute("data-new-alarms", "1")
        desk.screenshot(path=str(shots / "night-console.png"), full_page=True)

        # the handler takes it, calls, decides on a visit and sends the nearest free carer
        row.get_by_role("link").click()
        desk.wait_for_url(f"{url}/night/incidents/{incident_id}")
        expect(desk.locator("#client-name")).to_contain_text(name)
        desk.get_by_role("button", name="Oppakken").click()
        expect(desk.locator("#incident-state")).to_have_text("Opgepakt")
        desk.get_by_role("button", name="Contact gestart: Telefoon").click()
        expect(desk.locator("#incident-state")).to_have_text("In contact")
        desk.get_by_role("button", name="Bezoek nodig").click()
        expect(desk.locator("#incident-state")).to_have_text("Bezoek nodig")
        suggested = desk.locator("#dispatch-form input[type=radio]:checked")
        expect(suggested).to_have_count(1)
        expect(desk.locator("#dispatch-form label:has(input:checked)")).to_contain_text(
            "voorgesteld"
        )
        desk.screenshot(path=str(shots / "night-incident.png"), full_page=True)
        desk.get_by_role("button", name="Sturen").click()
        expect(desk.locator("#incident-state")).to_have_text("Uitgezet")

        # the carer's phone shows the task by itself, with the client card and one big button
        expect(carer.get_by_role("button", name="Ik ga")).to_be_visible()
        expect(carer.locator("#client-name")).to_contain_text(name)
        carer.screenshot(path=str(shots / "night-mobile.png"), full_page=True)
        carer.get_by_role("button", name="Ik ga").click()
        expect(carer.locator("#task-state")).to_have_text("Onderweg")
        carer.get_by_role("button", name="Aanwezig").click()
        expect(carer.locator("#task-state")).to_have_text("Aanwezig")
        carer.get_by_role("button", name="Klaar").click()
        carer.get_by_label("Interventie").select_option("reassurance")
        carer.get_by_label("Logboek").fill("Cliënt was onrustig, gerustgesteld.")
        carer.get_by_label("Overdracht voor het dagteam").fill("Onrustige nacht, graag navragen.")
        carer.screenshot(path=str(shots / "night-mobile-close.png"), full_page=True)
        carer.get_by_role("button", name="Afsluiten").click()
        expect(carer.locator("#no-task")).to_be_visible()

        desk.reload()
        expect(desk.locator("#incident-state")).to_have_text("Gesloten")
        expect(desk.get_by_text("Onrustige nacht, graag navragen.")).to_be_visible()

        # the other organisation: no console, no incident, no name anywhere
        for path in ("/", "/night", f"/night/incidents/{incident_id}", "/night/history"):
            response = outsider.goto(f"{url}{path}")
            assert response is not None
            if path.startswith("/night/incidents"):
                assert response.status in (403, 404)
            assert name not in outsider.content(), path
        browser.close()

    with Session(scene.engine) as session:
        closed = session.get(Incident, incident_id)
        assert closed is not None and closed.state is IncidentState.CLOSED
        assert closed.handover_note == "Onrustige nacht, graag navragen."
