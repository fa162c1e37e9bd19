"""`regiozorg night ...` on a fresh demo in a SQLite file: enrol, shift, device, escalation,
and clear refusals (exit code 1, no traceback) for what does not exist."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from regiozorg.accounts.models import User
from regiozorg.cli import app
from regiozorg.config import get_settings
from regiozorg.db import make_engine
from regiozorg.network.models import Client, Location
from regiozorg.night.models import AlarmDevice, EscalationStepRow, NightLocation, NightShift
from regiozorg.night.rules import DeskRole, EscalationTarget

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo region for the module, copied per test: seeding takes a few seconds."""
    path = tmp_path_factory.mktemp("night-cli") / "demo.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REGIOZORG_DATABASE_URL", f"sqlite:///{path}")
        get_settings.cache_clear()
        result = runner.invoke(app, ["demo"])
        assert result.exit_code == 0, result.output
    get_settings.cache_clear()
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:  # WAL mode: fold the log into the file to copy it
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def database(demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    copy = tmp_path / "cli.sqlite3"
    copy.write_bytes(demo_file.read_bytes())
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("REGIOZORG_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def invoke(*args: str) -> str:
    result = runner.invoke(app, ["night", *args])
    assert result.exit_code == 0, result.output
    return result.output


def refused(*args: str) -> str:
    result = runner.invoke(app, ["night", *args])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


def test_enrol_a_location_with_its_norms(database: str) -> None:
    invoke("enrol", "ZL-NIJE-4", "--answer-seconds", "30", "--on-site-minutes", "15",
           "--phone", "0521-999999")  # fmt: skip
    with Session(make_engine(database)) as session:
        location = session.scalars(select(Location).where(Location.code == "ZL-NIJE-4")).one()
        row = session.get(NightLocation, location.id)
    assert row is not None
    assert (row.answer_norm_seconds, row.on_site_norm_minutes, row.staff_phone) == (
        30,
        15,
        "0521-999999",
    )
    assert "Geen locatie met code NOPE." in refused("enrol", "NOPE")


def test_shift_in_amsterdam_time_is_stored_in_utc(database: str) -> None:
    invoke("shift", "--user", "mobiel.meppel@demo.regiozorg.nl", "--role", "mobile",
           "--from", "2030-03-30T23:00", "--to", "2030-03-31T07:00",
           "--base", "ZL-MEPP-2", "--phone", "06-11112222")  # fmt: skip
    with Session(make_engine(database)) as session:
        shift = session.scalars(select(NightShift).where(NightShift.phone == "06-11112222")).one()
        carer = session.get(User, shift.user_id)
        base = session.get(Location, shift.base_location_id)
    assert carer is not None and carer.email == "mobiel.meppel@demo.regiozorg.nl"
    assert base is not None and base.code == "ZL-MEPP-2"
    assert shift.role is DeskRole.MOBILE
    # summer time starts that night: 23:00 CET is 22:00 UTC, 07:00 CEST is 05:00 UTC
    assert (shift.starts_at, shift.ends_at) == (
        datetime(2030, 3, 30, 22, tzinfo=UTC),
        datetime(2030, 3, 31, 5, tzinfo=UTC),
    )
    output = refused("shift", "--user", "nobody@example.org", "--role", "desk",
                     "--from", "2030-01-01T23:00", "--to", "2030-01-02T07:00")  # fmt: skip
    assert "Geen gebruiker met e-mailadres nobody@example.org." in output
    not_a_carer = refused("shift", "--user", "planner@demo.regiozorg.nl", "--role", "desk",
                          "--from", "2030-01-01T23:00", "--to", "2030-01-02T07:00")  # fmt: skip
    assert "Alleen nachtzorgmedewerkers kunnen op het nachtrooster." in not_a_carer
    too_long = refused("shift", "--user", "mobiel.meppel@demo.regiozorg.nl", "--role", "desk",
                       "--from", "2030-01-01T23:00", "--to", "2040-01-01T23:00")  # fmt: skip
    assert "Een nachtdienst duurt hoogstens 13 uur." in too_long


def test_device_for_a_client_by_number(database: str) -> None:
    with Session(make_engine(database)) as session:
        client = session.scalars(
            select(Client)
            .join(Location, Location.id == Client.location_id)
            .where(Location.code == "ZL-MEPP-2")
            .order_by(Client.client_number)
        ).first()
    assert client is not None
    invoke("device", "--controller", "7100", "--device", "D777", "--type", "0005",
           "--client-number", client.client_number, "--room", "kamer 7")  # fmt: skip
    with Session(make_engine(database)) as session:
        device = session.scalars(select(AlarmDevice).where(AlarmDevice.device_id == "D777")).one()
    assert (device.controller_id, device.client_id, device.device_type, device.room) == (
        "7100",
        client.id,
        "0005",
        "kamer 7",
    )
    output = refused("device", "--controller", "7100", "--device", "D778",
                     "--client-number", "XX-000")  # fmt: skip
    assert "Geen cliënt met nummer XX-000." in output


def test_escalation_steps_replace_those_of_the_priority(database: str) -> None:
    invoke("escalation", "--priority", "1", "--step", "30:second_handler",
           "--step", "60:location_staff", "--step", "120:phone:0522-000000")  # fmt: skip
    with Session(make_engine(database)) as session:
        steps = [
            (row.after_seconds, row.target, row.phone)
            for row in session.scalars(
                select(EscalationStepRow)
                .where(EscalationStepRow.priority == 1)
                .order_by(EscalationStepRow.number)
            )
        ]
    assert steps == [
        (30, EscalationTarget.SECOND_HANDLER, None),
        (60, EscalationTarget.LOCATION_STAFF, None),
        (120, EscalationTarget.PHONE, "0522-000000"),
    ]
    assert "heeft een telefoonnummer nodig" in refused(
        "escalation", "--priority", "1", "--step", "120:phone"
    )
    assert "SECONDS:TARGET" in refused("escalation", "--priority", "1", "--step", "30:nobody")


@pytest.mark.parametrize("start", ["0001-01-01T23:00", "9999-12-31T22:00"])
def test_a_shift_far_away_is_refused_readably(database: str, start: str) -> None:
    output = refused("shift", "--user", "mobiel.meppel@demo.regiozorg.nl", "--role", "desk",
                     "--from", start, "--to", "9999-12-31T23:00")  # fmt: skip
    assert "Kies een datum tussen 2000-01-01 en 2099-12-31." in output
    assert "Traceback" not in output
