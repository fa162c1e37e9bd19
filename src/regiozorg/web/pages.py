"""Rendering pages: one Jinja environment over every feature's ``templates`` folder."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from regiozorg.auth import Decision, Permission, decide
from regiozorg.errors import DomainError
from regiozorg.i18n import translate
from regiozorg.web.deps import CSRF_COOKIE, signed_in
from regiozorg.web.labels import label
from regiozorg.web.moments import local_text

PACKAGE = Path(__file__).resolve().parents[1]
TEMPLATE_DIRS = [PACKAGE / "web" / "templates", *sorted(PACKAGE.glob("*/templates"))]


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(sorted({str(path) for path in TEMPLATE_DIRS})),
        autoescape=select_autoescape(["html"]),
        auto_reload=False,
    )
    env.filters["local"] = local_text
    return env


def _reader(request: Request) -> Any:
    """Who reads the page. A route's dependencies found out already; a page no route answered
    (a 404, a refused method) asks here, so it speaks the reader's language and shows their
    menu too. Without a session cookie that costs no database work."""
    if not hasattr(request.state, "signed_in"):
        with request.app.state.sessions() as session:
            signed_in(request, session)
    return request.state.signed_in


def page_locale(request: Request) -> str:
    """The reader's language: the one chosen (or the signed-in person's), else the default."""
    locale: str = (
        getattr(request.state, "locale", None) or request.app.state.settings.default_locale
    )
    return locale


def error_message(request: Request, error: DomainError) -> str:
    """Why a step was refused, in the reader's language, for the page shown again."""
    return translate(page_locale(request), error.message, **error.params)


def _stored_reason(text: str | None, _: Any) -> str:
    """A reason kept with a record, line by line in the reader's language: a line the rules
    wrote is a Dutch msgid and is translated; a line a person typed is shown as they wrote it."""
    return "\n".join(_(line) for line in (text or "").splitlines())


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """A page in the reader's language, with the CSRF token its forms need."""
    who = _reader(request)
    locale = page_locale(request)
    csrf = who.csrf_token if who else request.cookies.get(CSRF_COOKIE)
    new_csrf_cookie = None
    if not csrf:
        csrf = new_csrf_cookie = secrets.token_urlsafe(32)

    def _(message: str, **params: Any) -> str:
        return translate(locale, message, **params)

    def can(permission: str) -> bool:
        return who is not None and decide(who.actor, Permission(permission)) is Decision.ALLOW

    page = (
        environment()
        .get_template(template)
        .render(
            {
                "request": request,
                "who": who,
                "csrf_token": csrf,
                "locale": locale,
                "_": _,
                "can": can,
                "label": lambda code: _(label(code)),
                "reason": lambda text: _stored_reason(text, _),
            }
            | (context or {})
        )
    )
    response = HTMLResponse(page, status_code=status_code)
    if new_csrf_cookie:
        response.set_cookie(
            CSRF_COOKIE,
            new_csrf_cookie,
            httponly=True,
            samesite="strict",
            secure=request.app.state.settings.cookie_secure,
        )
    return response
