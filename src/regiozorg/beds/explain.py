"""The coordination point's codes in the reader's words: why a bed ranks where it does, with
capability labels ("tillift", not "hoist") and numbers in the reader's locale (89,0 in Dutch)."""

from __future__ import annotations

from babel.numbers import format_decimal

from regiozorg.beds.rules import MatchReason
from regiozorg.errors import N_
from regiozorg.web.i18n import translate
from regiozorg.web.labels import label

REASON_TEXTS = {
    "travel": N_("{minutes} min reistijd vanaf de postcode van de patiënt"),
    "preferred": N_("voorkeurslocatie van de patiënt"),
    "not_preferred": N_("niet de voorkeurslocatie van de patiënt"),
    "no_preference": N_("geen voorkeurslocatie opgegeven"),
    "needs_met": N_("biedt {capabilities}"),
    "needs_missing": N_("mist {capabilities}"),
    "no_needs": N_("geen bijzondere voorzieningen gevraagd"),
    "free_now": N_("nu vrij"),
    "free_later": N_("vrij na verwacht ontslag"),
    "fresh": N_("beddenstand recent bijgewerkt"),
    "stale": N_("beddenstand niet recent bijgewerkt"),
}


def number(locale: str, value: float) -> str:
    """A score or part of one, with one decimal in the locale's own format."""
    return format_decimal(value, "#,##0.0", locale=locale)


def points(locale: str, value: float) -> str:
    """A signed contribution to a score: +89,0 or −5,0."""
    sign = "+" if value >= 0 else "\u2212"
    return sign + number(locale, abs(value))


def capability(locale: str, code: str) -> str:
    """A capability's label inside a sentence: "tillift", but "PG (psychogeriatrie)"."""
    text = translate(locale, label(code))
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def reason_text(locale: str, reason: MatchReason) -> str:
    template = REASON_TEXTS.get(reason.code, reason.code)
    capabilities = ", ".join(capability(locale, c) for c in reason.capabilities)
    text = translate(locale, template).format(minutes=reason.minutes, capabilities=capabilities)
    return f"{text} ({points(locale, reason.points)})" if reason.points else text


def reasons_text(locale: str, reasons: list[MatchReason]) -> list[str]:
    return [reason_text(locale, reason) for reason in reasons]
