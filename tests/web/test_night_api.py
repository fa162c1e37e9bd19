"""The night console's API as an alarm platform and the night team use it: alarms in (JSON and
SCAIP XML), an incident worked from alarm to handover, the client card only for those allowed,
and the live stream."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, MutableMapping
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg import events
from regiozorg.accounts import actions as accounts
from regiozorg.accounts.models import User
from regiozorg.audit import AuditEntry
from regiozorg.auth import SYSTEM
from regiozorg.demo import demo_email
from regiozorg.network.models import Client
from regiozorg.night.intake import api
from regiozorg.night.intake.scaip import parse
from regiozorg.night.models import AlarmDevice
from tests.cast import HEIDEZICHT_PHYSICIAN, NIGHT_CARER
from tests.web.conftest import Browser

ALARM_PLATFORM = demo_email("alarmplatform")  # night_carer role, not on the roster
MOBILE_MEPPEL = demo_email("mobiel.meppel")
MOBILE_HOOGEVEEN = demo_email("mobiel.hoogeveen")  # Heidezicht's mobile carer, on shift
MEPPEL = "7100"  # the controller of Lindehof Meppel
_references = itertools.count(1)


def token(session: Session, email: str) -> dict[str, str]:
    secret = accounts.create_api_token(session, SYSTEM, user_email=email, name="test")
    return {"Authorization": f"Bearer {secret}"}


def alarm(reference: str | None = None, **changes: Any) -> dict[str, Any]:
    return {
        "reference": reference or f"T{next(_references)}",
        "controller_id": MEPPEL,
        "device_id": "D001",
        "device_type": "0003",
        "message_type": "ME",
        "status_code": "0010",
        "text": "Alarmknop ingedrukt",
    } | changes


def post_alarm(client: Browser, headers: dict[str, str], **changes: Any) -> str:
    response = client.post("/api/v1/alarms", json=alarm(**changes), headers=headers)
    assert response.status_code == 202, response.text
    incident_id: str = response.json()["incident_id"]
    return incident_id


def client_of(session: Session, controller: str = MEPPEL, device: str = "D001") -> Client:
    return session.scalars(
        select(Client)
        .join(AlarmDevice, AlarmDevice.client_id == Client.id)
        .where(AlarmDevice.controller_id == controller, AlarmDevice.device_id == device)
    ).one()


def user_id(session: Session, email: str) -> str:
    return str(session.scalars(select(User.id).where(User.email == email)).one())


def user_name(session: Session, email: str) -> str:
    return session.scalars(select(User.name).where(User.email == email)).one()


def queue(client: Browser, headers: dict[str, str], state: str = "open") -> dict[str, Any]:
    response = client.get(f"/api/v1/incidents?state={state}", headers=headers)
    assert response.status_code == 200, response.text
    return {row["id"]: row for row in response.json()}


def step(client: Browser, headers: dict[str, str], incident_id: str, name: str, **body: Any) -> Any:
    return client.post(f"/api/v1/incidents/{incident_id}/{name}", json=body, headers=headers)


# --- the live stream, driven as a server would ------------------------------------------------


class EventStream:
    """GET /api/v1/events run straight on the ASGI app: the test client would wait for a body
    that never ends. ``close()`` is the browser going away."""

    def __init__(self, app: FastAPI, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = headers
        self.status = 0
        self.response_headers: dict[str, str] = {}
        self.chunks: list[str] = []
        self.finished = False
        self._asked = False
        self._gone = asyncio.Event()
        self._news = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _receive(self) -> dict[str, Any]:
        if not self._asked:
            self._asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self._gone.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.response_headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            if body := message.get("body", b""):
                self.chunks.append(body.decode())
            self.finished = not message.get("more_body", False)
            self._news.set()

    def open(self) -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "https",
            "path": "/api/v1/events",
            "raw_path": b"/api/v1/events",
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"testserver")]
            + [(k.lower().encode(), v.encode()) for k, v in self.headers.items()],
            "client": ("testclient", 50000),
            "server": ("testserver", 443),
        }
        self._task = asyncio.create_task(self.app(scope, self._receive, self._send))

    async def wait_for(self, found: Callable[[str], bool], timeout: float = 5.0) -> str:
        async with asyncio.timeout(timeout):
            while True:
                for chunk in self.chunks:
                    if found(chunk):
                        return chunk
                if self.finished:
                    raise AssertionError(f"stream ended: {self.status} {self.chunks}")
                self._news.clear()
                await self._news.wait()

    async def close(self) -> None:
        self._gone.set()
        assert self._task is not None
        await asyncio.wait_for(self._task, 5)


async def stream_status(app: FastAPI, headers: dict[str, str]) -> int:
    """The status the stream answers with, and for 200 that it starts as an event stream."""
    stream = EventStream(app, headers)
    stream.open()
    try:
        async with asyncio.timeout(5):
            while not stream.chunks and not stream.finished:
                stream._news.clear()
                await stream._news.wait()
        if stream.status == 200:
            assert stream.chunks[0].startswith("retry:")
        return stream.status
    finally:
        await stream.close()


# --- intake ---------------------------------------------------------------------------------


def test_an_incident_from_alarm_to_handover(app_client: Browser, session: Session) -> None:
    platform = token(session, ALARM_PLATFORM)
    desk = token(session, NIGHT_CARER)
    mobile = token(session, MOBILE_MEPPEL)
    client = client_of(session)

    incident_id = post_alarm(app_client, platform)
    row = queue(app_client, desk)[incident_id]
    assert (row["state"], row["unknown_sender"], row["room"]) == ("received", False, "kamer 1")
    listing = app_client.get("/api/v1/incidents", headers=desk).text
    assert client.name not in listing  # the queue says where and what, never who

    assert step(app_client, desk, incident_id, "acknowledge").json() == {
        "id": incident_id,
        "state": "acknowledged",
    }
    assert step(app_client, desk, incident_id, "triage", contact_mode="phone").json()["state"] == (
        "triage"
    )
    decided = step(app_client, desk, incident_id, "triage", outcome="visit_needed", note="gevallen")
    assert decided.json()["state"] == "visit_needed"

    options = app_client.get(f"/api/v1/incidents/{incident_id}/carers", headers=desk).json()
    assert options["suggested"] == user_id(session, MOBILE_MEPPEL)  # based in Meppel
    assert {o["name"] for o in options["options"]} >= {user_name(session, MOBILE_HOOGEVEEN)}
    sent = step(app_client, desk, incident_id, "dispatch")
    assert sent.status_code == 200, sent.text
    assert sent.json() == {
        "id": incident_id,
        "state": "dispatched",
        "carer_id": user_id(session, MOBILE_MEPPEL),
    }

    assert step(app_client, mobile, incident_id, "accept").json()["state"] == "en_route"
    board = app_client.get("/api/v1/night/carers", headers=desk).json()
    carer = next(c for c in board if c["user_id"] == user_id(session, MOBILE_MEPPEL))
    assert (carer["role"], carer["task_id"], carer["task_state"]) == (
        "mobile",
        incident_id,
        "en_route",
    )
    assert step(app_client, mobile, incident_id, "on-site").json()["state"] == "on_site"
    assert step(app_client, mobile, incident_id, "complete").json()["state"] == "completed"
    assert incident_id in queue(app_client, desk, "completed")

    without_handover = step(app_client, mobile, incident_id, "close", intervention="fall")
    assert without_handover.status_code == 422
    assert "overdracht" in without_handover.json()["detail"]
    closed = step(
        app_client,
        mobile,
        incident_id,
        "close",
        intervention="fall",
        notes="Mevrouw lag naast het bed, niet gewond.",
        handover_note="Graag valrisico bespreken met de fysiotherapeut.",
    )
    assert closed.json() == {"id": incident_id, "state": "closed"}
    assert incident_id not in queue(app_client, desk)
    assert incident_id in queue(app_client, desk, "closed")

    detail = app_client.get(f"/api/v1/incidents/{incident_id}", headers=desk).json()
    assert detail["handover_note"] == "Graag valrisico bespreken met de fysiotherapeut."
    assert detail["intervention"] == "fall"
    assert [e["kind"] for e in detail["timeline"]] == [
        "received",
        "acknowledged",
        "triage",
        "visit_needed",
        "dispatched",
        "en_route",
        "on_site",
        "completed",
        "closed",
    ]


def test_a_retried_alarm_is_one_incident(app_client: Browser, session: Session) -> None:
    platform = token(session, ALARM_PLATFORM)
    body = alarm("RETRY1")
    first = app_client.post("/api/v1/alarms", json=body, headers=platform).json()
    again = app_client.post("/api/v1/alarms", json=body, headers=platform).json()
    assert first["duplicate"] is False
    assert again == {"incident_id": first["incident_id"], "duplicate": True}
    open_ids = queue(app_client, token(session, NIGHT_CARER))
    assert first["incident_id"] in open_ids
    assert len([i for i in open_ids if i == first["incident_id"]]) == 1


def test_a_reset_closes_its_alarm(app_client: Browser, session: Session) -> None:
    platform = token(session, ALARM_PLATFORM)
    desk = token(session, NIGHT_CARER)
    incident_id = post_alarm(app_client, platform, device_id="D002")
    assert post_alarm(app_client, platform, device_id="D002", message_type="RE") == incident_id
    assert incident_id not in queue(app_client, desk)
    detail = app_client.get(f"/api/v1/incidents/{incident_id}", headers=desk).json()
    assert (detail["state"], detail["outcome"]) == ("closed", "reset_at_source")


def test_a_heartbeat_opens_nothing(app_client: Browser, session: Session) -> None:
    platform = token(session, ALARM_PLATFORM)
    desk = token(session, NIGHT_CARER)
    before = set(queue(app_client, desk))
    response = app_client.post(
        "/api/v1/alarms", json=alarm(message_type="PI", device_id=None), headers=platform
    )
    assert response.status_code == 202
    assert response.json() == {"incident_id": None, "duplicate": False}
    assert set(queue(app_client, desk)) == before


def test_an_unknown_controller_is_an_unknown_sender_to_resolve(
    app_client: Browser, session: Session
) -> None:
    platform = token(session, ALARM_PLATFORM)
    desk = token(session, NIGHT_CARER)
    incident_id = post_alarm(app_client, platform, controller_id="9999", device_id="X1")
    assert queue(app_client, desk)[incident_id]["unknown_sender"] is True
    detail = app_client.get(f"/api/v1/incidents/{incident_id}", headers=desk).json()
    assert (detail["client"], detail["client_hidden"]) == (None, False)

    client = client_of(session)
    step(app_client, desk, incident_id, "acknowledge")
    resolved = step(
        app_client,
        desk,
        incident_id,
        "resolve-sender",
        client_id=str(client.id),
        remember_device=True,
    )
    assert resolved.json() == {"id": incident_id, "state": "acknowledged"}
    detail = app_client.get(f"/api/v1/incidents/{incident_id}", headers=desk).json()
    assert detail["client"]["name"] == client.name
    next_alarm = post_alarm(app_client, platform, controller_id="9999", device_id="X1")
    assert queue(app_client, desk)[next_alarm]["unknown_sender"] is False


def test_without_a_token_the_api_answers_401(app_client: Browser) -> None:
    assert app_client.post("/api/v1/alarms", json=alarm()).status_code == 401
    scaip = app_client.post(
        "/api/v1/alarms/scaip", content=b"<mrq/>", headers={"Content-Type": "application/xml"}
    )
    assert scaip.status_code == 401
    assert app_client.get("/api/v1/incidents").status_code == 401


# --- SCAIP -----------------------------------------------------------------------------------


def scaip_post(
    client: Browser, headers: dict[str, str], body: bytes | str, kind: str = "xml"
) -> Any:
    return client.post(
        "/api/v1/alarms/scaip",
        content=body.encode() if isinstance(body, str) else body,
        headers=headers | {"Content-Type": f"application/{kind}" if kind == "xml" else kind},
    )


def test_a_scaip_alarm_is_answered_ok_with_the_heartbeat_interval(
    app_client: Browser, session: Session
) -> None:
    platform = token(session, ALARM_PLATFORM)
    desk = token(session, NIGHT_CARER)
    body = (
        "<mrq><ref>S1</ref><cid>7100</cid><did>D003</did><dty>0005</dty><mty>ME</mty>"
        "<stc>0009</stc><stt>Val gedetecteerd</stt><pri>9</pri><lte>badkamer</lte>"
        "<crd>0522123456</crd></mrq>"
    )
    before = set(queue(app_client, desk))
    first = scaip_post(app_client, platform, body, kind="text/xml")
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("application/xml")
    assert "<ref>S1</ref><snu>0</snu><hbi>300</hbi>" in first.text
    again = scaip_post(app_client, platform, body)
    assert (again.status_code, again.text) == (200, first.text)

    (incident_id,) = set(queue(app_client, desk)) - before
    row = queue(app_client, desk)[incident_id]
    assert (row["priority"], row["device_type"]) == (5, "0005")  # pri 9 clipped to 5
    summary = app_client.get(f"/api/v1/incidents/{incident_id}", headers=desk).json()["summary"]
    assert "Val gedetecteerd" in summary
    assert "badkamer" in summary
    assert "0522123456" in summary


def test_a_scaip_heartbeat_of_an_unknown_controller_is_watched_from_then_on(
    app_client: Browser, session: Session
) -> None:
    platform = token(session, ALARM_PLATFORM)
    heartbeat = "<mrq><ref>H1</ref><cid>8800</cid><dty>0003</dty><mty>PI</mty></mrq>"
    reply = scaip_post(app_client, platform, heartbeat)
    assert reply.status_code == 200
    assert "<snu>0</snu><hbi>300</hbi>" in reply.text


def test_a_scaip_alarm_of_an_unknown_controller_is_accepted_without_hbi(
    app_client: Browser, session: Session
) -> None:
    platform = token(session, ALARM_PLATFORM)
    reply = scaip_post(
        app_client, platform, "<mrq><ref>U1</ref><cid>8801</cid><dty>0003</dty></mrq>"
    )
    assert (reply.status_code, reply.text.endswith("<ref>U1</ref><snu>0</snu></mrs>")) == (
        200,
        True,
    )
    rows = queue(app_client, token(session, NIGHT_CARER)).values()
    assert any(r["unknown_sender"] and r["state"] == "received" for r in rows)


def test_scaip_refusals_carry_their_status_number(app_client: Browser, session: Session) -> None:
    platform = token(session, ALARM_PLATFORM)
    desk = token(session, NIGHT_CARER)
    before = set(queue(app_client, desk))
    cases = {
        "<mrq><ref>B1</ref><cid>7100</cid><dty>0003</dty>": (400, "<snu>2</snu>"),
        "<alarm><ref>B2</ref></alarm>": (400, "<snu>2</snu>"),
        # a controller id the intake cannot store as the controller's key is wrong data
        "<mrq><ref>B3</ref><cid>71 00</cid><dty>0003</dty></mrq>": (
            400,
            "<ref>B3</ref><snu>3</snu>",
        ),
        "<mrq><ref>B5</ref><dty>0003</dty></mrq>": (400, "<ref>B5</ref><snu>7</snu>"),
        "<mrq><ref>B6</ref><cid>7100</cid><dty>0003</dty><ame>" + "x" * 9000 + "</ame></mrq>": (
            413,
            "<snu>1</snu>",
        ),
    }
    for body, (status, fragment) in cases.items():
        reply = scaip_post(app_client, platform, body)
        assert (reply.status_code, fragment in reply.text) == (status, True), (
            body[:40],
            reply.text,
        )
        assert reply.headers["content-type"].startswith("application/xml")
    assert set(queue(app_client, desk)) == before


def test_scaip_refuses_entities(app_client: Browser, session: Session) -> None:
    platform = token(session, ALARM_PLATFORM)
    desk = token(session, NIGHT_CARER)
    before = set(queue(app_client, desk))
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE mrq [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;">]><mrq><ref>E1</ref><cid>7100</cid><dty>0003</dty>'
        "<stt>&c;</stt></mrq>"
    )
    external = (
        '<?xml version="1.0"?><!DOCTYPE mrq [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<mrq><ref>E2</ref><cid>7100</cid><dty>0003</dty><stt>&x;</stt></mrq>"
    )
    for body in (laughs, external):
        reply = scaip_post(app_client, platform, body)
        assert reply.status_code == 400
        assert "<snu>2</snu>" in reply.text
        assert "root:" not in reply.text
    assert set(queue(app_client, desk)) == before


def test_a_large_declared_body_is_refused_unread(app_client: Browser, session: Session) -> None:
    reply = scaip_post(app_client, token(session, ALARM_PLATFORM), b" " * 100_000)
    assert (reply.status_code, "<snu>1</snu>" in reply.text) == (413, True)


def test_scaip_fields_become_the_alarm() -> None:
    message = parse(
        "<mrq><ref>M1</ref><cid>7101</cid><did>D004</did><dty>0014</dty><mty>RE</mty>"
        "<stc>0077</stc><stt>Deur open</stt><dte>voordeur</dte><ame>extra</ame><pri>1</pri>"
        "<lva>039</lva><crd>112</crd></mrq>"
    )
    alarm_in = api.alarm_from_scaip(message)
    assert alarm_in.model_dump(mode="json") == {
        "reference": "M1",
        "controller_id": "7101",
        "device_id": "D004",
        "device_type": "0014",
        "message_type": "RE",
        "status_code": "0077",
        "text": "Deur open · voordeur · extra",
        "priority": 1,
        "location_text": "039",
        "callback": "112",
    }


# --- who may do what --------------------------------------------------------------------------


def test_the_night_team_off_shift_may_post_alarms_but_not_handle_them(
    app_client: Browser, session: Session
) -> None:
    platform = token(session, ALARM_PLATFORM)
    incident_id = post_alarm(app_client, platform)
    refused = step(app_client, platform, incident_id, "acknowledge")
    assert refused.status_code == 403
    assert "nachtrooster" in refused.json()["detail"]


def test_a_claimed_incident_names_its_handler_to_a_second_one(
    app_client: Browser, session: Session
) -> None:
    incident_id = post_alarm(app_client, token(session, ALARM_PLATFORM))
    desk = token(session, NIGHT_CARER)
    assert step(app_client, desk, incident_id, "acknowledge").status_code == 200
    second = step(app_client, token(session, MOBILE_MEPPEL), incident_id, "acknowledge")
    assert second.status_code == 409
    assert user_name(session, NIGHT_CARER) in second.json()["detail"]
    assert step(app_client, desk, incident_id, "acknowledge").status_code == 200  # idempotent


def _card_reads(session: Session, incident_id: str, outcome: str) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.user_email).where(
                AuditEntry.action == "night.client.read",
                AuditEntry.object_id == incident_id,
                AuditEntry.outcome == outcome,
            )
        )
    )


def test_the_client_card_is_for_the_team_on_shift_and_every_read_is_audited(
    app_client: Browser, session: Session
) -> None:
    client = client_of(session)  # a Lindehof client in Meppel
    incident_id = post_alarm(app_client, token(session, ALARM_PLATFORM))
    path = f"/api/v1/incidents/{incident_id}"

    for email in (NIGHT_CARER, MOBILE_HOOGEVEEN):  # the desk; Heidezicht's carer on shift
        card = app_client.get(path, headers=token(session, email)).json()["client"]
        assert (card["name"], card["client_number"]) == (client.name, client.client_number)
    assert sorted(_card_reads(session, incident_id, "success")) == sorted(
        [NIGHT_CARER, MOBILE_HOOGEVEEN]
    )

    off_shift = app_client.get(path, headers=token(session, ALARM_PLATFORM))
    assert off_shift.status_code == 200
    assert (off_shift.json()["client"], off_shift.json()["client_hidden"]) == (None, True)
    assert client.name not in off_shift.text
    assert _card_reads(session, incident_id, "denied") == [ALARM_PLATFORM]

    outsider = app_client.get(path, headers=token(session, HEIDEZICHT_PHYSICIAN))
    assert outsider.status_code == 403
    assert client.name not in outsider.text


def test_the_console_script_works_with_its_session_and_csrf_header(
    app_client: Browser, session: Session
) -> None:
    incident_id = post_alarm(app_client, token(session, ALARM_PLATFORM))
    app_client.login(NIGHT_CARER)
    path = f"/api/v1/incidents/{incident_id}/acknowledge"
    assert app_client.post(path).status_code == 403  # a cookie alone could be forged
    claimed = app_client.post(path, headers={"X-CSRF-Token": app_client.csrf})
    assert claimed.json() == {"id": incident_id, "state": "acknowledged"}
    assert app_client.get("/api/v1/incidents").status_code == 200


# --- the live stream ---------------------------------------------------------------------------


def test_a_subscriber_hears_of_a_posted_alarm(app_client: Browser, session: Session) -> None:
    desk = token(session, NIGHT_CARER)
    platform = token(session, ALARM_PLATFORM)

    async def scenario() -> tuple[str, str, dict[str, str]]:
        stream = EventStream(app_client.app, desk)
        stream.open()
        try:
            await stream.wait_for(lambda chunk: chunk.startswith("retry:"))
            incident_id = await asyncio.to_thread(post_alarm, app_client, platform)
            chunk = await stream.wait_for(lambda chunk: incident_id in chunk)
            return incident_id, chunk, stream.response_headers
        finally:
            await stream.close()

    incident_id, chunk, headers = asyncio.run(scenario())
    # a proxy that buffered or cached the stream would hold the desk's alarms back
    assert headers["content-type"].startswith("text/event-stream")
    assert headers["cache-control"] == "no-cache"
    assert headers["x-accel-buffering"] == "no"
    assert chunk.startswith("event: incident.changed\n")
    assert f'"incident_id": "{incident_id}"' in chunk
    assert '"state": "received"' in chunk
    assert events.BROKER.subscriber_count() == 0


def test_the_openapi_document_tells_senders_the_scaip_statuses(app_client: Browser) -> None:
    document = app_client.get("/openapi.json").json()
    scaip = document["paths"]["/api/v1/alarms/scaip"]["post"]
    assert set(scaip["requestBody"]["content"]) == {"application/xml", "text/xml"}
    for status in ("200", "400", "413"):
        assert "application/xml" in scaip["responses"][status]["content"], status
    assert "night" in scaip["tags"]
    events_route = document["paths"]["/api/v1/events"]["get"]
    assert "text/event-stream" in events_route["responses"]["200"]["content"]
    acknowledge = document["paths"]["/api/v1/incidents/{incident_id}/acknowledge"]["post"]
    assert {"401", "403", "404", "409"} <= set(acknowledge["responses"])
