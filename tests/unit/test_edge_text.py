"""The one cleaning of text from outside: what is removed, replaced and normalised."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regiozorg.edge_text import MAX_DEPTH, TooDeepError, clean, clean_document
from regiozorg.web.input import nothing_to_clean


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("Kamer\x0012", "Kamer12"),
        ("\x01\x08\x0b\x0c\x0e\x1f\x1bKamer", "Kamer"),
        ("Alarm \ud800knop", "Alarm \ufffdknop"),
        ("\udfffx", "\ufffdx"),
    ],
)
def test_controls_are_removed_and_lone_surrogates_replaced(sent: str, kept: str) -> None:
    assert clean(sent) == (kept, True)


def test_tab_newline_and_carriage_return_stay() -> None:
    assert clean("a\tb\nc\r\nd") == ("a\tb\nc\r\nd", False)


def test_text_is_nfc_and_nfc_alone_is_not_cleaning() -> None:
    assert clean("e\u0301e\u0301n") == ("één", False)


@given(st.text())
def test_cleaned_text_can_be_encoded_and_has_no_nul(text: str) -> None:
    cleaned, _ = clean(text)
    cleaned.encode("utf-8")  # no lone surrogate left
    assert "\x00" not in cleaned
    assert clean(cleaned) == (cleaned, False)


def test_a_document_names_the_paths_it_cleaned() -> None:
    document = {"text": "a\x00", "items": [{"name": "b\x01"}, "ok"], "n": 1, "k\x02": None}

    cleaned, paths = clean_document(document)

    assert cleaned == {"text": "a", "items": [{"name": "b"}, "ok"], "n": 1, "k": None}
    assert sorted(paths) == ["items.0.name", "k", "text"]


def test_a_document_nested_too_deeply_is_refused() -> None:
    deep: object = "x"
    for _ in range(MAX_DEPTH + 2):
        deep = [deep]
    with pytest.raises(TooDeepError):
        clean_document(deep)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=20,
)


@given(_json, st.booleans())
def test_a_body_passed_on_unparsed_needed_no_cleaning(document: object, ascii_only: bool) -> None:
    """The input layer's shortcut (``web.input.nothing_to_clean``) never lets through what the
    full cleaning would have changed or refused."""
    body = json.dumps(document, ensure_ascii=ascii_only).encode()
    if nothing_to_clean(body):
        assert clean_document(document) == (document, [])


@pytest.mark.parametrize(
    ("body", "shortcut"),
    [
        (b'{"reference": "A1", "controller_id": "7100", "message_type": "PI"}', True),
        (b'{"text": "Kamer\\u000012"}', False),  # an escaped NUL
        (b'{"text": "\\ud800"}', False),  # a lone surrogate
        ('{"text": "Cafe\u0301"}'.encode(), False),  # not ASCII: NFC may change it
        (b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, True),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), False),  # too deep: the full check
    ],
)
def test_only_plain_ascii_without_escapes_skips_the_parse(body: bytes, shortcut: bool) -> None:
    assert nothing_to_clean(body) is shortcut
