"""CSV files that are safe to open in a spreadsheet: every export writes through ``to_csv``.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some spreadsheets skip before looking) is read as a formula: a client's name or a staff phone
number typed as ``=HYPERLINK(...)`` would run in the reader's spreadsheet (OWASP, "CSV
Injection"). Such text gets a leading ``'``, which spreadsheets show as text and do not print.

Numbers passed as numbers (``int``, ``float``) stay numbers, negative ones included: they cannot
hold a formula, and a report's columns must stay summable. Numbers that arrive as text are
text like any other, and neutralised when they start with a sign.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


def safe_cell(value: object) -> str | int | float:
    """The value as a spreadsheet should read it: a number, or text that cannot be a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    return NEUTRALISER + text if text.startswith(FORMULA_STARTS) else text


def restored_cell(text: str) -> str:
    """The text as it was before ``safe_cell``, for files read back in (the network import)."""
    if text.startswith(NEUTRALISER) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def to_csv(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, lineterminator: str = "\r\n"
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()
