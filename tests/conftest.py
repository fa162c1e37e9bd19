"""Real databases for the tests: SQLite always, PostgreSQL too when
REGIOZORG_TEST_POSTGRES_URL is set (CI sets it and fails if the server is down).

Each backend is migrated with Alembic and seeded with the small demo region once per run;
every test then works inside a transaction that is rolled back, so tests never see each other.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

import regiozorg.schema  # noqa: F401 - every feature's tables, known before the first flush
from regiozorg import demo
from regiozorg.accounts.queries import forget_cached_tokens
from regiozorg.config import Settings
from regiozorg.db import make_engine
from regiozorg.migrate import upgrade

POSTGRES_URL = os.environ.get("REGIOZORG_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _fresh_postgres(url: str) -> None:
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{parsed.database}"')


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        assert POSTGRES_URL
        url = POSTGRES_URL
        _fresh_postgres(url)
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        demo.seed(session, scale=demo.Scale.SMALL, seed_value=2026)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _no_cached_tokens() -> Iterator[None]:
    """A token's owner cached by one test must not outlive its rolled-back data."""
    forget_cached_tokens()
    yield
    forget_cached_tokens()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def sessions(connection: Connection) -> sessionmaker[Session]:
    """Sessions whose commits become savepoints inside the test's rolled-back transaction."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        static_vendor_dir=Path(__file__).resolve().parents[1] / "node_modules",
        # The night worker would share the test's one connection from another thread; a test
        # that wants it switches it on.
        night_worker_seconds=0,
    )
