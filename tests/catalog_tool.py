"""Adds translations to one feature's English catalog: ``python -m tests.catalog_tool FILE.po
PAIRS.txt`` where each line of PAIRS.txt is ``Dutch|English``. A developer's tool, not a test."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def main(po_path: str, pairs_path: str) -> None:
    path = Path(po_path)
    if path.exists():
        with path.open("rb") as source:
            catalog = read_po(source, locale="en")
    else:
        catalog = Catalog(locale="en", project="regiozorg")
    for line in Path(pairs_path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            dutch, english = line.split("|", 1)
            catalog.add(dutch, english)
    with path.open("wb") as target:
        write_po(target, catalog, width=100, sort_output=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
