"""Text from outside is cleaned at the edge, once: an alarm whose text holds a NUL, a control
character or a broken character is still taken in (on PostgreSQL too, which refuses NUL), once,
and marked; a form or query with such characters is never a 500; a refusal stays small."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.night.models import AlarmMessage, Incident
from tests.cast import LINDEHOF, NETWORK_ADMIN, NIGHT_CARER, ORG_ADMIN
from tests.web.conftest import Browser
from tests.web.test_night_api import ALARM_PLATFORM, alarm, token

# Written as raw JSON: json.dumps cannot write a lone surrogate, a platform's encoder can.
DIRTY_TEXTS = {
    "NUL": ("Alarm\\u0000knop", "Alarmknop"),
    "control character": ("Alarm\\u0001knop\\u001b", "Alarmknop"),
    "lone surrogate": ("Alarm \\ud800knop", "Alarm \ufffdknop"),
}


def raw_alarm(reference: str, text_json: str) -> bytes:
    body = json.dumps(alarm(reference, text="PLACEHOLDER"))
    return body.replace('"PLACEHOLDER"', f'"{text_json}"').encode()


@pytest.mark.parametrize("case", list(DIRTY_TEXTS))
def test_an_alarm_with_a_dirty_text_is_taken_in_once_and_marked(
    app_client: Browser, session: Session, case: str
) -> None:
    text_json, expected = DIRTY_TEXTS[case]
    headers = token(session, ALARM_PLATFORM) | {"Content-Type": "application/json"}
    reference = f"DIRTY{len(case)}{case[:3].upper()}"
    body = raw_alarm(reference, text_json)

    first = app_client.post("/api/v1/alarms", content=body, headers=headers)
    again = app_client.post("/api/v1/alarms", content=body, headers=headers)

    assert first.status_code == 202, first.text
    assert again.status_code == 202, again.text
    incident_id = first.json()["incident_id"]
    assert again.json() == {"incident_id": incident_id, "duplicate": True}
    stored = session.scalars(select(AlarmMessage).where(AlarmMessage.reference == reference)).all()
    assert len(stored) == 1
    assert stored[0].payload["text"] == expected
    assert stored[0].payload["cleaned"] == ["text"]
    incident = session.get(Incident, stored[0].incident_id)
    assert incident is not None
    assert incident.summary.startswith(expected)
    desk = token(session, NIGHT_CARER)
    shown = app_client.get(f"/api/v1/incidents/{incident_id}", headers=desk).json()
    assert ("input.cleaned", "text") in {(e["kind"], e["detail"]) for e in shown["timeline"]}


def test_a_clean_alarm_is_not_marked(app_client: Browser, session: Session) -> None:
    headers = token(session, ALARM_PLATFORM)
    response = app_client.post(
        "/api/v1/alarms", json=alarm("CLEAN1", text="Kamer 3, één"), headers=headers
    )
    assert response.status_code == 202
    stored = session.scalars(select(AlarmMessage).where(AlarmMessage.reference == "CLEAN1")).one()
    assert "cleaned" not in stored.payload


def test_text_is_stored_in_nfc(app_client: Browser, session: Session) -> None:
    headers = token(session, ALARM_PLATFORM)
    decomposed = "Kamer e\u0301e\u0301n"
    response = app_client.post(
        "/api/v1/alarms", json=alarm("NFC1", text=decomposed), headers=headers
    )
    assert response.status_code == 202
    stored = session.scalars(select(AlarmMessage).where(AlarmMessage.reference == "NFC1")).one()
    assert stored.payload["text"] == "Kamer één"
    assert "cleaned" not in stored.payload  # the same letters: not cleaning


def test_a_form_field_with_a_nul_is_cleaned_not_a_500(login_as: Any, session: Session) -> None:
    client: Browser = login_as(ORG_ADMIN)
    client.page("/admin/locations")
    form = {
        "organisation": LINDEHOF, "code": "ZL-NUL-1", "name": "Lindehof\x00 Nul",
        "address": "Dokter\x01 Larijweg 1", "postcode": "7961 AB", "town": "Ruinerwold",
        "latitude": "52.7233", "longitude": "6.2483", "care_offered": "pg",
    }  # fmt: skip

    response = client.submit("/admin/locations", form)

    assert response.status_code == 303
    from regiozorg.network.models import Location  # noqa: PLC0415

    stored = session.scalars(select(Location).where(Location.code == "ZL-NUL-1")).one()
    assert (stored.name, stored.address) == ("Lindehof Nul", "Dokter Larijweg 1")


def test_a_query_parameter_with_a_nul_is_no_500(app_client: Browser, session: Session) -> None:
    desk = token(session, NIGHT_CARER)
    response = app_client.get("/api/v1/incidents?state=open%00", headers=desk)
    assert response.status_code == 200, response.text


def test_deeply_nested_json_is_refused_readably(app_client: Browser, session: Session) -> None:
    headers = token(session, ALARM_PLATFORM) | {"Content-Type": "application/json"}
    body = b"[" * 10_000 + b"]" * 10_000

    response = app_client.post("/api/v1/alarms", content=body, headers=headers)

    assert response.status_code == 400
    assert "te diep genest" in response.json()["detail"]


def test_a_refusal_does_not_echo_megabytes(app_client: Browser, session: Session) -> None:
    desk = token(session, NIGHT_CARER)
    huge = "x" * (5 * 1024 * 1024)

    response = app_client.post(
        "/api/v1/calls", json={"summary": huge, "priority": huge}, headers=desk
    )

    assert response.status_code == 422
    assert len(response.content) < 4096
    problems = response.json()["problems"]
    assert {tuple(p["loc"]) for p in problems} == {("body", "summary"), ("body", "priority")}
    assert "xxxxx" not in response.text  # what was wrong, never what was sent


def test_an_alarm_with_a_text_too_long_is_cut_taken_in_and_marked(
    app_client: Browser, session: Session
) -> None:
    headers = token(session, ALARM_PLATFORM)
    huge = "Gevallen in de badkamer. " * 200_000  # 5 MB

    response = app_client.post(
        "/api/v1/alarms", json=alarm("HUGE1", text=huge, location_text=huge), headers=headers
    )

    assert response.status_code == 202, response.text[:200]
    assert len(response.content) < 200
    stored = session.scalars(select(AlarmMessage).where(AlarmMessage.reference == "HUGE1")).one()
    assert stored.payload["text"] == huge.strip()[:500]
    assert stored.payload["cut"] == ["text", "location_text"]
    desk = token(session, NIGHT_CARER)
    shown = app_client.get(f"/api/v1/incidents/{stored.incident_id}", headers=desk).json()
    assert ("input.cut", "text, location_text") in {
        (e["kind"], e["detail"]) for e in shown["timeline"]
    }


def test_a_body_of_many_bad_items_names_a_bounded_number(
    app_client: Browser, session: Session
) -> None:
    headers = token(session, ALARM_PLATFORM)
    response = app_client.post(
        "/api/v1/alarms", json=alarm("MANY1") | {f"x{n}": n for n in range(10_000)}, headers=headers
    )
    assert response.status_code == 422
    assert len(response.json()["problems"]) == 20
    assert len(response.content) < 8192


DEEP_DOCUMENT = b'{"region": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"


@pytest.mark.parametrize(("content_type", "status"), [("", 422), ("application/json", 400)])
def test_the_import_api_refuses_deeply_nested_json_readably(
    app_client: Browser, session: Session, content_type: str, status: int
) -> None:
    headers = token(session, NETWORK_ADMIN)
    if content_type:
        headers["Content-Type"] = content_type

    response = app_client.post("/api/v1/network/import", content=DEEP_DOCUMENT, headers=headers)

    assert response.status_code == status, response.text
    assert "genest" in response.text or "nested deeper" in response.text


def test_the_import_page_refuses_deeply_nested_json_readably(login_as: Any) -> None:
    client: Browser = login_as(NETWORK_ADMIN)
    client.page("/admin/import")

    response = client.post(
        "/admin/import",
        data={"csrf_token": client.csrf, "kind": "json"},
        files={"file": ("deep.json", DEEP_DOCUMENT, "application/json")},
    )

    assert response.status_code == 422
    assert "JSON dieper genest dan" in response.text  # in the reader's language


@pytest.mark.parametrize(
    "path",
    [
        "/admin/export/%00.csv",
        "/admin/export/units%00.csv",
        "/api/v1/incidents/%00",
        "/night/reports?from=2026-01-01%00",
        "/night/handover?night=%ED%A0%80",
        "/api/v1/night/figures?from=%00",
    ],
)
def test_a_nul_or_broken_character_in_a_path_or_query_is_no_500(login_as: Any, path: str) -> None:
    client: Browser = login_as(NETWORK_ADMIN)
    response = client.get(path)
    assert response.status_code < 500, (path, response.status_code)  # cleaned, or refused
