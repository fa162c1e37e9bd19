"""An ANW pool described in a scenario file (YAML), read into plain frozen dataclasses.

The file is a contract with tools outside the project (README, "ANW scenario files"): every
mistake is refused with the path of the field it is in (``duties.weeknight.start``,
``physicians[3].profession``) and what is wrong, as a Dutch message with its parameters, said in
the reader's language where it is shown. Nothing here touches a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any, TypeVar

import yaml

from regiozorg.anw.rules import (
    DEFAULT_DETOUR_FACTOR,
    DEFAULT_SPEED_KMH,
    DayKind,
    DutyType,
    Place,
    Profession,
    Role,
    WorkRules,
)
from regiozorg.errors import N_, Message

E = TypeVar("E", DayKind, Profession)


class ScenarioError(ValueError):
    """The file cannot be used; ``field`` is the path of the field at fault, or '' for the file."""

    def __init__(self, field: str, message: str, **params: Any) -> None:
        self.field = field
        self.message = Message(message, {"field": field, **params})
        super().__init__(str(self.message))


@dataclass(frozen=True)
class Physician:
    id: str
    name: str
    organisation: str
    profession: Profession
    place: Place  # where the physician starts from (home or base location)
    fte: float
    unavailable: frozenset[date]


@dataclass(frozen=True)
class Scenario:
    name: str
    start: date
    weeks: int
    holidays: frozenset[date] | None  # None: the Dutch public holidays
    duties: tuple[DutyType, ...]
    roles: tuple[Role, ...]
    areas: Mapping[str, tuple[Place, ...]]
    detour_factor: float
    speed_kmh: float
    physicians: tuple[Physician, ...]
    rules: WorkRules


FIELDS = {
    "top": {"name", "start", "weeks", "holidays", "duties", "roles", "areas", "travel",
         "physicians", "rules"},
    "duty": {"start", "end", "days"},
    "role": {"professions", "travel_minutes"},
    "place": {"code", "name", "lat", "lon"},
    "travel": {"detour_factor", "speed_kmh"},
    "physician": {"id", "name", "organisation", "profession", "lat", "lon", "fte", "unavailable"},
    "rules": {"max_duties_per_28_days", "min_rest_hours_after_night"},
}  # fmt: skip


def loads(text: str) -> Scenario:
    """The scenario in ``text``; ScenarioError naming the field at fault."""
    try:
        # BaseLoader would keep every scalar a string; SafeLoader's numbers and dates are what
        # a planner means, and its reading of 17:00 as a number is caught where times are read.
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise ScenarioError("", N_("Het bestand is geen geldige YAML (regel {line})."),
                            line=line) from error  # fmt: skip
    top = _mapping(document, "", "top")
    start = _date(_required(top, "start", ""), "start")
    weeks = _integer(_required(top, "weeks", ""), "weeks", least=1)
    holidays = top.get("holidays")
    listed = None if holidays is None else _list(holidays, "holidays")
    return Scenario(
        name=_text(_required(top, "name", ""), "name"),
        start=start,
        weeks=weeks,
        holidays=None
        if listed is None
        else frozenset(_date(day, f"holidays[{i}]") for i, day in enumerate(listed)),
        duties=_duties(_required(top, "duties", "")),
        roles=_roles(_required(top, "roles", "")),
        areas=_areas(_required(top, "areas", "")),
        detour_factor=_travel(top).get("detour_factor", DEFAULT_DETOUR_FACTOR),
        speed_kmh=_travel(top).get("speed_kmh", DEFAULT_SPEED_KMH),
        physicians=_physicians(_required(top, "physicians", "")),
        rules=_rules(top.get("rules")),
    )  # fmt: skip


def _duties(value: object) -> tuple[DutyType, ...]:
    duties = []
    for code, spec in _mapping(value, "duties", None).items():
        here = f"duties.{code}"
        fields = _mapping(spec, here, "duty")
        days = _list(_required(fields, "days", here), f"{here}.days")
        if not days:
            raise ScenarioError(f"{here}.days", N_("{field}: noem minstens één soort dag."))
        kinds = frozenset(_choice(day, f"{here}.days[{i}]", DayKind) for i, day in enumerate(days))
        duties.append(
            DutyType(
                code=str(code),
                start=_time(_required(fields, "start", here), f"{here}.start"),
                end=_time(_required(fields, "end", here), f"{here}.end"),
                days=kinds,
            )
        )
    if not duties:
        raise ScenarioError("duties", N_("{field}: noem minstens één dienst."))
    return tuple(duties)


def _roles(value: object) -> tuple[Role, ...]:
    roles = []
    for code, spec in _mapping(value, "roles", None).items():
        here = f"roles.{code}"
        fields = _mapping(spec, here, "role")
        professions = _list(_required(fields, "professions", here), f"{here}.professions")
        if not professions:
            raise ScenarioError(f"{here}.professions", N_("{field}: noem minstens één beroep."))
        roles.append(
            Role(
                code=str(code),
                professions=frozenset(
                    _choice(p, f"{here}.professions[{i}]", Profession)
                    for i, p in enumerate(professions)
                ),
                travel_minutes=_number(
                    _required(fields, "travel_minutes", here), f"{here}.travel_minutes", above=0
                ),
            )
        )
    if not roles:
        raise ScenarioError("roles", N_("{field}: noem minstens één rol."))
    return tuple(roles)


def _place(value: object, here: str) -> Place:
    fields = _mapping(value, here, "place")
    return Place(
        code=_text(_required(fields, "code", here), f"{here}.code"),
        name=_text(fields.get("name", fields.get("code")), f"{here}.name"),
        lat=_number(_required(fields, "lat", here), f"{here}.lat", low=-90, high=90),
        lon=_number(_required(fields, "lon", here), f"{here}.lon", low=-180, high=180),
    )


def _areas(value: object) -> dict[str, tuple[Place, ...]]:
    areas = {}
    for code, places in _mapping(value, "areas", None).items():
        here = f"areas.{code}"
        found = tuple(_place(p, f"{here}[{i}]") for i, p in enumerate(_list(places, here)))
        if not found:
            raise ScenarioError(here, N_("{field}: een gebied heeft minstens één locatie."))
        areas[str(code)] = found
    if not areas:
        raise ScenarioError("areas", N_("{field}: noem minstens één gebied."))
    return areas


def _travel(top: Mapping[str, object]) -> dict[str, float]:
    fields = _mapping(top.get("travel", {}), "travel", "travel")
    return {name: _number(value, f"travel.{name}", above=0) for name, value in fields.items()}


def _physicians(value: object) -> tuple[Physician, ...]:
    physicians = []
    seen: set[str] = set()
    for i, spec in enumerate(_list(value, "physicians")):
        here = f"physicians[{i}]"
        fields = _mapping(spec, here, "physician")
        ident = _text(_required(fields, "id", here), f"{here}.id")
        if ident in seen:
            raise ScenarioError(f"{here}.id", N_("{field}: de code {code} komt twee keer voor."),
                                code=ident)  # fmt: skip
        seen.add(ident)
        unavailable = _list(fields.get("unavailable", []), f"{here}.unavailable")
        physicians.append(
            Physician(
                id=ident,
                name=_text(fields.get("name", ident), f"{here}.name"),
                organisation=_text(_required(fields, "organisation", here), f"{here}.organisation"),
                profession=_choice(
                    _required(fields, "profession", here), f"{here}.profession", Profession
                ),
                place=Place(
                    code=ident,
                    name=ident,
                    lat=_number(_required(fields, "lat", here), f"{here}.lat", low=-90, high=90),
                    lon=_number(_required(fields, "lon", here), f"{here}.lon", low=-180, high=180),
                ),
                fte=_number(fields.get("fte", 1.0), f"{here}.fte", above=0, high=2),
                unavailable=frozenset(
                    _date(day, f"{here}.unavailable[{j}]") for j, day in enumerate(unavailable)
                ),
            )
        )
    if not physicians:
        raise ScenarioError("physicians", N_("{field}: noem minstens één arts."))
    return tuple(physicians)


def _rules(value: object) -> WorkRules:
    fields = _mapping(value if value is not None else {}, "rules", "rules")
    defaults = WorkRules()
    return WorkRules(
        max_duties_per_28_days=_integer(
            fields.get("max_duties_per_28_days", defaults.max_duties_per_28_days),
            "rules.max_duties_per_28_days",
            least=1,
        ),
        min_rest_hours_after_night=_number(
            fields.get("min_rest_hours_after_night", defaults.min_rest_hours_after_night),
            "rules.min_rest_hours_after_night",
            low=0,
            high=72,
        ),
    )


def dumps(scenario: Scenario) -> str:
    """The scenario as a file that ``loads`` reads back to the same scenario."""
    document: dict[str, Any] = {"name": scenario.name, "start": scenario.start.isoformat(),
                                "weeks": scenario.weeks}  # fmt: skip
    if scenario.holidays is not None:
        document["holidays"] = sorted(day.isoformat() for day in scenario.holidays)
    document["duties"] = {
        duty.code: {
            "start": duty.start.strftime("%H:%M"),
            "end": duty.end.strftime("%H:%M"),
            "days": [kind.value for kind in DayKind if kind in duty.days],
        }
        for duty in scenario.duties
    }
    document["roles"] = {
        role.code: {
            "professions": [p.value for p in Profession if p in role.professions],
            "travel_minutes": role.travel_minutes,
        }
        for role in scenario.roles
    }
    document["areas"] = {
        code: [{"code": p.code, "name": p.name, "lat": p.lat, "lon": p.lon} for p in places]
        for code, places in scenario.areas.items()
    }
    document["travel"] = {"detour_factor": scenario.detour_factor,
                          "speed_kmh": scenario.speed_kmh}  # fmt: skip
    document["physicians"] = [
        {
            "id": p.id,
            "name": p.name,
            "organisation": p.organisation,
            "profession": p.profession.value,
            "lat": p.place.lat,
            "lon": p.place.lon,
            "fte": p.fte,
            "unavailable": sorted(day.isoformat() for day in p.unavailable),
        }
        for p in scenario.physicians
    ]
    document["rules"] = {
        "max_duties_per_28_days": scenario.rules.max_duties_per_28_days,
        "min_rest_hours_after_night": scenario.rules.min_rest_hours_after_night,
    }
    text: str = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return text


# Readers of one value each: the value, or ScenarioError naming ``here``.


def _required(fields: Mapping[str, object], name: str, here: str) -> object:
    if name not in fields or fields[name] is None:
        where = f"{here}.{name}" if here else name
        raise ScenarioError(where, N_("{field}: dit veld ontbreekt."))
    return fields[name]


def _mapping(value: object, here: str, kind: str | None) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ScenarioError(here, N_("{field}: verwacht een lijst van namen met waarden."))
    allowed = FIELDS[kind] if kind is not None else None
    for name in value:
        if allowed is not None and name not in allowed:
            where = f"{here}.{name}" if here else str(name)
            raise ScenarioError(where, N_("{field}: onbekend veld (toegestaan: {allowed})."),
                                allowed=", ".join(sorted(allowed)))  # fmt: skip
    return {str(name): item for name, item in value.items()}


def _list(value: object, here: str) -> list[object]:
    if not isinstance(value, list):
        raise ScenarioError(here, N_("{field}: verwacht een lijst."))
    return value


def _text(value: object, here: str) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise ScenarioError(here, N_("{field}: verwacht een tekst."))
    return str(value).strip()


def _number(
    value: object,
    here: str,
    *,
    above: float | None = None,
    low: float | None = None,
    high: float | None = None,
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(here, N_("{field}: verwacht een getal, niet '{value}'."),
                            value=value)  # fmt: skip
    number = float(value)
    if (
        (above is not None and number <= above)
        or (low is not None and number < low)
        or (high is not None and number > high)
    ):
        raise ScenarioError(here, N_("{field}: {value} ligt buiten het toegestane bereik."),
                            value=value)  # fmt: skip
    return number


def _integer(value: object, here: str, *, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ScenarioError(here, N_("{field}: verwacht een geheel getal van {least} of meer."),
                            least=least)  # fmt: skip
    return value


def _date(value: object, here: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ScenarioError(here, N_("{field}: verwacht een datum als \"JJJJ-MM-DD\", niet '{value}'."),
                        value=value)  # fmt: skip


def _time(value: object, here: str) -> time:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 17:00 as the base-60 number 1020.
        raise ScenarioError(
            here,
            N_("{field}: zet de tijd tussen aanhalingstekens, \"{written}\" "
               "(zonder leest YAML er het getal {value} in)."),
            written=f"{value // 60:02d}:{value % 60:02d}", value=value,
        )  # fmt: skip
    if isinstance(value, str):
        try:
            parsed = time.fromisoformat(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None and len(value.strip()) == 5 and parsed.second == 0:
            return parsed
    raise ScenarioError(here, N_("{field}: verwacht een tijd als \"UU:MM\", niet '{value}'."),
                        value=value)  # fmt: skip


def _choice(value: object, here: str, kind: type[E]) -> E:
    for member in kind:
        if value == member.value:
            return member
    raise ScenarioError(here, N_("{field}: onbekende waarde '{value}' (mogelijk: {choices})."),
                        value=value, choices=", ".join(m.value for m in kind))  # fmt: skip
