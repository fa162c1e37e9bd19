"""The coordination point's rules give codes with parameters, never sentences; every code has
its Dutch message in ``explain`` and that message its English translation, so a new rule that
returns a sentence, or a code nobody can read, fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from regiozorg.beds import explain, rules
from regiozorg.beds import web as pages
from regiozorg.beds.rules import MatchReason, Reason
from regiozorg.i18n import translate

RULES = Path(rules.__file__)
CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _codes(kind: str) -> set[str]:
    """The first argument of every ``kind(...)`` call in the rules."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(RULES.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == kind:
            first = node.args[0]
            if ast.unparse(node) == "Reason(code, params)":
                continue  # reading stored reasons back (rules.reasons_from)
            assert isinstance(first, ast.Constant), ast.unparse(node)
            assert isinstance(first.value, str), ast.unparse(node)
            found.add(first.value)
    return found


def test_the_rules_give_codes_not_sentences() -> None:
    source = RULES.read_text()
    assert "N_(" not in source  # a message marked for the catalog belongs in explain
    codes = _codes("Reason") | _codes("MatchReason")
    assert codes and all(CODE.match(code) for code in codes), codes


@pytest.mark.parametrize(
    ("kind", "table"), [("Reason", explain.REASON_TEXTS), ("MatchReason", explain.MATCH_TEXTS)]
)
def test_every_code_has_a_message_with_an_english_translation(
    kind: str, table: dict[str, str]
) -> None:
    codes = _codes(kind)
    assert codes - set(table) == set()  # a code nobody can read
    for code in codes:
        assert translate("en", table[code]) != table[code], code


def test_an_english_reader_reads_the_reasons_in_english() -> None:
    assert pages.say("en", Reason("elv_excluded_by_wlz")) == (
        "The patient has a Wlz indication: ELV is excluded."
    )
    assert pages.say("nl", Reason("elv_excluded_by_wlz")) == (
        "Patiënt heeft een Wlz-indicatie: ELV is uitgesloten."
    )
    assert "75" in pages.say("en", Reason("over_max_age", {"max_age": 75}))
    assert pages.reason_text("en", MatchReason("free_now")) == "free now"


def test_stored_reasons_read_back_and_count_as_one() -> None:
    reasons = [Reason("elv_excluded_by_wlz"), Reason("over_max_age", {"max_age": 75})]
    stored = rules.stored_reasons(reasons)
    assert rules.reasons_from(stored) == reasons
    assert rules.stored_reasons(list(reasons)) == stored  # the reports group by this text
    assert rules.reasons_from(None) == []
