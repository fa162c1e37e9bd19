"""Use cases of accounts. Each owns its transaction and writes its audit row inside it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from regiozorg import audit
from regiozorg.accounts import rules
from regiozorg.accounts.models import ApiToken, LoginFailure, MembershipRow, User, WebSession
from regiozorg.auth import Actor, Permission, Role, ensure_allowed, grant_permission
from regiozorg.clock import utcnow
from regiozorg.config import Settings
from regiozorg.errors import ConflictError, DomainError, NotFoundError, TooManyAttemptsError
from regiozorg.transaction import unit_of_work

LOGIN_REFUSED = "E-mailadres of wachtwoord onjuist."


@dataclass(frozen=True)
class NewSession:
    token: str
    csrf_token: str
    user_id: UUID
    locale: str


def create_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    name: str,
    password: str,
    memberships: list[tuple[UUID, Role]],
    locale: str = "nl",
) -> UUID:
    with unit_of_work(session):
        if not memberships:
            raise DomainError("Een gebruiker hoort bij minstens één organisatie.")
        for organisation_id, role in memberships:
            ensure_allowed(actor, grant_permission(role), organisation_id)
        email = email.strip().lower()
        if "@" not in email:
            raise DomainError("Ongeldig e-mailadres.")
        if session.scalar(select(User.id).where(User.email == email)) is not None:
            raise ConflictError("Er bestaat al een gebruiker met dit e-mailadres.")
        rules.check_password_policy(password)
        user = User(
            email=email,
            name=name.strip(),
            password_hash=rules.hash_password(password),
            locale=locale if locale in rules.LOCALES else "nl",
        )
        session.add(user)
        session.flush()
        for organisation_id, role in memberships:
            session.add(MembershipRow(user_id=user.id, organisation_id=organisation_id, role=role))
        audit.record(
            session,
            actor,
            "users.create",
            obj=("user", user.id),
            organisation_id=memberships[0][0],
            detail=", ".join(sorted({str(role) for _, role in memberships})),
        )
    return user.id


def add_membership(
    session: Session, actor: Actor, *, email: str, organisation_id: UUID, role: Role
) -> None:
    """Give an existing user a role in (another) organisation: people often work for several."""
    with unit_of_work(session):
        ensure_allowed(actor, grant_permission(role), organisation_id)
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise NotFoundError("Gebruiker {email} bestaat niet.", email=email)
        existing = session.scalar(
            select(MembershipRow.id).where(
                MembershipRow.user_id == user.id,
                MembershipRow.organisation_id == organisation_id,
                MembershipRow.role == role,
            )
        )
        if existing is not None:
            raise ConflictError("Deze gebruiker heeft deze rol al in deze organisatie.")
        session.add(MembershipRow(user_id=user.id, organisation_id=organisation_id, role=role))
        audit.record(
            session,
            actor,
            "users.membership",
            obj=("user", user.id),
            organisation_id=organisation_id,
            detail=str(role),
        )


def remove_membership(
    session: Session, actor: Actor, *, user_id: UUID, organisation_id: UUID, role: Role
) -> None:
    """Take a role away, under the same rule as granting it. A user's last role stays: an
    account without any organisation would be nobody's to manage, so switch it off instead."""
    with unit_of_work(session):
        ensure_allowed(actor, grant_permission(role), organisation_id)
        user = session.get(User, user_id, with_for_update=True)
        if user is None:
            raise NotFoundError("Gebruiker bestaat niet.")
        held = session.scalars(select(MembershipRow).where(MembershipRow.user_id == user.id)).all()
        row = next(
            (m for m in held if (m.organisation_id, m.role) == (organisation_id, role)), None
        )
        if row is None:
            raise NotFoundError("Deze gebruiker heeft deze rol niet in deze organisatie.")
        if len(held) == 1:
            raise DomainError(
                "Dit is de laatste rol van deze gebruiker. Zet het account uit in plaats daarvan."
            )
        if role is Role.NETWORK_ADMIN and not _other_network_admins(session, user.id):
            # nobody could grant the roles with reach any more, except from the server
            raise DomainError("Het netwerk houdt minstens één actieve netwerkbeheerder.")
        session.delete(row)
        audit.record(
            session,
            actor,
            "users.membership.remove",
            obj=("user", user.id),
            organisation_id=organisation_id,
            detail=str(role),
        )


