"""Two people in real headless Chromium: the coordinator takes a request and holds a bed, the
provider accepts and admits; both watch the bed board change without reloading."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.auth import SYSTEM
from regiozorg.beds import actions
from regiozorg.beds.models import Bed, BedCareType
from regiozorg.beds.rules import BedStatus, CareType
from regiozorg.network.models import Location, Organisation
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, demo_database, served
from tests.cast import COORDINATOR, HEIDEZICHT, HEIDEZICHT_ADMIN, PASSWORD

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Scene:
    url: str
    bed_id: UUID
    location_id: UUID


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    """The demo region served by uvicorn, with one Heidezicht ELV bed in Hoogeveen free."""
    url, engine = demo_database(tmp_path_factory.mktemp("beds-browser"))
    with Session(engine) as session:
        beds = session.scalars(
            select(Bed)
            .join(Organisation, Organisation.id == Bed.organisation_id)
            .join(Location, Location.id == Bed.location_id)
            .join(BedCareType, BedCareType.bed_id == Bed.id)
            .where(
                Organisation.name == HEIDEZICHT,
                Location.town == "Hoogeveen",
                BedCareType.care_type == CareType.ELV_LOW,
            )
            .order_by(Bed.label)
        )
        bed = next((b for b in beds if not b.capabilities), None)
        assert bed is not None
        bed_id, location_id = bed.id, bed.location_id
        actions.set_bed_status(session, SYSTEM, bed_id=bed_id, status=BedStatus.FREE)
    with served(url, engine) as address:
        yield Scene(address, bed_id, location_id)


def _signed_in(browser: Browser, url: str, email: str) -> tuple[Page, Page]:
    """A person's own browser session with two tabs: the bed board, and one to work in."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    work = context.new_page()
    work.goto(f"{url}/login")
    work.get_by_label("E-mailadres").fill(email)
    work.get_by_label("Wachtwoord").fill(PASSWORD)
    work.get_by_role("button", name="Inloggen").click()
    work.wait_for_url(lambda address: not address.endswith("/login"))  # landed
    board = context.new_page()
    board.goto(f"{url}/beds?care_type=ELV_LOW")
    return board, work


def test_coordinator_holds_a_bed_and_the_provider_accepts_it_live(
    scene: Scene, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("REGIOZORG_SCREENSHOTS", tmp_path))
    held = f"#held-{scene.location_id}-ELV_LOW"
    occupied = f"#occupied-{scene.location_id}-ELV_LOW"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        coordinator_board, coordinator = _signed_in(browser, scene.url, COORDINATOR)
        provider_board, provider = _signed_in(browser, scene.url, HEIDEZICHT_ADMIN)
        held_before = int(coordinator_board.locator(held).inner_text())
        occupied_before = int(coordinator_board.locator(occupied).inner_text())
        assert provider_board.locator(held).inner_text() == str(held_before)
        provider.goto(f"{scene.url}/beds/offers")
        expect(provider.locator("#no-offers")).to_be_visible()

        # the coordinator takes the GP's call
        coordinator.goto(f"{scene.url}/beds/requests/new")
        coordinator.get_by_label("Zorgsoort").select_option("ELV_LOW")
        coordinator.get_by_label("Initialen").fill("A.B.")
        coordinator.get_by_label("Geboortejaar").fill("1938")
        coordinator.get_by_label("Geslacht").select_option("F")
        coordinator.get_by_label("Postcode").fill("7901 AB")
        coordinator.get_by_label("Voorkeurslocatie (niet verplicht)").select_option(
            str(scene.location_id)
        )
        coordinator.get_by_label("Naam aanvrager").fill("Dokter Visser")
        coordinator.get_by_label("Telefoon aanvrager").fill("0528-765432")
        coordinator.screenshot(path=str(shots / "beds-intake.png"), full_page=True)
        coordinator.get_by_role("button", name="Aanvraag indienen").click()
        coordinator.wait_for_url(f"{scene.url}/beds/requests/*")
        expect(coordinator.locator("#request-status")).to_have_text("Zoekt bed")
        coordinator.screenshot(path=str(shots / "beds-request.png"), full_page=True)

        # ... and holds the provider's bed from the ranked matches
        hold_form = coordinator.locator(f'form:has(input[name="bed_id"][value="{scene.bed_id}"])')
        hold_form.get_by_role("button", name="Reserveren").click()
        expect(coordinator.locator("#request-status")).to_have_text("Bed aangeboden")

        # both boards count the hold without a reload; the offer appears at the provider's
        expect(coordinator_board.locator(held)).to_have_text(str(held_before + 1))
        expect(provider_board.locator(held)).to_have_text(str(held_before + 1))
        expect(provider.get_by_role("button", name="Accepteren")).to_be_visible()
        provider.screenshot(path=str(shots / "beds-offers.png"), full_page=True)
        provider.get_by_role("button", name="Accepteren").click()
        expect(
            provider.get_by_text("Wacht op bevestiging door het coördinatiepunt.")
        ).to_be_visible()

        coordinator.reload()
        expect(coordinator.locator("#request-status")).to_have_text("Geaccepteerd")
        coordinator.get_by_role("button", name="Plaatsing bevestigen").click()
        expect(coordinator.locator("#request-status")).to_have_text("Bevestigd")

        # the provider's offers page learns of the confirmation by itself
        provider.get_by_role("button", name="Patiënt is opgenomen").click()
        expect(provider.locator("#no-offers")).to_be_visible()
        for board in (coordinator_board, provider_board):
            expect(board.locator(occupied)).to_have_text(str(occupied_before + 1))
            expect(board.locator(held)).to_have_text(str(held_before))
        coordinator_board.screenshot(path=str(shots / "beds-board.png"), full_page=False)

        # the patient goes home: one click on the ward frees the bed, on every board at once
        row = provider_board.locator(f"#bed-{scene.bed_id}")
        row.evaluate("row => { row.closest('details').open = true; }")
        row.get_by_role("button", name="Niet-bezet").click()
        expect(row.locator("[aria-current=true]")).to_have_text("Niet-bezet")
        for board in (coordinator_board, provider_board):
            expect(board.locator(occupied)).to_have_text(str(occupied_before))
        provider_board.locator("#own-beds").screenshot(path=str(shots / "beds-own.png"))

        # the placement counts in the reports, drawn by Chart.js from the page's JSON block
        coordinator.goto(f"{scene.url}/beds/reports")
        coordinator.wait_for_function(
            "() => ['chart-placement', 'chart-occupancy'].every(id => Chart.getChart(id))"
        )
        coordinator.screenshot(path=str(shots / "beds-reports.png"), full_page=True)
        browser.close()
