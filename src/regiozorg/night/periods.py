"""The dates and times the night service takes from people: one range, checked before any
arithmetic, so a typed 9999-12-31 or 0001-01-01 is a readable refusal rather than an
``OverflowError`` (a night's start in Amsterdam time, the day after the last night, a time
zone conversion all step past the calendar's ends). Pure; raises :class:`DomainError`.

Called by the reports and the figures API (a period of nights, a handover's night) and by
``setup.parse_local_time`` (a shift typed on the roster page or the command line).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from regiozorg.clock import local
from regiozorg.errors import N_, DomainError

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
"""Generous for a service started in the 2020s; far from both ends of Python's calendar."""
OUT_OF_RANGE = N_("Kies een datum tussen {earliest} en {latest}.")


def check_day(day: date) -> None:
    """Refuse a night (named by its evening) or a day outside :data:`EARLIEST`-:data:`LATEST`."""
    if not EARLIEST <= day <= LATEST:
        raise DomainError(OUT_OF_RANGE, earliest=EARLIEST.isoformat(), latest=LATEST.isoformat())


def check_moment(moment: datetime) -> None:
    """Refuse a moment outside the range: its UTC date when it has an offset, else as typed
    (checked before converting, which is what overflows)."""
    if moment.tzinfo is not None and EARLIEST.year < moment.year < LATEST.year:
        moment = moment.astimezone(UTC)
    check_day(moment.date())


NIGHT_ENDS_HOUR = 6
"""From this hour (Amsterdam time) the night that began the evening before counts as ended for
the handover: the day team starts reading at the end of the night shift (often 07:00). Before
it, in the small hours, that night is still running and the last one ended is the one before."""


def night_just_ended(moment: datetime) -> date:
    """The night (named by its evening) that has most recently ended at ``moment``: at 08:00
    or at 20:00 on the 30th, the night of the 29th; at 03:00 on the 31st, still the 29th's,
    since the night of the 30th has not ended yet."""
    return (local(moment) - timedelta(hours=NIGHT_ENDS_HOUR)).date() - timedelta(days=1)
