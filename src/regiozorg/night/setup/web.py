"""Pages that set up the shared night service: which locations take part and their norms, the
night roster, alarm controllers and devices, escalation steps; and each organisation's night
care plans for its own clients. Handlers parse the form, call one action, and redirect."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from regiozorg.auth import Actor, Permission, ensure_allowed, scope
from regiozorg.errors import N_, DomainError
from regiozorg.night import labels
from regiozorg.night.rules import ContactMode, DeskRole, EscalationTarget, Risk
from regiozorg.night.setup import actions as setup
from regiozorg.night.setup import queries as setup_queries
from regiozorg.web.deps import CurrentActor, SessionDep
from regiozorg.web.forms import PageAgain, run_form_step
from regiozorg.web.no_store import PrivacyRoute, no_store
from regiozorg.web.pages import render

router = APIRouter(include_in_schema=False, route_class=PrivacyRoute)

# Room on the escalation form for this many steps; empty rows are left out.
STEP_ROWS = 4
DEFAULT_DEVICE_TYPE = "0003"

FormText = Annotated[str, Form()]
Choice = TypeVar("Choice", bound=StrEnum)


def _number(text: str, message: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise DomainError(message) from None


def _uuid(text: str, message: str = N_("Kies een locatie uit de lijst.")) -> UUID | None:
    try:
        return UUID(text) if text.strip() else None
    except ValueError:
        raise DomainError(message) from None


def _required_uuid(text: str, message: str) -> UUID:
    found = _uuid(text, message)
    if found is None:
        raise DomainError(message)
    return found


def _choice(kind: type[Choice], value: str, message: str) -> Choice:
    try:
        return kind(value)
    except ValueError:
        raise DomainError(message) from None


def _labels() -> dict[str, Any]:
    return dict(labels.PAGE_LABELS)


# --- set-up ----------------------------------------------------------------------------------


def _setup_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    *,
    error: str | None = None,
    section: str = "",
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    ensure_allowed(actor, Permission.NIGHT_SETUP)
    locations = setup_queries.locations(session, actor)
    context = _labels() | {
        "network_wide": scope(actor, Permission.NIGHT_SETUP) is None,
        "locations": locations,
        "enrolled_locations": [line for line in locations if line.enrolled],
        "shifts": setup_queries.upcoming_shifts(session, actor),
        "carers": setup_queries.night_carers(session, actor),
        "controllers": setup_queries.controllers(session, actor),
        "steps": setup_queries.escalation_steps(session),
        "desk_roles": list(DeskRole),
        "targets": list(EscalationTarget),
        "step_rows": range(STEP_ROWS),
        "error": error,
        "section": section,
        "values": values or {},
    }
    return render(request, "night/setup_index.html", context, status_code)


def _again(
    request: Request, session: SessionDep, actor: Actor, section: str, values: dict[str, Any]
) -> PageAgain:
    """The set-up page once more at the form's section, with what was typed in it."""
    return lambda error, status: _setup_page(
        request, session, actor, error=error, section=section, values=values, status_code=status
    )


def _back(section: str) -> RedirectResponse:
    return RedirectResponse(f"/night/setup#{section}", status_code=303)


@router.get("/night/setup")
def setup_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    return _setup_page(request, session, actor)


@router.post("/night/setup/locations")
def enrol_location(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    location_id: FormText,
    answer_norm_seconds: FormText = "60",
    on_site_norm_minutes: FormText = "30",
    staff_phone: FormText = "",
) -> Response:
    values = {"location_id": location_id, "answer_norm_seconds": answer_norm_seconds,
              "on_site_norm_minutes": on_site_norm_minutes, "staff_phone": staff_phone}  # fmt: skip

    def step() -> None:
        setup.enrol_location(
            session,
            actor,
            location_id=_required_uuid(location_id, N_("Kies een locatie uit de lijst.")),
            answer_norm_seconds=_number(answer_norm_seconds, N_("Vul de normen in als getal.")),
            on_site_norm_minutes=_number(on_site_norm_minutes, N_("Vul de normen in als getal.")),
            staff_phone=staff_phone.strip() or None,
        )

    return run_form_step(
        request,
        step,
        then=_back("locations"),
        again=_again(request, session, actor, "locations", values),
    )


@router.post("/night/setup/locations/{location_id}/unenrol")
def unenrol_location(
    request: Request, session: SessionDep, actor: CurrentActor, location_id: UUID
) -> Response:
    def step() -> None:
        setup.unenrol_location(session, actor, location_id=location_id)

    return run_form_step(
        request,
        step,
        then=_back("locations"),
        again=_again(request, session, actor, "locations", {}),
    )


@router.post("/night/setup/shifts")
def add_shift(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    user_id: FormText,
    role: FormText,
    starts_at: FormText,
    ends_at: FormText,
    base_location_id: FormText = "",
    phone: FormText = "",
) -> Response:
    values = {"user_id": user_id, "role": role, "starts_at": starts_at, "ends_at": ends_at,
              "base_location_id": base_location_id, "phone": phone}  # fmt: skip

    def step() -> None:
        setup.add_shift(
            session,
            actor,
            user_id=_required_uuid(user_id, N_("Kies een nachtzorgmedewerker.")),
            role=_choice(DeskRole, role, N_("Kies meldbank of mobiel.")),
            starts_at=setup.parse_local_time(starts_at),
            ends_at=setup.parse_local_time(ends_at),
            base_location_id=_uuid(base_location_id),
            phone=phone.strip(),
        )

    return run_form_step(
        request, step, then=_back("roster"), again=_again(request, session, actor, "roster", values)
    )


