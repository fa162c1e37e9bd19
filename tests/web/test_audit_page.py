"""The audit page speaks the reader's language, names clients to those who may see them, and
narrows to a person, a client, an action and days."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from sqlalchemy.orm import Session

from regiozorg.clock import local, utcnow
from tests.cast import (
    HEIDEZICHT_ADMIN,
    LINDEHOF,
    NETWORK_ADMIN,
    ORG_ADMIN,
    VIEWER,
    first_client,
)
from tests.web.conftest import Browser, Login

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _rows(page: str) -> list[str]:
    body = page.split('<table id="audit-entries">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)[1:]  # after the header
    return [row for row in rows if "Geen regels gevonden." not in row]


def _shown(rows: list[str]) -> str:
    """The rows' text as a reader sees it (a link's address is not shown)."""
    return re.sub(r"<[^>]+>", " ", "".join(rows))


def _english(browser: Browser) -> None:
    browser.page("/")
    browser.submit("/settings/language", {"locale": "en"})


def test_actions_and_outcomes_are_words_in_dutch_and_english(login: Login) -> None:
    login(VIEWER).get("/audit")  # refused, and recorded as refused
    admin = login(NETWORK_ADMIN)
    dutch = admin.page("/audit")
    rows = _rows(dutch)
    assert any("<td>Inloggen</td>" in row and "Gelukt" in row for row in rows)
    refused = [row for row in rows if VIEWER in row and "Auditlog bekijken" in row]
    assert refused and "Geweigerd (geen toegang)" in refused[0]
    assert not any("auth.login" in row or ">success<" in row for row in rows)

    _english(admin)
    english = admin.page("/audit")
    rows = _rows(english)
    assert any("<td>Log in</td>" in row and "Succeeded" in row for row in rows)
    refused = [row for row in rows if VIEWER in row and "View the audit log" in row]
    assert refused and "Refused (no access)" in refused[0]
    assert "Person (e-mail address)" in english
    assert "Gelukt" not in english


def test_clients_by_number_and_name_to_those_who_may_see_them(
    login: Login, session: Session
) -> None:
    client = first_client(session, LINDEHOF)
    admin = login(ORG_ADMIN)
    admin.page(f"/clients/{client.id}")  # reading the client is in the trail
    own = "".join(_rows(admin.page("/audit")))
    assert client.client_number in own
    assert client.name in own
    assert not UUID_TEXT.search(_shown(_rows(admin.page("/audit"))))

    # The network admin runs the network, not the care: the same rows without the client
    network = "".join(_rows(login(NETWORK_ADMIN).page("/audit")))
    assert f"cliënt van {LINDEHOF}" in network
    assert client.name not in network
    assert client.client_number not in network
    assert not UUID_TEXT.search(_shown(_rows(login(NETWORK_ADMIN).page("/audit"))))
    # another organisation's admin does not see Lindehof's reads at all
    assert client.name not in "".join(_rows(login(HEIDEZICHT_ADMIN).page("/audit")))


def test_narrowed_to_a_person_a_client_an_action_and_days(login: Login, session: Session) -> None:
    client = first_client(session, LINDEHOF)
    login(VIEWER).get("/audit")
    admin = login(ORG_ADMIN)
    admin.page(f"/clients/{client.id}")

    by_person = _rows(admin.page(f"/audit?person={VIEWER.split('@')[0]}"))
    assert by_person and all(VIEWER in row for row in by_person)

    by_client = _rows(admin.page(f"/audit?client={client.client_number}"))
    assert by_client and all(client.name in row for row in by_client)
    by_name = _rows(admin.page(f"/audit?client={client.name.split()[-1]}"))
    assert any(client.client_number in row for row in by_name)
    assert _rows(admin.page("/audit?client=no-such-client")) == []

    looks = _rows(admin.page("/audit?action=audit.view"))
    assert looks and all("<td>Auditlog bekijken</td>" in row for row in looks)
    family = _rows(admin.page("/audit?action=clients"))
    assert family and all("Cliënt" in row for row in family)
    assert not any("<td>Auditlog bekijken</td>" in row for row in family)

    today = local(utcnow()).date()
    assert _rows(admin.page(f"/audit?since={today}&until={today}"))
    assert _rows(admin.page(f"/audit?since={today + timedelta(days=1)}")) == []
    assert _rows(admin.page(f"/audit?until={today - timedelta(days=1)}")) == []

    # the export takes the same filter
    export = admin.get(f"/audit.csv?person={VIEWER.split('@')[0]}&action=audit")
    lines = list(csv.DictReader(io.StringIO(export.text)))
    assert lines and {line["user_email"] for line in lines} == {VIEWER}
    assert {(line["action"], line["outcome"]) for line in lines} == {("audit.view", "denied")}
