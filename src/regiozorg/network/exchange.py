"""Reading and writing master-data files (CSV per record kind, or one JSON document).

Parsing is pure: text in, validated records or a list of every problem out, each naming the line
and field, so a user can fix the whole file at once. Writing to the database is
``actions.import_network``, all or nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from regiozorg import csv_export
from regiozorg.edge_text import MAX_DEPTH, TooDeepError, clean, clean_document
from regiozorg.errors import DomainError
from regiozorg.network.schemas import RECORD_KINDS, NetworkDocument, Record


@dataclass(frozen=True)
class Problem:
    line: int | str  # a CSV line number, or a path inside a JSON document
    field: str
    message: str

    def __str__(self) -> str:
        return f"regel {self.line}, veld '{self.field}': {self.message}"


class ImportRefusedError(DomainError):
    """The file has problems; nothing of it was imported."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        shown = "; ".join(str(p) for p in problems[:20])
        more = f" (en nog {len(problems) - 20})" if len(problems) > 20 else ""
        super().__init__(
            "Bestand niet ingelezen, niets is opgeslagen: {problems}", problems=shown + more
        )
        self.problems = list(problems)
        self.details = [
            {"line": p.line, "field": p.field, "message": p.message} for p in self.problems
        ]


def _problems(error: ValidationError, line: int | str) -> list[Problem]:
    found = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"]) or "-"
        found.append(Problem(line=line, field=location, message=item["msg"]))
    return found


@dataclass(frozen=True)
class Batch:
    """Validated records to import, each with where it stood in its file."""

    region: str | None
    items: dict[str, list[tuple[int | str, Record]]]


def decode(raw: bytes) -> str:
    """A file's bytes as text: UTF-8, with or without a byte order mark. Anything else is
    refused with where it goes wrong, rather than guessed: a name read in the wrong encoding
    would be imported misspelt."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportRefusedError(
            [Problem(line, "-", f"not UTF-8 text (byte {error.start + 1}); save it as UTF-8")]
        ) from None


def parse_csv(kind: str, text: str) -> Batch:
    if kind not in RECORD_KINDS:
        raise ImportRefusedError([Problem(1, "kind", f"unknown record kind {kind!r}")])
    model = RECORD_KINDS[kind]
    reader = csv.DictReader(io.StringIO(clean(text.lstrip("\ufeff"))[0]))
    expected = set(model.model_fields)
    header = set(reader.fieldnames or [])
    problems = [Problem(1, name, "unknown column") for name in sorted(header - expected)]
    required = {name for name, f in model.model_fields.items() if f.is_required()}
    problems += [Problem(1, name, "column missing") for name in sorted(required - header)]
    if problems:
        raise ImportRefusedError(problems)
    records: list[tuple[int | str, Record]] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(Problem(line, "-", "more cells than columns"))
            continue
        cells = {
            key: csv_export.restored_cell(value)
            for key, value in row.items()
            if value not in (None, "")
        }
        try:
            records.append((line, model.model_validate(cells)))
        except ValidationError as error:
            problems += _problems(error, line)
    if problems:
        raise ImportRefusedError(problems)
    return Batch(region=None, items={kind: records})


def parse_json(text: str) -> Batch:
    """A JSON document as records; every string cleaned as all text from outside is, and a
    document nested deeper than ours ever are refused before anything reads it recursively."""
    try:
        raw, _ = clean_document(json.loads(text))
    except json.JSONDecodeError as error:
        raise ImportRefusedError(
            [Problem(error.lineno, "-", f"invalid JSON: {error.msg}")]
        ) from None
    except (RecursionError, TooDeepError):
        raise ImportRefusedError(
            [Problem("-", "-", f"JSON nested deeper than {MAX_DEPTH} levels")]
        ) from None
    try:
        document = NetworkDocument.model_validate(raw)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            path = [str(part) for part in item["loc"]]
            # "locations.3.postcode" -> record "locations[3]", field "postcode"
            if len(path) >= 3 and path[1].isdigit():
                problems.append(Problem(f"{path[0]}[{path[1]}]", ".".join(path[2:]), item["msg"]))
            else:
                problems.append(Problem("-", ".".join(path) or "-", item["msg"]))
        raise ImportRefusedError(problems) from None
    items: dict[str, list[tuple[int | str, Record]]] = {
        kind: [(f"{kind}[{i}]", record) for i, record in enumerate(getattr(document, kind))]
        for kind in RECORD_KINDS
    }
    return Batch(region=document.region, items=items)


def to_csv(kind: str, records: Sequence[BaseModel]) -> str:
    columns = list(RECORD_KINDS[kind].model_fields)
    rows = []
    for record in records:
        values: dict[str, Any] = record.model_dump(mode="json")
        rows.append([";".join(v) if isinstance(v, list) else v for v in values.values()])
    return csv_export.to_csv(columns, rows, lineterminator="\n")


def to_json(document: NetworkDocument) -> str:
    return document.model_dump_json(indent=2)
