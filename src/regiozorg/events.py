"""Typed events, published after commit and fanned out to live screens (server-sent events).

An event is a frozen dataclass of one kind (``beds.events.BedHeld``, say), with its topic and
kind name. An action publishes it inside its unit of work (``transaction.unit_of_work``); the
event waits on the session and is sent only when the outermost unit of work has committed, so
a screen never hears of a change that was rolled back, and an action called inside another
cannot announce what the outer one may still undo.

Every subscriber of this app process gets every event of its topic, and on PostgreSQL so do the
subscribers of every other app process on the same database: a ``Fanout`` delivers an event to
its own process's ``Broker`` at once and sends it to the others with ``NOTIFY``; each process
LISTENs on one connection and hands what the others sent to its broker. Events carry the
broker's ``origin``, so a process skips its own on the way back and every subscriber hears an
event exactly once. On SQLite, which has no LISTEN/NOTIFY, events stay in the process.

Sending goes through the fan-out the app serves in its lifespan (``Fanout.serving``); outside a
running app (scripts, tests without an app) it delivers in-process only.

Delivery is best effort, like the screens it feeds: an event sent while a listener is
reconnecting is lost to that process, so a screen that must not miss a change re-reads its
state when its stream (re)connects, and treats events as "something changed, look again".
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from dataclasses import asdict, dataclass, field, fields
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

import psycopg
from psycopg import sql
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from regiozorg.clock import utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger("regiozorg.events")

CHANNEL = "regiozorg_events"
# PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; events carry ids and states only.
MAX_PAYLOAD_BYTES = 7999
APPLICATION_NAME = "regiozorg events"  # how the fan-out's connections show in pg_stat_activity


@dataclass(frozen=True)
class DomainEvent:
    """Something that changed, as a screen needs to hear of it: ids and states only.

    One frozen dataclass per kind, declared with its topic and kind name::

        @dataclass(frozen=True)
        class BedHeld(DomainEvent, topic="beds", kind="bed.held"):
            bed_id: UUID

    On the wire (``wire()``) its fields become the event's ``data`` in their declared order,
    ids as text. A field with ``ABSENT_WHEN_NONE`` metadata is left out when it is None, for a
    kind whose senders do not all include it.
    """

    topic: ClassVar[str]
    kind: ClassVar[str]

    def __init_subclass__(cls, *, topic: str, kind: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.topic = topic
        cls.kind = kind

    def wire(self) -> Event:
        data = {
            each.name: _on_the_wire(getattr(self, each.name))
            for each in fields(self)
            if not (each.metadata.get(_ABSENT_WHEN_NONE) and getattr(self, each.name) is None)
        }
        return Event(topic=self.topic, kind=self.kind, data=data)


_ABSENT_WHEN_NONE = "regiozorg.events.absent_when_none"
ABSENT_WHEN_NONE = MappingProxyType({_ABSENT_WHEN_NONE: True})
"""Metadata of a ``DomainEvent`` field that is left out on the wire when it is None:
``field(default=None, metadata=ABSENT_WHEN_NONE)``."""


def _on_the_wire(value: object) -> object:
    # JSON has no UUID; a StrEnum is a str and goes as its value.
    return str(value) if isinstance(value, uuid.UUID) else value


@dataclass(frozen=True)
class Event:
    """An event as it travels: to the broker, through NOTIFY and to the browser."""

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
        # Tags this broker's events on the wire, so they are not delivered to it a second time.
        self.origin = uuid.uuid4().hex
        self._last_published: dict[str, float] = {}

    def publish(self, event: Event) -> None:
        """Safe to call from any thread; never blocks the action that publishes."""
        with self._lock:
            subscribers = list(self._subscribers)
            self._last_published[event.topic] = time.monotonic()
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

    def last_published(self, topic: str) -> float:
        """When (``time.monotonic``) an event of ``topic`` last passed, from this process or
        another; 0 if none has. A read made after that moment has seen its change."""
        with self._lock:
            return self._last_published.get(topic, 0.0)

    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subscribers)


def _offer(queue: asyncio.Queue[Event], event: Event) -> None:
    if not queue.full():  # a stalled screen loses events, never the publisher's time
        queue.put_nowait(event)


BROKER = Broker()


class Fanout:
    """One app process's share of the fan-out: publishes to its broker and, on PostgreSQL, to
    the other processes on the same database, and listens for theirs while it is served.

    Constructing one connects to nothing; sending opens a small pool of autocommit connections
    on first use, and ``listen()`` holds one connection of its own.
    """

    def __init__(
        self,
        engine: Engine | None = None,
        broker: Broker = BROKER,
        *,
        channel: str = CHANNEL,
        retry_after: float = 0.5,
        retry_at_most: float = 30.0,
    ) -> None:
        self.broker = broker
        self.channel = channel
        self._retry_after = retry_after
        self._retry_at_most = retry_at_most
        self._engine = (
            engine if engine is not None and engine.dialect.name == "postgresql" else None
        )
        self._sender: Engine | None = None
        self._sender_lock = threading.Lock()
        self._closed = False
        self._listening = False

    @property
    def across_processes(self) -> bool:
        return self._engine is not None

    @property
    def is_listening(self) -> bool:
        """Whether the listener holds a connection that LISTENs (false on SQLite)."""
        return self._listening

    def publish(self, event: Event) -> None:
        """Deliver to this process's subscribers at once, then tell the other processes.

        Called after commit, so it never raises: a failed NOTIFY is logged, and the other
        processes' screens catch up with the next event they do hear.
        """
        self.broker.publish(event)
        if self._engine is None or self._closed:
            return
        payload = json.dumps({"origin": self.broker.origin, **asdict(event)}, default=str)
        size = len(payload.encode())
        if size > MAX_PAYLOAD_BYTES:
            log.warning(
                "event %s %s is too big for NOTIFY (%d bytes); delivered in this process only",
                event.topic,
                event.kind,
                size,
            )
            return
        try:
            try:
                self._notify(payload)
            except DBAPIError as error:
                if not error.connection_invalidated:
                    raise
                # A pooled connection from before the database restarted; the pool has
                # dropped all of those, so a fresh one is worth one more try.
                self._notify(payload)
        except Exception as error:
            log.warning(
                "event %s %s not sent to other processes: %s", event.topic, event.kind, error
            )

    def _notify(self, payload: str) -> None:
        statement = text("SELECT pg_notify(:channel, :payload)")
        with self._sending_engine().connect() as connection:
            connection.execute(statement, {"channel": self.channel, "payload": payload})

    def _sending_engine(self) -> Engine:
        assert self._engine is not None
        with self._sender_lock:
            if self._closed:  # an action finishing while the app shuts down
                msg = "the fan-out is closed"
                raise RuntimeError(msg)
            if self._sender is None:
                # Apart from the app's pool, so a busy app never keeps events waiting for a
                # connection; a few connections suffice for one short statement each.
                self._sender = create_engine(
                    self._engine.url,
                    isolation_level="AUTOCOMMIT",
                    pool_size=1,
                    max_overflow=4,
                    pool_timeout=2,
                    connect_args={"connect_timeout": 3, "application_name": APPLICATION_NAME},
                )
            return self._sender

    async def listen(self) -> None:
        """Hand the other processes' events to the broker until cancelled; reconnect with
        growing pauses when the connection drops. Returns at once on SQLite."""
        if self._engine is None:
            return
        _, params = self._engine.dialect.create_connect_args(self._engine.url)
        params.pop("context", None)  # SQLAlchemy's adapters, not a libpq parameter
        params.update(
            autocommit=True,
            application_name=f"{APPLICATION_NAME} listener",
            connect_timeout=5,
            # A connection that silently vanished (a dropped network path) is noticed too.
            keepalives=1,
            keepalives_idle=30,
            keepalives_interval=10,
            keepalives_count=3,
        )
        listen = sql.SQL("LISTEN {}").format(sql.Identifier(self.channel))
        pause, lost = self._retry_after, False
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(**params) as connection:
                    await connection.execute(listen)
                    if lost:
                        log.info("event listener is listening again")
                    self._listening = True
                    pause, lost = self._retry_after, False
                    async for notify in connection.notifies():
                        self._receive(notify.payload)
            except psycopg.OperationalError as error:
                log.warning(
                    "event listener lost the database (%s); retrying in %.1f s", error, pause
                )
            except Exception:
                log.exception("event listener failed; retrying in %.1f s", pause)
            finally:
                self._listening = False
            lost = True
            await asyncio.sleep(pause)
            pause = min(pause * 2, self._retry_at_most)

    def _receive(self, payload: str) -> None:
        try:
            message = json.loads(payload)
            if message["origin"] == self.broker.origin:
                return  # delivered in this process when it was published
            event = Event(
                topic=message["topic"],
                kind=message["kind"],
                data=message["data"],
                at=message["at"],
            )
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed event notification: %.200s", payload)
            return
        self.broker.publish(event)

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[Fanout]:
        """For the app's lifespan: listen, and let ``publish()`` go through this fan-out; on
        leaving, stop listening and close the connections."""
        listener = asyncio.create_task(self.listen(), name="regiozorg events listener")
        _SERVING.enter(self)
        try:
            yield self
        finally:
            _SERVING.leave(self)
            listener.cancel()
            with suppress(asyncio.CancelledError):
                await listener
            self.close()

    def close(self) -> None:
        """Close the sending connections; afterwards events stay in this process."""
        with self._sender_lock:
            self._closed = True
            if self._sender is not None:
                self._sender.dispose()
                self._sender = None


class _Serving:
    """The fan-outs being served in this process, newest last. One in a running app; tests
    may start several apps, and each one's leaving restores the one before."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fanouts: list[Fanout] = []

    def enter(self, fanout: Fanout) -> None:
        with self._lock:
            self._fanouts.append(fanout)

    def leave(self, fanout: Fanout) -> None:
        with self._lock:
            self._fanouts.remove(fanout)

    def current(self) -> Fanout:
        with self._lock:
            return self._fanouts[-1] if self._fanouts else _IN_PROCESS


