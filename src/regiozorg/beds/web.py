"""Pages of the coordination point: the live bed board, intake, the coordinator's worklist and
request page, the provider's offers, the reports, and the live event stream they listen to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from babel.numbers import format_decimal
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from regiozorg.auth import Actor, Decision, Permission, decide, ensure_allowed, scope
from regiozorg.beds import actions, board, explain, offers, queries
from regiozorg.beds.rules import (
    CAPABILITIES,
    BedStatus,
    CareType,
    MatchReason,
    Party,
    Reason,
    RequestStatus,
    transition_refusal,
)
from regiozorg.beds.schemas import BedRequestIn, RequestCorrectionIn
from regiozorg.clock import AMSTERDAM
from regiozorg.config import Settings
from regiozorg.errors import N_, DomainError, NotFoundError
from regiozorg.i18n import translate
from regiozorg.network import queries as network
from regiozorg.web import sse
from regiozorg.web.deps import CurrentActor, MaybeSignedIn, SessionDep, SettingsDep
from regiozorg.web.forms import PageAgain, run_form_step
from regiozorg.web.labels import label
from regiozorg.web.no_store import PrivacyRoute, no_store
from regiozorg.web.pages import error_message, page_locale, render

router = APIRouter(include_in_schema=False, route_class=PrivacyRoute)

# The coordinator's own steps on a request, in the order the page offers them.
COORDINATOR_STEPS = (
    RequestStatus.ON_HOLD,
    RequestStatus.SEARCHING,
    RequestStatus.CONFIRMED,
    RequestStatus.CANCELLED,
)
FIELD_PROBLEMS = {
    "care_type": N_("Kies een zorgsoort."),
    "wanted_from": N_("Vul een geldige datum en tijd in."),
    "patient_initials": N_(
        "Vul de initialen in zoals u ze schrijft: letters, punten, spaties, apostrof of streepje."
    ),
    "patient_birth_year": N_("Vul een geboortejaar in tussen 1900 en nu."),
    "patient_birth_date": N_("Vul een geboortedatum in tussen 1900 en vandaag."),
    "medical_reason": N_("Beschrijf de medische reden in hooguit 200 tekens."),
    "patient_sex": N_("Kies het geslacht."),
    "patient_postcode": N_("Vul een Nederlandse postcode in (1234 AB)."),
    "needs": N_("Kies alleen voorzieningen uit de lijst."),
    "preferred_location_id": N_("Kies een locatie uit de lijst."),
    "referrer_kind": N_("Kies wie de aanvraag doet."),
    "referrer_name": N_("Vul de naam van de aanvrager in."),
    "referrer_phone": N_("Vul een telefoonnummer in van minstens 6 tekens."),
}
CHECKBOXES = (
    "urgent",
    "has_wlz_indication",
    "life_expectancy_under_3_months",
    "consents_outside_region",
    "expects_return_home",
)


# --- the coordination point's codes in the reader's words -------------------------------------
# The domain gives codes with parameters (``rules``) and names their messages (``explain``);
# they are translated only where shown: here for the pages, and for the API (``beds.api``).


def number(locale: str, value: float) -> str:
    """A score or part of one, with one decimal in the locale's own format."""
    return format_decimal(value, "#,##0.0", locale=locale)


def points(locale: str, value: float) -> str:
    """A signed contribution to a score: +89,0 or −5,0."""
    sign = "+" if value >= 0 else "\u2212"
    return sign + number(locale, abs(value))


def capability(locale: str, code: str) -> str:
    """A capability's label inside a sentence: "tillift", but "PG (psychogeriatrie)"."""
    text = translate(locale, label(code))
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def reason_text(locale: str, reason: MatchReason) -> str:
    capabilities = ", ".join(capability(locale, c) for c in reason.capabilities)
    text = translate(locale, explain.match_text(reason)).format(
        minutes=reason.minutes, capabilities=capabilities
    )
    return f"{text} ({points(locale, reason.points)})" if reason.points else text


def reasons_text(locale: str, reasons: list[MatchReason]) -> list[str]:
    return [reason_text(locale, reason) for reason in reasons]


def say(locale: str, reason: Reason) -> str:
    """A rule's reason as a sentence in the reader's language."""
    return translate(locale, explain.text(reason), **reason.params)


