"""Every CSV export goes through one writer that keeps spreadsheet formulas out (OWASP)."""

from __future__ import annotations

import csv
import io

import pytest

from regiozorg.csv_export import restored_cell, safe_cell, to_csv


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+31 522 123456", "'+31 522 123456"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        ("-12", "'-12"),  # a number that arrives as text is text
        ("Zorggroep Lindehof", "Zorggroep Lindehof"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-12, -12),  # numbers passed as numbers stay numbers, also negative ones
        (-0.5, -0.5),
        (3, 3),
        (True, "True"),
    ],
)
def test_a_cell_that_could_be_a_formula_gets_a_leading_quote(
    value: object, written: object
) -> None:
    assert safe_cell(value) == written


def test_a_neutralised_cell_reads_back_as_typed() -> None:
    for text in ("=1+1", "+31", "-", "@x", "'plain", "plain", "'"):
        cell = safe_cell(text)
        assert isinstance(cell, str)
        assert restored_cell(cell) == text


def test_the_file_has_its_header_and_neutralised_rows() -> None:
    text = to_csv(("name", "count"), [("=cmd", -3), ("Meppel", 4)])
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "count"],
        ["'=cmd", "-3"],
        ["Meppel", "4"],
    ]
