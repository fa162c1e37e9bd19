"""The night console through its pages: who may open which page, a new alarm in the queue, a
whole incident worked through the forms by the desk and the mobile carer, the client card
kept from those who may not see it, the history of an organisation's own clients, English."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.accounts.models import User
from regiozorg.audit import AuditEntry
from regiozorg.network.models import Client
from regiozorg.night.console import escalation
from regiozorg.night.intake import actions as intake
from regiozorg.night.models import Incident
from regiozorg.night.rules import IncidentState
from tests.cast import (
    HEIDEZICHT_ADMIN,
    HEIDEZICHT_PHYSICIAN,
    NETWORK_ADMIN,
    ORG_ADMIN,
    PLANNER,
    VIEWER,
)
from tests.night_cast import DESK, MOBILE_MEPPEL, PLATFORM, actor_of, alarm
from tests.web.conftest import Browser, Login


def _alarm(session: Session, reference: str, device: str = "D001") -> tuple[UUID, Client]:
    """An alarm from the first Lindehof Meppel client's call button, posted by the platform."""
    received = intake.receive_alarm(
        session, actor_of(session, PLATFORM), message=alarm(reference, device=device)
    )
    assert received.incident_id is not None
    incident = session.get(Incident, received.incident_id)
    assert incident is not None and incident.client_id is not None
    client = session.get(Client, incident.client_id)
    assert client is not None
    return received.incident_id, client


def _user_id(session: Session, email: str) -> UUID:
    return session.scalars(select(User.id).where(User.email == email)).one()


# --- who may open what ---------------------------------------------------------------------

ROUTES = ("/night", "/night/queue", "/night/carers", "/night/mobile", "/night/history")
MATRIX = {
    # night team: the console and the phone view; history of their own organisation
    DESK: (200, 200, 200, 200, 200),
    MOBILE_MEPPEL: (200, 200, 200, 200, 200),
    # another organisation's physician and admin: only their own history
    HEIDEZICHT_PHYSICIAN: (403, 403, 403, 403, 200),
    HEIDEZICHT_ADMIN: (403, 403, 403, 403, 200),
    # no care role: nothing of the night service
    NETWORK_ADMIN: (403, 403, 403, 403, 403),
    PLANNER: (403, 403, 403, 403, 403),
    VIEWER: (403, 403, 403, 403, 403),
}


@pytest.mark.parametrize(
    ("email", "path", "status"),
    [
        (email, path, code)
        for email, codes in MATRIX.items()
        for path, code in zip(ROUTES, codes, strict=True)
    ],
)
def test_who_may_open_which_night_page(login: Login, email: str, path: str, status: int) -> None:
    assert login(email).get(path).status_code == status


def test_the_nav_shows_nachtzorg_to_the_night_team_only(login: Login) -> None:
    assert 'href="/night"' in login(DESK).page("/")
    assert 'href="/night"' not in login(HEIDEZICHT_PHYSICIAN).page("/")


def test_an_incident_page_is_refused_outside_the_night_team_and_unknown_ids_are_404(
    login: Login, session: Session
) -> None:
    incident_id, client = _alarm(session, "PAGE1")
    desk = login(DESK)
    assert desk.get(f"/night/incidents/{uuid4()}").status_code == 404
    outsider = login(HEIDEZICHT_PHYSICIAN).get(f"/night/incidents/{incident_id}")
    assert outsider.status_code in (403, 404)
    assert client.name not in outsider.text


def test_signed_out_visitors_go_to_the_login_page(app_client: Browser) -> None:
    response = app_client.get("/night", follow_redirects=False)
    assert response.status_code in (302, 303, 307)
    assert "/login" in response.headers["location"]


# --- the queue -----------------------------------------------------------------------------


