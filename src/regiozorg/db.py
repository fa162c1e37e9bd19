"""Engine, sessions and the declarative base. Nothing connects at import time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, DateTime, Engine, Enum, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def string_enum(kind: type[StrEnum]) -> Enum:
    """A Python StrEnum stored as its values in a short string column with a CHECK constraint,
    the same on SQLite and PostgreSQL (no native enum types to migrate)."""
    return Enum(
        kind,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC, also on SQLite (which stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            msg = "naive datetimes are not stored; use regiozorg.clock.utcnow()"
            raise ValueError(msg)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(url: str, **kwargs: Any) -> Engine:
    # Every feature's tables must be known before the first flush resolves foreign keys.
    import regiozorg.schema  # noqa: F401, PLC0415

    if url.startswith("sqlite"):
        connect_args = {"check_same_thread": False, "timeout": 30}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_size", POOL_SIZE)
    kwargs.setdefault("max_overflow", POOL_OVERFLOW)
    return create_engine(url, pool_pre_ping=True, **kwargs)


POOL_SIZE = 20
"""Connections kept open per process. SQLAlchemy's default of 5 is below what the server uses
at once (each request in the thread pool holds one): every connection past the pool was
opened for one request and closed after it, which cost the server and PostgreSQL more than the
heartbeat itself (a new PostgreSQL backend per request). Twenty per process keeps two app
processes, the worker and the command line well inside PostgreSQL's default 100."""
POOL_OVERFLOW = 40
"""Connections opened past the pool under a burst (the thread pool's 40 threads plus async
routes that hold a session), closed again when returned."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy issues BEGIN instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# How a SQLite transaction begins, as an execution option of its connection: an action's
# transaction begins IMMEDIATE (see unit_of_work); any other begins DEFERRED, SQLite's default.
SQLITE_BEGIN = "regiozorg_sqlite_begin"


def _sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Commit what the block did, or roll all of it back: an action's one transaction.

    A refusal of access is still worth remembering after the rollback, so the audit trail
    gets its own small transaction for it (see ``audit.record_denial``).
    """
    from regiozorg import audit  # noqa: PLC0415 - audit imports db
    from regiozorg.auth import AccessDeniedError  # noqa: PLC0415

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
