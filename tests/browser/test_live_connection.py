"""The night console never goes silently stale, in real headless Chromium at phone and desk
size: when the server stops, the desk sees (and hears) at once that the list is no longer
updated; when the server is back on the same port the console reconnects within 10 s and shows
the alarm that came in meanwhile; and the waiting time ticks on by itself, from the server's
clock, with the norm it is held to."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from uuid import UUID

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from sqlalchemy.orm import Session

from regiozorg.clock import utcnow
from regiozorg.night.intake import actions as intake
from regiozorg.night.models import Incident
from tests.browser.conftest import ServedApp, demo_database, serving
from tests.cast import COORDINATOR, PASSWORD
from tests.night_cast import DESK, MOBILE_MEPPEL, PLATFORM, actor_of, alarm

pytestmark = pytest.mark.browser

SIZES: dict[str, ViewportSize] = {
    "phone": {"width": 390, "height": 844},
    "desk": {"width": 1366, "height": 900},
}
LOST = "Verbinding verbroken — lijst wordt niet bijgewerkt"
# Counts the tones the page plays: headless Chromium has no speaker to listen to.
COUNT_TONES = """
window.__tones = [];
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  window.__tones.push(this.frequency.value);
  return start.apply(this, args);
};
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    url, engine = demo_database(tmp_path_factory.mktemp("live-browser"))
    with serving(url, engine) as served_app:
        yield served_app


@pytest.fixture(autouse=True)
def running(app: ServedApp) -> None:
    """Each test begins with the server up, whatever the one before left."""
    if not app.running:
        app.start()