_SERVING = _Serving()
_IN_PROCESS = Fanout()


# --- after commit: the events of a unit of work wait on its session ------------------------

_OUTBOX = "regiozorg.events.outbox"
"""Key in ``Session.info``: the events of the open units of work, outermost first."""


def publish(session: Session, event: DomainEvent) -> None:
    """Send ``event`` once the action's transaction has committed.

    Called inside the action's ``transaction.unit_of_work``: the event waits on the session
    until the outermost unit of work commits, and is dropped if it rolls back.
    """
    outbox: list[list[DomainEvent]] | None = session.info.get(_OUTBOX)
    if not outbox:
        msg = (
            f"{type(event).__name__} published outside a unit of work: events are sent "
            "after an action's commit, so an action publishes inside transaction.unit_of_work"
        )
        raise RuntimeError(msg)
    outbox[-1].append(event)


def hold(session: Session) -> None:
    """Begin keeping the events of a unit of work, nested in any already kept on ``session``."""
    session.info.setdefault(_OUTBOX, []).append([])


def release(session: Session, *, keep: bool) -> list[DomainEvent]:
    """End the innermost unit of work's events: handed on to the unit around it when ``keep``
    (returns none), or dropped (a rollback); for the outermost, returns them to send."""
    outbox: list[list[DomainEvent]] = session.info[_OUTBOX]
    held = outbox.pop()
    if outbox:
        if keep:
            outbox[-1].extend(held)
        return []
    del session.info[_OUTBOX]
    return held if keep else []


def forget(session: Session) -> None:
    """Drop every event kept on ``session``: its transaction was rolled back."""
    for held in session.info.get(_OUTBOX, ()):
        held.clear()


def send(sent: Iterable[DomainEvent]) -> None:
    """Hand committed events to the fan-out; never raises (see ``Fanout.publish``)."""
    fanout = _SERVING.current()
    for event in sent:
        fanout.publish(event.wire())