def _other_network_admins(session: Session, user_id: UUID) -> int:
    return (
        session.scalar(
            select(func.count(func.distinct(MembershipRow.user_id)))
            .join(User, User.id == MembershipRow.user_id)
            .where(
                MembershipRow.role == Role.NETWORK_ADMIN,
                MembershipRow.user_id != user_id,
                User.active.is_(True),
            )
        )
        or 0
    )


def set_active(session: Session, actor: Actor, *, user_id: UUID, active: bool) -> None:
    """Switch an account off (someone left) or on again. A switched-off account's sessions and
    tokens stop working at once; nothing is deleted, so the audit trail keeps its names."""
    with unit_of_work(session):
        user = session.get(User, user_id, with_for_update=True)
        if user is None:
            raise NotFoundError("Gebruiker bestaat niet.")
        organisations = session.scalars(
            select(MembershipRow.organisation_id).where(MembershipRow.user_id == user.id)
        ).all()
        for organisation_id in organisations:
            ensure_allowed(actor, Permission.USERS_MANAGE, organisation_id)
        if user.id == actor.user_id and not active:
            raise DomainError("U kunt uw eigen account niet uitzetten.")
        user.active = active
        if not active:
            session.execute(delete(WebSession).where(WebSession.user_id == user.id))
        audit.record(
            session,
            actor,
            "users.activate" if active else "users.deactivate",
            obj=("user", user.id),
        )


def _recent_failures(
    session: Session, keys: tuple[str, str], since: datetime
) -> tuple[rules.Failures, rules.Failures]:
    found = {
        key: rules.Failures(count, last)
        for key, count, last in session.execute(
            select(LoginFailure.key, func.count(), func.max(LoginFailure.at))
            .where(LoginFailure.key.in_(keys), LoginFailure.at >= since)
            .group_by(LoginFailure.key)
        )
    }
    return found.get(keys[0], rules.Failures()), found.get(keys[1], rules.Failures())


def throttle_of(settings: Settings) -> rules.Throttle:
    return rules.Throttle(
        free_per_account=settings.login_max_failures,
        backoff_seconds=settings.login_backoff_seconds,
        max_seconds=settings.login_backoff_max_seconds,
        per_address=settings.login_max_failures_per_ip,
        window=timedelta(minutes=settings.login_window_minutes),
    )


def log_in(
    session: Session, settings: Settings, *, email: str, password: str, address: str | None
) -> NewSession:
    """Check a password and open a web session. Whatever went wrong, the message is the same;
    a throttled attempt is told how long to wait, which depends on the keys only, so it does
    not tell whether the account exists either."""
    email = email.strip().lower()
    keys = (rules.email_key(email), rules.address_key(address))
    anonymous = Actor(user_id=None, email=email[:254], address=address)
    throttle = throttle_of(settings)
    with unit_of_work(session):
        now = utcnow()
        account, from_address = _recent_failures(session, keys, now - throttle.window)
        wait = rules.login_wait(account, from_address, now=now, throttle=throttle)
        if wait > 0:
            audit.record(
                session, anonymous, "auth.login", outcome=audit.Outcome.DENIED, detail="throttled"
            )
            session.commit()
            raise _throttled(wait)
        user = session.scalar(select(User).where(User.email == email))
        valid = rules.password_matches(user.password_hash if user else None, password)
        if user is None or not user.active or not valid:
            session.add_all(LoginFailure(key=key, at=now) for key in keys)
            # forgotten failures go, so an attack cannot fill the table (the index on ``at``)
            session.execute(delete(LoginFailure).where(LoginFailure.at < now - throttle.window))
            audit.record(session, anonymous, "auth.login", outcome=audit.Outcome.FAILURE)
            session.commit()
            raise DomainError(LOGIN_REFUSED)
        session.execute(delete(LoginFailure).where(LoginFailure.key == keys[0]))
        token, csrf = rules.new_secret(), rules.new_secret()
        session.add(
            WebSession(
                token_hash=rules.digest(token),
                user_id=user.id,
                csrf_token=csrf,
                expires_at=now + timedelta(hours=settings.session_hours),
            )
        )
        actor = Actor(user_id=user.id, email=user.email, address=address)
        audit.record(session, actor, "auth.login", obj=("user", user.id))
    return NewSession(token=token, csrf_token=csrf, user_id=user.id, locale=user.locale)


