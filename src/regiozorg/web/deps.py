"""FastAPI dependencies shared by every feature: the database session, who is asking, CSRF."""

from __future__ import annotations

import hmac
from collections.abc import Iterator, Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from regiozorg.accounts import queries as accounts
from regiozorg.auth import Actor
from regiozorg.config import Settings
from regiozorg.errors import DomainError

SESSION_COOKIE = "rz_session"
CSRF_COOKIE = "rz_csrf"
LANGUAGE_COOKIE = "rz_lang"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class NotSignedInError(Exception):
    """No valid session or token: pages redirect to the login page, the API answers 401."""


class CsrfError(DomainError):
    status_code = 403


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    session: Session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.close()


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


def client_address(request: Request) -> str | None:
    """The address a request comes from, for login throttling and the audit trail."""
    peer = request.client.host if request.client else None
    settings: Settings = request.app.state.settings
    return forwarded_client(
        peer, request.headers.getlist("x-forwarded-for"), settings.trusted_proxies
    )


def forwarded_client(
    peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[IPv4Network | IPv6Network]
) -> str | None:
    """The client behind our own reverse proxies.

    ``X-Forwarded-For`` is anyone's to write, so it is believed only when the direct peer is a
    trusted proxy, and then only as far as the proxies are ours: walking it from the right (each
    proxy appends the address it saw), the first address that is not a trusted proxy is the
    client; what lies left of it the client wrote itself. A malformed entry ends the walk at
    the last address a trusted proxy vouched for.
    """
    if peer is None or not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",")]
    client = peer
    for hop in reversed(hops):
        try:
            address = ip_address(hop)
        except ValueError:
            break
        client = str(address)
        if not _is_trusted(client, trusted):
            break
    return client


def _is_trusted(address: str, trusted: Sequence[IPv4Network | IPv6Network]) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed.version == network.version and parsed in network for network in trusted)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def signed_in(request: Request, session: SessionDep) -> accounts.SignedIn | None:
    """Who is asking, from the bearer token or the session cookie (once per request)."""
    if hasattr(request.state, "signed_in"):
        cached: accounts.SignedIn | None = request.state.signed_in
        return cached
    found: accounts.SignedIn | None = None
    token = bearer_token(request)
    if token is not None:
        actor = accounts.token_actor(session, token, address=client_address(request))
        found = accounts.SignedIn(actor=actor, name=actor.email, csrf_token="") if actor else None
    elif cookie := request.cookies.get(SESSION_COOKIE):
        found = accounts.signed_in(session, cookie, address=client_address(request))
    session.rollback()  # end the read transaction: actions open their own
    request.state.signed_in = found
    request.state.locale = found.actor.locale if found else request_locale(request)
    return found


def request_locale(request: Request) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in ("nl", "en") else request.app.state.settings.default_locale


MaybeSignedIn = Annotated[accounts.SignedIn | None, Depends(signed_in)]


def current_actor(who: MaybeSignedIn) -> Actor:
    if who is None:
        raise NotSignedInError
    return who.actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def actor_of(request: Request, session: Session) -> Actor:
    """``CurrentActor`` for a route that does its work in one trip to the thread pool (the
    alarm intake): FastAPI runs each sync dependency in a trip of its own, and handing work to
    a thread and back cost an alarm as much as its token and its SQL together."""
    return current_actor(signed_in(request, session))


async def csrf_protect(request: Request, session: SessionDep) -> None:
    """Every unsafe request made with a cookie carries the CSRF token, as form field
    ``csrf_token`` or header ``X-CSRF-Token`` (HTMX). Bearer-token calls carry no cookie, so
    they cannot be forged from another site and need none."""
    if request.method not in UNSAFE_METHODS or bearer_token(request) is not None:
        return
    if SESSION_COOKIE not in request.cookies and request.url.path != "/login":
        # Nothing to ride on: without a session a forged request acts as nobody, and the
        # route answers 401. The login form itself is checked against the CSRF cookie.
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    expected = expected_csrf(request, session)
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise CsrfError("De pagina is verlopen of het formulier is ongeldig. Probeer het opnieuw.")


def expected_csrf(request: Request, session: Session) -> str | None:
    """The session's token once signed in; before that (the login form) the CSRF cookie."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        who = accounts.signed_in(session, cookie, address=client_address(request))
        session.rollback()
        if who is not None:
            return who.csrf_token
    return request.cookies.get(CSRF_COOKIE)
