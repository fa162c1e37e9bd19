"""The night service's background worker: every few seconds, take the escalation steps that
are due and raise a technical alarm for every controller that fell silent.

Both jobs keep their deadlines in the database (see ``escalation``), so this loop holds no
state: a restarted app, or a second app process, simply carries on where the last run left off.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial

from sqlalchemy.orm import Session

from regiozorg import workers
from regiozorg.night.console import escalation

log = logging.getLogger("regiozorg.night")

JOBS: tuple[Callable[[Session], int], ...] = (
    escalation.run_due_escalations,
    escalation.raise_link_failures,
)


def run_jobs(sessions: Callable[[], Session]) -> None:
    """One round of every job, each in its own session: one failing does not stop the other."""
    for job in JOBS:
        try:
            with sessions() as session:
                job(session)
        except Exception:
            log.exception("night worker: %s failed", job.__name__)


def start(sessions: Callable[[], Session], every_seconds: float) -> asyncio.Task[None] | None:
    """The worker as a task of the running loop; None when switched off (0 seconds)."""
    return workers.start(every_seconds, partial(run_jobs, sessions), "night worker")