@router.post("/night/setup/shifts/{shift_id}/remove")
def remove_shift(
    request: Request, session: SessionDep, actor: CurrentActor, shift_id: UUID
) -> Response:
    def step() -> None:
        setup.remove_shift(session, actor, shift_id=shift_id)

    return run_form_step(
        request, step, then=_back("roster"), again=_again(request, session, actor, "roster", {})
    )


@router.post("/night/setup/devices")
def register_device(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    controller_id: FormText,
    device_id: FormText = "",
    device_type: FormText = DEFAULT_DEVICE_TYPE,
    client_number: FormText = "",
    location_id: FormText = "",
    room: FormText = "",
) -> Response:
    values = {"controller_id": controller_id, "device_id": device_id, "device_type": device_type,
              "client_number": client_number, "location_id": location_id, "room": room}  # fmt: skip

    def step() -> None:
        ensure_allowed(actor, Permission.NIGHT_SETUP)
        client = setup.client_by_number(session, actor, client_number) if client_number else None
        setup.register_device(
            session,
            actor,
            controller_id=controller_id.strip(),
            device_id=device_id.strip(),
            device_type=device_type.strip(),
            client_id=client,
            location_id=_uuid(location_id),
            room=room.strip(),
        )

    return run_form_step(
        request,
        step,
        then=_back("devices"),
        again=_again(request, session, actor, "devices", values),
    )


@router.post("/night/setup/escalation")
def set_escalation(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    priority: FormText,
    seconds: Annotated[list[str], Form()],
    target: Annotated[list[str], Form()],
    phone: Annotated[list[str] | None, Form()] = None,
) -> Response:
    phones = (phone or []) + [""] * len(seconds)
    values = {"priority": priority, "seconds": seconds, "target": target, "phone": phones}

    def step() -> None:
        steps = []
        for after, chosen, number in zip(seconds, target, phones, strict=False):
            if not after.strip():
                continue
            who = _choice(
                EscalationTarget, chosen, N_("Kies voor elke stap wie er gewaarschuwd wordt.")
            )
            seconds_after = _number(after, N_("Vul het aantal seconden in als getal."))
            steps.append((seconds_after, who, number.strip() or None))
        setup.set_escalation_steps(
            session,
            actor,
            priority=_number(priority, N_("Kies een prioriteit van 1 tot en met 5.")),
            steps=steps,
        )

    return run_form_step(
        request,
        step,
        then=_back("escalation"),
        again=_again(request, session, actor, "escalation", values),
    )


# --- night care plans ------------------------------------------------------------------------


@router.get("/night/plans")
@no_store
def plans_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.NIGHT_PLANS)
    context = _labels() | {"plans": setup_queries.plans(session, actor)}
    return render(request, "night/setup_plans.html", context)


def _plan_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    client_id: UUID,
    *,
    error: str | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    plan = setup.read_plan(session, actor, client_id=client_id)
    shown = values or {
        "enrolled": plan.enrolled or not plan.exists,
        "instructions": plan.instructions,
        "risks": [str(r) for r in plan.risks],
        "epilepsy_protocol": plan.epilepsy_protocol,
        "monitoring_consent": plan.monitoring_consent,
        "contact_mode": str(plan.contact_mode),
        "key_information": plan.key_information,
    }
    context = _labels() | {
        "plan": plan,
        "values": shown,
        "error": error,
        "all_risks": list(Risk),
        "contact_modes": list(ContactMode),
        "saved": request.query_params.get("saved") == "1",
    }
    return render(request, "night/setup_plan.html", context, status_code)


@router.get("/night/plans/{client_id}")
@no_store
def plan_page(
    request: Request, session: SessionDep, actor: CurrentActor, client_id: UUID
) -> Response:
    return _plan_page(request, session, actor, client_id)


@router.post("/night/plans/{client_id}")
@no_store
def save_plan(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    client_id: UUID,
    instructions: FormText = "",
    epilepsy_protocol: FormText = "",
    contact_mode: FormText = ContactMode.PHONE.value,
    key_information: FormText = "",
    enrolled: FormText = "",
    monitoring_consent: FormText = "",
    risks: Annotated[list[str] | None, Form()] = None,
) -> Response:
    values = {
        "enrolled": bool(enrolled),
        "instructions": instructions,
        "risks": risks or [],
        "epilepsy_protocol": epilepsy_protocol,
        "monitoring_consent": bool(monitoring_consent),
        "contact_mode": contact_mode,
        "key_information": key_information,
    }

    def step() -> None:
        setup.set_plan(
            session,
            actor,
            client_id=client_id,
            enrolled=bool(enrolled),
            instructions=instructions.strip(),
            risks=[_choice(Risk, r, N_("Kies alleen risico's uit de lijst.")) for r in risks or []],
            epilepsy_protocol=epilepsy_protocol.strip(),
            monitoring_consent=bool(monitoring_consent),
            contact_mode=_choice(
                ContactMode, contact_mode, N_("Kies hoe de cliënt het liefst contact heeft.")
            ),
            key_information=key_information.strip(),
        )

    return run_form_step(
        request,
        step,
        then=RedirectResponse(f"/night/plans/{client_id}?saved=1", status_code=303),
        again=lambda error, status: _plan_page(
            request, session, actor, client_id, error=error, values=values, status_code=status
        ),
    )
