"""A person logs in with a demo account in real headless Chromium and sees the network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, demo_database, served
from tests.cast import LINDEHOF, PASSWORD, VIEWER

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, engine = demo_database(tmp_path_factory.mktemp("browser"))
    with served(url, engine) as address:
        yield address


def test_demo_user_logs_in_and_sees_the_network_overview(server: str, tmp_path: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="nl-NL")
        page.goto(f"{server}/")
        assert page.url.startswith(f"{server}/login")
        assert page.locator("h1").inner_text() == "Inloggen"
        page.get_by_label("E-mailadres").fill(VIEWER)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(f"{server}/")
        assert page.locator("h1").inner_text() == "Netwerkoverzicht"
        assert page.locator("#organisations").get_by_text(LINDEHOF).is_visible()
        assert int(page.locator("#count-locations").inner_text()) >= 20
        # the stylesheet from the npm registry is served and applied
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
        page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
        page.get_by_role("button", name="English").click()
        page.wait_for_selector("h1:has-text('Network overview')")
        browser.close()
