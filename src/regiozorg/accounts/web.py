"""Login, logout, language, and the admin pages for users, their roles and API tokens."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from regiozorg.accounts import actions, queries
from regiozorg.auth import Actor, Permission, Role, ensure_allowed, grantable_roles, scope
from regiozorg.errors import DomainError
from regiozorg.network import queries as network
from regiozorg.night.rules import DeskRole
from regiozorg.night.team import on_shift
from regiozorg.web.deps import (
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    CurrentActor,
    MaybeSignedIn,
    SessionDep,
    SettingsDep,
    client_address,
)
from regiozorg.web.pages import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site, never an open redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


# Where each role's work is, in order: the first role a person holds decides. The night carer
# lands on the console at the desk, or on the task page when on shift as a mobile carer.
LANDING: tuple[tuple[Role, str], ...] = (
    (Role.NIGHT_CARER, "/night"),
    (Role.COORDINATOR, "/beds/requests"),
    (Role.PLANNER, "/beds/reports"),
)
MOBILE_LANDING = "/night/mobile"


def landing_page(session: Session, actor: Actor) -> str:
    """The page a person lands on after login when no other page was asked for: where their
    work is, not the network overview (which stays the landing of the other roles)."""
    roles = actor.roles()
    for role, page in LANDING:
        if role in roles:
            mobile = role is Role.NIGHT_CARER and on_shift(
                session, actor.user_id, role=DeskRole.MOBILE
            )
            return MOBILE_LANDING if mobile else page
    return "/"


def _after_login(session: Session, actor: Actor, next: str) -> str:  # noqa: A002
    """The page asked for (the one that sent the person to log in), else their landing page:
    the overview ("/", also the login form's default) counts as nothing asked for."""
    target = _safe_next(next)
    return target if target != "/" else landing_page(session, actor)


@router.get("/login")
def login_page(
    request: Request,
    session: SessionDep,
    who: MaybeSignedIn,
    next: str = "/",  # noqa: A002
) -> Response:
    if who is not None:
        return RedirectResponse(_after_login(session, who.actor, next), status_code=303)
    return render(request, "accounts/login.html", {"next": _safe_next(next)})


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form()] = "/",  # noqa: A002
) -> Response:
    try:
        opened = actions.log_in(
            session, settings, email=email, password=password, address=client_address(request)
        )
    except DomainError as refused:
        context = {"next": _safe_next(next), "error": refused, "email": email}
        return render(
            request,
            "accounts/login.html",
            context,
            status_code=refused.status_code if refused.status_code == 429 else 401,
        )
    who = queries.signed_in(session, opened.token, address=client_address(request))
    target = _after_login(session, who.actor, next) if who else _safe_next(next)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        opened.token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    actions.log_out(session, actor, token=request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/settings/language")
def choose_language(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    who: MaybeSignedIn,
    locale: Annotated[str, Form()],
) -> Response:
    if who is not None:
        actions.set_locale(session, who.actor, locale=locale)
    referer = request.headers.get("referer", "/")
    path = "/" + referer.split("://", 1)[-1].partition("/")[2] if "://" in referer else "/"
    response = RedirectResponse(_safe_next(path), status_code=303)
    if locale in ("nl", "en"):
        response.set_cookie(
            LANGUAGE_COOKIE,
            locale,
            samesite="lax",
            secure=settings.cookie_secure,
            max_age=365 * 24 * 3600,
        )
    return response


@router.get("/admin/users")
def users_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.USERS_MANAGE)
    managed = scope(actor, Permission.USERS_MANAGE)
    return render(
        request,
        "accounts/users.html",
        {
            "users": queries.users(session, actor),
            # the choices the actor may make; the actions decide again whatever is posted
            "organisations": [
                o for o in network.organisations(session) if managed is None or o.id in managed
            ],
            "roles": grantable_roles(actor),
        },
    )


@router.post("/admin/users")
def create_user(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    email: Annotated[str, Form(max_length=254)],
    name: Annotated[str, Form(max_length=160)],
    password: Annotated[str, Form(max_length=200)],
    organisation_id: Annotated[UUID, Form()],
    role: Annotated[Role, Form()],
) -> Response:
    actions.create_user(
        session,
        actor,
        email=email,
        name=name,
        password=password,
        memberships=[(organisation_id, role)],
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/memberships")
def add_membership(
    session: SessionDep,
    actor: CurrentActor,
    email: Annotated[str, Form(max_length=254)],
    organisation_id: Annotated[UUID, Form()],
    role: Annotated[Role, Form()],
) -> Response:
    actions.add_membership(session, actor, email=email, organisation_id=organisation_id, role=role)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/memberships/remove")
def remove_membership(
    user_id: UUID,
    session: SessionDep,
    actor: CurrentActor,
    organisation_id: Annotated[UUID, Form()],
    role: Annotated[Role, Form()],
) -> Response:
    actions.remove_membership(
        session, actor, user_id=user_id, organisation_id=organisation_id, role=role
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/active")
def set_active(
    user_id: UUID,
    session: SessionDep,
    actor: CurrentActor,
    active: Annotated[bool, Form()],
) -> Response:
    actions.set_active(session, actor, user_id=user_id, active=active)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/tokens")
def tokens_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.USERS_MANAGE)
    return render(request, "accounts/tokens.html", {"tokens": queries.api_tokens(session, actor)})


@router.post("/admin/tokens/{token_id}/revoke")
def revoke_token(token_id: UUID, session: SessionDep, actor: CurrentActor) -> Response:
    actions.revoke_api_token(session, actor, reference=str(token_id))
    return RedirectResponse("/admin/tokens", status_code=303)
