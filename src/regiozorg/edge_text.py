"""Text as it may enter at the edge: one normalisation for every string from outside.

JSON bodies, form fields and query strings (``web.input``), SCAIP requests (``night.scaip``) and
imported files (``network.exchange``) all pass their strings through :func:`clean`, so what is
stored is text every database and every page can hold:

- C0 control characters other than tab, line feed and carriage return are removed. NUL is the
  one that breaks things (PostgreSQL refuses it in text and JSON), the others are invisible
  and only hide or garble what a carer reads.
- A lone surrogate (``"\\ud800"`` in JSON, which ``json.loads`` accepts but no encoder can
  write) becomes U+FFFD, the replacement character: something was there, and it is shown.
- The result is in Unicode NFC, so "é" typed on two keyboards compares and sorts as one.

Pure: no I/O. Removing or replacing a character is *cleaning* and is reported, so an alarm can
say its text was cleaned; NFC changes no letter a reader sees and is not reported.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

REMOVED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""C0 controls except tab (09), line feed (0A) and carriage return (0D)."""
SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"

MAX_DEPTH = 64
"""How deeply a JSON document from outside may nest. Ours nest three or four levels; 10,000
levels would exhaust the stack of any recursive reader (ours, pydantic's, the database's)."""


class TooDeepError(ValueError):
    """A document nests deeper than :data:`MAX_DEPTH`."""


def clean(text: str) -> tuple[str, bool]:
    """The text as it may be stored, and whether a character was removed or replaced."""
    if text.isascii() and not REMOVED.search(text):
        return text, False  # the common case, without building new strings
    cleaned = SURROGATE.sub(REPLACEMENT, REMOVED.sub("", text))
    return unicodedata.normalize("NFC", cleaned), cleaned != text


def clean_document(value: Any, path: str = "", depth: int = 0) -> tuple[Any, list[str]]:
    """A parsed JSON document with every string (keys included) cleaned, and the dotted paths
    of the values that were (``"text"``, ``"items.0.name"``). Raises :class:`TooDeepError`
    past :data:`MAX_DEPTH` levels."""
    if depth > MAX_DEPTH:
        raise TooDeepError(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        text, changed = clean(value)
        return text, [path or "-"] if changed else []
    paths: list[str] = []
    if isinstance(value, list):
        items = []
        for index, item in enumerate(value):
            where = f"{path}.{index}" if path else str(index)
            new_item, found = clean_document(item, where, depth + 1)
            items.append(new_item)
            paths += found
        return items, paths
    if isinstance(value, dict):
        cleaned: dict[str, Any] = {}
        for key, item in value.items():
            new_key, key_changed = clean(key)
            where = f"{path}.{new_key}" if path else new_key
            if key_changed:
                paths.append(where)
            cleaned[new_key], found = clean_document(item, where, depth + 1)
            paths += found
        return cleaned, paths
    return value, paths
