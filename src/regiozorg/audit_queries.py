"""Reading the audit trail: the entries a reader may see, narrowed as asked, for the audit page
and its CSV export, with the reading itself recorded in the trail.

Reads the network's ``clients`` table besides ``audit_entries``, to name the clients a reader
may read and to find the clients a filter means.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from regiozorg import csv_export
from regiozorg.audit import AuditEntry, record
from regiozorg.auth import Actor, Decision, Permission, decide, ensure_allowed, scope
from regiozorg.clock import local
from regiozorg.network.models import Client
from regiozorg.transaction import unit_of_work


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    user_email: str
    organisation_id: UUID | None
    client_id: UUID | None
    client_organisation_id: UUID | None
    action: str
    object_type: str | None
    object_id: str | None
    channel: str
    address: str | None
    outcome: str
    detail: str | None


@dataclass(frozen=True)
class AuditFilter:
    """What the reader narrowed the trail to; a field left empty narrows nothing."""

    person: str = ""  # part of the e-mail address of who acted
    client_ids: frozenset[UUID] | None = None  # None: any; empty: no client was found
    action: str = ""  # an action code, or its first parts ("beds", "beds.request")
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive

    def used(self) -> list[str]:
        """The names of the fields in use, for the audit row of the reading."""
        return [
            name
            for name, value in (
                ("person", self.person),
                ("client", self.client_ids is not None),
                ("action", self.action),
                ("since", self.since),
                ("until", self.until),
            )
            if value
        ]


NO_FILTER = AuditFilter()


def entries_for(
    actor: Actor, session: Session, *, limit: int = 500, where: AuditFilter = NO_FILTER
) -> Sequence[AuditRow]:
    """The entries ``actor`` may see, newest first: all for the network admin; for an
    organisation admin, those about the organisation's own clients and those its own people
    wrote; narrowed by ``where``."""
    query = _narrowed(select(AuditEntry), where).order_by(AuditEntry.id.desc()).limit(limit)
    organisations = scope(actor, Permission.AUDIT_VIEW)
    if organisations is not None:
        query = query.where(
            or_(
                AuditEntry.client_organisation_id.in_(organisations),
                AuditEntry.organisation_id.in_(organisations),
            )
        )
    return [_row(entry) for entry in session.scalars(query)]


def _narrowed(query: Select[Any], where: AuditFilter) -> Select[Any]:
    if where.person:
        query = query.where(
            func.lower(AuditEntry.user_email).contains(where.person.lower(), autoescape=True)
        )
    if where.client_ids is not None:
        query = query.where(AuditEntry.client_id.in_(where.client_ids))
    if where.action:
        query = query.where(
            or_(
                AuditEntry.action == where.action,
                AuditEntry.action.startswith(f"{where.action}.", autoescape=True),
            )
        )
    if where.since is not None:
        query = query.where(AuditEntry.at >= where.since)
    if where.until is not None:
        query = query.where(AuditEntry.at < where.until)
    return query


# --- clients on the page: by number and name, to those who may see them ----------------------

CLIENT_SEARCH_LIMIT = 200


@dataclass(frozen=True)
class ClientName:
    client_number: str
    name: str


def readable_clients(
    session: Session, actor: Actor, rows: Iterable[AuditRow]
) -> dict[UUID, ClientName]:
    """Number and name of the clients in ``rows`` that ``actor`` may read (``auth.decide`` on
    ``clients.read`` in the client's organisation); the rest stay an anonymous reference.
    Reads the network's ``clients`` table."""
    wanted = {
        row.client_id
        for row in rows
        if row.client_id is not None
        and row.client_organisation_id is not None
        and decide(actor, Permission.CLIENTS_READ, row.client_organisation_id) is Decision.ALLOW
    }
    if not wanted:
        return {}
    found = session.execute(
        select(Client.id, Client.client_number, Client.name).where(Client.id.in_(wanted))
    )
    return {client_id: ClientName(number, name) for client_id, number, name in found}


def clients_matching(session: Session, actor: Actor, text: str) -> frozenset[UUID]:
    """The clients a reader means by ``text`` in the client filter: a client number or part
    of a name among the clients they may read, or a client reference (an id from the CSV
    export). Reads the network's ``clients`` table."""
    text = text.strip()
    try:
        return frozenset({UUID(text)})
    except ValueError:
        pass
    organisations = scope(actor, Permission.CLIENTS_READ)
    if organisations is not None and not organisations:
        return frozenset()
    query = (
        select(Client.id)
        .where(
            or_(
                Client.client_number == text,
                func.lower(Client.name).contains(text.lower(), autoescape=True),
            )
        )
        .limit(CLIENT_SEARCH_LIMIT)
    )
    if organisations is not None:
        query = query.where(Client.organisation_id.in_(organisations))
    return frozenset(session.scalars(query))


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(
        id=entry.id,
        at=entry.at,
        user_email=entry.user_email,
        organisation_id=entry.organisation_id,
        client_id=entry.client_id,
        client_organisation_id=entry.client_organisation_id,
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
    "client_organisation_id",
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


def view(
    session: Session, actor: Actor, *, limit: int = PAGE_LIMIT, where: AuditFilter = NO_FILTER
) -> Sequence[AuditRow]:
    """The entries for the audit page; the reading is recorded in the same transaction."""
    return _read_recorded(session, actor, "audit.view", limit, where)


def export(
    session: Session, actor: Actor, *, limit: int = EXPORT_LIMIT, where: AuditFilter = NO_FILTER
) -> Sequence[AuditRow]:
    """The entries for the CSV export; the export is recorded in the same transaction."""
    return _read_recorded(session, actor, "audit.export", limit, where)


def _read_recorded(
    session: Session, actor: Actor, action: str, limit: int, where: AuditFilter
) -> Sequence[AuditRow]:
    """Who looked at the trail is a question the trail has to answer too (who learned which
    clients were read by whom). The row says which part was read, how it was narrowed and
    how many entries: the scope, never their content."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.AUDIT_VIEW)
        rows = entries_for(actor, session, limit=limit, where=where)
        organisations = scope(actor, Permission.AUDIT_VIEW)
        part = "all" if organisations is None else f"{len(organisations)} organisation(s)"
        narrowed = f"; filtered by {', '.join(where.used())}" if where.used() else ""
        record(session, actor, action, detail=f"{len(rows)} entries; scope {part}{narrowed}")
        return rows
