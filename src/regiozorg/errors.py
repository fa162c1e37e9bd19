"""Domain errors: a Dutch message for the user (translated on screen), English for the log."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class DomainError(Exception):
    """A rule said no. ``message`` is a Dutch msgid with ``{placeholders}`` filled from ``params``
    after translation, so the English catalog can translate it too."""

    status_code = 422

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message.format(**params))
        self.message = message
        self.params = params
        self.details: list[dict[str, Any]] = []


class NotFoundError(DomainError):
    status_code = 404


class ConflictError(DomainError):
    status_code = 409


class TooManyAttemptsError(DomainError):
    status_code = 429


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Marks a Dutch message for the catalog where it is defined; translated when shown."""
    return message


@dataclass(frozen=True)
class Message:
    """A Dutch msgid with its parameters, said in the reader's language when it is shown.

    A ``DomainError`` parameter may be one, or a ``Messages`` list of them, so a message built
    from parts (every problem of an import) is translated part by part; as a string it is Dutch.
    """

    text: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.text.format(**{k: str(v) for k, v in self.params.items()})


class Messages(tuple[Message, ...]):
    """Messages shown one after another, each in the reader's language."""

    separator = "; "

    def __str__(self) -> str:
        return self.separator.join(str(message) for message in self)
