"""The night service's background worker: every few seconds, take the escalation steps that
are due and raise a technical alarm for every controller that fell silent.

Both jobs keep their deadlines in the database (see ``escalation``), so this loop holds no
state: a restarted app, or a second app process, simply carries on where the last run left off.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress

from sqlalchemy.orm import Session

from regiozorg.night import escalation

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


async def run_forever(sessions: Callable[[], Session], every_seconds: float) -> None:
    while True:
        await asyncio.sleep(every_seconds)
        run = asyncio.ensure_future(asyncio.to_thread(run_jobs, sessions))
        try:
            await asyncio.shield(run)
        except asyncio.CancelledError:
            with suppress(Exception):
                await run  # a started round finishes its transactions before shutdown
            raise
        except Exception:
            log.exception("night worker round failed")


def start(sessions: Callable[[], Session], every_seconds: float) -> asyncio.Task[None] | None:
    """The worker as a task of the running loop; None when switched off (0 seconds)."""
    if every_seconds <= 0:
        return None
    return asyncio.create_task(run_forever(sessions, every_seconds))


async def stop(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
