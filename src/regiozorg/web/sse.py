"""Server-sent events: one topic of ``regiozorg.events`` as a live stream for a screen.

The bed board, the night console and the night API listen the same way, so they share this
one generator: the events carry ids and states only, and each screen fetches what its reader
may see. A stream lives no longer than the sign-in it was opened with: after a logout, a
switched-off account or a revoked token it ends within ``RECHECK_SECONDS``. And it ends within
a ``poll`` when the server stops (``stop_streams``): uvicorn waits for every open response
before it stops, and a stream would otherwise keep it waiting for as long as a browser listens.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, Callable
from typing import Protocol, cast

from fastapi import Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool

from regiozorg import events
from regiozorg.accounts import queries as accounts
from regiozorg.web.deps import SESSION_COOKIE, bearer_token

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 15.0
# How often a stream asks whether its session or token still stands: one indexed lookup.
RECHECK_SECONDS = 5.0
MEDIA_TYPE = "text/event-stream"


def stop_streams(app: Starlette, *, stopping: bool = True) -> None:
    """Ask every live stream of ``app`` to end (each notices within its ``poll``): the server
    calls this as it begins to stop, and with ``stopping=False`` when it starts (again)."""
    app.state.streams_stopping = stopping


def _stopping(app: Starlette) -> Callable[[], bool]:
    return lambda: bool(getattr(app.state, "streams_stopping", False))


def _never() -> bool:
    return False


class Connection(Protocol):
    """What the stream needs of a request: whether its client is still there."""

    async def is_disconnected(self) -> bool: ...


async def event_stream(
    connection: Connection,
    topic: str,
    *,
    keepalive: float = KEEPALIVE_SECONDS,
    poll: float = 1.0,
    stopping: Callable[[], bool] = _never,
    heartbeat: bool = False,
) -> AsyncGenerator[str]:
    """Every event of ``topic`` as a server-sent event, a comment now and then so proxies keep
    the line open, until the client goes away or ``stopping()`` says the server stops (noticed
    within ``poll`` seconds). The browser hears the end at once and reconnects (live.js).

    With ``heartbeat`` the comment also carries a ``keepalive`` event with the interval in
    seconds: a page cannot see comments, and a line that died without a word (a phone that
    lost its network, a proxy that hung) is noticed only by what stops arriving."""
    quiet_chunk = (
        f": keep-alive\nevent: keepalive\ndata: {keepalive:g}\n\n"
        if heartbeat
        else ": keep-alive\n\n"
    )
    # an async generator underneath: closing it unsubscribes at once
    subscription = cast("AsyncGenerator[events.Event]", events.BROKER.subscribe(topic))
    pending: asyncio.Future[events.Event] = asyncio.ensure_future(anext(subscription))
    try:
        await asyncio.sleep(0)  # the subscription is registered before the client hears of it
        yield "retry: 3000\n: verbonden\n\n"
        quiet = 0.0
        while not stopping() and not await connection.is_disconnected():
            done, _ = await asyncio.wait({pending}, timeout=poll)
            if not done:
                quiet += poll
                if quiet >= keepalive:
                    quiet = 0.0
                    yield quiet_chunk
                continue
            yield pending.result().sse()
            pending = asyncio.ensure_future(anext(subscription))
    finally:
        pending.cancel()
        with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
            await pending
        await subscription.aclose()


class SignedInConnection:
    """A connection that also counts as gone once the sign-in behind it has ended: it asks
    ``still_signed_in`` (in a worker thread, the database is blocking) at most once every
    ``recheck`` seconds. A check that fails ends the stream too; the browser reconnects, and
    the reconnection is checked like any request."""

    def __init__(
        self,
        connection: Connection,
        still_signed_in: Callable[[], bool],
        *,
        recheck: float = RECHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.connection = connection
        self.still_signed_in = still_signed_in
        self.recheck = recheck
        self.clock = clock
        self.checked = clock()  # the request that opened the stream was just checked

    async def is_disconnected(self) -> bool:
        if await self.connection.is_disconnected():
            return True
        if self.clock() - self.checked < self.recheck:
            return False
        self.checked = self.clock()
        try:
            return not await run_in_threadpool(self.still_signed_in)
        except Exception:
            log.exception("live stream: could not check the sign-in; ending the stream")
            return True


def signed_in_connection(request: Request, *, recheck: float | None = None) -> SignedInConnection:
    """``request`` as a connection bound to the bearer token or session cookie it came with."""
    sessions: sessionmaker[Session] = request.app.state.sessions
    token = bearer_token(request)
    cookie = None if token is not None else request.cookies.get(SESSION_COOKIE)

    def still_signed_in() -> bool:
        with sessions() as session:
            return accounts.still_signed_in(session, cookie=cookie, token=token)

    return SignedInConnection(
        request, still_signed_in, recheck=RECHECK_SECONDS if recheck is None else recheck
    )


def stream_response(request: Request, topic: str, *, heartbeat: bool = True) -> StreamingResponse:
    """The stream as a response no cache or buffering proxy (nginx) holds back, ending with the
    sign-in it was opened with or when the server stops. Pages want the ``heartbeat``; the API
    keeps to its documented comments."""
    stream = event_stream(
        signed_in_connection(request),
        topic,
        stopping=_stopping(request.app),
        heartbeat=heartbeat,
    )
    return StreamingResponse(
        stream,
        media_type=MEDIA_TYPE,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
