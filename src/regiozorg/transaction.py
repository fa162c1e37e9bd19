"""An action's one transaction: the unit of work every write goes through.

It sits above ``db`` (which knows engines and sessions only) and beside ``audit``, ``auth``
and ``events``, which it needs for what it adds to a plain commit: a refusal of access is
remembered in the audit trail even though the action is rolled back, and the action's events
are sent after its commit, never before and never after a rollback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from regiozorg import audit, events
from regiozorg.auth import AccessDeniedError
from regiozorg.db import SQLITE_BEGIN

_OPEN = "regiozorg.transaction.open"
"""Key in ``Session.info``: set while the session's outermost unit of work is open."""


def unit_of_work(session: Session) -> AbstractContextManager[Session]:
    """Commit what the block did, or roll all of it back: an action's one transaction.

    Events the block publishes (``events.publish``) are sent after the commit. A refusal of
    access is still worth remembering after the rollback, so the audit trail gets its own
    small transaction for it (see ``audit.record_denial``).

    An action called inside another action's unit of work joins that transaction in a
    savepoint: its failure undoes its own writes and events only, and what it did is
    committed, and its events sent, when the outermost unit of work commits.
    """
    return _nested(session) if session.info.get(_OPEN) else _outermost(session)


@contextmanager
def _outermost(session: Session) -> Iterator[Session]:
    session.info[_OPEN] = True
    events.hold(session)
    committed = False
    try:
        _begin_writing(session)
        yield session
        session.commit()
        committed = True
    except AccessDeniedError as denied:
        session.rollback()
        _begin_writing(session)
        audit.record_denial(session, denied)
        session.commit()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        del session.info[_OPEN]
        to_send = events.release(session, keep=committed)
    events.send(to_send)


@contextmanager
def _nested(session: Session) -> Iterator[Session]:
    events.hold(session)
    kept = False
    try:
        with session.begin_nested():
            yield session
        kept = True
    finally:
        events.release(session, keep=kept)


@event.listens_for(Session, "after_soft_rollback")
def _forget_events(session: Session, previous_transaction: SessionTransaction) -> None:
    """A rollback of the whole transaction inside an action (the intake undoing a duplicate,
    say) takes the events published so far with it; a savepoint's is ``_nested``'s to handle."""
    if not previous_transaction.nested:
        events.forget(session)


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
