"""Which night has just ended, for the morning handover: the one that ended this morning,
whether the day team reads it at 08:00 or someone looks again at 20:00; in the small hours
the running night has not ended, so it is still the one before."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from regiozorg.clock import AMSTERDAM
from regiozorg.night.periods import night_just_ended


@pytest.mark.parametrize(
    ("clock", "night"),
    [
        (datetime(2026, 3, 11, 7, 15, tzinfo=AMSTERDAM), date(2026, 3, 10)),  # the day team starts
        (datetime(2026, 3, 11, 11, 0, tzinfo=AMSTERDAM), date(2026, 3, 10)),
        (datetime(2026, 3, 11, 20, 0, tzinfo=AMSTERDAM), date(2026, 3, 10)),  # the evening after
        (datetime(2026, 3, 11, 23, 59, tzinfo=AMSTERDAM), date(2026, 3, 10)),
        (datetime(2026, 3, 12, 3, 0, tzinfo=AMSTERDAM), date(2026, 3, 10)),  # 11th running
        (datetime(2026, 3, 12, 6, 0, tzinfo=AMSTERDAM), date(2026, 3, 11)),  # now it ended
        # the night the clocks go forward (29 March 2026) ends like any other
        (datetime(2026, 3, 29, 8, 0, tzinfo=AMSTERDAM), date(2026, 3, 28)),
        (datetime(2026, 10, 25, 8, 0, tzinfo=AMSTERDAM), date(2026, 10, 24)),
    ],
)
def test_the_night_that_has_just_ended(clock: datetime, night: date) -> None:
    assert night_just_ended(clock) == night
