"""Generated ANW pools of any size, the same for the same seed: for the benchmark and the tests.

Every name is made up. Areas are clusters of nursing-home locations about 25 km apart in the
east of the country; each organisation has its locations in one area and its physicians live
near them, so most can take the first line in their own area (30 minutes) and the specialists
the backup in a neighbouring one too (45 minutes).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, time, timedelta

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
from regiozorg.anw.scenario import Physician, Scenario

# Kilometres per degree near 52.5° N.
KM_PER_LAT = 111.2
KM_PER_LON = 67.7

STANDARD_DUTIES = (
    DutyType("weeknight", time(17), time(8), frozenset({DayKind.WEEKDAY})),
    DutyType("weekend_day", time(8), time(17), frozenset({DayKind.WEEKEND, DayKind.HOLIDAY})),
    DutyType("weekend_night", time(17), time(8), frozenset({DayKind.WEEKEND, DayKind.HOLIDAY})),
)
STANDARD_ROLES = (
    Role("first_line", frozenset(Profession), 30.0),
    Role("backup", frozenset({Profession.SO}), 45.0),
)
PROFESSION_MIX = (
    (Profession.SO, 0.55),
    (Profession.VS, 0.2),
    (Profession.PA, 0.15),
    (Profession.BASISARTS, 0.1),
)


@dataclass(frozen=True)
class Size:
    name: str
    organisations: int
    physicians: int
    areas: int
    weeks: int


QUARTER = Size("quarter", 12, 50, 3, 13)
HALF_YEAR = Size("half_year", 30, 150, 9, 26)
YEAR = Size("year", 60, 400, 24, 52)
SIZES = (QUARTER, HALF_YEAR, YEAR)


def _near(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    """A point within ``km`` of (lat, lon), uniform over the disc."""
    distance, angle = km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    return (
        round(lat + distance * math.sin(angle) / KM_PER_LAT, 4),
        round(lon + distance * math.cos(angle) / KM_PER_LON, 4),
    )


def pool(size: Size, *, seed: int = 2027, start: date = date(2027, 3, 1)) -> Scenario:
    rng = random.Random(f"{seed}-{size.name}")
    columns = math.ceil(math.sqrt(size.areas))
    centres = [
        (52.2 + (i // columns) * 25 / KM_PER_LAT, 5.9 + (i % columns) * 25 / KM_PER_LON)
        for i in range(size.areas)
    ]
    area_codes = [f"gebied{i + 1:02d}" for i in range(size.areas)]
    home_area = [i % size.areas for i in range(size.organisations)]
    organisations = [f"Zorggroep {i + 1:02d}" for i in range(size.organisations)]
    areas: dict[str, list[Place]] = {code: [] for code in area_codes}
    for o, area in enumerate(home_area):
        for n in range(rng.randint(2, 3)):
            lat, lon = _near(rng, *centres[area], 8)
            code = f"L{o + 1:02d}{n + 1}"
            areas[area_codes[area]].append(Place(code, f"Locatie {o + 1}.{n + 1}", lat, lon))
    professions = [p for p, _ in PROFESSION_MIX]
    weights = [w for _, w in PROFESSION_MIX]
    days = size.weeks * 7
    physicians = []
    for i in range(size.physicians):
        o = i % size.organisations
        lat, lon = _near(rng, *centres[home_area[o]], 10)
        profession = professions[0] if i % 4 == 0 else rng.choices(professions, weights)[0]
        # About five weeks of leave a year, in blocks of a week, and a few single days.
        unavailable: set[date] = set()
        for _ in range(max(1, round(size.weeks / 10))):
            first = rng.randrange(days)
            unavailable.update(start + timedelta(days=first + d) for d in range(7))
        for _ in range(size.weeks // 4):
            unavailable.add(start + timedelta(days=rng.randrange(days)))
        ident = f"p{o + 1:02d}{i // size.organisations + 1:02d}"
        physicians.append(
            Physician(
                id=ident,
                name=f"Arts {o + 1}.{i // size.organisations + 1}",
                organisation=organisations[o],
                profession=profession,
                place=Place(ident, ident, lat, lon),
                fte=rng.choice((0.5, 0.6, 0.8, 0.9, 1.0)),
                unavailable=frozenset(d for d in unavailable if d < start + timedelta(days=days)),
            )
        )
    return Scenario(
        name=f"Generated ANW pool ({size.name}, seed {seed})",
        start=start,
        weeks=size.weeks,
        holidays=None,
        duties=STANDARD_DUTIES,
        roles=STANDARD_ROLES,
        areas={code: tuple(places) for code, places in areas.items()},
        detour_factor=DEFAULT_DETOUR_FACTOR,
        speed_kmh=DEFAULT_SPEED_KMH,
        physicians=tuple(physicians),
        rules=WorkRules(),
    )
