"""The night console's JSON API (``/api/v1``).

Alarm platforms post alarms as JSON or as SCAIP XML with a bearer token of an account holding
the night-carer role; the console's own script works incidents with its session cookie and the
``X-CSRF-Token`` header. Access is decided in the actions and by ``regiozorg.auth``; domain
errors become HTTP in ``regiozorg.app``, once.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from regiozorg.auth import Actor, Permission, ensure_allowed
from regiozorg.errors import NotFoundError
from regiozorg.night import actions, intake, queries, rules, scaip
from regiozorg.night.models import Incident
from regiozorg.night.rules import DeskRole, IncidentState
from regiozorg.night.scaip import ScaipError, ScaipMessage, Snu
from regiozorg.night.schemas import (
    CALLBACK_LENGTH,
    AlarmAccepted,
    AlarmIn,
    CallIn,
    CloseIn,
    DispatchIn,
    TriageIn,
)
from regiozorg.web import sse
from regiozorg.web.deps import CurrentActor, SessionDep, SettingsDep, actor_of
from regiozorg.web.input import CLEANED
from regiozorg.web.no_store import PrivacyRoute, no_store
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

MAX_LIST = 1000
XML = "application/xml"

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such incident"}
}
STEP: dict[int | str, dict[str, Any]] = NOT_FOUND | {
    403: {"model": Problem, "description": "Not allowed for your roles, or not on the roster now"},
    409: {
        "model": Problem,
        "description": "Claimed by another handler (named), given to another carer, or not "
        "possible in the incident's state",
    },
}


# --- what the API answers ------------------------------------------------------------------


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class StepDone(BaseModel):
    id: UUID
    state: IncidentState


class Dispatched(StepDone):
    carer_id: UUID


class CallCreated(BaseModel):
    incident_id: UUID


class ResolveSenderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: UUID
    remember_device: bool = False


class QueueRowOut(_Read):
    """An incident in the queue: where and what, never who."""

    id: UUID
    kind: str
    state: IncidentState
    priority: int
    received_at: datetime
    age_seconds: int
    unknown_sender: bool
    location: str | None
    room: str
    device_type: str | None
    handler: str | None
    carer: str | None
    escalations: int


class ClientCardOut(_Read):
    id: UUID
    name: str
    birth_date: date
    client_number: str
    organisation_id: UUID
    location: str
    room: str
    instructions: str
    risks: list[str]
    epilepsy_protocol: str
    monitoring_consent: bool
    contact_mode: str
    key_information: str


class TimelineEntryOut(_Read):
    at: datetime
    kind: str
    by: str
    detail: str


class IncidentOut(_Read):
    """One incident. ``client`` is null when no client is known, or when the reader may not
    see it (``client_hidden``: the night team off shift, or another organisation). When the
    reader may not see the person (``text_hidden``), everything typed about them is blank:
    ``summary``, ``log_notes``, ``handover_note`` and the note of the outcome step; the steps,
    codes and times stay."""

    id: UUID
    kind: str
    state: IncidentState
    outcome: str | None
    priority: int
    unknown_sender: bool
    summary: str
    device_type: str | None
    received_at: datetime
    handler: str | None
    handler_id: UUID | None
    carer: str | None
    carer_id: UUID | None
    location: str | None
    client: ClientCardOut | None
    client_hidden: bool
    text_hidden: bool
    timeline: list[TimelineEntryOut]
    intervention: str | None
    log_notes: str
    handover_note: str


class CarerOut(_Read):
    user_id: UUID
    name: str
    role: DeskRole
    phone: str
    base: str | None
    task_id: UUID | None
    task_state: IncidentState | None
    task_location: str | None


class CarerOptionOut(BaseModel):
    user_id: UUID
    name: str
    busy: bool
    travel_minutes: int | None


class CarerOptions(BaseModel):
    """Mobile carers on shift, free ones nearest first; ``suggested`` is the nearest free one
    (null when everyone is busy): what dispatch sends when no carer is chosen."""

    options: list[CarerOptionOut]
    suggested: UUID | None


# --- intake --------------------------------------------------------------------------------


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


@router.post(
    "/calls",
    status_code=201,
    summary="Enter a phone call taken at the desk; its taker handles it",
    description="Name the caller by `client_id` (their organisation and location follow), or by "
    "`organisation_id` and/or `location_id` alone: the incident keeps them and is no unknown "
    "sender. Named by none, it is an unknown sender to resolve.",
    responses={
        404: {
            "model": Problem,
            "description": "No such client, or one outside the night service: the same answer",
        },
        422: {
            "model": Problem,
            "description": "An organisation or location not in the night service, or not the "
            "client's",
        },
    },
)
def post_call(data: CallIn, session: SessionDep, actor: CurrentActor) -> CallCreated:
    return CallCreated(incident_id=intake.record_call(session, actor, call=data))


# --- the queue and an incident ---------------------------------------------------------------


@router.get(
    "/incidents",
    summary="Incidents by state, without client names",
    description="`open` (the default): every open state, most urgent and oldest first; a state "
    "name: only that state (`completed` shows those still waiting for their logbook entry); "
    "`closed`: the most recently closed first.",
)
@no_store
def list_incidents(
    session: SessionDep,
    actor: CurrentActor,
    state: Annotated[Literal["open"] | IncidentState, Query()] = "open",
    limit: Annotated[int, Query(ge=1, le=MAX_LIST)] = 200,
) -> list[QueueRowOut]:
    ensure_allowed(actor, Permission.NIGHT_HANDLE)
    if state == "open":
        rows = queries.open_queue(session, limit=limit, states=rules.OPEN_STATES)
    elif state == IncidentState.CLOSED:
        rows = queries.closed_incidents(session, limit=limit)
    else:
        rows = queries.open_queue(session, limit=limit, states={IncidentState(state)})
    return [QueueRowOut.model_validate(row) for row in rows]


@router.get(
    "/incidents/{incident_id}",
    summary="An incident with its timeline, and its client card when yours to see (audited)",
    responses=NOT_FOUND,
)
@no_store
def get_incident(incident_id: UUID, session: SessionDep, actor: CurrentActor) -> IncidentOut:
    detail = actions.view_incident(session, actor, incident_id=incident_id)
    return IncidentOut.model_validate(detail)


@router.get(
    "/incidents/{incident_id}/carers",
    summary="Mobile carers for an incident: busy or free, travel minutes, the suggested one",
    responses=NOT_FOUND,
)
def incident_carers(
    incident_id: UUID, session: SessionDep, settings: SettingsDep, actor: CurrentActor
) -> CarerOptions:
    ensure_allowed(actor, Permission.NIGHT_HANDLE)
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFoundError("Melding niet gevonden.")
    options = actions.carer_options(session, settings, incident)
    best = rules.suggested_carer(options)
    return CarerOptions(
        options=[CarerOptionOut.model_validate(o, from_attributes=True) for o in options],
        suggested=UUID(best.user_id) if best else None,
    )


@router.get("/night/carers", summary="Everyone on the night roster now, and their task")
def night_carers(session: SessionDep, actor: CurrentActor) -> list[CarerOut]:
    ensure_allowed(actor, Permission.NIGHT_HANDLE)
    return [CarerOut.model_validate(row) for row in queries.carers_on_shift(session)]


# --- the incident's steps --------------------------------------------------------------------


@router.post(
    "/incidents/{incident_id}/acknowledge",
    summary="Claim the incident: its one handler",
    responses=STEP,
)
def acknowledge(incident_id: UUID, session: SessionDep, actor: CurrentActor) -> StepDone:
    return StepDone(
        id=incident_id, state=actions.acknowledge(session, actor, incident_id=incident_id)
    )


@router.post(
    "/incidents/{incident_id}/triage",
    summary="Start remote contact, or decide its outcome",
    responses=STEP,
)
def triage(incident_id: UUID, data: TriageIn, session: SessionDep, actor: CurrentActor) -> StepDone:
    state = actions.triage(session, actor, incident_id=incident_id, data=data)
    return StepDone(id=incident_id, state=state)


@router.post(
    "/incidents/{incident_id}/dispatch",
    summary="Send a mobile carer: the one chosen, or the nearest free one",
    responses=STEP,
)
def dispatch(
    incident_id: UUID,
    data: DispatchIn,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
) -> Dispatched:
    carer_id = actions.dispatch(
        session, actor, settings, incident_id=incident_id, carer_id=data.carer_id
    )
    return Dispatched(id=incident_id, state=IncidentState.DISPATCHED, carer_id=carer_id)


@router.post(
    "/incidents/{incident_id}/accept",
    summary='The carer takes the task ("ik ga")',
    responses=STEP,
)
def accept(incident_id: UUID, session: SessionDep, actor: CurrentActor) -> StepDone:
    return StepDone(
        id=incident_id, state=actions.take_task(session, actor, incident_id=incident_id)
    )


@router.post(
    "/incidents/{incident_id}/on-site",
    summary='The carer is with the client ("aanwezig")',
    responses=STEP,
)
def on_site(incident_id: UUID, session: SessionDep, actor: CurrentActor) -> StepDone:
    return StepDone(id=incident_id, state=actions.arrive(session, actor, incident_id=incident_id))


@router.post(
    "/incidents/{incident_id}/complete",
    summary='The visit is done ("klaar"); the logbook entry closes it',
    responses=STEP,
)
def complete(incident_id: UUID, session: SessionDep, actor: CurrentActor) -> StepDone:
    return StepDone(id=incident_id, state=actions.complete(session, actor, incident_id=incident_id))


@router.post(
    "/incidents/{incident_id}/close",
    summary="Write the logbook entry and the handover note for the client's day team",
    responses=STEP
    | {422: {"model": Problem, "description": "A client's incident needs a handover note"}},
)
def close(incident_id: UUID, data: CloseIn, session: SessionDep, actor: CurrentActor) -> StepDone:
    return StepDone(
        id=incident_id, state=actions.close(session, actor, incident_id=incident_id, data=data)
    )


@router.post(
    "/incidents/{incident_id}/resolve-sender",
    summary="Name the client of an unknown sender's alarm (and remember the device)",
    responses=STEP,
)
def resolve_sender(
    incident_id: UUID, data: ResolveSenderIn, session: SessionDep, actor: CurrentActor
) -> StepDone:
    state = actions.resolve_sender(
        session,
        actor,
        incident_id=incident_id,
        client_id=data.client_id,
        remember_device=data.remember_device,
    )
    return StepDone(id=incident_id, state=state)


# --- the live stream -------------------------------------------------------------------------


@router.get(
    "/events",
    response_class=StreamingResponse,
    summary="The night console's live events (server-sent events)",
    description="Each change of an incident as `event: incident.changed` with its id, state "
    f"and priority; a comment every {sse.KEEPALIVE_SECONDS:.0f} s keeps the line open. Events say "
    "that something changed: re-read the queue on (re)connecting.",
    responses={200: {"content": {sse.MEDIA_TYPE: {"schema": {"type": "string"}}}}},
)
def night_events(request: Request, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.NIGHT_HANDLE)
    return sse.stream_response(request, intake.NIGHT, heartbeat=False)
