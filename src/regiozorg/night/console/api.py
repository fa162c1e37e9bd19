"""The console's JSON API (``/api/v1``): the queue, the carers on shift and the live stream.
Access is decided by ``regiozorg.auth``; domain errors become HTTP in ``regiozorg.app``, once.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from regiozorg.auth import Permission, ensure_allowed
from regiozorg.night import rules
from regiozorg.night.console import actions, queries
from regiozorg.night.console.schemas import CallCreated, CallIn, CarerOut, QueueRowOut
from regiozorg.night.intake import actions as intake
from regiozorg.night.rules import IncidentState
from regiozorg.web import sse
from regiozorg.web.deps import CurrentActor, SessionDep
from regiozorg.web.no_store import PrivacyRoute, no_store
from regiozorg.web.openapi import Problem

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


# --- the queue and the carers -----------------------------------------------------------------


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
    # The API's fields only: the page's extra marks of a row stay out of the answer.
    return [QueueRowOut.model_validate(row.model_dump()) for row in rows]


@router.get("/night/carers", summary="Everyone on the night roster now, and their task")
def night_carers(session: SessionDep, actor: CurrentActor) -> list[CarerOut]:
    ensure_allowed(actor, Permission.NIGHT_HANDLE)
    return [CarerOut.model_validate(row) for row in queries.carers_on_shift(session)]


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
    return CallCreated(incident_id=actions.record_call(session, actor, call=data))
