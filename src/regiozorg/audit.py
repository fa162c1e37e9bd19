"""The audit trail in the spirit of NEN 7513: who did or read what about which client, when,
from where, with what outcome. Rows are only ever added; PostgreSQL refuses changes by trigger.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import cast
from uuid import UUID

from sqlalchemy import BigInteger, Integer, String, Table, Uuid, insert, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from regiozorg import csv_export
from regiozorg.auth import AccessDeniedError, Actor, Permission, ensure_allowed, scope
from regiozorg.clock import local, utcnow
from regiozorg.db import Base, UTCDateTime, unit_of_work


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


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    user_email: str
    organisation_id: UUID | None
    client_id: UUID | None
    action: str
    object_type: str | None
    object_id: str | None
    channel: str
    address: str | None
    outcome: str
    detail: str | None


def entries_for(actor: Actor, session: Session, *, limit: int = 500) -> Sequence[AuditRow]:
    """The entries ``actor`` may see: all for the network admin; for an organisation admin,
    those about the organisation's own clients and those its own people wrote."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    organisations = scope(actor, Permission.AUDIT_VIEW)
    if organisations is not None:
        query = query.where(
            or_(
                AuditEntry.client_organisation_id.in_(organisations),
                AuditEntry.organisation_id.in_(organisations),
            )
        )
    return [_row(entry) for entry in session.scalars(query)]


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(
        id=entry.id,
        at=entry.at,
        user_email=entry.user_email,
        organisation_id=entry.organisation_id,
        client_id=entry.client_id,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        channel=entry.channel,
        address=entry.address,
        outcome=entry.outcome,
        detail=entry.detail,
    )


CSV_COLUMNS = (
    "id",
    "at",
    "user_email",
    "organisation_id",
    "client_id",
    "action",
    "object_type",
    "object_id",
    "channel",
    "address",
    "outcome",
    "detail",
)


def to_csv(rows: Iterable[AuditRow]) -> str:
    def line(row: AuditRow) -> list[object]:
        values: list[object] = [getattr(row, name) for name in CSV_COLUMNS]
        values[1] = local(row.at).isoformat()
        return values

    return csv_export.to_csv(CSV_COLUMNS, (line(row) for row in rows))


# --- reading the trail is itself in the trail ----------------------------------------------


PAGE_LIMIT = 300
EXPORT_LIMIT = 100_000


def view(session: Session, actor: Actor, *, limit: int = PAGE_LIMIT) -> Sequence[AuditRow]:
    """The entries for the audit page; the reading is recorded in the same transaction."""
    return _read_recorded(session, actor, "audit.view", limit)


def export(session: Session, actor: Actor, *, limit: int = EXPORT_LIMIT) -> Sequence[AuditRow]:
    """The entries for the CSV export; the export is recorded in the same transaction."""
    return _read_recorded(session, actor, "audit.export", limit)


def _read_recorded(session: Session, actor: Actor, action: str, limit: int) -> Sequence[AuditRow]:
    """Who looked at the trail is a question the trail has to answer too (who learned which
    clients were read by whom). The row says which part was read and how many entries: the
    scope, never their content."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.AUDIT_VIEW)
        rows = entries_for(actor, session, limit=limit)
        organisations = scope(actor, Permission.AUDIT_VIEW)
        part = "all" if organisations is None else f"{len(organisations)} organisation(s)"
        record(session, actor, action, detail=f"{len(rows)} entries; scope {part}")
        return rows
