"""Who is on the night team right now: the roster decides who may work the console."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import Session

from regiozorg.auth import Actor, Permission, ensure_allowed
from regiozorg.clock import utcnow
from regiozorg.errors import N_, DomainError
from regiozorg.night.models import NightShift
from regiozorg.night.rules import MAX_SHIFT, DeskRole

NOT_ON_SHIFT = N_("U staat nu niet op het nachtrooster.")


class NotOnShiftError(DomainError):
    status_code = 403


def current_shift(moment: datetime) -> ColumnElement[bool]:
    """A roster row that is a shift now: begun, not ended, and begun at most ``MAX_SHIFT``
    ago. The roster refuses longer shifts; one stored before that rule (or written past it)
    still gives no access beyond a shift's length. Every "who is on shift" asks this."""
    return and_(
        NightShift.starts_at <= moment,
        NightShift.ends_at > moment,
        NightShift.starts_at > moment - MAX_SHIFT,
    )


def on_shift(
    session: Session,
    user_id: UUID | None,
    *,
    role: DeskRole | None = None,
    at: datetime | None = None,
) -> bool:
    """Whether the person is on the night roster now (at the desk, mobile, or either)."""
    if user_id is None:
        return False
    moment = at or utcnow()
    query = select(NightShift.id).where(NightShift.user_id == user_id, current_shift(moment))
    if role is not None:
        query = query.where(NightShift.role == role)
    return bool(session.scalar(select(exists(query))))


def ensure_on_shift(session: Session, actor: Actor, role: DeskRole | None = None) -> None:
    """Night-team permission and a shift on the roster now."""
    ensure_allowed(actor, Permission.NIGHT_HANDLE)
    if not on_shift(session, actor.user_id, role=role):
        raise NotOnShiftError(NOT_ON_SHIFT)
