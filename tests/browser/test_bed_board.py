"""The bed board in real Chromium, on a 390 px phone and on a desk: the coordinator's region,
its totals (each bed once), filters by care type and place, and no page wider than the screen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize, expect, sync_playwright
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from regiozorg.beds.models import Bed, BedCareType
from regiozorg.beds.rules import BedStatus, CareType
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, Scene, demo_scene
from tests.cast import COORDINATOR, PASSWORD

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESK: ViewportSize = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    with demo_scene(tmp_path_factory.mktemp("board-browser")) as served_scene:
        yield served_scene


def _free_beds(engine: Engine, care_type: CareType | None = None) -> int:
    """Free beds straight from the database (the small demo has no holds)."""
    query = select(func.count(Bed.id)).where(Bed.status == BedStatus.FREE)
    if care_type is not None:
        query = query.where(
            Bed.id.in_(select(BedCareType.bed_id).where(BedCareType.care_type == care_type))
        )
    with Session(engine) as session:
        return int(session.scalar(query) or 0)


# The widest right edge of anything on the page below the site menu (the menu's own collapse on
# a phone is another change); inside a scrolling box too, so nothing needs a sideways swipe.
WIDEST = """() => Math.max(document.querySelector('main').scrollWidth,
  ...[...document.querySelectorAll('main *')]
    .map(e => Math.ceil(e.getBoundingClientRect().right)))"""


def _sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("E-mailadres").fill(COORDINATOR)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_url(f"{url}/**")


@pytest.mark.parametrize("size", [PHONE, DESK], ids=["phone", "desk"])
def test_the_board_filters_by_care_type_and_place_and_fits_the_screen(
    scene: Scene, size: ViewportSize, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("REGIOZORG_SCREENSHOTS", tmp_path))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="nl-NL", viewport=size).new_page()
        _sign_in(page, scene.url)
        page.goto(f"{scene.url}/beds")
        expect(page.locator("#total-free")).to_have_text(str(_free_beds(scene.engine)))
        wide = page.evaluate(WIDEST)
        assert wide <= size["width"], f"the board is {wide} px wide on a {size['width']} px screen"
        page.screenshot(path=str(shots / f"beds-board-{size['width']}.png"), full_page=True)

        # a care type: the totals count the beds that serve it, each once
        page.locator("#board-filters select[name=care_type]").select_option("ELV_HIGH")
        page.locator("#board-filters button[type=submit]").click()
        page.wait_for_url("**care_type=ELV_HIGH**")
        expect(page.locator("#total-free")).to_have_text(
            str(_free_beds(scene.engine, CareType.ELV_HIGH))
        )

        # a place of the region: only its locations are listed
        page.locator("#board-filters select[name=place]").select_option("Meppel")
        page.locator("#board-filters button[type=submit]").click()
        page.wait_for_url("**place=Meppel**")
        towns = page.locator("table.board:not(.board-summary) tbody td small.line-place")
        expect(towns.first).to_be_visible()
        assert all(text.startswith("Meppel ·") for text in towns.all_inner_texts())
        assert page.evaluate(WIDEST) <= size["width"]
        page.screenshot(path=str(shots / f"beds-board-meppel-{size['width']}.png"), full_page=True)
        browser.close()
