"""An organisation admin manages roles on a phone in real Chromium: only the roles they may
grant are offered, and a role is taken away with its own button; tokens are revoked likewise."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from regiozorg.accounts import actions
from regiozorg.auth import SYSTEM
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, demo_database, served
from tests.cast import LINDEHOF, NETWORK_ADMIN, ORG_ADMIN, PASSWORD, PHYSICIAN, VIEWER

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def engine_and_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, str]]:
    url, engine = demo_database(tmp_path_factory.mktemp("browser"))
    with served(url, engine) as address:
        yield engine, address


def _log_in(page: Page, server: str, email: str) -> None:
    page.goto(f"{server}/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda address: not address.endswith("/login"))  # landed


def test_an_org_admin_grants_and_removes_a_role_on_a_phone(
    engine_and_server: tuple[Engine, str], tmp_path: Path
) -> None:
    _, server = engine_and_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="nl-NL", viewport={"width": 390, "height": 844})
        _log_in(page, server, ORG_ADMIN)
        page.goto(f"{server}/admin/users")
        page.get_by_text("Rol toevoegen aan bestaande gebruiker").click()
        form = page.locator('form[action="/admin/users/memberships"]')
        offered = form.locator('select[name="role"] option').all_inner_texts()
        assert "Coördinator" not in offered and "Arts" in offered
        assert form.locator('select[name="organisation_id"] option').all_inner_texts() == [LINDEHOF]
        form.get_by_label("E-mailadres").fill(VIEWER)
        form.locator('select[name="role"]').select_option("physician")
        form.get_by_role("button", name="Opslaan").click()
        row = page.locator("tr", has_text=VIEWER)
        assert row.get_by_text("Arts").is_visible()
        page.screenshot(path=str(tmp_path / "users.png"), full_page=True)
        row.get_by_role("button", name="Rol intrekken: Arts").click()
        page.wait_for_url(f"{server}/admin/users")
        row = page.locator("tr", has_text=VIEWER)
        assert row.get_by_text("Arts").count() == 0
        # the viewer's last role has no button: the account is switched off instead
        assert row.get_by_role("button", name="Rol intrekken").count() == 0
        browser.close()


def test_the_network_admin_revokes_a_token(
    engine_and_server: tuple[Engine, str], tmp_path: Path
) -> None:
    engine, server = engine_and_server
    with Session(engine) as session:
        token = actions.create_api_token(session, SYSTEM, user_email=PHYSICIAN, name="koppeling")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="nl-NL", viewport={"width": 390, "height": 844})
        _log_in(page, server, NETWORK_ADMIN)
        page.goto(f"{server}/admin/users")
        page.get_by_role("link", name="API-tokens").click()
        row = page.locator("tr", has_text=token[:10])
        assert row.get_by_text(PHYSICIAN).is_visible()
        row.get_by_role("button", name="Intrekken: koppeling").click()
        page.wait_for_url(f"{server}/admin/tokens")
        assert page.locator("tr", has_text=token[:10]).get_by_role("button").count() == 0
        answer = page.request.get(
            f"{server}/api/v1/organisations", headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status == 401
        browser.close()
