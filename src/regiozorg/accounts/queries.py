"""Read models for accounts: who is behind a session cookie or a bearer token; user lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from regiozorg.accounts import rules
from regiozorg.accounts.models import ApiToken, MembershipRow, User, WebSession
from regiozorg.auth import Actor, Membership, Permission, scope
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


def token_actor(session: Session, token: str, *, address: str | None) -> Actor | None:
    """The actor behind a bearer token, noting (at most once a minute) when it was last used."""
    row = session.execute(
        select(User, ApiToken.id, ApiToken.last_used_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == rules.digest(token), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None or not row[0].active:
        return None
    user, token_id, last_used = row
    actor = Actor(
        user_id=user.id,
        email=user.email,
        memberships=_memberships(session, user.id),
        channel="api",
        address=address,
        locale=user.locale,
    )
    now = utcnow()
    if last_used is None or now - last_used > TOKEN_USE_GRANULARITY:
        # End the read first: on SQLite a transaction that read and then writes cannot wait
        # for the write lock, so the write gets a transaction of its own.
        session.rollback()
        session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        session.commit()
    return actor


@dataclass(frozen=True)
class UserRow:
    id: UUID
    email: str
    name: str
    active: bool
    roles: str


def users(session: Session, actor: Actor) -> Sequence[UserRow]:
    """Users with their roles per organisation, limited to the organisations ``actor`` manages."""
    organisations = scope(actor, Permission.USERS_MANAGE)
    query = (
        select(User, Organisation.name, MembershipRow.role)
        .join(MembershipRow, MembershipRow.user_id == User.id)
        .join(Organisation, Organisation.id == MembershipRow.organisation_id)
        .order_by(User.email)
    )
    if organisations is not None:
        query = query.where(MembershipRow.organisation_id.in_(organisations))
    grouped: dict[UUID, tuple[User, list[str]]] = {}
    for user, organisation, role in session.execute(query):
        grouped.setdefault(user.id, (user, []))[1].append(f"{role} ({organisation})")
    return [
        UserRow(id=u.id, email=u.email, name=u.name, active=u.active, roles=", ".join(r))
        for u, r in grouped.values()
    ]
