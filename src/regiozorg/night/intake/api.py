"""The alarm intake's JSON API (``/api/v1``): alarm platforms post alarms as JSON or as SCAIP
XML with a bearer token of an account holding the night-carer role; the desk enters phone calls.
Access is decided in the actions and by ``regiozorg.auth``; domain errors become HTTP in
``regiozorg.app``, once.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy.orm import Session

from regiozorg.auth import Actor, Permission, ensure_allowed
from regiozorg.night import rules
from regiozorg.night.intake import actions as intake
from regiozorg.night.intake import queries, scaip
from regiozorg.night.intake.scaip import ScaipError, ScaipMessage, Snu
from regiozorg.night.intake.schemas import (
    CALLBACK_LENGTH,
    AlarmAccepted,
    AlarmIn,
)
from regiozorg.web.deps import actor_of
from regiozorg.web.input import CLEANED
from regiozorg.web.no_store import PrivacyRoute
from regiozorg.web.openapi import Problem

log = logging.getLogger("regiozorg.night")

router = APIRouter(
    prefix="/api/v1",
    route_class=PrivacyRoute,
    tags=["night"],
    responses={
        401: {"model": Problem, "description": "No valid session or bearer token"},
        403: {"model": Problem, "description": "Not allowed for your roles"},
    },
)

XML = "application/xml"


# --- alarms --------------------------------------------------------------------------------


@router.post(
    "/alarms",
    status_code=202,
    summary="Post an alarm, reset, information or heartbeat of an alarm platform",
    description="Idempotent by the platform's `reference` (per controller): a retry answers "
    "`duplicate: true` with the incident its first try opened. A heartbeat opens nothing "
    "(`incident_id: null`). An alarm from an unknown controller, device or client is never "
    "dropped: it opens an incident marked unknown sender. Text with control characters or "
    "broken characters is cleaned, and a `text` or `location_text` too long is cut, rather "
    "than refused; the incident's timeline says so.",
)
async def post_alarm(data: AlarmIn, request: Request) -> AlarmAccepted:
    # Token, intake and session in one trip to the thread pool (see ``deps.actor_of``).
    cleaned = getattr(request.state, CLEANED, [])
    arrived = intake.in_flight.arrive()  # the watchdog waits for it (``intake.InFlight``)
    try:
        accepted = await run_in_threadpool(_take_alarm, request, data, cleaned, arrived)
    finally:
        intake.in_flight.answered(arrived)
    return AlarmAccepted(incident_id=accepted.incident_id, duplicate=accepted.duplicate)


def _take_alarm(
    request: Request, data: AlarmIn, cleaned: list[str], arrived: datetime
) -> intake.Intake:
    session: Session
    with request.app.state.sessions() as session:
        actor = actor_of(request, session)
        return intake.receive_alarm(
            session, actor, message=data, cleaned=cleaned, arrived_at=arrived
        )


class ScaipResponse(Response):
    media_type = XML


SCAIP_STATUS = {
    Snu.OK: 200,
    Snu.TOO_LONG: 413,
    Snu.INVALID_FORMAT: 400,
    Snu.WRONG_DATA: 400,
    Snu.MANDATORY_TAG_MISSING: 400,
}
"""HTTP status of each SCAIP answer, so a sender that only looks at HTTP still sees a refusal."""

SCAIP_EXAMPLE_INTERVAL = 300
"""The heartbeat interval of a controller as configured by default (``AlarmController``)."""

SCAIP_EXAMPLES: dict[str, tuple[str, str]] = {
    "alarm": (
        "A fall detector's alarm",
        "<mrq><ref>S-100</ref><cid>7100</cid><did>D001</did><dty>0005</dty><mty>ME</mty>"
        "<stc>0009</stc><pri>1</pri></mrq>",
    ),
    "missing_tag": (
        "The controller id is missing",
        "<mrq><ref>S-101</ref><did>D001</did><dty>0005</dty></mrq>",
    ),
    "ref_too_long": (
        f"A ref longer than {scaip.REF_LENGTH} characters",
        f"<mrq><ref>{'R' * (scaip.REF_LENGTH + 1)}</ref><cid>7100</cid><dty>0003</dty></mrq>",
    ),
    "not_xml": ("Not XML", "ref=S-102;cid=7100"),
}
"""Requests the documentation shows, by name; the replies shown with them are what
``scaip_refusal`` and ``scaip.reply`` answer to them (a test posts each and compares)."""


def scaip_refusal(error: ScaipError) -> ScaipResponse:
    """The reply to a request we refuse, logged with its reason: the controller hears the
    status number, the log says why (tag names and our own words, never the alarm's text)."""
    log.warning(
        "SCAIP request refused with snu %d (ref %s): %s",
        error.snu,
        "unreadable" if error.ref is None else repr(error.ref[:80]),
        error.message,
    )
    return ScaipResponse(
        scaip.reply(error.ref, error.snu), status_code=SCAIP_STATUS.get(error.snu, 400)
    )


def _example_reply(body: str) -> tuple[int, str]:
    """The documented answer to ``body``: the refusal, or OK from a known controller."""
    try:
        message = scaip.parse(body)
    except ScaipError as error:
        return SCAIP_STATUS.get(error.snu, 400), scaip.reply(error.ref, error.snu)
    return 200, scaip.reply(message.ref, Snu.OK, SCAIP_EXAMPLE_INTERVAL)


def _scaip_openapi() -> tuple[dict[int | str, dict[str, Any]], dict[str, Any]]:
    """The responses and request body of the SCAIP endpoint, examples generated by the real
    parser and reply builder, so the documentation cannot drift from the answers."""
    descriptions = {
        200: "snu 0: the alarm is in",
        400: "snu 2, 3 or 7: refused, do not retry unchanged",
        413: "snu 1: the body is too long",
    }
    replies: dict[int, dict[str, Any]] = {status: {} for status in descriptions}
    requests: dict[str, Any] = {}
    for name, (summary, body) in SCAIP_EXAMPLES.items():
        status, answer = _example_reply(body)
        replies[status][name] = {"summary": summary, "value": answer}
        requests[name] = {"summary": summary, "value": body}
    too_long = scaip.reply(None, Snu.TOO_LONG)
    replies[413]["too_long"] = {"summary": "A body over the limit", "value": too_long}
    string = {"type": "string"}
    responses: dict[int | str, dict[str, Any]] = {
        status: {
            "description": description,
            "content": {XML: {"schema": string, "examples": replies[status]}},
        }
        for status, description in descriptions.items()
    }
    media = {"schema": string, "examples": requests}
    request_body = {"requestBody": {"required": True, "content": {XML: media, "text/xml": media}}}
    return responses, request_body


_SCAIP_RESPONSES, _SCAIP_BODY = _scaip_openapi()


@router.post(
    "/alarms/scaip",
    response_class=ScaipResponse,
    summary="Post a SCAIP (EN 50134-9) alarm request; answered with a SCAIP reply",
    description="The body is one `<mrq>` element (`application/xml` or `text/xml`, at most "
    f"{scaip.MAX_BODY_BYTES} bytes; document type declarations are refused). The `<mrs>` "
    "reply echoes `ref` whenever it could be read (refusals too) and carries the status number "
    "`snu`: 0 OK, with the controller's heartbeat interval `hbi` in seconds when the controller "
    "is known; 1 too long (HTTP 413); 2 invalid format, 3 wrong data (a `ref` or `cid` that "
    "cannot be stored, or sent twice), 7 mandatory tag missing (HTTP 400). A `ref` is any "
    f"printable text up to {scaip.REF_LENGTH} characters (`S-100` is fine); every refusal is "
    "logged with its reason. Any other odd value (a priority outside 1-9, an "
    "unreadable device type or status code, a text too long) is answered OK: the alarm is "
    "taken in, the value kept as sent and shown on the incident; an alarm whose priority or "
    "device type could not be read gets priority 1. A retry of the same `ref` is answered OK "
    "again and counted once.",
    responses=_SCAIP_RESPONSES,
    openapi_extra=_SCAIP_BODY,
)
async def post_scaip_alarm(request: Request) -> Response:
    # The body is read first (bytes only, at most the limit), then token, parsing and intake
    # in one trip to the thread pool (see ``deps.actor_of``); the access check still comes
    # before anything of the body is parsed.
    arrived = intake.in_flight.arrive()  # the watchdog waits for it (``intake.InFlight``)
    try:
        body = await _body_up_to(request, scaip.MAX_BODY_BYTES + 1)
        return await run_in_threadpool(_take_scaip, request, body, arrived)
    finally:
        intake.in_flight.answered(arrived)


def _take_scaip(request: Request, body: bytes, arrived: datetime) -> Response:
    session: Session
    with request.app.state.sessions() as session:
        actor = actor_of(request, session)
        ensure_allowed(actor, Permission.NIGHT_INTAKE)
        return _answer_scaip(session, actor, body, arrived)


async def _body_up_to(request: Request, limit: int) -> bytes:
    """The body, or its first ``limit`` bytes: a body past the SCAIP limit is refused unread,
    so a device (or an attacker) cannot make us hold megabytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) >= limit:
        return b"\0" * limit  # never parsed: scaip.parse answers "too long" on the length
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) >= limit:
            break
    return bytes(received[:limit])


def _answer_scaip(session: Session, actor: Actor, body: bytes, arrived: datetime) -> Response:
    try:
        message = scaip.parse(body)
        alarm = alarm_from_scaip(message)
    except ScaipError as error:
        return scaip_refusal(error)
    for tag, value in message.as_sent:
        log.warning(
            "SCAIP %s of controller %s: <%s> %r kept as sent, not used",
            message.ref,
            message.controller_id,
            tag,
            value[:80],
        )
    intake.receive_alarm(
        session,
        actor,
        message=alarm,
        cleaned=message.cleaned,
        as_sent=dict(message.as_sent),
        arrived_at=arrived,
    )
    interval = queries.heartbeat_interval(session, message.controller_id)
    return ScaipResponse(scaip.reply(message.ref, Snu.OK, interval))


UNSURE_TAGS = frozenset({"pri", "dty"})
"""Tags that decide how urgent an alarm is: when one could not be read, the alarm is taken as
most urgent (priority 1) unless a readable priority came with it. Safety first: a handler who
looks at a harmless alarm too soon loses a minute, one who looks at a fall too late, more."""


def effective_priority(message: ScaipMessage) -> int | None:
    """The priority the intake uses: the sender's 1-9 folded onto our 1-5; 1 when the priority
    or the device type could not be read; otherwise None, and the rules decide by type."""
    if message.priority is not None:
        return min(max(message.priority, rules.HIGHEST_PRIORITY), rules.LOWEST_PRIORITY)
    if UNSURE_TAGS & {tag for tag, _ in message.as_sent}:
        return rules.HIGHEST_PRIORITY
    return None


def alarm_from_scaip(message: ScaipMessage) -> AlarmIn:
    """The SCAIP request as the alarm the intake stores. ``scaip.parse`` left out every value
    the intake cannot hold, so this does not refuse an alarm it read."""
    text = " · ".join(
        part for part in (message.status_text, message.device_text, message.additional) if part
    )
    callback = message.callback or ""
    return AlarmIn(
        reference=message.ref,
        controller_id=message.controller_id,
        device_id=message.device_id,
        device_type=message.device_type or None,
        message_type=message.message_type,
        status_code=message.status_code,
        text=text,  # cut to its length by AlarmIn, and marked so
        priority=effective_priority(message),
        location_text=message.location_text or message.location_value or "",
        # A number cut short would call someone else: one too long is only kept as sent.
        callback=callback if len(callback) <= CALLBACK_LENGTH else "",
    )
