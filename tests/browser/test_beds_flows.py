"""The coordination point's flows in real headless Chromium, on a 390 px phone and a desktop:
the intake shows the age, the request page follows the provider's decline and acceptance by
itself, a discharge by misclick is asked about and undone, the worklist warns in amber before
the norm and in red after it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from regiozorg.auth import SYSTEM
from regiozorg.beds import actions
from regiozorg.beds.models import Bed, BedCareType, BedRequest
from regiozorg.beds.rules import BedStatus, CareType
from regiozorg.beds.schemas import BedRequestIn
from regiozorg.clock import local, utcnow
from regiozorg.network.models import Location, Organisation
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, demo_database, served
from tests.cast import COORDINATOR, HEIDEZICHT, HEIDEZICHT_ADMIN, PASSWORD

pytestmark = pytest.mark.browser

SIZES: dict[str, ViewportSize] = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 900},
}


@dataclass(frozen=True)
class Scene:
    url: str
    engine: Engine
    location_id: UUID


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    """The demo region served by uvicorn, with Heidezicht's ELV beds in Hoogeveen free."""
    url, engine = demo_database(tmp_path_factory.mktemp("beds-flows-browser"))
    with Session(engine) as session:
        beds = list(
            session.scalars(
                select(Bed)
                .join(Organisation, Organisation.id == Bed.organisation_id)
                .join(Location, Location.id == Bed.location_id)
                .join(BedCareType, BedCareType.bed_id == Bed.id)
                .where(
                    Organisation.name == HEIDEZICHT,
                    Location.town == "Hoogeveen",
                    BedCareType.care_type == CareType.ELV_LOW,
                )
            )
        )
        location_id = beds[0].location_id
        for bed in beds:
            if bed.location_id == location_id:
                actions.set_bed_status(
                    session, SYSTEM, bed_id=bed.id, status=BedStatus.FREE, reason="testopzet"
                )
    with served(url, engine) as address:
        yield Scene(address, engine, location_id)


