"""Reader for the Curtois & Qu shift-scheduling benchmark (schedulingbenchmarks.org, Instance1-24).

The instances are kept in the repository in ``data/nrp`` (MIT licence, LICENSE-source.txt beside
them), so the tests and the benchmark need nothing outside it; the setting ``nrp_dir``
(REGIOZORG_NRP_DIR) points elsewhere. The benchmark's rules map one to one onto `Problem`.
"""

from __future__ import annotations

import json
from pathlib import Path

from regiozorg.config import get_settings
from regiozorg.roster.problem import Cover, Problem, ShiftRequest, ShiftType, Staff


class NrpFormatError(ValueError):
    """The file does not follow the benchmark's text format."""


def benchmark_dir() -> Path:
    return get_settings().nrp_dir


def instance_path(instance: str) -> Path:
    """Accept a file path, or a name like 'Instance2' (or just '2') in the benchmark folder."""
    candidate = Path(instance)
    if candidate.is_file():
        return candidate
    name = f"Instance{instance}" if instance.isdigit() else instance
    path = benchmark_dir() / f"{name.removesuffix('.txt')}.txt"
    if not path.is_file():
        raise FileNotFoundError(f"no NRP instance {instance!r} (looked for {path})")
    return path


def best_known() -> dict[str, int]:
    data = json.loads((benchmark_dir() / "best_known.json").read_text(encoding="utf-8"))
    return {str(name): int(value) for name, value in data.items()}


def _sections(text: str) -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = sections.setdefault(line, [])
        elif current is None:
            raise NrpFormatError(f"data before the first section: {line!r}")
        else:
            current.append([cell.strip() for cell in line.split(",")])
    return sections


def _max_shifts(cell: str) -> dict[str, int]:
    limits: dict[str, int] = {}
    for part in filter(None, cell.split("|")):
        shift, _, value = part.partition("=")
        limits[shift] = int(value)
    return limits


def parse(text: str, name: str = "", *, open_ends: bool = False) -> Problem:
    sections = _sections(text)
    try:
        days = int(sections["SECTION_HORIZON"][0][0])
        shift_types = tuple(
            ShiftType(
                id=row[0],
                minutes=int(row[1]),
                forbidden_next=frozenset(filter(None, row[2].split("|")))
                if len(row) > 2
                else frozenset(),
            )
            for row in sections["SECTION_SHIFTS"]
        )
        days_off = {
            row[0]: frozenset(int(day) for day in row[1:] if day)
            for row in sections.get("SECTION_DAYS_OFF", [])
        }
        staff = tuple(
            Staff(
                id=row[0],
                max_shifts=_max_shifts(row[1]),
                max_minutes=int(row[2]),
                min_minutes=int(row[3]),
                max_consecutive_shifts=int(row[4]),
                min_consecutive_shifts=int(row[5]),
                min_consecutive_days_off=int(row[6]),
                max_weekends=int(row[7]),
                days_off=days_off.get(row[0], frozenset()),
            )
            for row in sections["SECTION_STAFF"]
        )
        requests = tuple(
            ShiftRequest(staff=row[0], day=int(row[1]), shift=row[2], weight=int(row[3]), on=on)
            for key, on in (
                ("SECTION_SHIFT_ON_REQUESTS", True),
                ("SECTION_SHIFT_OFF_REQUESTS", False),
            )
            for row in sections.get(key, [])
        )
        covers = tuple(
            Cover(
                day=int(row[0]),
                shift=row[1],
                requirement=int(row[2]),
                under_weight=int(row[3]),
                over_weight=int(row[4]),
            )
            for row in sections.get("SECTION_COVER", [])
        )
    except (KeyError, IndexError, ValueError) as error:
        raise NrpFormatError(f"cannot read NRP instance {name!r}: {error}") from error
    return Problem(
        name=name,
        days=days,
        shift_types=shift_types,
        staff=staff,
        covers=covers,
        requests=requests,
        first_weekday=0,
        open_ends=open_ends,
    )


def load(instance: str, *, open_ends: bool = False) -> Problem:
    """The instance under the README's rules; `open_ends` exempts runs of shifts touching the
    ends of the horizon from the minimum run (see `Problem.open_ends`)."""
    path = instance_path(instance)
    return parse(path.read_text(encoding="utf-8"), name=path.stem, open_ends=open_ends)
