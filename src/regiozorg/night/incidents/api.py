"""One incident's JSON API (``/api/v1``): the incident, the carers it could be sent and its
steps. The console's own script works incidents with its session cookie and the
``X-CSRF-Token`` header. Access is decided in the actions and by ``regiozorg.auth``;
domain errors become HTTP in ``regiozorg.app``, once.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from regiozorg.night import rules
from regiozorg.night.incidents import actions, queries
from regiozorg.night.incidents.schemas import (
    CarerOptionOut,
    CarerOptions,
    CloseIn,
    Dispatched,
    DispatchIn,
    IncidentOut,
    ResolveSenderIn,
    StepDone,
    TriageIn,
)
from regiozorg.night.rules import IncidentState
from regiozorg.night.senders import actions as senders
from regiozorg.web.deps import CurrentActor, SessionDep, SettingsDep
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


# --- the incident ----------------------------------------------------------------------------


@router.get(
    "/incidents/{incident_id}",
    summary="An incident with its timeline, and its client card when yours to see (audited)",
    responses=NOT_FOUND,
)
@no_store
def get_incident(incident_id: UUID, session: SessionDep, actor: CurrentActor) -> IncidentOut:
    detail = actions.view_incident(session, actor, incident_id=incident_id)
    # The API's fields only, at every level: the pages' numbers to call stay out of it.
    return IncidentOut.model_validate(detail.model_dump())


@router.get(
    "/incidents/{incident_id}/carers",
    summary="Mobile carers for an incident: busy or free, travel minutes, the suggested one",
    responses=NOT_FOUND,
)
def incident_carers(
    incident_id: UUID, session: SessionDep, settings: SettingsDep, actor: CurrentActor
) -> CarerOptions:
    options = queries.carers_to_send(session, settings, actor, incident_id=incident_id)
    best = rules.suggested_carer(options)
    return CarerOptions(
        options=[CarerOptionOut.model_validate(o, from_attributes=True) for o in options],
        suggested=UUID(best.user_id) if best else None,
    )


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
    state = senders.resolve_sender(
        session,
        actor,
        incident_id=incident_id,
        client_id=data.client_id,
        remember_device=data.remember_device,
    )
    return StepDone(id=incident_id, state=state)
