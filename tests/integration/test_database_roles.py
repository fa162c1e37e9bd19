"""Two PostgreSQL roles: the owner migrates, the app only reads and writes rows. Connected as the
app role, the app works, adds audit entries, and cannot change, remove or switch off any.

A database and two roles of their own per run (unique names, dropped afterwards), created
through the server's superuser that ``REGIOZORG_TEST_POSTGRES_URL`` names. The roles get
passwords, so the test works whether the server trusts local connections or asks for one.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql
from sqlalchemy import URL, Engine, func, make_url, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from regiozorg import audit, demo
from regiozorg.accounts import actions as accounts
from regiozorg.app import create_app
from regiozorg.auth import SYSTEM
from regiozorg.cli import app as cli
from regiozorg.config import Settings, get_settings
from regiozorg.db import make_engine
from regiozorg.network.models import Client, Organisation
from tests.cast import LINDEHOF, PASSWORD, PHYSICIAN

POSTGRES_URL = os.environ.get("REGIOZORG_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL roles need PostgreSQL")

REFUSED = r"permission denied|must be owner"


@dataclass(frozen=True)
class Roles:
    owner_url: str
    app_url: str
    app_role: str


def _url(url: URL, user: str, password: str, database: str) -> str:
    return url.set(username=user, password=password, database=database).render_as_string(
        hide_password=False
    )


@pytest.fixture(scope="module")
def roles() -> Iterator[Roles]:
    """A fresh database owned by a new owner role, migrated by ``regiozorg db upgrade`` as
    that owner; a new app role, created without LOGIN and allowed to log in afterwards."""
    assert POSTGRES_URL
    server = make_url(POSTGRES_URL)
    admin = server.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    tag = secrets.token_hex(4)
    owner, app_role, database = f"rz_owner_{tag}", f"rz_app_{tag}", f"{server.database}_{tag}"
    owner_password, app_password = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(owner), sql.Literal(owner_password)
            )
        )
        connection.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(app_role)))
        connection.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(database), sql.Identifier(owner)
            )
        )
    found = Roles(
        owner_url=_url(server, owner, owner_password, database),
        app_url=_url(server, app_role, app_password, database),
        app_role=app_role,
    )
    try:
        environment = {
            "REGIOZORG_DATABASE_URL": found.app_url,
            "REGIOZORG_MIGRATION_DATABASE_URL": found.owner_url,
        }
        get_settings.cache_clear()
        result = CliRunner().invoke(cli, ["db", "upgrade"], env=environment)
        get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        assert f"rights of {app_role} granted" in result.output
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(app_role), sql.Literal(app_password)
                )
            )
        yield found
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )
            for role in (app_role, owner):
                connection.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.fixture(scope="module")
def app_engine(roles: Roles) -> Iterator[Engine]:
    engine = make_engine(roles.app_url)
    yield engine
    engine.dispose()


def test_the_app_role_adds_audit_entries_but_cannot_change_remove_or_switch_them_off(
    app_engine: Engine,
) -> None:
    with Session(app_engine) as session:
        before = _entries(session)
        audit.record(session, SYSTEM, "test.app_role")
        session.commit()
        assert _entries(session) == before + 1
    refused = [
        "UPDATE audit_entries SET outcome = 'changed'",
        "DELETE FROM audit_entries",
        "TRUNCATE audit_entries",
        "ALTER TABLE audit_entries DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_entries_no_update ON audit_entries",
        "ALTER TABLE audit_entries DROP COLUMN detail",
        "DROP TABLE audit_entries",
        "UPDATE alembic_version SET version_num = 'x'",
    ]
    for statement in refused:
        with app_engine.connect() as connection:
            with pytest.raises(DBAPIError, match=REFUSED):
                connection.execute(text(statement))
            connection.rollback()
    with Session(app_engine) as session:
        assert _entries(session) == before + 1


def test_the_owner_still_cannot_change_audit_entries(roles: Roles) -> None:
    owner = make_engine(roles.owner_url)
    try:
        for statement in ("UPDATE audit_entries SET outcome = 'x'", "TRUNCATE audit_entries"):
            with owner.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
                connection.execute(text(statement))
    finally:
        owner.dispose()


def test_the_app_runs_as_the_app_role(roles: Roles, app_engine: Engine) -> None:
    with Session(app_engine) as session:
        summary = demo.seed(session, scale=demo.Scale.SMALL, seed_value=2026)
    assert summary.created
    settings = Settings(
        database_url=roles.app_url,
        static_vendor_dir=Path(__file__).resolve().parents[2] / "node_modules",
        night_worker_seconds=0,
    )
    with Session(app_engine) as session:
        accounts.log_in(session, settings, email=PHYSICIAN, password=PASSWORD, address=None)
        token = accounts.create_api_token(session, SYSTEM, user_email=PHYSICIAN, name="test")
        client_id = session.scalars(
            select(Client.id)
            .join(Organisation, Organisation.id == Client.organisation_id)
            .where(Organisation.name == LINDEHOF)
        ).first()
        reads_before = _reads(session)
    with TestClient(create_app(settings, app_engine), base_url="https://testserver") as browser:
        assert browser.get("/api/v1/health").json() == {"status": "ok", "database": "ok"}
        answer = browser.get(
            f"/api/v1/clients/{client_id}", headers={"Authorization": f"Bearer {token}"}
        )
    assert answer.status_code == 200, answer.text
    with Session(app_engine) as session:
        assert _reads(session) == reads_before + 1


def _entries(session: Session) -> int:
    return session.scalar(select(func.count(audit.AuditEntry.id))) or 0


def _reads(session: Session) -> int:
    return (
        session.scalar(select(func.count()).where(audit.AuditEntry.action == "clients.read")) or 0
    )


def test_tables_a_later_migration_creates_are_the_app_roles_to_use(
    roles: Roles, app_engine: Engine
) -> None:
    owner = make_engine(roles.owner_url)
    try:
        with owner.begin() as connection:
            connection.execute(text("CREATE TABLE later_feature (id serial PRIMARY KEY, n int)"))
        with app_engine.begin() as connection:
            connection.execute(text("INSERT INTO later_feature (n) VALUES (1)"))
            connection.execute(text("UPDATE later_feature SET n = 2"))
            connection.execute(text("DELETE FROM later_feature"))
    finally:
        with owner.begin() as connection:
            connection.execute(text("DROP TABLE later_feature"))
        owner.dispose()
