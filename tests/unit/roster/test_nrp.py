"""The Curtois & Qu reader and the `roster nrp` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regiozorg.config import PROJECT_ROOT, get_settings
from regiozorg.roster import nrp
from regiozorg.roster.cli import roster_app
from regiozorg.roster.evaluator import evaluate
from regiozorg.roster.problem import Roster


def test_reads_instance1_completely() -> None:
    problem = nrp.load("Instance1")
    assert (problem.days, len(problem.shift_types), len(problem.staff)) == (14, 1, 8)
    anna = problem.staff[0]
    assert anna.id == "A"
    assert anna.max_shifts == {"D": 14}
    assert (anna.min_minutes, anna.max_minutes) == (3360, 4320)
    assert (anna.min_consecutive_shifts, anna.max_consecutive_shifts) == (2, 5)
    assert (anna.min_consecutive_days_off, anna.max_weekends) == (2, 1)
    assert anna.days_off == frozenset({0})
    assert len([r for r in problem.requests if r.on]) == 21
    assert len([r for r in problem.requests if not r.on]) == 5
    assert problem.covers[0].requirement == 5
    assert nrp.best_known()["Instance1"] == 607


def test_reads_forbidden_successions() -> None:
    problem = nrp.load("Instance24")
    assert "a1" in problem.shift("a4").forbidden_next
    assert problem.days == 364
    assert len(problem.weekends()) == 52


def test_a_malformed_file_says_what_is_wrong() -> None:
    with pytest.raises(nrp.NrpFormatError):
        nrp.parse("SECTION_HORIZON\nfourteen\n", name="broken")


def test_cli_prints_the_json_contract_and_reaches_the_optimum_of_instance1() -> None:
    result = CliRunner().invoke(roster_app, ["nrp", "Instance1", "--work", "20", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"instance", "objective", "best_bound", "status", "seconds", "assignments"}
    assert data["instance"] == "Instance1"
    assert data["objective"] == 607
    problem = nrp.load("Instance1")
    roster = Roster({who: tuple(days) for who, days in data["assignments"].items()})
    assert evaluate(problem, roster).objective == 607


def test_cli_shows_a_readable_roster_and_cost_breakdown(tmp_path: Path) -> None:
    source = nrp.instance_path("Instance1")
    copy = tmp_path / "mine.txt"
    copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(roster_app, ["nrp", str(copy), "--work", "5"])
    assert result.exit_code == 0, result.output
    assert "Cost breakdown" in result.output
    assert "under-cover on" in result.output or "on-request" in result.output


def test_the_instances_come_from_the_repository_or_the_nrp_dir_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert nrp.instance_path("1") == PROJECT_ROOT / "data" / "nrp" / "Instance1.txt"
    (tmp_path / "Instance1.txt").write_text(
        "SECTION_HORIZON\n3\nSECTION_SHIFTS\nD,480,\nSECTION_STAFF\nA,D=3,1440,0,3,1,1,1\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("REGIOZORG_NRP_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        assert nrp.load("Instance1").days == 3
    finally:
        get_settings.cache_clear()


def test_cli_says_why_there_is_no_roster_in_the_readers_language(tmp_path: Path) -> None:
    impossible = tmp_path / "impossible.txt"
    impossible.write_text(
        "SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\nSECTION_STAFF\nA,D=7,9999,4800,7,1,1,1\n",
        encoding="utf-8",
    )
    for locale, said in (("nl", "A: ten minste 4800 minuten"), ("en", "A: at least 4800 minutes")):
        result = CliRunner().invoke(
            roster_app, ["nrp", str(impossible), "--work", "5", "--locale", locale]
        )
        assert result.exit_code == 0, result.output
        assert "status INFEASIBLE" in result.output
        assert said in result.output


def test_cli_refuses_an_unknown_instance() -> None:
    result = CliRunner().invoke(roster_app, ["nrp", "Instance99"])
    assert result.exit_code == 2
