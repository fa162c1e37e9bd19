"""Moments on screen: Europe/Amsterdam, written one of a few ways, through the pages' ``local``
filter (``{{ moment|local }}``, ``{{ moment|local("minute") }}``). One formatter for every page,
so a time reads the same wherever it is shown."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from regiozorg.clock import local

Shape = Literal["second", "minute", "recent"]

SHAPES: dict[Shape, str] = {
    "second": "%d-%m-%Y %H:%M:%S",  # the default: records, audit rows, the handover report
    "minute": "%d-%m-%Y %H:%M",  # plans and rosters, set for the coming days
    "recent": "%d-%m %H:%M:%S",  # the live console: tonight's incidents, the year goes unsaid
}


def local_text(moment: datetime | None, shape: Shape = "second") -> str:
    """The moment as a Dutch clock and calendar show it; nothing for no moment."""
    return local(moment).strftime(SHAPES[shape]) if moment else ""