def test_the_queue_shows_a_new_alarm_with_its_place_and_device(
    login: Login, session: Session
) -> None:
    desk = login(DESK)
    assert "PAGE2" not in desk.page("/night/queue")
    incident_id, client = _alarm(session, "PAGE2")
    queue = desk.page("/night/queue")
    row = re.search(rf'<tr id="incident-{incident_id}".*?</tr>', queue, re.S)
    assert row is not None
    assert 'data-state="received"' in row.group(0) and "new" in row.group(0)
    assert "Nieuw" in row.group(0) and "kamer 1" in row.group(0)
    assert "Persoonlijke alarmknop" in row.group(0) or "Bedmat" in row.group(0)
    # the queue names the place, never the client
    assert client.name not in queue
    console = desk.page("/night")
    assert f"incident-{incident_id}" in console and "Geluid aan" in console
    assert "/static/night.js" in console and "<script>" not in console


def test_an_unknown_sender_is_flagged_and_linked_by_client_number(
    login: Login, session: Session
) -> None:
    received = intake.receive_alarm(
        session, actor_of(session, PLATFORM), message=alarm("PAGE3", device="D999")
    )
    incident_id = received.incident_id
    desk = login(DESK)
    assert "onbekende afzender" in desk.page("/night/queue")
    desk.page(f"/night/incidents/{incident_id}")
    assert desk.submit(f"/night/incidents/{incident_id}/acknowledge", {}).status_code == 303
    page = desk.page(f"/night/incidents/{incident_id}")
    assert "Afzender koppelen" in page
    first = _alarm(session, "PAGE3B")[1]  # an enrolled Meppel client
    wrong = desk.submit(
        f"/night/incidents/{incident_id}/sender",
        {"organisation_id": str(first.organisation_id), "client_number": "nope"},
    )
    assert wrong.status_code == 422
    assert "Geen deelnemende cliënt" in wrong.text
    linked = desk.submit(
        f"/night/incidents/{incident_id}/sender",
        {
            "organisation_id": str(first.organisation_id),
            "client_number": first.client_number,
            "remember_device": "true",
        },
    )
    assert linked.status_code == 303, linked.text
    page = desk.page(f"/night/incidents/{incident_id}")
    assert first.name in page and "Afzender koppelen" not in page


# --- the whole incident through the forms ---------------------------------------------------


def test_desk_and_mobile_carer_work_an_incident_from_alarm_to_handover(
    login: Login, session: Session
) -> None:
    incident_id, client = _alarm(session, "FLOW1")
    page_of = f"/night/incidents/{incident_id}"
    desk = login(DESK)
    page = desk.page(page_of)
    assert client.name in page and "Nachtzorgplan" in page and "Oppakken" in page

    assert desk.submit(f"{page_of}/acknowledge", {}).status_code == 303
    page = desk.page(page_of)
    assert 'id="incident-state">Opgepakt' in page and "Contact gestart: Telefoon" in page
    assert desk.submit(f"{page_of}/triage", {"contact_mode": "phone"}).status_code == 303
    assert 'id="incident-state">In contact' in desk.page(page_of)
    visit = desk.submit(f"{page_of}/triage", {"outcome": "visit_needed", "note": "ligt naast bed"})
    assert visit.status_code == 303

    page = desk.page(page_of)
    meppel = str(_user_id(session, MOBILE_MEPPEL))
    # the nearest free carer is preselected, with the travel time
    assert re.search(rf'value="{meppel}" checked', page)
    assert "min reizen" in page and "voorgesteld" in page
    assert desk.submit(f"{page_of}/dispatch", {"carer_id": meppel}).status_code == 303
    assert "Uitgezet" in desk.page("/night/carers")

    carer = login(MOBILE_MEPPEL)
    for button, state in (("Ik ga", "Onderweg"), ("Aanwezig", "Aanwezig"), ("Klaar", "")):
        mobile = carer.page("/night/mobile")
        assert f'class="big-button">{button}<' in mobile and client.name in mobile
        step = re.search(r'action="(/night/incidents/[^"]+/carer/\w+)"', mobile)
        assert step is not None
        sent = carer.submit(step.group(1), {"back": "mobile"})
        assert sent.status_code == 303 and sent.headers["location"] == "/night/mobile"
        if state:
            assert f'id="task-state">{state}<' in carer.page("/night/mobile")

    mobile = carer.page("/night/mobile")
    assert 'id="close-form"' in mobile and "Overdracht voor het dagteam" in mobile
    # the handover is not optional: the refusal shows in the carer's words
    refused = carer.submit(
        f"{page_of}/close", {"intervention": "fall", "notes": "opgeholpen", "back": "mobile"}
    )
    assert refused.status_code == 422
    assert "Schrijf een overdracht voor het dagteam van de cliënt." in refused.text
    closed = carer.submit(
        f"{page_of}/close",
        {
            "intervention": "fall",
            "notes": "Naast bed gevonden, opgeholpen, geen letsel.",
            "handover_note": "Graag valrisico opnieuw bekijken.",
            "back": "mobile",
        },
    )
    assert closed.status_code == 303
    assert 'id="no-task"' in carer.page("/night/mobile")

    session.expire_all()
    incident = session.get(Incident, incident_id)
    assert incident is not None and incident.state is IncidentState.CLOSED
    assert incident.on_site_at is not None and incident.handover_note.startswith("Graag")
    assert f"incident-{incident_id}" not in desk.page("/night/queue")

    # the client's own organisation reads it in the morning; that read is audited per client
    history = login(ORG_ADMIN).page("/night/history")
    assert "Graag valrisico opnieuw bekijken." in history and client.name in history
    audited = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "night.history.read", AuditEntry.client_id == client.id
        )
    ).all()
    assert len(audited) == 1
    # another organisation's history does not have it, and asking for it is "not found"
    other = login(HEIDEZICHT_ADMIN)
    assert client.name not in other.page("/night/history")
    assert other.get(f"/night/history?organisation={client.organisation_id}").status_code == 404


