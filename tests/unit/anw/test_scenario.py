"""The ANW scenario file: read as the README describes it, and every mistake refused with the
field it is in."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from regiozorg.anw import generate
from regiozorg.anw.rules import DayKind, Profession
from regiozorg.anw.scenario import ScenarioError, dumps, loads
from regiozorg.i18n import translate

# The example of the issue and the README, as written there.
EXAMPLE = (Path(__file__).parent / "readme_example.yaml").read_text()


def test_the_example_of_the_readme_reads_as_written() -> None:
    scenario = loads(EXAMPLE)
    assert scenario.name == "Demo ANW pool"
    assert (scenario.start, scenario.weeks) == (date(2027, 3, 1), 13)
    assert scenario.holidays == frozenset({date(2027, 3, 28), date(2027, 3, 29), date(2027, 4, 27)})
    night = scenario.duties[0]
    assert (night.code, night.start, night.end) == ("weeknight", time(17), time(8))
    assert night.crosses_midnight and night.days == {DayKind.WEEKDAY}
    backup = scenario.roles[1]
    assert backup.professions == {Profession.SO} and backup.travel_minutes == 45
    assert [p.code for p in scenario.areas["noord"]] == ["MEP", "HAV"]
    physician = scenario.physicians[0]
    assert (physician.id, physician.organisation, physician.fte) == ("p011", "Zorggroep A", 0.8)
    assert physician.unavailable == {date(2027, 3, 10)}
    assert scenario.rules.max_duties_per_28_days == 7
    assert scenario.rules.min_rest_hours_after_night == 11


def test_without_holidays_the_dutch_public_holidays_apply() -> None:
    text = EXAMPLE.replace('holidays: ["2027-03-28", "2027-03-29", "2027-04-27"]', "")
    assert loads(text).holidays is None


@pytest.mark.parametrize(
    ("mistake", "field", "words"),
    [
        ('{start: "17:00", end: "08:00"', "duties.weeknight.start", '"17:00"'),
        ("days: [weekday]}\n  weekend_day", "duties.weeknight.days", "ontbreekt"),
        ("professions: [SO], travel", "roles.backup.professions[0]", "'tandarts'"),
        ("profession: SO,", "physicians[0].profession", "'chirurg'"),
        ('start: "2027-03-01"', "start", "2027-13-01"),
        ("weeks: 13", "weeks", "geheel getal"),
        ("fte: 0.8", "physicians[0].fte", "getal"),
        ("lat: 52.70,", "physicians[0].lat", "bereik"),
    ],
)
def test_a_mistake_is_refused_naming_its_field(mistake: str, field: str, words: str) -> None:
    broken = {
        '{start: "17:00", end: "08:00"': '{start: 17:00, end: "08:00"',
        "days: [weekday]}\n  weekend_day": "}\n  weekend_day",
        "professions: [SO], travel": "professions: [tandarts], travel",
        "profession: SO,": "profession: chirurg,",
        'start: "2027-03-01"': 'start: "2027-13-01"',
        "weeks: 13": "weeks: 0",
        "fte: 0.8": "fte: veel",
        "lat: 52.70,": "lat: 152.70,",
    }[mistake]
    assert mistake in EXAMPLE
    with pytest.raises(ScenarioError) as refused:
        loads(EXAMPLE.replace(mistake, broken, 1))
    assert refused.value.field == field
    assert field in str(refused.value) and words in str(refused.value)


def test_an_unquoted_time_says_how_yaml_read_it_in_both_languages() -> None:
    with pytest.raises(ScenarioError) as refused:
        loads(EXAMPLE.replace('{start: "17:00", end: "08:00"', '{start: 17:00, end: "08:00"', 1))
    message = refused.value.message
    assert "1020" in translate("nl", message.text, **message.params)
    english = translate("en", message.text, **message.params)
    assert english.startswith("duties.weeknight.start: put the time in quotes")


def test_an_unknown_field_and_bad_yaml_are_refused() -> None:
    with pytest.raises(ScenarioError) as refused:
        loads(EXAMPLE.replace("weeks: 13", "weeks: 13\nweken: 13"))
    assert refused.value.field == "weken"
    with pytest.raises(ScenarioError) as refused:
        loads("name: [unclosed")
    assert refused.value.field == ""
    with pytest.raises(ScenarioError):
        loads("just text")


def test_two_physicians_with_one_code_are_refused() -> None:
    line = EXAMPLE.splitlines()[-2]
    with pytest.raises(ScenarioError) as refused:
        loads(EXAMPLE.replace(line, f"{line}\n{line}"))
    assert refused.value.field == "physicians[1].id"


def test_a_written_scenario_reads_back_the_same() -> None:
    for scenario in (loads(EXAMPLE), generate.pool(generate.QUARTER, seed=7)):
        assert loads(dumps(scenario)) == scenario


def test_a_generated_pool_is_the_same_for_the_same_seed_and_has_its_size() -> None:
    one, two = generate.pool(generate.QUARTER, seed=7), generate.pool(generate.QUARTER, seed=7)
    assert one == two
    assert one != generate.pool(generate.QUARTER, seed=8)
    assert len(one.physicians) == 50 and len(one.areas) == 3
    assert len({p.organisation for p in one.physicians}) == 12
