"""Translations: the UI is written in Dutch; ``locale/en`` translates it to English.

Catalogs are read from their ``.po`` source at start-up, so there is no compile step to forget.
"""

from __future__ import annotations

import io
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from regiozorg.errors import Message, Messages

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SUPPORTED = ("nl", "en")
SOURCE_LOCALE = "nl"


@lru_cache(maxsize=len(SUPPORTED))
def translations(locale: str) -> NullTranslations:
    if locale == SOURCE_LOCALE or locale not in SUPPORTED:
        return NullTranslations()
    # One catalog file per feature (messages.po for the shell), merged into one translation.
    catalog = None
    for path in sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as source:
            part = read_po(source, locale=locale)
        if catalog is None:
            catalog = part
        else:
            for message in part:
                if message.id:
                    catalog[message.id] = message
    assert catalog is not None, f"no catalog for {locale}"
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def translate(locale: str, message: str, **params: Any) -> str:
    """``message`` in ``locale``, its placeholders filled; a parameter that is itself a
    ``Message`` (or ``Messages``) is said in the same language."""
    text = translations(locale).gettext(message)
    if not params:
        return text
    return text.format(**{name: _said(locale, value) for name, value in params.items()})


def _said(locale: str, value: Any) -> Any:
    if isinstance(value, Message):
        return translate(locale, value.text, **value.params)
    if isinstance(value, Messages):
        return value.separator.join(_said(locale, part) for part in value)
    return value
