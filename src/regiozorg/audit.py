"""The audit trail in the spirit of NEN 7513: who did or read what about which client, when,
from where, with what outcome. Rows are only ever added; PostgreSQL refuses changes by trigger.

This is the writing side, which every action uses inside its transaction, so it knows no
feature; reading the trail (the audit page and its export) is ``audit_queries``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import cast
from uuid import UUID

from sqlalchemy import BigInteger, Integer, String, Table, Uuid, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from regiozorg.auth import AccessDeniedError, Actor
from regiozorg.clock import utcnow
from regiozorg.db import Base, UTCDateTime


class Outcome(StrEnum):
    SUCCESS = "success"
    DENIED = "denied"
    FAILURE = "failure"


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    user_id: Mapped[UUID | None] = mapped_column(Uuid)
    user_email: Mapped[str] = mapped_column(String(254))
    organisation_id: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    client_id: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    client_organisation_id: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))
    address: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(String(500))


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    obj: tuple[str, object] | None = None,
    client: tuple[UUID, UUID] | None = None,
    organisation_id: UUID | None = None,
    outcome: Outcome = Outcome.SUCCESS,
    detail: str | None = None,
) -> None:
    """Add one audit row to the caller's transaction, so it stands or falls with the action.

    ``client`` is (client id, the client's organisation id); ``obj`` is (type, id) of the thing
    acted on.

    The row is inserted at once with a plain INSERT, not added to the session: nothing reads
    an audit row back in the transaction that writes it, so the ORM's bookkeeping (identity,
    flush order, fetching the new id back) is time spent on every action for nothing.
    """
    client_id, client_org = client if client else (None, None)
    target_org = client_org or organisation_id
    session.execute(
        _INSERT,
        {
            "at": utcnow(),
            "user_id": actor.user_id,
            "user_email": actor.email,
            "organisation_id": actor.acting_organisation(target_org),
            "client_id": client_id,
            "client_organisation_id": client_org,
            "action": action,
            "object_type": obj[0] if obj else None,
            "object_id": str(obj[1]) if obj else None,
            "channel": actor.channel,
            "address": actor.address,
            "outcome": outcome,
            "detail": detail,
        },
    )


_INSERT = insert(cast(Table, AuditEntry.__table__))


def record_denial(session: Session, denied: AccessDeniedError) -> None:
    client = (
        (denied.client_id, denied.organisation_id)
        if denied.client_id and denied.organisation_id
        else None
    )
    record(
        session,
        denied.actor,
        str(denied.permission),
        obj=denied.target,
        client=client,
        organisation_id=denied.organisation_id,
        outcome=Outcome.DENIED,
        detail=str(denied.decision),
    )
