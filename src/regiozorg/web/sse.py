"""Server-sent events: one topic of ``regiozorg.events`` as a live stream for a screen.

The bed board, the night console and the night API listen the same way, so they share this
one generator: the events carry ids and states only, and each screen fetches what its reader
may see.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from typing import Protocol, cast

from fastapi.responses import StreamingResponse

from regiozorg import events

KEEPALIVE_SECONDS = 15.0
MEDIA_TYPE = "text/event-stream"


class Connection(Protocol):
    """What the stream needs of a request: whether its client is still there."""

    async def is_disconnected(self) -> bool: ...


async def event_stream(
    connection: Connection,
    topic: str,
    *,
    keepalive: float = KEEPALIVE_SECONDS,
    poll: float = 1.0,
) -> AsyncGenerator[str]:
    """Every event of ``topic`` as a server-sent event, a comment now and then so proxies keep
    the line open, until the client goes away (noticed within ``poll`` seconds)."""
    # an async generator underneath: closing it unsubscribes at once
    subscription = cast("AsyncGenerator[events.Event]", events.BROKER.subscribe(topic))
    pending: asyncio.Future[events.Event] = asyncio.ensure_future(anext(subscription))
    try:
        await asyncio.sleep(0)  # the subscription is registered before the client hears of it
        yield "retry: 3000\n: verbonden\n\n"
        quiet = 0.0
        while not await connection.is_disconnected():
            done, _ = await asyncio.wait({pending}, timeout=poll)
            if not done:
                quiet += poll
                if quiet >= keepalive:
                    quiet = 0.0
                    yield ": keep-alive\n\n"
                continue
            yield pending.result().sse()
            pending = asyncio.ensure_future(anext(subscription))
    finally:
        pending.cancel()
        with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
            await pending
        await subscription.aclose()


def stream_response(connection: Connection, topic: str) -> StreamingResponse:
    """The stream as a response no cache or buffering proxy (nginx) holds back."""
    return StreamingResponse(
        event_stream(connection, topic),
        media_type=MEDIA_TYPE,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
