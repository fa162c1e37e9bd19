"""Pages of the desk's overview of the night: the live queue and the carers' board, a phone
call taken at the desk, and the live event stream the night's pages listen to."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from regiozorg.auth import Permission, ensure_allowed
from regiozorg.clock import utcnow
from regiozorg.errors import N_, DomainError
from regiozorg.i18n import translate
from regiozorg.night import labels
from regiozorg.night.console import actions, queries
from regiozorg.night.console.schemas import CallIn
from regiozorg.night.intake import actions as intake
from regiozorg.night.senders import queries as naming
from regiozorg.web import sse
from regiozorg.web.deps import CurrentActor, SessionDep
from regiozorg.web.no_store import PrivacyRoute, no_store
from regiozorg.web.pages import error_message, page_locale, render

router = APIRouter(include_in_schema=False, route_class=PrivacyRoute)


def _render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """A night page; its templates say the service's codes in words (``labels.PAGE_LABELS``)."""
    return render(request, template, labels.PAGE_LABELS | context, status_code)


def _iso(moment: datetime) -> str:
    """A moment for live.js to count from (``data-since``, ``data-server-now``)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _age(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d}" if minutes < 60 else f"{minutes // 60}u{minutes % 60:02d}"


def _chosen(value: str) -> UUID | None:
    """A form's choice of organisation or location: none, or its id."""
    if not value.strip():
        return None
    try:
        return UUID(value.strip())
    except ValueError:
        raise DomainError(intake.NOT_IN_NIGHT_SERVICE) from None


# --- the console -----------------------------------------------------------------------------


def _queue_context(session: Session) -> dict[str, Any]:
    """The queue, and the server's clock beside it: the ages tick on in the browser from the
    server's time, so a wrong clock on the desk's computer does not matter."""
    return {
        "queue": queries.open_queue(session),
        "age": _age,
        "iso": _iso,
        "server_now": _iso(utcnow()),
        "escalation_shown": labels.escalation_shown,
    }


@router.get("/night")
@no_store
def console_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.NIGHT_HANDLE)
    return _console(request, session)


def _console(
    request: Request, session: Session, *, error: str | None = None, status_code: int = 200
) -> Response:
    context = _queue_context(session) | {
        "carers": queries.carers_on_shift(session),
        "organisations": queries.night_organisations(session),
        "locations": queries.night_locations(session),
        "error": error,
    }
    return _render(request, "night/console.html", context, status_code)


@router.get("/night/queue")
@no_store
def queue_fragment(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    """The queue alone, re-fetched by the console on every night event."""
    ensure_allowed(actor, Permission.NIGHT_HANDLE)
    return _render(request, "night/_queue.html", _queue_context(session))


@router.get("/night/carers")
def carers_fragment(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.NIGHT_HANDLE)
    return _render(request, "night/_carers.html", {"carers": queries.carers_on_shift(session)})


@router.post("/night/calls")
@no_store
def record_call(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    summary: Annotated[str, Form(max_length=500)],
    priority: Annotated[int, Form(ge=1, le=5)] = 2,
    organisation_id: Annotated[str, Form()] = "",
    location_id: Annotated[str, Form()] = "",
    client_number: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """A phone call taken at the desk; the caller named by organisation and client number, by
    organisation or location alone, or left unknown to resolve later."""
    try:
        client_id = (
            naming.enrolled_client(
                session, actor, organisation_id=organisation_id, client_number=client_number
            )
            if client_number.strip()
            else None
        )
        call = CallIn(
            client_id=client_id,
            organisation_id=_chosen(organisation_id),
            location_id=_chosen(location_id),
            summary=summary,
            priority=priority,
        )
        incident_id = actions.record_call(session, actor, call=call)
    except ValidationError:
        return _console(request, session, error=_call_problem(request), status_code=422)
    except DomainError as refused:
        return _console(
            request, session, error=error_message(request, refused), status_code=refused.status_code
        )
    return RedirectResponse(f"/night/incidents/{incident_id}", status_code=303)


def _call_problem(request: Request) -> str:
    return translate(page_locale(request), N_("Beschrijf kort waar het gesprek over ging."))


# --- the live stream -------------------------------------------------------------------------


@router.get("/night/stream")
def night_events(request: Request, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.NIGHT_HANDLE)
    return sse.stream_response(request, intake.NIGHT)
