"""Every action the code records has words on the audit page, in Dutch and in English."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from regiozorg.auth import Permission
from regiozorg.beds.rules import RequestStatus
from regiozorg.i18n import translate
from regiozorg.night.rules import IncidentKind, IncidentState
from regiozorg.web.audit_labels import action_text

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "regiozorg"


def _recorded_codes() -> set[str]:
    """The action codes written as literals in ``audit.record(session, actor, "code", ...)``."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", None)) == "record"
                and len(node.args) >= 3  # session, actor, action
                and isinstance(node.args[2], ast.Constant)
                and isinstance(node.args[2].value, str)
            ):
                found.add(node.args[2].value)
    return found


def _dutch(message: str, **params: Any) -> str:
    return translate("nl", message, **params)


def _english(message: str, **params: Any) -> str:
    return translate("en", message, **params)


def test_the_scan_finds_the_recorded_actions() -> None:
    assert {"auth.login", "clients.read", "night.shift.add"} <= _recorded_codes()


CODES = sorted(
    _recorded_codes()
    | {str(permission) for permission in Permission}
    | {f"beds.request.{status}" for status in RequestStatus}
    | {f"night.incident.{state}" for state in IncidentState}
    | {f"night.{kind}" for kind in IncidentKind}
)


@pytest.mark.parametrize("code", CODES)
def test_every_recorded_action_has_words(code: str) -> None:
    dutch, english = action_text(code, _dutch), action_text(code, _english)
    assert dutch != code
    assert english != code
    assert english != dutch or dutch in {"API"}


def test_an_unknown_code_is_shown_as_it_is() -> None:
    assert action_text("something.new", _english) == "something.new"
    assert action_text("beds.request.teleported", _english) == "beds.request.teleported"
