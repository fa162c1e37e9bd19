"""Time in one place: timezone-aware UTC for storage, Europe/Amsterdam for people."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local(moment: datetime) -> datetime:
    """The moment as a person in the Netherlands reads it on a clock."""
    return moment.astimezone(AMSTERDAM)
