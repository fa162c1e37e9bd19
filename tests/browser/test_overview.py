"""A person logs in with a demo account in real headless Chromium and sees the network."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import sync_playwright
from sqlalchemy.orm import Session

from regiozorg import demo
from regiozorg.app import create_app
from regiozorg.config import Settings
from regiozorg.db import make_engine
from regiozorg.migrate import upgrade
from tests.cast import LINDEHOF, PASSWORD, PLANNER

CHROMIUM = "/usr/bin/chromium"
# As root and with no network: no sandbox, and none of Chromium's own calls home.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        demo.seed(session)
    settings = Settings(
        database_url=url,
        secret_key="browser-test-secret-key",
        static_vendor_dir=Path(__file__).resolve().parents[2] / "node_modules",
    )
    port = _free_port()
    config = uvicorn.Config(create_app(settings, engine), host="127.0.0.1", port=port,
                            log_level="warning")  # fmt: skip
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uv.started, "the app did not start"
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


def test_demo_user_logs_in_and_sees_the_network_overview(server: str, tmp_path: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="nl-NL")
        page.goto(f"{server}/")
        assert page.url.startswith(f"{server}/login")
        assert page.locator("h1").inner_text() == "Inloggen"
        page.get_by_label("E-mailadres").fill(PLANNER)
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