def _timeline(browser: Browser, incident_id: UUID) -> str:
    page = browser.page(f"/night/incidents/{incident_id}")
    return page.split('id="timeline"', 1)[1].split("</table>", 1)[0]


def test_the_timeline_says_each_step_in_words(login: Login, session: Session) -> None:
    incident_id, _ = _alarm(session, "WORDS1")
    page_of = f"/night/incidents/{incident_id}"
    desk = login(DESK)
    desk.page(page_of)
    meppel = session.scalars(select(User).where(User.email == MOBILE_MEPPEL)).one()
    for path, form in (
        ("acknowledge", {}),
        ("triage", {"contact_mode": "phone"}),
        ("triage", {"outcome": "visit_needed", "note": "ligt naast bed"}),
        ("dispatch", {"carer_id": str(meppel.id)}),
        ("carer/take", {}),  # the handler on the carer's behalf
        ("carer/arrive", {}),
        ("carer/complete", {}),
        ("close", {"intervention": "fall", "handover_note": "Valrisico bespreken."}),
    ):
        assert desk.submit(f"{page_of}/{path}", form).status_code == 303, path

    timeline = _timeline(desk, incident_id)
    dutch = (
        "Binnengekomen",
        "Opgepakt",
        '<td class="explained">Telefoon</td>',
        "Bezoek nodig: ligt naast bed",
        f"naar {meppel.name}",
        "Onderweg",
        "namens de zorgverlener",
        '<td class="explained">Val</td>',
    )
    for words in dutch:
        assert words in timeline, words
    for code in ("contact:", "visit_needed", "en_route", "on_behalf", ">phone<", ">fall<"):
        assert code not in timeline, code
    assert timeline.count("Binnengekomen") == 1

    assert desk.submit("/settings/language", {"locale": "en"}).status_code == 303
    timeline = _timeline(desk, incident_id)
    english = (
        "Received",
        '<td class="explained">Phone</td>',
        "Visit needed: ligt naast bed",
        f"to {meppel.name}",
        "On the way",
        "on the carer&#39;s behalf",
        '<td class="explained">Fall</td>',
    )
    for words in english:
        assert words in timeline, words