def _signed_in(
    browser: Browser, app: ServedApp, size: str, email: str, path: str, *, clock_ahead: float = 0
) -> Page:
    context = browser.new_context(locale="nl-NL", viewport=SIZES[size])
    context.add_init_script(COUNT_TONES)
    page = context.new_page()
    if clock_ahead:  # the computer's clock is wrong (timers untouched, unlike page.clock)
        context.add_init_script(
            f"const realNow = Date.now; Date.now = () => realNow() + {clock_ahead * 1000};"
        )
    page.goto(f"{app.address}/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_url(lambda address: not address.endswith("/login"))
    page.goto(f"{app.address}{path}")
    return page


def _console(browser: Browser, app: ServedApp, size: str, *, clock_ahead: float = 0) -> Page:
    page = _signed_in(browser, app, size, DESK, "/night", clock_ahead=clock_ahead)
    page.wait_for_function("() => document.body.dataset.nightStream === 'open'")
    return page


def _post_alarm(app: ServedApp, reference: str, device: str) -> UUID:
    """An alarm straight through the intake action, as the alarm platform's post would."""
    with Session(app.engine) as session:
        received = intake.receive_alarm(
            session, actor_of(session, PLATFORM), message=alarm(reference, device=device)
        )
    assert received.incident_id is not None
    return received.incident_id


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_console_says_at_once_when_its_line_is_lost_and_misses_nothing_after_a_restart(
    app: ServedApp, browser: Browser, size: str
) -> None:
    desk = _console(browser, app, size)
    desk.locator("#sound-toggle").click()
    banner = desk.locator("#live-lost")
    claim = desk.get_by_text("De lijst werkt zichzelf bij.")
    expect(banner).to_be_hidden()
    expect(claim).to_be_visible()

    took = app.stop()
    assert took < 2.5, f"the server took {took:.1f} s to stop with a console open"

    # at once: a red alert says so, the claim that the list updates itself is gone, a tone
    expect(banner).to_be_visible(timeout=2000)
    expect(banner).to_have_text(LOST)
    expect(banner).to_have_attribute("role", "alert")
    expect(claim).to_be_hidden()
    desk.wait_for_function("() => window.__tones.includes(220)", timeout=2000)

    # an alarm comes in while the server is down, another one just after it is back
    during = _post_alarm(app, f"GAP-{size}", device="D002" if size == "phone" else "D003")
    assert not desk.locator(f"#incident-{during}").count()
    app.start()
    back = time.monotonic()
    after = _post_alarm(app, f"BACK-{size}", device="D004" if size == "phone" else "D005")

    expect(banner).to_be_hidden(timeout=10_000)
    assert time.monotonic() - back < 10
    for incident_id in (during, after):
        row = desk.locator(f"#incident-{incident_id}")
        expect(row).to_be_visible(timeout=5000)
        expect(row.get_by_role("link")).to_have_attribute("href", f"/night/incidents/{incident_id}")
    expect(claim).to_be_visible()
    desk.context.close()


def _seconds(text: str) -> int:
    """The waiting time a cell shows first: "0:58" (minutes), "2u05" (hours)."""
    found = re.match(r"\s*(\d+)([:u])(\d\d)", text)
    assert found, text
    return int(found[1]) * (3600 if found[2] == "u" else 60) + int(found[3]) * (
        60 if found[2] == "u" else 1
    )


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_waiting_time_and_its_norm_tick_without_any_event(
    app: ServedApp, browser: Browser, size: str
) -> None:
    incident_id = _post_alarm(app, f"TICK-{size}", device="D006" if size == "phone" else "D007")
    with Session(app.engine) as session:  # it came in 50 s ago; no event says so
        incident = session.get(Incident, incident_id)
        assert incident is not None
        incident.received_at = utcnow() - timedelta(seconds=50)
        session.commit()
    backdated = time.monotonic()

    def true_age() -> float:
        return 50 + time.monotonic() - backdated

    # the desk computer's clock is two hours ahead: the ages count on the server's clock
    desk = _console(browser, app, size, clock_ahead=2 * 3600)
    wait = desk.locator(f"#incident-{incident_id} td").nth(2)  # the "Wacht" column
    first = _seconds(wait.inner_text())
    assert abs(first - true_age()) <= 2.5

    # no event, no reload: the waiting time goes on, and passes the answer norm of 60 s
    time.sleep(3.5)
    assert _seconds(wait.inner_text()) >= first + 2  # shown as of the last tick
    expect(wait).to_have_class(re.compile(r"\bnorm-over\b"), timeout=15_000)
    expect(wait.locator("[data-norm-text]")).to_have_text("norm 1:00 voorbij")
    assert abs(_seconds(wait.inner_text()) - true_age()) <= 2.5
    desk.context.close()


def test_a_waiting_time_near_its_norm_says_so(app: ServedApp, browser: Browser) -> None:
    incident_id = _post_alarm(app, "NEAR", device="D008")
    with Session(app.engine) as session:  # 50 s of a 60 s answer norm: past 75%
        incident = session.get(Incident, incident_id)
        assert incident is not None
        incident.received_at = utcnow() - timedelta(seconds=50)
        session.commit()
    desk = _console(browser, app, "phone")
    wait = desk.locator(f"#incident-{incident_id} td").nth(2)
    expect(wait).to_have_class(re.compile(r"\bnorm-near\b"))
    expect(wait.locator("[data-norm-text]")).to_have_text("norm 1:00")
    desk.context.close()


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_a_new_alarm_past_its_norm_is_red_and_in_sight(
    app: ServedApp, browser: Browser, size: str
) -> None:
    incident_id = _post_alarm(app, f"OVER-{size}", device="D009")
    with Session(app.engine) as session:  # 70 s of a 60 s answer norm, still unacknowledged
        incident = session.get(Incident, incident_id)
        assert incident is not None
        incident.received_at = utcnow() - timedelta(seconds=70)
        session.commit()
    desk = _console(browser, app, size)
    row = desk.locator(f"#incident-{incident_id}")
    wait = row.locator("td.wait")
    # The queue is read again as the live line opens: measure the row that stays.
    expect(desk.locator("body")).to_have_attribute("data-live", "open")
    desk.wait_for_function("() => !document.querySelector('.htmx-request')")
    expect(wait).to_have_class(re.compile(r"\bnorm-over\b"))
    # The norm's red wins over the yellow of a new row, with white text on it.
    # (The queue is read again as its live line opens: the checks wait for the row that stays.)
    expect(wait).to_have_css("background-color", "rgb(198, 40, 40)")
    expect(wait).to_have_css("color", "rgb(255, 255, 255)")
    # Also while the row flashes as just come in (half-way through a flash its other cells are
    # amber): the red is never painted over.
    row.evaluate("e => e.classList.add('just-in')")
    desk.wait_for_timeout(500)
    background = wait.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(198, 40, 40)"
    # On a phone the queue is a stack of cards: the waiting time and the escalation are in sight
    # without scrolling sideways.
    width = desk.viewport_size["width"] if desk.viewport_size else 0
    for cell in (wait, row.locator("td.escalation")):
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
    desk.context.close()


def test_an_incidents_timeline_reads_as_a_list_on_a_phone(app: ServedApp, browser: Browser) -> None:
    incident_id = _post_alarm(app, "TIMELINE", device="D010")
    page = _signed_in(browser, app, "phone", DESK, f"/night/incidents/{incident_id}")
    timeline = page.locator("#timeline")
    expect(timeline.locator("tbody tr")).not_to_have_count(0)
    # Nothing of a step (who, why) hides beyond the right edge of a 390 px screen.
    assert timeline.evaluate("e => e.scrollWidth <= e.clientWidth")
    box = timeline.locator("tbody tr").first.locator("td").nth(2).bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    page.context.close()


# Every live page: (who, where, at which size, the part that shows live state)
LIVE_PAGES = {
    "mobile carer's task": (MOBILE_MEPPEL, "/night/mobile", "phone", "#task"),
    "bed board": (COORDINATOR, "/beds", "desk", "#board"),
    "bed worklist": (COORDINATOR, "/beds/requests", "phone", "#worklist"),
}


@pytest.mark.parametrize("name", sorted(LIVE_PAGES))
def test_every_live_page_shows_a_lost_line_and_reloads_its_state_when_back(
    app: ServedApp, browser: Browser, name: str
) -> None:
    email, path, size, part = LIVE_PAGES[name]
    page = _signed_in(browser, app, size, email, path)
    page.wait_for_function("() => document.body.dataset.live === 'open'")
    page.evaluate(
        f"""() => {{
        window.__reloads = 0;
        document.querySelector("{part}").addEventListener("htmx:afterSwap", () => {{
            window.__reloads += 1;
        }});
    }}"""
    )
    banner = page.locator("#live-lost")
    expect(banner).to_be_hidden()

    app.stop()
    expect(banner).to_be_visible(timeout=2000)
    expect(banner).to_have_text(LOST)

    app.start()
    expect(banner).to_be_hidden(timeout=10_000)
    # back on the line, the page read its live part again: what changed meanwhile shows
    page.wait_for_function("() => window.__reloads >= 1", timeout=5000)
    page.context.close()


def test_a_phone_that_loses_its_network_says_so_and_catches_up_when_back(
    app: ServedApp, browser: Browser
) -> None:
    desk = _console(browser, app, "phone")
    banner = desk.locator("#live-lost")
    desk.context.set_offline(True)
    expect(banner).to_be_visible(timeout=2000)
    expect(banner).to_have_text(LOST)
    missed = _post_alarm(app, "OFFLINE", device="D009")
    desk.context.set_offline(False)
    expect(banner).to_be_hidden(timeout=10_000)
    expect(desk.locator(f"#incident-{missed}")).to_be_visible(timeout=5000)
    desk.context.close()
