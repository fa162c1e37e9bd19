"""Background jobs of an app process, each run every few seconds in a worker thread.

The jobs keep their state in the database, so a loop holds none: a restarted app, or a second
app process, carries on where the last run stopped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress

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