def outcome(locale: str, reasons: list[Reason], typed: str | None) -> str:
    """Why a request stopped, one reason a line: the rules' reasons in the reader's language,
    then what a person typed. A line typed that is a catalog message is translated too: rows
    from before the codes (migration 0009) that it could not convert kept the rules' Dutch."""
    lines = [say(locale, reason) for reason in reasons]
    lines += [translate(locale, line) for line in (typed or "").splitlines()]
    return "\n".join(lines)


def _hours(span: timedelta) -> tuple[int, int]:
    minutes = int(span.total_seconds() // 60)
    return minutes // 60, minutes % 60


def _can(actor: Actor, permission: Permission) -> bool:
    return decide(actor, permission) is Decision.ALLOW


# --- the board -------------------------------------------------------------------------------


def _board_context(
    session: Session,
    settings: Settings,
    actor: Actor,
    filters: dict[str, str],
) -> dict[str, Any]:
    """The board for ``filters`` as the page sends them (unknown values are ignored)."""
    care_type, capability = filters.get("care_type", ""), filters.get("capability", "")
    try:
        region_id = UUID(filters.get("region", "")) if filters.get("region") else None
    except ValueError:
        region_id = None
    page = filters.get("page", "")
    chosen = board.BoardFilter(
        care_type=CareType(care_type) if care_type in CareType.__members__ else None,
        capability=capability if capability in CAPABILITIES else None,
        region_id=region_id,
        place=filters.get("place") or None,
        free_only=filters.get("free") == "1",
        page=int(page) if page.isdigit() else 1,
    )
    view = board.board(
        session,
        chosen=chosen,
        organisation_ids=actor.organisation_ids(),
        stale_hours=settings.bed_stale_hours,
    )
    kept = {
        "care_type": chosen.care_type or "",
        "capability": chosen.capability or "",
        "region": str(region_id) if region_id else "",
        "place": chosen.place or "",
        "free": "1" if chosen.free_only else "",
        "page": str(view.page) if view.page > 1 else "",
        "own": filters.get("own", ""),
    }

    def link(**changes: str) -> str:
        """This board with some filters changed (a new place or region starts at page 1)."""
        values = kept | ({"page": ""} if "page" not in changes else {}) | changes
        return urlencode({name: value for name, value in values.items() if value})

    return {
        "view": view,
        "totals": [view.totals.free, view.totals.held, view.totals.occupied],
        "filters": kept,
        "board_query": link(page=kept["page"]),
        "link": link,
    }


def _board_filters(request: Request) -> dict[str, str]:
    names = ("care_type", "capability", "region", "place", "free", "page", "own")
    return {name: request.query_params.get(name, "")[:80] for name in names}


@router.get("/beds")
def board_page(
    request: Request, session: SessionDep, settings: SettingsDep, actor: CurrentActor
) -> Response:
    """Filters: care_type, capability, region (another than the reader's own), place (a
    town of the region), free=1 (only locations with a free bed), page, own (which of the
    reader's own locations shows its beds to update)."""
    ensure_allowed(actor, Permission.BEDS_VIEW)
    context = _board_context(session, settings, actor, _board_filters(request))
    own = offers.own_beds(session, scope(actor, Permission.BEDS_PROVIDE) or ())
    context |= {
        "own_beds": own,
        "undos": offers.undoable_changes(session, [bed.id for bed in own]),
        "own_location": context["filters"]["own"],
        "care_types": list(CareType),
        "capabilities": CAPABILITIES,
        "bed_codes": list(BedStatus),
    }
    return render(request, "beds/board.html", context)


@router.get("/beds/board")
def board_fragment(
    request: Request, session: SessionDep, settings: SettingsDep, actor: CurrentActor
) -> Response:
    """The counts alone, re-fetched by the board page on every bed event."""
    ensure_allowed(actor, Permission.BEDS_VIEW)
    context = _board_context(session, settings, actor, _board_filters(request))
    return render(request, "beds/_board.html", context)


def _own_bed_row(
    request: Request,
    session: Session,
    actor: Actor,
    bed_id: UUID,
    *,
    confirm: BedStatus | None = None,
    status_code: int = 200,
) -> Response:
    """One row of the provider's own beds: to swap in place (HTMX), or alone on a page when it
    asks for confirmation without HTMX."""
    found = offers.own_beds(session, scope(actor, Permission.BEDS_PROVIDE) or (), only=bed_id)
    if not found:
        raise NotFoundError("Bed niet gevonden.")
    context = {
        "bed": found[0],
        "bed_codes": list(BedStatus),
        "undos": offers.undoable_changes(session, [bed_id]),
        "confirm": confirm,
    }
    htmx = request.headers.get("hx-request") == "true"
    template = "beds/_own_bed.html" if htmx else "beds/bed_confirm.html"
    return render(request, template, context, status_code)


@router.post("/beds/{bed_id}/status")
def change_bed_status(
    request: Request,
    bed_id: UUID,
    session: SessionDep,
    actor: CurrentActor,
    status: Annotated[BedStatus, Form()],
    expected_free_at: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """One click on the ward. With HTMX the row is swapped in place; without, back to the board.
    A bed with a patient in it first asks for confirmation and a reason."""
    free_at = None
    if status is BedStatus.OCCUPIED and expected_free_at:
        try:
            day = date.fromisoformat(expected_free_at)
        except ValueError:
            raise DomainError("Vul een geldige datum in.") from None
        free_at = datetime.combine(day, time(12), AMSTERDAM)  # discharges happen around noon
    try:
        actions.set_bed_status(
            session, actor, bed_id=bed_id, status=status, expected_free_at=free_at, reason=reason
        )
    except actions.ConfirmationNeededError:
        htmx = request.headers.get("hx-request") == "true"
        # HTMX swaps only a 2xx answer: the question is the row's new content
        return _own_bed_row(
            request, session, actor, bed_id, confirm=status, status_code=200 if htmx else 409
        )
    if request.headers.get("hx-request") != "true":
        return RedirectResponse("/beds#own-beds", status_code=303)
    return _own_bed_row(request, session, actor, bed_id)


@router.get("/beds/{bed_id}/row")
def own_bed_row(
    request: Request, bed_id: UUID, session: SessionDep, actor: CurrentActor
) -> Response:
    """The row as it is: where "no, leave it" goes back to."""
    ensure_allowed(actor, Permission.BEDS_PROVIDE)
    return _own_bed_row(request, session, actor, bed_id)


@router.post("/beds/changes/{change_id}/undo")
def undo_bed_change(
    request: Request, change_id: UUID, session: SessionDep, actor: CurrentActor
) -> Response:
    bed_id = actions.undo_bed_change(session, actor, change_id=change_id)
    if request.headers.get("hx-request") != "true":
        return RedirectResponse("/beds#own-beds", status_code=303)
    return _own_bed_row(request, session, actor, bed_id)


# --- the live stream -------------------------------------------------------------------------


@router.get("/beds/events")
def bed_events(request: Request, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.BEDS_VIEW)
    return sse.stream_response(request, "beds")


# --- intake ----------------------------------------------------------------------------------


def _intake_context(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "values": values,
        "care_types": list(CareType),
        "capabilities": CAPABILITIES,
        "locations": network.locations(session),
        "referrer_kinds": ("gp", "hospital", "gp_post", "coordinator"),
    }


@router.get("/beds/requests/new")
def intake_page(
    request: Request, session: SessionDep, who: MaybeSignedIn, actor: CurrentActor
) -> Response:
    ensure_allowed(actor, Permission.BEDS_REQUEST)
    coordinator = _can(actor, Permission.BEDS_COORDINATE)
    values: dict[str, Any] = {
        "referrer_kind": "coordinator" if coordinator else "gp",
        "referrer_name": "" if coordinator or who is None else who.name,
        "expects_return_home": True,
        "needs": [],
    }
    return render(request, "beds/request_new.html", _intake_context(session, values))


def _parse_intake(form: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Form fields to the schema's input; problems found before the schema sees them."""
    data = {k: v for k, v in form.items() if k not in CHECKBOXES and v not in ("", None)}
    data |= {name: name in form for name in CHECKBOXES}
    problems: dict[str, str] = {}
    if wanted := data.get("wanted_from"):
        try:
            data["wanted_from"] = datetime.fromisoformat(wanted).replace(tzinfo=AMSTERDAM)
        except ValueError:
            problems["wanted_from"] = FIELD_PROBLEMS["wanted_from"]
    return data, problems


@router.post("/beds/requests/new")
@no_store
async def submit_request(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.BEDS_REQUEST)
    form = await request.form()
    values: dict[str, Any] = {k: v for k, v in form.items() if k != "csrf_token"}
    values["needs"] = [str(n) for n in form.getlist("needs")]
    data, problems = _parse_intake(values)
    error = None
    if not problems:
        try:
            valid = BedRequestIn.model_validate(data)
            created = await run_in_threadpool(actions.request_bed, session, actor, data=valid)
            return RedirectResponse(f"/beds/requests/{created.id}", status_code=303)
        except ValidationError as invalid:
            for problem in invalid.errors():
                # the one check across fields: a date of birth (or year) is missing or off
                field = str(problem["loc"][0]) if problem["loc"] else "patient_birth_date"
                problems[field] = FIELD_PROBLEMS.get(field, N_("Ongeldige waarde."))
        except DomainError as refused:
            error = error_message(request, refused)
    context = await run_in_threadpool(_intake_context, session, values)
    context |= {"problems": problems, "error": error}
    return render(request, "beds/request_new.html", context, 422 if problems else 409)


# --- the coordinator's worklist and a request ------------------------------------------------


@router.get("/beds/requests")
def worklist_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    context = {"items": actions.view_worklist(session, actor), "hours": _hours}
    return render(request, "beds/worklist.html", context)


@router.get("/beds/requests/list")
def worklist_fragment(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    """The worklist's table alone, re-fetched when a request changes."""
    context = {"items": actions.view_worklist(session, actor), "hours": _hours}
    return render(request, "beds/_worklist.html", context)


def _request_context(
    request: Request, session: Session, settings: Settings, actor: Actor, request_id: UUID
) -> dict[str, Any]:
    detail = actions.view_request(session, actor, request_id=request_id)
    coordinator = _can(actor, Permission.BEDS_COORDINATE)
    current = RequestStatus(detail.status)
    found = (
        queries.matches(session, settings, request_id=request_id)
        if coordinator and current is RequestStatus.SEARCHING
        else []
    )
    # A bed its provider declined for this request is not offered again at the top: it is
    # shown apart, as declined, with the provider's reason.
    declined = offers.declines(session, request_id) if found else {}
    places = offers.bed_places(session, {m.bed_id for m in found} | {h[1] for h in detail.holds})
    steps = [
        step
        for step in COORDINATOR_STEPS
        if coordinator and transition_refusal(current, step, Party.COORDINATOR) is None
    ]
    locale = page_locale(request)
    correcting = coordinator and current is RequestStatus.NOT_ELIGIBLE
    return {
        "detail": detail,
        "matches": [m for m in found if m.bed_id not in declined],
        "declined_matches": [(m, declined[m.bed_id]) for m in found if m.bed_id in declined],
        "places": places,
        "steps": steps,
        "coordinator": coordinator,
        "why": lambda match: reasons_text(locale, match.reasons),
        "outcome": outcome(locale, detail.outcome_codes, detail.outcome_reason),
        "number": lambda value: number(locale, value),
        "care_types": list(CareType),
        "capabilities": CAPABILITIES,
        "locations": network.locations(session) if correcting else [],
    }


def _request_page(
    request: Request,
    session: Session,
    settings: Settings,
    actor: Actor,
    request_id: UUID,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    context = _request_context(request, session, settings, actor, request_id)
    return render(request, "beds/request.html", context | {"error": error}, status_code)


@router.get("/beds/requests/{request_id}")
@no_store
def request_page(
    request: Request,
    request_id: UUID,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
) -> Response:
    return _request_page(request, session, settings, actor, request_id)


@router.get("/beds/requests/{request_id}/live")
@no_store
def request_fragment(
    request: Request,
    request_id: UUID,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
) -> Response:
    """The request page's content alone, re-fetched when an event names this request."""
    context = _request_context(request, session, settings, actor, request_id)
    return render(request, "beds/_request.html", context)


@router.post("/beds/requests/{request_id}/correct")
@no_store
async def correct_request(
    request: Request,
    request_id: UUID,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
) -> Response:
    """A request found not suitable, corrected and triaged again."""
    form = await request.form()
    data: dict[str, Any] = {
        name: str(form[name])
        for name in ("care_type", "medical_reason", "preferred_location_id")
        if form.get(name)
    }
    data |= {name: name in form for name in CHECKBOXES if name != "urgent"}
    data["needs"] = [str(n) for n in form.getlist("needs")]
    try:
        try:
            valid = RequestCorrectionIn.model_validate(data)
        except ValidationError:
            raise DomainError("Ongeldige waarde.") from None
        await run_in_threadpool(
            actions.correct_request, session, actor, request_id=request_id, data=valid
        )
    except DomainError as refused:
        message = error_message(request, refused)
        return await run_in_threadpool(
            partial(
                _request_page, request, session, settings, actor, request_id,
                error=message, status_code=refused.status_code,
            )
        )  # fmt: skip
    return RedirectResponse(f"/beds/requests/{request_id}", status_code=303)


@router.post("/beds/requests/{request_id}/hold")
@no_store
def hold(
    request: Request,
    request_id: UUID,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
    bed_id: Annotated[UUID, Form()],
) -> Response:
    ttl = timedelta(minutes=settings.bed_hold_minutes)
    return run_form_step(
        request,
        lambda: actions.hold_bed(session, actor, request_id=request_id, bed_id=bed_id, ttl=ttl),
        then=RedirectResponse(f"/beds/requests/{request_id}", status_code=303),
        again=_request_again(request, session, settings, actor, request_id),
    )


@router.post("/beds/requests/{request_id}/status")
@no_store
def change_request(
    request: Request,
    request_id: UUID,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
    target: Annotated[RequestStatus, Form()],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    return run_form_step(
        request,
        lambda: actions.change_request(
            session, actor, request_id=request_id, target=target, note=note
        ),
        then=RedirectResponse(f"/beds/requests/{request_id}", status_code=303),
        again=_request_again(request, session, settings, actor, request_id),
    )


def _request_again(
    request: Request,
    session: Session,
    settings: Settings,
    actor: Actor,
    request_id: UUID,
) -> PageAgain:
    """The request's page once more, with why a step on it was refused."""
    return lambda message, status: _request_page(
        request, session, settings, actor, request_id, error=message, status_code=status
    )


# --- the provider's offers -------------------------------------------------------------------


def _offers_context(session: Session, actor: Actor) -> dict[str, Any]:
    ensure_allowed(actor, Permission.BEDS_PROVIDE)
    own = scope(actor, Permission.BEDS_PROVIDE) or frozenset()
    return {"offers": offers.offers(session, own)}


@router.get("/beds/offers")
@no_store
def offers_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    return render(request, "beds/offers.html", _offers_context(session, actor))


@router.get("/beds/offers/list")
@no_store
def offers_fragment(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    return render(request, "beds/_offers.html", _offers_context(session, actor))


def _after_offer(
    request: Request, session: Session, actor: Actor, step: Callable[[], object]
) -> Response:
    return run_form_step(
        request,
        step,
        then=RedirectResponse("/beds/offers", status_code=303),
        again=lambda message, status: render(
            request,
            "beds/offers.html",
            _offers_context(session, actor) | {"error": message},
            status,
        ),
    )


@router.post("/beds/offers/{hold_id}/decision")
@no_store
def decide_offer(
    request: Request,
    hold_id: UUID,
    session: SessionDep,
    actor: CurrentActor,
    accept: Annotated[bool, Form()],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    def decide() -> str:
        if not accept and not reason.strip():
            raise DomainError("Geef een reden op voor het afwijzen.")
        return actions.decide_hold(session, actor, hold_id=hold_id, accept=accept, reason=reason)

    return _after_offer(request, session, actor, decide)


@router.post("/beds/offers/{hold_id}/admit")
@no_store
def admit_offer(
    request: Request, hold_id: UUID, session: SessionDep, actor: CurrentActor
) -> Response:
    return _after_offer(
        request, session, actor, lambda: actions.admit(session, actor, hold_id=hold_id)
    )


# --- reports ---------------------------------------------------------------------------------


@router.get("/beds/reports")
def reports_page(
    request: Request, session: SessionDep, settings: SettingsDep, actor: CurrentActor
) -> Response:
    ensure_allowed(actor, Permission.BEDS_REPORTS)
    report = queries.report(session, settings)
    chart_data = {
        "weeks": sorted({p.week for p in report.placement}),
        "placement": [
            {"week": p.week, "care_type": p.care_type, "median": p.median_hours, "p90": p.p90_hours}
            for p in report.placement
        ],
        "occupancy": [
            {"care_type": care, "occupied": occupied, "total": total}
            for care, occupied, total in report.occupancy
        ],
    }
    locale = page_locale(request)
    chart_labels = {care.value: translate(locale, label(care.value)) for care in CareType}
    context = {
        "report": report,
        "chart_data": chart_data,
        "chart_labels": chart_labels,
        "outcome": lambda row: outcome(locale, row.reasons, row.typed) or "-",
    }
    return render(request, "beds/reports.html", context)
