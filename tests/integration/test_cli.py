"""The command line on a fresh SQLite file: demo, tokens, users, import and export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from regiozorg.accounts.models import ApiToken
from regiozorg.audit import AuditEntry
from regiozorg.cli import app
from regiozorg.config import get_settings
from regiozorg.db import make_engine
from regiozorg.demo import demo_email
from tests.cast import PHYSICIAN

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("REGIOZORG_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def invoke(*args: str, **kwargs: str) -> str:
    result = runner.invoke(app, list(args), **kwargs)  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_is_deterministic_and_runs_once(database: str, tmp_path: Path) -> None:
    assert "demo region: 10 organisations" in invoke("demo", "--seed", "7")
    assert "left as it was" in invoke("demo", "--seed", "7")
    first = invoke("export")
    other = f"sqlite:///{tmp_path / 'again.sqlite3'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REGIOZORG_DATABASE_URL", other)
        get_settings.cache_clear()
        invoke("demo", "--seed", "7")
        again = invoke("export")
    get_settings.cache_clear()
    assert json.loads(first) == json.loads(again)


def test_token_is_printed_once_as_the_last_line_and_stored_hashed(database: str) -> None:
    invoke("demo")
    output = invoke("tokens", "create", "--user", PHYSICIAN, "--name", "alarmplatform")
    token = output.strip().splitlines()[-1]
    assert token.startswith("rz_")
    with Session(make_engine(database)) as session:
        stored = session.scalars(select(ApiToken)).one()
    assert stored.token_hash != token
    assert token not in stored.prefix or len(stored.prefix) < len(token)


def test_users_create_and_import_errors_name_line_and_field(database: str, tmp_path: Path) -> None:
    invoke("demo")
    invoke(
        "users", "create", "--email", "nieuw@example.org", "--name", "Nieuwe Planner",
        "--organisation", "Zorggroep Lindehof", "--role", "planner",
        input="a long enough password\na long enough password\n",
    )  # fmt: skip
    bad = tmp_path / "units.csv"
    bad.write_text("location,name,ward_type\nNOPE,Afdeling 1,pg\n")
    result = runner.invoke(app, ["import", str(bad), "--kind", "units"])
    assert result.exit_code == 1
    assert "regel 2" in result.output
    assert "NOPE" in result.output


def test_tokens_are_listed_and_revoked_by_prefix(database: str) -> None:
    invoke("demo")
    token = invoke("tokens", "create", "--user", PHYSICIAN, "--name", "alarmplatform")
    token = token.strip().splitlines()[-1]
    listed = invoke("tokens", "list", "--user", PHYSICIAN)
    assert token[:10] in listed and "alarmplatform" in listed and "active" in listed
    assert token not in listed
    assert invoke("tokens", "list", "--user", "nobody@example.org").strip() == ""
    assert "revoked" in invoke("tokens", "revoke", token[:10])
    assert "revoked 20" in invoke("tokens", "list")
    again = runner.invoke(app, ["tokens", "revoke", token[:10]])
    assert again.exit_code == 1 and "al ingetrokken" in again.output
    with Session(make_engine(database)) as session:
        stored = session.scalars(select(ApiToken)).one()
    assert stored.revoked_at is not None


def test_roles_are_granted_and_taken_away_but_not_the_last_one(database: str) -> None:
    invoke("demo")
    email = demo_email("viewer")
    invoke("users", "grant", "--email", email, "--organisation", "Zorggroep Lindehof",
           "--role", "coordinator")  # fmt: skip
    invoke("users", "revoke-role", "--email", email, "--organisation", "Zorggroep Lindehof",
           "--role", "coordinator")  # fmt: skip
    last = runner.invoke(app, ["users", "revoke-role", "--email", email, "--organisation",
                               "Zorggroep Lindehof", "--role", "viewer"])  # fmt: skip
    assert last.exit_code == 1 and "laatste rol" in last.output
    with Session(make_engine(database)) as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("users.membership%"))
        ).all()
    assert sorted(actions) == ["users.membership", "users.membership.remove"]
