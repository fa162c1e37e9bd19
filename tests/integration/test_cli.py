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
from regiozorg.demo import REGION_NAME as REGION
from regiozorg.demo import demo_email
from regiozorg.network.models import Organisation, Region
from tests.cast import LINDEHOF, PHYSICIAN

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("REGIOZORG_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def invoke(*args: str, input: str | None = None) -> str:  # noqa: A002 - Click's name
    result = runner.invoke(app, list(args), input=input)
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


def refused_import(*args: str) -> str:
    result = runner.invoke(app, ["import", *args])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.output


def organisation_names(database: str) -> list[str]:
    with Session(make_engine(database)) as session:
        return sorted(session.scalars(select(Organisation.name)))


def region_names(database: str) -> list[str]:
    with Session(make_engine(database)) as session:
        return sorted(session.scalars(select(Region.name)))


def document(region: str, *organisations: str) -> str:
    return json.dumps(
        {"region": region, "organisations": [{"name": n, "kind": "vvt"} for n in organisations]}
    )


def test_import_counts_what_it_created_and_names_what_it_skipped(
    database: str, tmp_path: Path
) -> None:
    invoke("demo")
    path = tmp_path / "network.json"
    path.write_text(document(REGION, "Zorggroep Nieuw", LINDEHOF))

    output = invoke("import", str(path))

    assert "created: organisations 1" in output
    assert f"skipped organisations (already there, unchanged): {LINDEHOF}" in output
    assert "Zorggroep Nieuw" in organisation_names(database)
    again = invoke("import", str(path))
    assert "created: nothing" in again
    assert f"Zorggroep Nieuw, {LINDEHOF}" in again


def test_importing_the_export_creates_nothing(database: str, tmp_path: Path) -> None:
    invoke("demo")
    path = tmp_path / "export.json"
    path.write_text(invoke("export"))

    output = invoke("import", str(path))

    assert "created: nothing" in output
    assert "updated" not in output


def test_import_refuses_an_unknown_region_and_creates_it_only_when_asked(
    database: str, tmp_path: Path
) -> None:
    invoke("demo")
    path = tmp_path / "typo.json"
    path.write_text(document("Zuidwest-Drente", "Zorggroep Elders"))
    regions = region_names(database)

    output = refused_import(str(path))

    assert "Regio 'Zuidwest-Drente' bestaat niet; niets is ingelezen." in output
    assert "--new-region" in output
    assert region_names(database) == regions
    assert "Zorggroep Elders" not in organisation_names(database)
    assert "created: organisations 1" in invoke("import", str(path), "--new-region")
    assert "Zuidwest-Drente" in region_names(database)


def test_import_refuses_a_file_that_is_not_utf8(database: str, tmp_path: Path) -> None:
    invoke("demo")
    path = tmp_path / "organisations.csv"
    path.write_bytes("name,kind\nZorggroep Dwingeloo,vvt\nZorggroep Één,vvt\n".encode("cp1252"))
    before = organisation_names(database)

    output = refused_import(str(path))

    assert "geen UTF-8" in output
    assert "regel 3" in output
    assert organisation_names(database) == before


def test_import_refuses_deeply_nested_json_readably(database: str, tmp_path: Path) -> None:
    invoke("demo")
    path = tmp_path / "deep.json"
    path.write_text('{"region": ' + "[" * 10_000 + "]" * 10_000 + "}")

    output = refused_import(str(path))

    assert "dieper genest" in output


def test_import_cleans_control_characters_in_a_csv(database: str, tmp_path: Path) -> None:
    invoke("demo")
    path = tmp_path / "organisations.csv"
    path.write_text("name,kind\nZorggroep\x00 Nul,vvt\n")

    assert "created: organisations 1" in invoke("import", str(path))
    assert "Zorggroep Nul" in organisation_names(database)


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


def test_demo_names_the_address_and_the_login_of_each_role(database: str) -> None:
    for output in (invoke("demo"), invoke("demo")):  # also when the region was there already
        assert "http://127.0.0.1:8000/" in output
        assert "regiozorg-demo-2026" in output
        lines = {line.split()[0]: line for line in output.splitlines() if "@" in line}
        for handle, role in (
            ("networkadmin", "network admin"),
            ("orgadmin", "organisation admin"),
            ("coordinator", "bed coordinator"),
            ("nightcarer", "night carer at the desk"),
            ("mobiel.meppel", "night carer (mobile)"),
            ("mobiel.hoogeveen", "night carer (mobile)"),
            ("physician", "physician"),
            ("planner", "planner"),
            ("viewer", "viewer"),
        ):
            assert role in lines[demo_email(handle)], handle
