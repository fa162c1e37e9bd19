"""Pages of one incident: the incident with its client card and next steps, each step's form,
linking an unknown sender, and the mobile carer's one-button view of their task."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from regiozorg.auth import Actor
from regiozorg.config import Settings
from regiozorg.errors import N_, DomainError
from regiozorg.night import labels, rules
from regiozorg.night.incidents import actions, queries
from regiozorg.night.incidents.schemas import CloseIn, TriageIn
from regiozorg.night.intake import actions as intake
from regiozorg.night.rules import (
    ContactMode,
    IncidentRole,
    IncidentState,
    InterventionType,
    Outcome,
    Step,
)
from regiozorg.night.senders import actions as senders
from regiozorg.night.senders import queries as naming
from regiozorg.web.deps import CurrentActor, SessionDep, SettingsDep
from regiozorg.web.forms import PageAgain, run_form_step
from regiozorg.web.no_store import PrivacyRoute, no_store
from regiozorg.web.pages import error_message, render

router = APIRouter(include_in_schema=False, route_class=PrivacyRoute)

# Where a step's form sends the person back to: the incident page or the phone view.
RETURN_PAGES = {"incident", "mobile"}


def _render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """A night page; its templates say the service's codes in words (``labels.PAGE_LABELS``)."""
    return render(request, template, labels.PAGE_LABELS | context, status_code)


# --- an incident -----------------------------------------------------------------------------


def _incident_context(
    session: Session, settings: Settings, actor: Actor, incident_id: UUID
) -> dict[str, Any]:
    detail = actions.view_incident(session, actor, incident_id=incident_id)
    options = (
        queries.carers_to_send(session, settings, actor, incident_id=incident_id)
        if Step.DISPATCH in detail.next_steps
        else []
    )
    suggested = rules.suggested_carer(options)
    return {
        "detail": detail,
        "is_handler": IncidentRole.HANDLER in detail.role,
        "is_carer": IncidentRole.CARER in detail.role,
        "options": options,
        "suggested": suggested.user_id if suggested else "",
        "contact_modes": [ContactMode.PHONE, ContactMode.VIDEO],
        "outcomes": [o for o in Outcome if o is not Outcome.RESET_AT_SOURCE],
        "interventions": list(InterventionType),
        "event_label": labels.event_label,
        "event_detail": labels.event_detail,
        "escalation_shown": labels.escalation_shown,
    }


def _incident_page(
    request: Request,
    session: Session,
    settings: Settings,
    actor: Actor,
    incident_id: UUID,
    *,
    error: str | None = None,
    status_code: int = 200,
    typed: dict[str, str] | None = None,
) -> Response:
    """The incident page; ``typed`` holds what a refused form had in it, to show it again."""
    context = _incident_context(session, settings, actor, incident_id) | {
        "error": error,
        "typed": typed or {},
    }
    return _render(request, "night/incident.html", context, status_code)


@router.get("/night/incidents/{incident_id}")
@no_store
def incident_page(
    request: Request,
    incident_id: UUID,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
) -> Response:
    return _incident_page(request, session, settings, actor, incident_id)


def _again(
    request: Request,
    session: Session,
    settings: Settings,
    actor: Actor,
    incident_id: UUID,
    back: str,
    typed: dict[str, str] | None = None,
) -> PageAgain:
    """The page the step's form was on, once more: the phone view or the incident page."""
    if back == "mobile":
        return lambda error, status: _mobile_page(
            request, session, actor, error=error, status=status, typed=typed
        )
    return lambda error, status: _incident_page(
        request, session, settings, actor, incident_id, error=error, status_code=status,
        typed=typed,
    )  # fmt: skip


def _onwards(incident_id: UUID, back: str) -> Response:
    if back == "mobile":
        return RedirectResponse("/night/mobile", status_code=303)
    return RedirectResponse(f"/night/incidents/{incident_id}", status_code=303)


def _step(
    request: Request,
    session: Session,
    settings: Settings,
    actor: Actor,
    incident_id: UUID,
    step: Callable[[], object],
    back: str = "incident",
) -> Response:
    """Run one action; on refusal the same page again with the reason in the reader's words."""
    return run_form_step(
        request,
        step,
        then=_onwards(incident_id, back),
        again=_again(request, session, settings, actor, incident_id, back),
    )


@router.post("/night/incidents/{incident_id}/acknowledge")
@no_store
def acknowledge(
    request: Request,
    incident_id: UUID,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
) -> Response:
    return _step(
        request, session, settings, actor, incident_id,
        lambda: actions.acknowledge(session, actor, incident_id=incident_id),
    )  # fmt: skip