def _throttled(wait: float) -> TooManyAttemptsError:
    if wait < 60:
        return TooManyAttemptsError(
            "Te veel mislukte pogingen. Probeer het over {seconds} seconden opnieuw.",
            seconds=math.ceil(wait),
        )
    return TooManyAttemptsError(
        "Te veel mislukte pogingen. Probeer het over {minutes} minuten opnieuw.",
        minutes=math.ceil(wait / 60),
    )


def log_out(session: Session, actor: Actor, *, token: str) -> None:
    with unit_of_work(session):
        session.execute(delete(WebSession).where(WebSession.token_hash == rules.digest(token)))
        audit.record(session, actor, "auth.logout", obj=("user", actor.user_id))


def create_api_token(session: Session, actor: Actor, *, user_email: str, name: str) -> str:
    """Create a token for a system acting as ``user_email``; the only time it is ever shown."""
    with unit_of_work(session):
        user = session.scalar(select(User).where(User.email == user_email.strip().lower()))
        if user is None:
            raise NotFoundError("Gebruiker {email} bestaat niet.", email=user_email)
        if actor.user_id != user.id:
            _ensure_manages_everywhere(session, actor, user.id)
        token = rules.new_api_token()
        row = ApiToken(
            user_id=user.id, name=name, prefix=token[:10], token_hash=rules.digest(token)
        )
        session.add(row)
        session.flush()
        audit.record(session, actor, "tokens.create", obj=("api_token", row.id), detail=name)
    return token


def revoke_api_token(session: Session, actor: Actor, *, reference: str) -> UUID:
    """Revoke a token, named by its id or by the prefix shown when it was made; it answers 401
    from the next request on. Its row stays (revoked), so the audit trail keeps its name."""
    with unit_of_work(session):
        reference = reference.strip()
        try:
            condition = ApiToken.id == UUID(reference)
        except ValueError:
            condition = ApiToken.prefix == reference
        found = session.scalars(select(ApiToken).where(condition).with_for_update()).all()
        if not found:
            raise NotFoundError("Token {reference} bestaat niet.", reference=reference)
        if len(found) > 1:
            raise ConflictError("Meer dan één token begint zo: gebruik het id.")
        token = found[0]
        if actor.user_id != token.user_id:
            _ensure_manages_everywhere(session, actor, token.user_id)
        if token.revoked_at is not None:
            raise ConflictError("Dit token is al ingetrokken.")
        token.revoked_at = utcnow()
        audit.record(
            session, actor, "tokens.revoke", obj=("api_token", token.id), detail=token.name
        )
    return token.id


def _ensure_manages_everywhere(session: Session, actor: Actor, user_id: UUID) -> None:
    """A person's account is managed by the admins of every organisation they work for."""
    organisations = session.scalars(
        select(MembershipRow.organisation_id).where(MembershipRow.user_id == user_id)
    ).all()
    for organisation_id in organisations:
        ensure_allowed(actor, Permission.USERS_MANAGE, organisation_id)


def set_locale(session: Session, actor: Actor, *, locale: str) -> None:
    if locale not in rules.LOCALES:
        raise DomainError("Onbekende taal.")
    with unit_of_work(session):
        user = session.get(User, actor.user_id)
        if user is None:
            raise NotFoundError("Gebruiker bestaat niet.")
        user.locale = locale
        audit.record(session, actor, "users.locale", obj=("user", user.id), detail=locale)
