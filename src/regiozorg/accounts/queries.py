"""Read models for accounts: who is behind a session cookie or a bearer token; user lists."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy import event, func, or_, select, update
from sqlalchemy.orm import Mapper, Session, object_session

from regiozorg.accounts import rules
from regiozorg.accounts.models import ApiToken, MembershipRow, User, WebSession
from regiozorg.auth import (
    Actor,
    Decision,
    Membership,
    Permission,
    Role,
    decide,
    grant_permission,
    scope,
)
from regiozorg.clock import utcnow
from regiozorg.network.models import Organisation

TOKEN_USE_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    name: str
    csrf_token: str


def _memberships(session: Session, user_id: UUID) -> frozenset[Membership]:
    rows = session.execute(
        select(MembershipRow.organisation_id, MembershipRow.role).where(
            MembershipRow.user_id == user_id
        )
    )
    return frozenset(Membership(org, role) for org, role in rows)


def signed_in(session: Session, token: str, *, address: str | None) -> SignedIn | None:
    row = session.execute(
        select(User, WebSession.csrf_token)
        .join(WebSession, WebSession.user_id == User.id)
        .where(WebSession.token_hash == rules.digest(token), WebSession.expires_at > utcnow())
    ).first()
    if row is None or not row[0].active:
        return None
    user, csrf = row
    actor = Actor(
        user_id=user.id,
        email=user.email,
        memberships=_memberships(session, user.id),
        channel="web",
        address=address,
        locale=user.locale,
    )
    return SignedIn(actor=actor, name=user.name, csrf_token=csrf)


TOKEN_CACHE_SECONDS = 2.0
"""How long a bearer token's owner, roles and validity are taken from memory instead of the
database. Alarm platforms post every alarm and heartbeat with the same token, and the lookup
was a tenth of an alarm's cost. A revocation, a deactivation or a change of roles committed
by this process empties the cache at once (see ``_forget_tokens``); one committed elsewhere
(another app process, the command line) ends access within this many seconds."""


class _KnownToken(NamedTuple):
    until: float  # time.monotonic()
    actor: Actor
    token_id: UUID
    last_used: datetime | None


_known_tokens: dict[str, _KnownToken] = {}


def token_actor(session: Session, token: str, *, address: str | None) -> Actor | None:
    """The actor behind a bearer token, noting (at most once a minute) when it was last used."""
    digest = rules.digest(token)
    known = _known_tokens.get(digest)
    if known is None or known.until < time.monotonic():
        known = _token_from_database(session, digest)
        if known is None:
            _known_tokens.pop(digest, None)
            return None
        _known_tokens[digest] = known
    now = utcnow()
    if known.last_used is None or now - known.last_used > TOKEN_USE_GRANULARITY:
        # End the read first: on SQLite a transaction that read and then writes cannot wait
        # for the write lock, so the write gets a transaction of its own.
        session.rollback()
        session.execute(
            update(ApiToken).where(ApiToken.id == known.token_id).values(last_used_at=now)
        )
        session.commit()
        _known_tokens[digest] = known._replace(last_used=now)
    return replace(known.actor, address=address)


def _token_from_database(session: Session, digest: str) -> _KnownToken | None:
    row = session.execute(
        select(User, ApiToken.id, ApiToken.last_used_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None))
    ).first()
    if row is None or not row[0].active:
        return None
    user, token_id, last_used = row
    actor = Actor(
        user_id=user.id,
        email=user.email,
        memberships=_memberships(session, user.id),
        channel="api",
        locale=user.locale,
    )
    return _KnownToken(time.monotonic() + TOKEN_CACHE_SECONDS, actor, token_id, last_used)


_ACCOUNTS_CHANGED = "regiozorg.accounts_changed"


def _note_change(_mapper: Mapper[Any], _connection: Any, target: object) -> None:
    session = object_session(target)
    if session is not None:
        session.info[_ACCOUNTS_CHANGED] = True


def _forget_tokens(session: Session) -> None:
    """After a commit that changed a user, a membership or a token, nothing cached stands:
    emptied after the commit, not at the flush, so a request that reads in between cannot
    cache what is about to change."""
    if session.info.pop(_ACCOUNTS_CHANGED, False):
        forget_cached_tokens()


def forget_cached_tokens() -> None:
    """Empty the token cache; the tests do before each test, whose data is rolled back."""
    _known_tokens.clear()


for _model in (User, MembershipRow, ApiToken):
    for _change in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _change, _note_change)
event.listen(Session, "after_commit", _forget_tokens)


def still_signed_in(session: Session, *, cookie: str | None, token: str | None) -> bool:
    """Whether a session cookie or bearer token still stands for an active user: one indexed
    lookup, cheap enough for a live stream to ask every few seconds (and it writes nothing)."""
    if token is not None:
        query = (
            select(User.id)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == rules.digest(token), ApiToken.revoked_at.is_(None))
        )
    elif cookie is not None:
        query = (
            select(User.id)
            .join(WebSession, WebSession.user_id == User.id)
            .where(WebSession.token_hash == rules.digest(cookie), WebSession.expires_at > utcnow())
        )
    else:
        return False
    return session.scalar(query.where(User.active.is_(True))) is not None


def user_id(session: Session, email: str) -> UUID | None:
    found: UUID | None = session.scalar(select(User.id).where(User.email == email.strip().lower()))
    return found


@dataclass(frozen=True)
class RoleRow:
    organisation_id: UUID
    organisation: str
    role: Role
    removable: bool  # by the actor who asked: the rule for granting it, and not the last role


@dataclass(frozen=True)
class UserRow:
    id: UUID
    email: str
    name: str
    active: bool
    roles: tuple[RoleRow, ...]


def users(session: Session, actor: Actor) -> Sequence[UserRow]:
    """Users with their roles per organisation, limited to the organisations ``actor`` manages."""
    organisations = scope(actor, Permission.USERS_MANAGE)
    query = (
        select(User, Organisation.id, Organisation.name, MembershipRow.role)
        .join(MembershipRow, MembershipRow.user_id == User.id)
        .join(Organisation, Organisation.id == MembershipRow.organisation_id)
        .order_by(User.email, Organisation.name, MembershipRow.role)
    )
    if organisations is not None:
        query = query.where(MembershipRow.organisation_id.in_(organisations))
    # every organisation's roles count here: a role the actor sees may not be the user's last
    held = dict(
        session.execute(
            select(MembershipRow.user_id, func.count()).group_by(MembershipRow.user_id)
        ).all()
    )
    grouped: dict[UUID, tuple[User, list[RoleRow]]] = {}
    for user, organisation_id, organisation, role in session.execute(query):
        removable = (
            held.get(user.id, 0) > 1
            and decide(actor, grant_permission(role), organisation_id) is Decision.ALLOW
        )
        grouped.setdefault(user.id, (user, []))[1].append(
            RoleRow(organisation_id, organisation, role, removable)
        )
    return [
        UserRow(id=u.id, email=u.email, name=u.name, active=u.active, roles=tuple(r))
        for u, r in grouped.values()
    ]


@dataclass(frozen=True)
class TokenRow:
    id: UUID
    name: str
    prefix: str
    owner: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def api_tokens(session: Session, actor: Actor, *, owner: str | None = None) -> Sequence[TokenRow]:
    """API tokens, newest first: all for the network admin, otherwise those of the people of
    the organisations ``actor`` manages (and ``actor``'s own). Never the secret: it is not
    stored; the prefix is what a person recognises."""
    query = (
        select(ApiToken, User.email)
        .join(User, User.id == ApiToken.user_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.prefix)
    )
    organisations = scope(actor, Permission.USERS_MANAGE)
    if organisations is not None:
        managed = select(MembershipRow.user_id).where(
            MembershipRow.organisation_id.in_(organisations)
        )
        query = query.where(or_(User.id.in_(managed), User.id == actor.user_id))
    if owner is not None:
        query = query.where(User.email == owner.strip().lower())
    return [
        TokenRow(
            id=token.id,
            name=token.name,
            prefix=token.prefix,
            owner=email,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )
        for token, email in session.execute(query)
    ]
