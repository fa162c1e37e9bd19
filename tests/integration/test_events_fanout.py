"""Events reach the live screens of every app process on the database: two fan-outs with a
broker each stand for two app processes (and one test starts a real second process). On
PostgreSQL through LISTEN/NOTIFY, on SQLite in-process only.

Each test listens on a channel of its own, so other listeners on the test database never
hear these events, nor these tests theirs.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import textwrap
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, make_url

from regiozorg import events
from regiozorg.app import create_app
from regiozorg.config import Settings
from regiozorg.events import Broker, Event, Fanout
from regiozorg.night.events import IncidentChanged
from tests.conftest import POSTGRES_URL

needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="REGIOZORG_TEST_POSTGRES_URL is not set"
)
INCIDENT = "3f0c9a52-6c1e-4a51-9a43-0d6b8f1f2a10"


class Screen:
    """A live screen of one app process: everything its broker delivers on one topic."""

    def __init__(self, broker: Broker, topic: str = "night") -> None:
        self.broker = broker
        self.topic = topic
        self.heard: list[Event] = []

    async def _collect(self) -> None:
        async for event in self.broker.subscribe(self.topic):
            self.heard.append(event)

    @asynccontextmanager
    async def watching(self) -> AsyncIterator[Screen]:
        collector = asyncio.create_task(self._collect())
        await asyncio.sleep(0)  # subscribed before anything is published
        try:
            yield self
        finally:
            collector.cancel()
            with suppress(asyncio.CancelledError):
                await collector

    def kinds(self) -> list[str]:
        return [event.kind for event in self.heard]


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def incident_changed(state: str = "open") -> Event:
    return Event("night", "incident.changed", {"incident_id": INCIDENT, "state": state})


@pytest.fixture(scope="module")
def postgres() -> Iterator[Engine]:
    assert POSTGRES_URL
    url = make_url(POSTGRES_URL)
    admin = url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as db:
        if not db.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [url.database]
        ).fetchone():
            db.execute(f'CREATE DATABASE "{url.database}"')  # LISTEN/NOTIFY needs no tables
    engine = create_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def channel() -> str:
    return f"regiozorg_test_{uuid.uuid4().hex[:12]}"


def two_processes(engine: Engine, channel: str) -> tuple[Fanout, Fanout]:
    return (
        Fanout(engine, Broker(), channel=channel, retry_after=0.05),
        Fanout(engine, Broker(), channel=channel, retry_after=0.05),
    )


@asynccontextmanager
async def serving(*fanouts: Fanout) -> AsyncIterator[None]:
    async with AsyncExitStack() as stack:
        for fanout in fanouts:
            await stack.enter_async_context(fanout.serving())
        await until(lambda: all(fanout.is_listening for fanout in fanouts))
        yield


@needs_postgres
def test_an_event_reaches_the_screens_of_both_processes_once(
    postgres: Engine, channel: str
) -> None:
    first, second = two_processes(postgres, channel)

    async def scenario() -> tuple[Screen, Screen]:
        async with (
            serving(first, second),
            Screen(first.broker).watching() as here,
            Screen(second.broker).watching() as there,
        ):
            first.publish(incident_changed())
            await until(lambda: len(there.heard) == 1)
            # A marker from the other side: each screen's next event, so a second delivery
            # of the first event (which would have come before it) is seen.
            second.publish(Event("night", "marker"))
            await until(lambda: len(here.heard) >= 2 and len(there.heard) >= 2)
            await asyncio.sleep(0.1)
            return here, there

    here, there = asyncio.run(scenario())
    assert here.kinds() == ["incident.changed", "marker"]
    assert there.kinds() == ["incident.changed", "marker"]
    assert there.heard[0] == here.heard[0]  # the same event: data and moment
    assert there.heard[0].data == {"incident_id": INCIDENT, "state": "open"}


@needs_postgres
def test_an_event_too_big_for_notify_stays_in_its_process(
    postgres: Engine, channel: str, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = two_processes(postgres, channel)

    async def scenario() -> tuple[Screen, Screen]:
        async with (
            serving(first, second),
            Screen(first.broker).watching() as here,
            Screen(second.broker).watching() as there,
        ):
            first.publish(Event("night", "incident.note", {"note": "x" * 9000}))
            first.publish(Event("night", "marker"))
            await until(lambda: len(here.heard) == 2 and len(there.heard) >= 1)
            return here, there

    with caplog.at_level(logging.WARNING, logger="regiozorg.events"):
        here, there = asyncio.run(scenario())
    assert here.kinds() == ["incident.note", "marker"]
    assert there.kinds() == ["marker"]
    assert "too big for NOTIFY" in caplog.text


@needs_postgres
def test_the_listeners_reconnect_after_their_connections_are_terminated(
    postgres: Engine, channel: str
) -> None:
    first, second = two_processes(postgres, channel)

    def terminate_listeners() -> int:
        with psycopg.connect(
            postgres.url.set(drivername="postgresql").render_as_string(hide_password=False),
            autocommit=True,
        ) as db:
            rows = db.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = %s",
                [f'LISTEN "{channel}"'],
            ).fetchall()
        return len(rows)

    async def heard_after_reconnect(sender: Fanout, screen: Screen) -> None:
        # Events sent while the listener is away are lost to it; send until one arrives.
        deadline = asyncio.get_running_loop().time() + 10
        while not screen.heard:
            assert asyncio.get_running_loop().time() < deadline, "listener did not come back"
            sender.publish(incident_changed("closed"))
            await asyncio.sleep(0.1)

    async def scenario() -> int:
        async with (
            serving(first, second),
            Screen(first.broker).watching() as here,
            Screen(second.broker).watching() as there,
        ):
            terminated = await asyncio.to_thread(terminate_listeners)
            await heard_after_reconnect(first, there)
            await heard_after_reconnect(second, here)
            return terminated

    assert asyncio.run(scenario()) == 2


def test_publishing_while_the_database_is_unreachable_still_reaches_this_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Port 9 (discard) on localhost refuses connections at once, as a database that is down.
    nowhere = create_engine("postgresql+psycopg://postgres@127.0.0.1:9/regiozorg")
    fanout = Fanout(nowhere, Broker(), retry_after=0.05)

    async def scenario() -> Screen:
        async with fanout.serving(), Screen(fanout.broker).watching() as screen:
            fanout.publish(incident_changed())  # must not raise: the action already committed
            await until(lambda: len(screen.heard) == 1)
            await asyncio.sleep(0.2)  # the listener keeps retrying meanwhile
            return screen

    with caplog.at_level(logging.WARNING, logger="regiozorg.events"):
        screen = asyncio.run(scenario())
    assert screen.kinds() == ["incident.changed"]
    assert "not sent to other processes" in caplog.text
    assert "event listener lost the database" in caplog.text


def test_on_sqlite_publish_delivers_in_this_process(tmp_path: Path) -> None:
    fanout = Fanout(create_engine(f"sqlite:///{tmp_path / 'events.sqlite3'}"))
    assert not fanout.across_processes

    async def scenario() -> Screen:
        async with fanout.serving(), Screen(events.BROKER).watching() as screen:
            events.send([IncidentChanged(uuid.UUID(INCIDENT), "open")])
            await until(lambda: len(screen.heard) == 1)
            await asyncio.sleep(0.05)
            return screen

    screen = asyncio.run(scenario())
    assert screen.kinds() == ["incident.changed"]
    assert screen.heard[0].data == {"incident_id": INCIDENT, "state": "open", "priority": None}


@needs_postgres
def test_an_app_listens_while_it_runs_and_lets_go_when_it_stops(
    postgres: Engine, channel: str
) -> None:
    assert POSTGRES_URL
    settings = Settings(database_url=POSTGRES_URL)
    app = create_app(settings, postgres)
    assert app.state.fanout.across_processes
    # The same fan-out on a channel of its own, so other apps on the database are not counted.
    app.state.fanout = fanout = Fanout(postgres, channel=channel)

    def listeners() -> int:
        with psycopg.connect(
            postgres.url.set(drivername="postgresql").render_as_string(hide_password=False)
        ) as db:
            row = db.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE query = %s", [f'LISTEN "{channel}"']
            ).fetchone()
        return int(row[0]) if row else 0

    with TestClient(app):
        asyncio.run(until(lambda: fanout.is_listening))
        assert listeners() == 1
    assert not fanout.is_listening
    asyncio.run(until(lambda: listeners() == 0))


@needs_postgres
def test_an_event_published_by_another_process_arrives_here(postgres: Engine, channel: str) -> None:
    publisher = textwrap.dedent(
        """
        import asyncio, sys, uuid
        from sqlalchemy import create_engine
        from regiozorg import events
        from regiozorg.night.events import IncidentChanged

        async def main() -> None:
            fanout = events.Fanout(create_engine(sys.argv[1]), channel=sys.argv[2])
            async with fanout.serving():
                events.send([IncidentChanged(uuid.UUID(sys.argv[3]), "open")])

        asyncio.run(main())
        """
    )
    url = postgres.url.render_as_string(hide_password=False)
    here = Fanout(postgres, Broker(), channel=channel)

    async def scenario() -> Screen:
        async with serving(here), Screen(here.broker).watching() as screen:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-c", publisher, url, channel, INCIDENT
            )
            assert await asyncio.wait_for(process.wait(), 30) == 0
            await until(lambda: len(screen.heard) == 1)
            return screen

    screen = asyncio.run(scenario())
    assert screen.heard[0].kind == "incident.changed"
    assert screen.heard[0].data == {"incident_id": INCIDENT, "state": "open", "priority": None}


def test_stopped_apps_leave_publish_in_process(settings: Settings, engine: Engine) -> None:
    """Several apps in one process (as in the tests): each one's stop restores the one before."""
    outer_app = create_app(settings, engine)
    with TestClient(outer_app):
        inner_app = create_app(settings, engine)
        with TestClient(inner_app):
            assert events._SERVING.current() is inner_app.state.fanout
        assert events._SERVING.current() is outer_app.state.fanout
    assert events._SERVING.current() is events._IN_PROCESS