@router.post("/night/incidents/{incident_id}/triage")
@no_store
def triage(
    request: Request,
    incident_id: UUID,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
    contact_mode: Annotated[ContactMode, Form()] = ContactMode.PHONE,
    outcome: Annotated[Outcome | None, Form()] = None,
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    data = TriageIn(contact_mode=contact_mode, outcome=outcome, note=note.strip())
    return _step(
        request, session, settings, actor, incident_id,
        lambda: actions.triage(session, actor, incident_id=incident_id, data=data),
    )  # fmt: skip


@router.post("/night/incidents/{incident_id}/dispatch")
@no_store
def dispatch(
    request: Request,
    incident_id: UUID,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
    carer_id: Annotated[UUID | None, Form()] = None,
) -> Response:
    return _step(
        request, session, settings, actor, incident_id,
        lambda: actions.dispatch(
            session, actor, settings, incident_id=incident_id, carer_id=carer_id
        ),
    )  # fmt: skip


CARER_STEPS: dict[str, Callable[..., IncidentState]] = {
    Step.TAKE: actions.take_task,
    Step.ARRIVE: actions.arrive,
    Step.COMPLETE: actions.complete,
}


@router.post("/night/incidents/{incident_id}/carer/{step}")
@no_store
def carer_step(
    request: Request,
    incident_id: UUID,
    step: str,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
    back: Annotated[str, Form()] = "incident",
) -> Response:
    """ "Ik ga", "aanwezig", "klaar": from the phone view, or by the handler on the carer's
    behalf from the incident page."""
    action = CARER_STEPS.get(step)
    if action is None:
        raise DomainError(N_("Deze stap bestaat niet."))
    return _step(
        request, session, settings, actor, incident_id,
        lambda: action(session, actor, incident_id=incident_id),
        back if back in RETURN_PAGES else "incident",
    )  # fmt: skip


CHOOSE_INTERVENTION = N_("Kies welke interventie er is gedaan.")


def _chosen_intervention(code: str) -> InterventionType:
    """The intervention picked on the form; none picked (the empty first option) refuses."""
    if code not in set(InterventionType):
        raise DomainError(CHOOSE_INTERVENTION)
    return InterventionType(code)


@router.post("/night/incidents/{incident_id}/close")
@no_store
def close(
    request: Request,
    incident_id: UUID,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
    intervention: Annotated[str, Form(max_length=40)] = "",
    notes: Annotated[str, Form(max_length=4000)] = "",
    handover_note: Annotated[str, Form(max_length=4000)] = "",
    back: Annotated[str, Form()] = "incident",
) -> Response:
    """The logbook entry. The intervention is chosen by the person closing, never defaulted;
    a refusal shows the form again with everything typed still in it."""
    back = back if back in RETURN_PAGES else "incident"
    typed = {"intervention": intervention, "notes": notes, "handover_note": handover_note}

    def step() -> None:
        data = CloseIn(
            intervention=_chosen_intervention(intervention), notes=notes,
            handover_note=handover_note,
        )  # fmt: skip
        actions.close(session, actor, incident_id=incident_id, data=data)

    return run_form_step(
        request,
        step,
        then=_onwards(incident_id, back),
        again=_again(request, session, settings, actor, incident_id, back, typed),
    )


@router.get("/night/incidents/{incident_id}/sender")
@no_store
def find_sender(
    request: Request,
    incident_id: UUID,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Clients to link, found by name, client number or room: the matches alone for htmx, the
    whole incident page with them without JavaScript."""
    try:
        search = senders.find_candidates(session, actor, incident_id=incident_id, text=q)
    except DomainError as refused:
        return _incident_page(
            request, session, settings, actor, incident_id,
            error=error_message(request, refused), status_code=refused.status_code,
        )  # fmt: skip
    if request.headers.get("HX-Request") == "true":
        return _render(request, "night/_sender_matches.html", {"search": search})
    context = _incident_context(session, settings, actor, incident_id)
    return _render(request, "night/incident.html", context | {"error": None, "search": search})


@router.post("/night/incidents/{incident_id}/sender")
@no_store
def resolve_sender(
    request: Request,
    incident_id: UUID,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
    client_id: Annotated[str, Form()] = "",
    organisation_id: Annotated[str, Form()] = "",
    client_number: Annotated[str, Form(max_length=32)] = "",
    remember_device: Annotated[bool, Form()] = False,
) -> Response:
    """Link the client picked from the search (or named by organisation and client number);
    the device only when the handler ticked it."""

    def link() -> None:
        chosen = (
            _picked(actor, client_id)
            if client_id.strip()
            else naming.enrolled_client(
                session, actor, organisation_id=organisation_id, client_number=client_number
            )
        )
        senders.resolve_sender(
            session, actor, incident_id=incident_id, client_id=chosen,
            remember_device=remember_device,
        )  # fmt: skip

    return _step(request, session, settings, actor, incident_id, link)


def _picked(actor: Actor, client_id: str) -> UUID:
    try:
        return UUID(client_id.strip())
    except ValueError:
        raise intake.no_such_client(actor, UUID(int=0)) from None


# --- the mobile carer ------------------------------------------------------------------------


def _mobile_context(session: Session, actor: Actor) -> dict[str, Any]:
    task, waiting = queries.current_task(session, actor)
    detail = actions.view_incident(session, actor, incident_id=task) if task else None
    return {
        "detail": detail,
        "waiting": waiting,
        "interventions": list(InterventionType),
    }


def _mobile_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    error: str | None = None,
    status: int = 200,
    typed: dict[str, str] | None = None,
) -> Response:
    context = _mobile_context(session, actor) | {"error": error, "typed": typed or {}}
    return _render(request, "night/mobile.html", context, status)


@router.get("/night/mobile")
@no_store
def mobile_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    return _mobile_page(request, session, actor)


@router.get("/night/mobile/task")
@no_store
def mobile_task(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    """The current task alone, re-fetched when a night event arrives."""
    return _render(request, "night/_task.html", _mobile_context(session, actor) | {"error": None})
