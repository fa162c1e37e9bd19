"""Reading and writing master-data files (CSV per record kind, or one JSON document).

Parsing is pure: text in, validated records or a list of every problem out, each naming the line
and field, so a user can fix the whole file at once. Writing to the database is
``actions.import_network``, all or nothing.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from regiozorg import csv_export
from regiozorg.edge_text import MAX_DEPTH, TooDeepError, clean, clean_document
from regiozorg.errors import N_, DomainError, Message, Messages
from regiozorg.network.schemas import RECORD_KINDS, NetworkDocument, Record


@dataclass(frozen=True)
class Problem:
    line: int | str  # a CSV line number, or a path inside a JSON document
    field: str
    message: str  # a Dutch msgid with ``params``; said in the reader's language when shown
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def said(self) -> Message:
        return Message(
            N_("regel {line}, veld '{field}': {problem}"),
            {"line": self.line, "field": self.field, "problem": Message(self.message, self.params)},
        )

    def __str__(self) -> str:
        return str(self.said())


SHOWN_PROBLEMS = 20


class ImportRefusedError(DomainError):
    """The file has problems; nothing of it was imported."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        shown = [problem.said() for problem in problems[:SHOWN_PROBLEMS]]
        if len(problems) > SHOWN_PROBLEMS:
            shown.append(Message(N_("en nog {count}"), {"count": len(problems) - SHOWN_PROBLEMS}))
        super().__init__(
            "Bestand niet ingelezen, niets is opgeslagen: {problems}", problems=Messages(shown)
        )
        self.problems = list(problems)
        self.details = [
            {"line": p.line, "field": p.field, "message": str(Message(p.message, p.params))}
            for p in self.problems
        ]


# Pydantic says what is wrong in English; the import page says it in the reader's language.
# A kind of error not listed here is shown in pydantic's English words.
VALIDATION_MESSAGES = {
    "missing": N_("verplicht veld ontbreekt"),
    "string_too_short": N_("mag niet leeg zijn"),
    "string_too_long": N_("te lang (ten hoogste {max_length} tekens)"),
    "string_pattern_mismatch": N_("bevat tekens die niet zijn toegestaan"),
    "float_parsing": N_("geen getal"),
    "int_parsing": N_("geen geheel getal"),
    "bool_parsing": N_("geen ja of nee"),
    "date_from_datetime_parsing": N_("geen datum (JJJJ-MM-DD)"),
    "enum": N_("onbekende waarde; toegestaan: {expected}"),
    "literal_error": N_("onbekende waarde; toegestaan: {expected}"),
    "extra_forbidden": N_("onbekend veld"),
}
# The schemas' own checks (network/schemas.py), by their English message.
VALUE_MESSAGES = {
    "an AGB code has 8 digits": N_("een AGB-code heeft 8 cijfers"),
    "not a Dutch postcode (1234 AB)": N_("geen Nederlandse postcode (1234 AB)"),
    "coordinates lie outside the Netherlands": N_("de coördinaten liggen buiten Nederland"),
}


def _validation_problem(line: int | str, location: str, item: ErrorDetails) -> Problem:
    context = {name: str(value) for name, value in item.get("ctx", {}).items()}
    if item["type"] == "value_error" and context.get("error") in VALUE_MESSAGES:
        return Problem(line, location, VALUE_MESSAGES[context["error"]])
    if item["type"] in VALIDATION_MESSAGES:
        return Problem(line, location, VALIDATION_MESSAGES[item["type"]], context)
    return Problem(line, location, item["msg"])


def _problems(error: ValidationError, line: int | str) -> list[Problem]:
    found = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"]) or "-"
        found.append(_validation_problem(line, location, item))
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
            [
                Problem(
                    line,
                    "-",
                    N_("geen UTF-8-tekst (byte {byte}); sla het bestand op als UTF-8"),
                    {"byte": error.start + 1},
                )
            ]
        ) from None


def parse_csv(kind: str, text: str) -> Batch:
    if kind not in RECORD_KINDS:
        raise ImportRefusedError(
            [Problem(1, "kind", N_("onbekende soort gegevens '{kind}'"), {"kind": kind})]
        )
    model = RECORD_KINDS[kind]
    reader = csv.DictReader(io.StringIO(clean(text.lstrip("\ufeff"))[0]))
    expected = set(model.model_fields)
    header = set(reader.fieldnames or [])
    problems = [Problem(1, name, N_("onbekende kolom")) for name in sorted(header - expected)]
    required = {name for name, f in model.model_fields.items() if f.is_required()}
    problems += [Problem(1, name, N_("kolom ontbreekt")) for name in sorted(required - header)]
    if problems:
        raise ImportRefusedError(problems)
    records: list[tuple[int | str, Record]] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(Problem(line, "-", N_("meer cellen dan kolommen")))
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
            [Problem(error.lineno, "-", N_("ongeldige JSON: {reason}"), {"reason": error.msg})]
        ) from None
    except (RecursionError, TooDeepError):
        raise ImportRefusedError(
            [Problem("-", "-", N_("JSON dieper genest dan {depth} niveaus"), {"depth": MAX_DEPTH})]
        ) from None
    try:
        document = NetworkDocument.model_validate(raw)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            path = [str(part) for part in item["loc"]]
            # "locations.3.postcode" -> record "locations[3]", field "postcode"
            if len(path) >= 3 and path[1].isdigit():
                where = (f"{path[0]}[{path[1]}]", ".".join(path[2:]))
            else:
                where = ("-", ".".join(path) or "-")
            problems.append(_validation_problem(*where, item))
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