def _signed_in(browser: Browser, url: str, email: str, size: str) -> Page:
    context = browser.new_context(locale="nl-NL", viewport=SIZES[size])
    page = context.new_page()
    page.goto(f"{url}/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").press_sequentially(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_url(lambda address: "/login" not in address)
    return page


def _fits(page: Page) -> None:
    """The page's content is no wider than the screen (wide tables scroll in their own box).
    The site menu above it is the shared layout's, and not judged here."""
    assert page.evaluate("document.querySelector('main').scrollWidth <= window.innerWidth")


def _request_id(page: Page) -> str:
    return page.url.rsplit("/", 1)[1]


@pytest.mark.parametrize("size", list(SIZES))
def test_a_request_from_intake_through_decline_acceptance_and_an_undone_discharge(
    scene: Scene, size: str, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("REGIOZORG_SCREENSHOTS", tmp_path))
    initials = "J.v.d.B." if size == "phone" else "K.d.W."
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        coordinator = _signed_in(browser, scene.url, COORDINATOR, size)
        provider = _signed_in(browser, scene.url, HEIDEZICHT_ADMIN, size)

        # the intake: the medical reason in words, the age from the date of birth
        coordinator.goto(f"{scene.url}/beds/requests/new")
        coordinator.get_by_label("Zorgsoort").select_option("ELV_LOW")
        coordinator.get_by_label("Initialen").fill(initials)
        coordinator.get_by_label("Geboortedatum").fill("1938-05-02")
        today = local(utcnow()).date()
        age = today.year - 1938 - ((today.month, today.day) < (5, 2))
        expect(coordinator.locator("#patient-age")).to_have_text(f"Leeftijd: {age} jaar")
        coordinator.get_by_label("Geslacht").select_option("F")
        coordinator.get_by_label("Postcode").fill("7901 AB")
        coordinator.get_by_label("Medische reden").fill("heupfractuur")
        coordinator.get_by_label("Voorkeurslocatie (niet verplicht)").select_option(
            str(scene.location_id)
        )
        coordinator.get_by_label("Naam aanvrager").fill("Dokter Visser")
        coordinator.get_by_label("Telefoon aanvrager").fill("0528-765432")
        _fits(coordinator)
        coordinator.screenshot(path=str(shots / f"beds-flows-intake-{size}.png"), full_page=True)
        coordinator.get_by_role("button", name="Aanvraag indienen").click()
        coordinator.wait_for_url(f"{scene.url}/beds/requests/*")
        expect(coordinator.locator("#request-status")).to_have_text("Zoekt bed")
        expect(coordinator.locator("#medical-reason")).to_have_text("heupfractuur")
        expect(coordinator.locator("#patient-age")).to_contain_text(f"{age} jaar")
        expect(coordinator.get_by_text(initials, exact=True)).to_be_visible()
        reasons = coordinator.locator("#matches ul.reasons").first
        expect(reasons).to_contain_text("voorkeurslocatie van de patiënt (+25,0)")
        expect(reasons).to_contain_text("min reistijd vanaf de postcode van de patiënt (+")
        _fits(coordinator)
        coordinator.screenshot(path=str(shots / f"beds-flows-request-{size}.png"), full_page=True)

        # the first bed is offered, and declined with a reason: the page follows by itself
        first = coordinator.locator("#matches input[name=bed_id]").first.get_attribute("value")
        coordinator.locator("#matches").get_by_role("button", name="Reserveren").first.click()
        expect(coordinator.locator("#request-status")).to_have_text("Bed aangeboden")
        provider.goto(f"{scene.url}/beds/offers")
        offer = provider.locator("tr", has_text=initials)
        offer.get_by_text("Afwijzen", exact=True).click()
        offer.get_by_label("Reden van afwijzen").fill("geen tillift vrij")
        _fits(provider)
        offer.get_by_role("button", name="Bed afwijzen").click()
        expect(coordinator.locator("#request-status")).to_have_text("Zoekt bed")
        expect(coordinator.locator("#holds")).to_contain_text("Afgewezen")
        expect(coordinator.locator("#holds")).to_contain_text("geen tillift vrij")
        expect(coordinator.locator(f'#matches input[name=bed_id][value="{first}"]')).to_have_count(
            0
        )

        # the next bed is offered and accepted: again without a reload
        second = coordinator.locator("#matches input[name=bed_id]").first.get_attribute("value")
        assert second and second != first
        coordinator.locator("#matches").get_by_role("button", name="Reserveren").first.click()
        expect(coordinator.locator("#request-status")).to_have_text("Bed aangeboden")
        provider.goto(f"{scene.url}/beds/offers")
        provider.locator("tr", has_text=initials).get_by_role("button", name="Accepteren").click()
        expect(coordinator.locator("#request-status")).to_have_text("Geaccepteerd")
        coordinator.get_by_role("button", name="Plaatsing bevestigen").click()
        expect(coordinator.locator("#request-status")).to_have_text("Bevestigd")
        provider.locator("tr", has_text=initials).get_by_role(
            "button", name="Patiënt is opgenomen"
        ).click()
        expect(coordinator.locator("#request-status")).to_have_text("Opgenomen")

        # on the ward, "Niet-bezet" by mistake: it asks, and the discharge can be undone
        provider.goto(f"{scene.url}/beds")
        row = provider.locator(f"#bed-{second}")
        row.evaluate("row => { row.closest('details').open = true; }")
        expect(row.locator("[aria-current=true]")).to_have_text("Bezet")
        row.get_by_role("button", name="Niet-bezet").click()
        expect(row.get_by_role("alert")).to_contain_text("Er ligt een patiënt in dit bed.")
        row.get_by_role("button", name="Nee, niet wijzigen").click()
        expect(row.locator("[aria-current=true]")).to_have_text("Bezet")
        row.get_by_role("button", name="Niet-bezet").click()
        row.get_by_label("Reden van de wijziging").fill("verkeerd bed aangeklikt")
        row.get_by_role("button", name="Ja, zet op Niet-bezet").click()
        expect(row.locator("[aria-current=true]")).to_have_text("Niet-bezet")
        row.screenshot(path=str(shots / f"beds-flows-undo-{size}.png"))
        row.get_by_role("button", name="Ongedaan maken").click()
        expect(row.locator("[aria-current=true]")).to_have_text("Bezet")
        expect(row.get_by_role("button", name="Ongedaan maken")).to_have_count(0)
        browser.close()
    with Session(scene.engine) as session:
        bed = session.get(Bed, UUID(second))
        assert bed is not None and bed.status is BedStatus.OCCUPIED


def _crisis(session: Session, initials: str, hours_ago: int) -> UUID:
    request = actions.request_bed(
        session,
        SYSTEM,
        data=BedRequestIn.model_validate(
            {
                "care_type": CareType.WLZ_CRISIS_VV,
                "patient_initials": initials,
                "patient_birth_date": "1944-01-20",
                "patient_sex": "M",
                "patient_postcode": "7901 AB",
                "consents_outside_region": True,
                "medical_reason": "mantelzorger valt weg",
                "referrer_kind": "gp",
                "referrer_name": "Dokter Visser",
                "referrer_phone": "0528-765432",
            }
        ),
    )
    stored = session.get(BedRequest, request.id)
    assert stored is not None
    stored.created_at = utcnow() - timedelta(hours=hours_ago)
    session.commit()
    return request.id


@pytest.mark.parametrize("size", list(SIZES))
def test_the_worklist_warns_in_amber_before_the_norm_and_red_after(
    scene: Scene, size: str, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("REGIOZORG_SCREENSHOTS", tmp_path))
    with Session(scene.engine) as session:
        near = _crisis(session, f"A.{size[0].upper()}.", 20)
        late = _crisis(session, f"R.{size[0].upper()}.", 30)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        coordinator = _signed_in(browser, scene.url, COORDINATOR, size)
        coordinator.goto(f"{scene.url}/beds/requests")
        near_row, late_row = (
            coordinator.locator(f"#work-{near}"),
            coordinator.locator(f"#work-{late}"),
        )
        expect(near_row).to_contain_text(f"A.{size[0].upper()}.")
        expect(near_row).to_contain_text("mantelzorger valt weg")
        expect(near_row).to_contain_text("tot de norm van 24 uur")
        expect(late_row).to_contain_text("Norm van 24 uur overschreden")
        background = "el => getComputedStyle(el.querySelector('td')).backgroundColor"
        assert near_row.evaluate(background) == "rgb(255, 243, 224)"  # amber
        assert late_row.evaluate(background) == "rgb(255, 235, 238)"  # red
        _fits(coordinator)
        coordinator.screenshot(path=str(shots / f"beds-flows-worklist-{size}.png"), full_page=True)
        browser.close()