def test_a_second_click_by_someone_else_shows_who_has_it(login: Login, session: Session) -> None:
    incident_id, _ = _alarm(session, "FLOW2")
    desk = login(DESK)
    desk.page(f"/night/incidents/{incident_id}")
    desk.submit(f"/night/incidents/{incident_id}/acknowledge", {})
    carer = login(MOBILE_MEPPEL)
    carer.page(f"/night/incidents/{incident_id}")
    refused = carer.submit(f"/night/incidents/{incident_id}/triage", {"outcome": "false_alarm"})
    assert refused.status_code == 409
    assert "Deze melding is al opgepakt door" in refused.text


def test_a_phone_call_is_recorded_from_the_console(login: Login, session: Session) -> None:
    _, client = _alarm(session, "CALL0")
    desk = login(DESK)
    desk.page("/night")
    made = desk.submit(
        "/night/calls",
        {
            "organisation_id": str(client.organisation_id),
            "client_number": client.client_number,
            "summary": "Kan niet slapen, wil even praten",
            "priority": "3",
        },
    )
    assert made.status_code == 303
    page = desk.page(made.headers["location"])
    assert "Telefoongesprek" in page and client.name in page
    assert "Kan niet slapen" in page and 'id="incident-state">In contact' in page


# --- the client card -------------------------------------------------------------------------


def test_the_client_card_is_hidden_from_whoever_may_not_see_it(
    login: Login, session: Session
) -> None:
    incident_id, client = _alarm(session, "HIDE1")
    # Heidezicht's physician is not in the night team: no page, no name
    physician = login(HEIDEZICHT_PHYSICIAN)
    for path in (f"/night/incidents/{incident_id}", "/night", "/night/queue", "/night/history"):
        assert client.name not in physician.get(path).text
    # a night-team account that is not on the roster sees the incident, not the client
    platform = login(PLATFORM)
    page = platform.page(f"/night/incidents/{incident_id}")
    assert 'id="client-hidden"' in page and "verborgen" in page
    assert client.name not in page


# --- English ---------------------------------------------------------------------------------


def test_the_night_pages_speak_english_on_request(login: Login, session: Session) -> None:
    incident_id, _ = _alarm(session, "LANG1")
    desk = login(DESK)
    assert desk.submit("/settings/language", {"locale": "en"}).status_code == 303
    console = desk.page("/night")
    assert "Night desk" in console and "Sound on" in console and "New" in console
    assert "Meldbank nachtzorg" not in console
    incident = desk.page(f"/night/incidents/{incident_id}")
    assert "Take it" in incident and "Night care plan" in incident
    assert "Oppakken" not in incident
    # the codes in words from night.labels: device type, preferred contact, desk role
    assert "Alarm: Personal alarm button" in incident and "Persoonlijke" not in incident
    assert re.search(r"<dd>(Phone|Video call|No contact)</dd>", incident)
    assert "Personal alarm button" in console and 'class="muted">Desk' in console


def test_an_escalation_and_an_unknown_sender_read_in_english(
    login: Login, session: Session
) -> None:
    received = intake.receive_alarm(
        session,
        actor_of(session, PLATFORM),
        message=alarm("LANG2", device="D999", callback="0522-123456"),
    )
    incident = session.get(Incident, received.incident_id)
    assert incident is not None
    assert escalation.run_due_escalations(session, now=incident.received_at + timedelta(hours=1))
    desk = login(DESK)
    timeline = _timeline(desk, incident.id)
    assert "onbekende afzender: onbekend apparaat" in timeline
    # one desk carer on the roster: step 1 skipped with its reason; the unknown device is on
    # a known controller, so step 2 names the location's number to ring
    assert "stap 1 overgeslagen: geen tweede meldkamermedewerker op het rooster" in timeline
    assert re.search(r"stap 2: dienst van Lindehof \w+ bellen op 0\d+-\d+", timeline)
    assert "gewaarschuwd" not in timeline
    assert desk.submit("/settings/language", {"locale": "en"}).status_code == 303
    page = desk.page(f"/night/incidents/{incident.id}")
    timeline = _timeline(desk, incident.id)
    assert "unknown sender: unknown device" in timeline
    assert "step 1 skipped: no second handler on the roster" in timeline
    assert "onbekend" not in timeline and "unknown_device" not in timeline
    assert "tel. 0522-123456" in page and "terugbelnummer" not in page
