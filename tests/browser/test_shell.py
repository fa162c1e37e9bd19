"""The shell around every page, in real Chromium, for each demo role: at phone size (390x844)
no page is wider than the screen and the menu is folded behind a button that opens it; at
desktop size nothing is wider either; each role lands where its work is; and the browser
console stays free of errors (the content-security policy refuses nothing, no 404 asset)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, ViewportSize, sync_playwright

from regiozorg.demo import demo_email
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, demo_database, served
from tests.cast import (
    COORDINATOR,
    NETWORK_ADMIN,
    NIGHT_CARER,
    ORG_ADMIN,
    PASSWORD,
    PHYSICIAN,
    PLANNER,
    VIEWER,
)

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}

# Each demo role: where it lands after login, and the main pages its menu leads to.
ROLES = {
    "network_admin": (
        NETWORK_ADMIN,
        "/",
        [
            "/beds",
            "/beds/reports",
            "/night/reports",
            "/night/setup",
            "/admin/organisations",
            "/admin/locations",
            "/admin/units",
            "/admin/staff",
            "/admin/users",
            "/admin/tokens",
            "/admin/import",
            "/audit",
        ],
    ),
    "org_admin": (
        ORG_ADMIN,
        "/",
        ["/clients", "/beds", "/night/reports", "/night/setup", "/night/history", "/audit"],
    ),
    "coordinator": (
        COORDINATOR,
        "/beds/requests",
        ["/", "/clients", "/beds", "/beds/requests/new", "/beds/offers", "/beds/reports"],
    ),
    "night_carer": (NIGHT_CARER, "/night", ["/", "/clients", "/beds", "/night/handover"]),
    "mobile_carer": (demo_email("mobiel.meppel"), "/night/mobile", ["/night"]),
    "physician": (PHYSICIAN, "/", ["/clients", "/beds", "/beds/requests/new"]),
    "planner": (PLANNER, "/beds/reports", ["/", "/beds", "/night/reports"]),
    "viewer": (VIEWER, "/", ["/beds"]),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, engine = demo_database(tmp_path_factory.mktemp("shell"))
    with served(url, engine) as address:
        yield address


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _watch_console(page: Page) -> list[str]:
    """Every error the browser console shows: console errors (a refused style, a 404 asset)
    and uncaught script errors."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{page.url}: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return errors


def _log_in(page: Page, server: str, email: str) -> None:
    page.goto(f"{server}/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_url(lambda address: not address.endswith("/login"))
    page.wait_for_load_state("load")


def _width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_main_page_fits_the_screen_without_console_errors(
    server: str, chromium: Browser, role: str, size: str
) -> None:
    email, landing, pages = ROLES[role]
    viewport = PHONE if size == "phone" else DESKTOP
    context = chromium.new_context(locale="nl-NL", viewport=viewport)
    page = context.new_page()
    errors = _watch_console(page)
    _log_in(page, server, email)
    assert page.url == f"{server}{landing}", "not landed where the role's work is"
    too_wide = {}
    for path in [landing, *pages]:
        response = page.goto(f"{server}{path}")
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("load")
        if _width(page) > viewport["width"]:
            too_wide[path] = _width(page)
    assert too_wide == {}, f"pages wider than {viewport['width']} px"
    assert errors == []
    context.close()


@pytest.mark.parametrize("role", ["network_admin", "night_carer", "mobile_carer"])
def test_the_menu_is_folded_on_a_phone_and_opens(server: str, chromium: Browser, role: str) -> None:
    email = ROLES[role][0]
    context = chromium.new_context(locale="nl-NL", viewport=PHONE)
    page = context.new_page()
    _log_in(page, server, email)
    menu = page.locator("#site-menu")
    toggle = page.get_by_role("button", name="Menu")
    logout = page.get_by_role("button", name="Uitloggen")
    assert toggle.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not menu.is_visible()
    assert not logout.is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert menu.is_visible()
    assert logout.is_visible()
    assert page.get_by_role("link", name="Netwerk", exact=True).is_visible()
    assert _width(page) <= PHONE["width"]
    if role == "network_admin":
        # the admin submenu unfolds inside the open menu, still within the screen
        page.locator("#site-menu summary", has_text="Beheer").click()
        assert page.get_by_role("link", name="Gebruikers").is_visible()
        assert _width(page) <= PHONE["width"]
    page.keyboard.press("Escape")
    assert not menu.is_visible()
    # the menu leads somewhere: open it again and follow a link
    toggle.click()
    page.get_by_role("link", name="Netwerk", exact=True).click()
    page.wait_for_url(f"{server}/")
    context.close()


def test_on_a_desktop_the_menu_is_a_row_without_a_button(server: str, chromium: Browser) -> None:
    context = chromium.new_context(locale="nl-NL", viewport=DESKTOP)
    page = context.new_page()
    _log_in(page, server, NETWORK_ADMIN)
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert page.get_by_role("link", name="Bedden", exact=True).is_visible()
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    context.close()


def test_login_error_and_missing_pages_show_no_console_errors(
    server: str, chromium: Browser
) -> None:
    context = chromium.new_context(locale="nl-NL", viewport=PHONE)
    page = context.new_page()
    errors = _watch_console(page)
    page.goto(f"{server}/login")
    # the login card is styled from the stylesheet (an inline style is refused by the CSP)
    card = page.locator("article.login-card")
    assert card.evaluate("element => getComputedStyle(element).maxWidth") == "448px"
    assert page.evaluate("document.querySelector('link[rel=icon]').href").endswith(".svg")
    favicon = page.request.get(f"{server}/favicon.ico")
    assert favicon.status == 200
    assert favicon.headers["content-type"].startswith("image/svg+xml")
    assert page.request.get(f"{server}/static/favicon.svg").status == 200
    # htmx is configured not to inject its indicator style, and the rules are in our CSS
    indicator = page.evaluate(
        """() => { const element = document.createElement('span');
                   element.className = 'htmx-indicator'; document.body.append(element);
                   return getComputedStyle(element).opacity; }"""
    )
    assert indicator == "0"
    assert _width(page) <= PHONE["width"]
    assert errors == []
    context.close()
