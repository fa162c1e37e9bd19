"""Typed events, published after commit and fanned out to live screens (server-sent events).

In-process: every subscriber of this app process gets every event. One app process per
database is how regiozorg runs today; fanning out across processes with PostgreSQL
LISTEN/NOTIFY is the next step (the night console needs it).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from typing import Any

from regiozorg.clock import utcnow


@dataclass(frozen=True)
class Event:
    topic: str  # e.g. "beds"
    kind: str  # e.g. "bed.held"
    data: dict[str, Any] = field(default_factory=dict)
    at: str = field(default_factory=lambda: utcnow().isoformat())

    def sse(self) -> str:
        """The event as one server-sent-events message."""
        return f"event: {self.kind}\ndata: {json.dumps(asdict(self), default=str)}\n\n"


class Broker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Event], str]] = []

    def publish(self, event: Event) -> None:
        """Safe to call from any thread; never blocks the action that publishes."""
        with self._lock:
            subscribers = list(self._subscribers)
        for loop, queue, topic in subscribers:
            if topic == event.topic and not loop.is_closed():
                loop.call_soon_threadsafe(_offer, queue, event)

    async def subscribe(self, topic: str) -> AsyncIterator[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=1000)
        entry = (asyncio.get_running_loop(), queue, topic)
        with self._lock:
            self._subscribers.append(entry)
        try:
            while True:
                yield await queue.get()
        finally:
            with self._lock:
                self._subscribers.remove(entry)

    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subscribers)


def _offer(queue: asyncio.Queue[Event], event: Event) -> None:
    if not queue.full():  # a stalled screen loses events, never the publisher's time
        queue.put_nowait(event)


BROKER = Broker()


def publish(topic: str, kind: str, **data: Any) -> None:
    BROKER.publish(Event(topic=topic, kind=kind, data=data))
