"""A SCAIP alarm with the mandatory tags is taken in whatever its optional tags say: an odd
value is kept as sent, shown on the incident and logged, and the alarm gets a safe priority."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.night.models import AlarmMessage, Incident
from tests.cast import NIGHT_CARER
from tests.web.conftest import Browser
from tests.web.test_night_api import ALARM_PLATFORM, scaip_post, token

BASE = "<ref>{ref}</ref><cid>7100</cid><did>D001</did>"


@pytest.mark.parametrize(
    ("tags", "as_sent", "priority", "device_type"),
    [
        pytest.param("<dty>0003</dty><pri>12</pri>", {"pri": "12"}, 1, "0003", id="pri 12"),
        pytest.param("<dty>0003</dty><pri>0</pri>", {"pri": "0"}, 1, "0003", id="pri 0"),
        pytest.param("<dty>0003</dty><pri>hoog</pri>", {"pri": "hoog"}, 1, "0003", id="pri word"),
        pytest.param("<dty>abcd</dty>", {"dty": "abcd"}, 1, None, id="unreadable type"),
        pytest.param("<dty>0099</dty>", {"dty": "0099"}, 1, "0099", id="unknown type"),
        pytest.param("<dty>abcd</dty><pri>3</pri>", {"dty": "abcd"}, 3, None, id="type, pri"),
        pytest.param("<dty>0003</dty><stc>00a9</stc>", {"stc": "00a9"}, 2, "0003", id="odd status"),
        pytest.param("<dty>0003</dty><mty>XX</mty>", {"mty": "XX"}, 2, "0003", id="odd type"),
    ],
)
def test_an_odd_optional_value_is_taken_in_kept_shown_and_logged(
    app_client: Browser,
    session: Session,
    caplog: pytest.LogCaptureFixture,
    tags: str,
    as_sent: dict[str, str],
    priority: int,
    device_type: str | None,
) -> None:
    platform = token(session, ALARM_PLATFORM)
    ref = "ODD" + str(abs(hash(tags)) % 10**8)
    body = f"<mrq>{BASE.format(ref=ref)}{tags}</mrq>"

    with caplog.at_level(logging.WARNING, logger="regiozorg.night"):
        first = scaip_post(app_client, platform, body)
    again = scaip_post(app_client, platform, body)

    assert first.status_code == 200, first.text
    assert f"<ref>{ref}</ref><snu>0</snu>" in first.text
    assert again.text == first.text
    stored = session.scalars(select(AlarmMessage).where(AlarmMessage.reference == ref)).all()
    assert len(stored) == 1
    assert stored[0].payload["as_sent"] == as_sent
    incident = session.get(Incident, stored[0].incident_id)
    assert incident is not None
    assert (incident.priority, incident.device_type) == (priority, device_type)
    desk = token(session, NIGHT_CARER)
    shown = app_client.get(f"/api/v1/incidents/{incident.id}", headers=desk).json()
    (tag, value), *_ = as_sent.items()
    assert ("input.as_sent", f"{tag}={value}") in {
        (e["kind"], e["detail"]) for e in shown["timeline"]
    }
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(f"<{tag}> {value!r}" in line for line in warnings), warnings


def test_a_scaip_alarm_with_a_nul_byte_is_taken_in_and_marked(
    app_client: Browser, session: Session
) -> None:
    platform = token(session, ALARM_PLATFORM)
    body = f"<mrq>{BASE.format(ref='NUL1')}<dty>0003</dty><stt>Hulp\x00 gevraagd</stt></mrq>"

    reply = scaip_post(app_client, platform, body)

    assert (reply.status_code, "<snu>0</snu>" in reply.text) == (200, True)
    stored = session.scalars(select(AlarmMessage).where(AlarmMessage.reference == "NUL1")).one()
    assert stored.payload["cleaned"] == ["xml"]
    assert stored.payload["text"] == "Hulp gevraagd"


def test_the_incident_page_shows_what_was_kept_as_sent_and_cleaned(
    app_client: Browser, session: Session, login_as: Any
) -> None:
    platform = token(session, ALARM_PLATFORM)
    body = f"<mrq>{BASE.format(ref='PAGE1')}<dty>0003</dty><pri>12</pri><stt>Hulp\x01</stt></mrq>"
    assert "<snu>0</snu>" in scaip_post(app_client, platform, body).text
    stored = session.scalars(select(AlarmMessage).where(AlarmMessage.reference == "PAGE1")).one()

    page = login_as(NIGHT_CARER).page(f"/night/incidents/{stored.incident_id}")

    assert "Ongebruikelijke waarden, bewaard zoals verzonden" in page
    assert "pri=12" in page
    assert "Tekst opgeschoond: onleesbare tekens verwijderd" in page


# --- references, refusals and the documented answers ------------------------------------------


def test_a_ref_with_a_hyphen_is_taken_in_and_echoed(app_client: Browser, session: Session) -> None:
    platform = token(session, ALARM_PLATFORM)

    reply = scaip_post(
        app_client, platform, f"<mrq>{BASE.format(ref='S-100')}<dty>0003</dty></mrq>"
    )

    assert reply.status_code == 200, reply.text
    assert "<ref>S-100</ref><snu>0</snu>" in reply.text
    stored = session.scalars(select(AlarmMessage).where(AlarmMessage.reference == "S-100")).one()
    assert stored.incident_id is not None and "as_sent" not in stored.payload


@pytest.mark.parametrize(
    ("body", "snu", "echoed", "reason"),
    [
        pytest.param("<mrq><ref>S-101</ref><dty>0003</dty></mrq>", 7, "S-101", "cid",
                     id="missing cid"),
        pytest.param(f"<mrq><ref>{'S' * 65}</ref><cid>7100</cid><dty>0003</dty></mrq>", 3,
                     "S" * 65, "65 characters", id="ref too long"),
        pytest.param("<mrq><ref>S-102</ref><cid>71 00</cid><dty>0003</dty></mrq>", 3, "S-102",
                     "<cid>", id="cid unstorable"),
        pytest.param("<mrq><ref>S-103</ref>", 2, None, "malformed", id="cut off"),
    ],
)  # fmt: skip
def test_every_refusal_echoes_a_readable_ref_and_is_logged_with_its_reason(
    app_client: Browser,
    session: Session,
    caplog: pytest.LogCaptureFixture,
    body: str,
    snu: int,
    echoed: str | None,
    reason: str,
) -> None:
    platform = token(session, ALARM_PLATFORM)

    with caplog.at_level(logging.WARNING, logger="regiozorg.night"):
        reply = scaip_post(app_client, platform, body)

    assert reply.status_code == 400
    echo = f"<ref>{echoed}</ref>" if echoed else ""
    assert f"<mrs>{echo}<snu>{snu}</snu></mrs>" in reply.text
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any(f"snu {snu}" in line and reason in line for line in logged), logged


def test_the_documented_scaip_answers_are_the_real_ones(
    app_client: Browser, session: Session
) -> None:
    """Each request example of the OpenAPI document, posted, gets the reply documented under
    the same name, byte for byte."""
    operation = app_client.get("/openapi.json").json()["paths"]["/api/v1/alarms/scaip"]["post"]
    requests = operation["requestBody"]["content"]["application/xml"]["examples"]
    documented = {
        name: (int(status), example["value"])
        for status, response in operation["responses"].items()
        for name, example in response.get("content", {})
        .get("application/xml", {})
        .get("examples", {})
        .items()
    }
    platform = token(session, ALARM_PLATFORM)
    assert set(requests) <= set(documented) and len(requests) >= 3
    for name, example in requests.items():
        reply = scaip_post(app_client, platform, example["value"])
        assert (reply.status_code, reply.text) == documented[name], name
    assert {status for status, _ in documented.values()} == {200, 400, 413}
