"""Background jobs of an app process, each run every few seconds in a worker thread.

The jobs keep their state in the database, so a loop holds none: a restarted app, or a second
app process, carries on where the last run stopped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from contextlib import suppress

from sqlalchemy.orm import Session

log = logging.getLogger("regiozorg")


async def run_every(seconds: float, job: Callable[[], object], name: str) -> None:
    while True:
        await asyncio.sleep(seconds)
        run = asyncio.ensure_future(asyncio.to_thread(job))
        try:
            await asyncio.shield(run)
        except asyncio.CancelledError:
            with suppress(Exception):
                await run  # a started run finishes its transactions before shutdown
            raise
        except Exception:
            log.exception("%s failed", name)


def run_each(
    sessions: Callable[[], Session], jobs: Iterable[Callable[[Session], object]], name: str
) -> None:
    """One tick of a worker: every job once, each in its own session, so one failing does not
    stop the others. Tests call this (through the worker's ``run_jobs``) to drive a worker one
    tick at a time, with no sleeping."""
    for job in jobs:
        try:
            with sessions() as session:
                job(session)
        except Exception:
            log.exception("%s: %s failed", name, getattr(job, "__name__", job))


def start(seconds: float, job: Callable[[], object], name: str) -> asyncio.Task[None] | None:
    """The job as a task of the running loop; None when switched off (0 seconds)."""
    if seconds <= 0:
        return None
    return asyncio.create_task(run_every(seconds, job, name))


async def stop(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
