"""The coordination point's background worker: every half minute (``bed_hold_expiry_seconds``),
give back the beds whose hold ran out, so the board and the matches show them free and their
requests search again, also when no screen is looking.

The holds keep their expiry in the database, so this loop holds no state: a restarted app, or a
second app process, simply carries on. A hold that ran out is also ended by the next hold on its
bed (``actions.hold_bed``), so a late round costs nobody a bed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial

from sqlalchemy.orm import Session

from regiozorg import workers
from regiozorg.auth import SYSTEM
from regiozorg.beds import actions


def give_back_expired_holds(session: Session) -> int:
    return actions.expire_holds(session, SYSTEM)


JOBS: tuple[Callable[[Session], int], ...] = (give_back_expired_holds,)


def run_jobs(sessions: Callable[[], Session]) -> None:
    """One round of every job, each in its own session."""
    workers.run_each(sessions, JOBS, "beds worker")


def start(sessions: Callable[[], Session], every_seconds: float) -> asyncio.Task[None] | None:
    """The worker as a task of the running loop; None when switched off (0 seconds)."""
    return workers.start(every_seconds, partial(run_jobs, sessions), "beds worker")
