"""The English catalog covers every Dutch text the UI can show."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

from regiozorg.i18n import LOCALE_DIR, translate
from regiozorg.web.labels import LABELS

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "regiozorg"
TEMPLATE_CALL = re.compile(r'_\("((?:[^"\\]|\\.)+)"')
MESSAGE_CALLS = {"DomainError", "NotFoundError", "ConflictError", "TooManyAttemptsError",
                 "CsrfError", "translate", "_", "__init__", "N_"}  # fmt: skip


def _python_messages() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "roster" in path.parts and path.name != "labels.py":
            continue  # the rostering engine returns codes; roster/labels.py says them
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                strings = [a.value for a in node.args if isinstance(a, ast.Constant)]
                if name == "N_":  # marked as a message on purpose, one word or more
                    found.update(s for s in strings if isinstance(s, str))
                elif name in MESSAGE_CALLS:
                    # "_" and "translate" also name other calls: a sentence is a message
                    found.update(s for s in strings if isinstance(s, str) and " " in s)
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") in (
                "LOGIN_REFUSED",
                "HTTP_MESSAGES",
            ):
                found.update(
                    c.value
                    for c in ast.walk(node.value)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                )
    return found


def dutch_messages() -> set[str]:
    found = set(LABELS.values()) | _python_messages()
    for template in PACKAGE.rglob("templates/**/*.html"):
        found.update(TEMPLATE_CALL.findall(template.read_text()))
    return found


def test_catalog_file_exists() -> None:
    assert (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").is_file()


def _english_catalog() -> dict[str, str]:
    entries: dict[str, str] = {}
    for path in (LOCALE_DIR / "en" / "LC_MESSAGES").glob("*.po"):
        with path.open("rb") as source:
            entries |= {str(m.id): str(m.string) for m in read_po(source) if m.id}
    return entries


def test_every_dutch_message_has_an_english_translation() -> None:
    catalog = _english_catalog()
    missing = sorted(m for m in dutch_messages() if not catalog.get(m))
    assert missing == []


def test_catalog_has_no_stale_entries() -> None:
    assert sorted(set(_english_catalog()) - dutch_messages()) == []


def test_placeholders_survive_translation() -> None:
    for message in dutch_messages():
        names = set(re.findall(r"{(\w+)}", message))
        assert set(re.findall(r"{(\w+)}", translate("en", message))) == names, message


def test_dutch_is_the_source_language() -> None:
    assert translate("nl", "Inloggen") == "Inloggen"
    assert translate("en", "Inloggen") == "Log in"
