"""The coordination point's codes in the reader's words, where pages and the API show them:
capability labels ("tillift", not "hoist") and numbers in the reader's locale (89,0 in Dutch).

The domain gives codes with parameters (``rules``) and names their messages (``explain``);
only here are they translated."""

from __future__ import annotations

from babel.numbers import format_decimal

from regiozorg.beds import explain
from regiozorg.beds.rules import MatchReason, Reason
from regiozorg.web.i18n import translate
from regiozorg.web.labels import label


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
    capabilities = ", ".join(capability(locale, c) for c in reason.capabilities)
    text = translate(locale, explain.match_text(reason)).format(
        minutes=reason.minutes, capabilities=capabilities
    )
    return f"{text} ({points(locale, reason.points)})" if reason.points else text


def reasons_text(locale: str, reasons: list[MatchReason]) -> list[str]:
    return [reason_text(locale, reason) for reason in reasons]


def say(locale: str, reason: Reason) -> str:
    """A rule's reason as a sentence in the reader's language."""
    return translate(locale, explain.text(reason), **reason.params)


def outcome(locale: str, reasons: list[Reason], typed: str | None) -> str:
    """Why a request stopped, one reason a line: the rules' reasons in the reader's language,
    then what a person typed. A line typed that is a catalog message is translated too: rows
    from before the codes (migration 0009) that it could not convert kept the rules' Dutch."""
    lines = [say(locale, reason) for reason in reasons]
    lines += [translate(locale, line) for line in (typed or "").splitlines()]
    return "\n".join(lines)
