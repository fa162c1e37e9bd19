"""The audit trail is append-only in the database itself, on both databases: rows are added,
never changed or removed, whatever statement asks (a trigger on each; on PostgreSQL the app's
own role also lacks the rights, see ``test_database_roles``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Executable, delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from regiozorg import audit
from regiozorg.auth import SYSTEM
from regiozorg.db import make_engine
from regiozorg.migrate import alembic_config, upgrade

AuditEntry = audit.AuditEntry


def _count(session: Session) -> int:
    return session.scalar(select(func.count(AuditEntry.id))) or 0


def test_audit_rows_are_added_but_never_changed_or_removed(session: Session) -> None:
    audit.record(session, SYSTEM, "test.append_only")
    session.flush()
    newest = session.scalar(select(func.max(AuditEntry.id)))
    before = _count(session)
    refused: list[Executable] = [
        update(AuditEntry).values(outcome="changed"),
        update(AuditEntry).where(AuditEntry.id == newest).values(detail="rewritten"),
        delete(AuditEntry).where(AuditEntry.id == newest),
        text("DELETE FROM audit_entries"),  # SQLite's TRUNCATE
    ]
    if session.get_bind().dialect.name == "postgresql":
        refused.append(text("TRUNCATE audit_entries"))
    for statement in refused:
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(statement)
    assert _count(session) == before
    entry = session.get(AuditEntry, newest)
    assert entry is not None and (entry.outcome, entry.detail) == ("success", None)

    audit.record(session, SYSTEM, "test.append_only")
    session.flush()
    assert _count(session) == before + 1


def test_the_sqlite_triggers_come_with_0005_and_go_with_its_downgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    upgrade(url)
    assert _sqlite_triggers(url) == {"audit_entries_no_update", "audit_entries_no_delete"}
    command.downgrade(alembic_config(url), "0004")
    assert _sqlite_triggers(url) == set()
    upgrade(url)
    assert _sqlite_triggers(url) == {"audit_entries_no_update", "audit_entries_no_delete"}


def _sqlite_triggers(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            names = connection.scalars(
                text(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'trigger' AND tbl_name = 'audit_entries'"
                )
            )
            return set(names)
    finally:
        engine.dispose()
