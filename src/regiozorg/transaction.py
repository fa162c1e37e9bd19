"""An action's one transaction: the unit of work every write goes through.

It sits above ``db`` (which knows engines and sessions only) and beside ``audit`` and
``auth``, which it needs for the one thing it adds to a plain commit: a refusal of access is
remembered in the audit trail even though the action is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from regiozorg import audit
from regiozorg.auth import AccessDeniedError
from regiozorg.db import SQLITE_BEGIN


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Commit what the block did, or roll all of it back: an action's one transaction.

    A refusal of access is still worth remembering after the rollback, so the audit trail
    gets its own small transaction for it (see ``audit.record_denial``).
    """
    try:
        _begin_writing(session)
        yield session
        session.commit()
    except AccessDeniedError as denied:
        session.rollback()
        _begin_writing(session)
        audit.record_denial(session, denied)
        session.commit()
        raise
    except BaseException:
        session.rollback()
        raise


def _begin_writing(session: Session) -> None:
    """Begin the action's transaction holding the database's write lock, as every action
    writes (an audited read writes its audit row).

    PostgreSQL locks rows (``with_for_update``) and needs nothing here. SQLite has one writer
    at a time, and a transaction that began by reading cannot wait for the write lock when it
    comes to write: SQLite answers "database is locked" at once, whatever the busy timeout,
    because what it read may be stale by then. So an action's transaction begins with
    BEGIN IMMEDIATE and waits its turn there, up to the busy timeout. Reads the session did
    before the action (a page's queries) are ended first: they wrote nothing, writes being
    actions'. Queries outside actions still begin DEFERRED, read concurrently and never hold
    the lock.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={SQLITE_BEGIN: "IMMEDIATE"})
