"""One writer at a time, and everyone waits their turn: audited reads (which write their audit
row) and a login never fail because another request or a background job is writing. With
real threads and real commits on both databases, not the test's rolled-back connection.

These tests commit: the audit rows and web sessions they add stay (the trail is append-only,
and nothing else reads those sessions).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from regiozorg import audit
from regiozorg.accounts import actions as accounts
from regiozorg.app import create_app
from regiozorg.auth import SYSTEM, Actor
from regiozorg.config import Settings
from regiozorg.db import make_sessionmaker
from regiozorg.network import actions as network
from regiozorg.network.models import Client
from regiozorg.night import worker as night_worker
from tests.cast import LINDEHOF, PASSWORD, PHYSICIAN, VIEWER, first_client
from tests.integration.race import all_at_once
from tests.night_cast import actor_of
from tests.web.conftest import Browser

READERS = 20


@pytest.fixture
def real_sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions that commit for real, each on its own connection, like the app's."""
    return make_sessionmaker(engine)


@pytest.fixture
def background_writer(real_sessions: sessionmaker[Session]) -> Iterator[threading.Event]:
    """The night worker's rounds in a thread, as the app runs them but every 20 ms instead of
    every 2 s; each round takes the write lock. Set the event to stop it."""
    stop = threading.Event()

    def rounds() -> None:
        while not stop.wait(0.02):
            night_worker.run_jobs(real_sessions)

    thread = threading.Thread(target=rounds)
    thread.start()
    yield stop
    stop.set()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the worker hung"


def _reads(session: Session, actor: Actor, client: Client) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(audit.AuditEntry)
            .where(
                audit.AuditEntry.action == "clients.read",
                audit.AuditEntry.client_id == client.id,
                audit.AuditEntry.user_email == actor.email,
                audit.AuditEntry.outcome == "success",
            )
        )
        or 0
    )


def test_twenty_audited_reads_at_once_beside_the_worker_all_answer_and_are_audited_once(
    real_sessions: sessionmaker[Session], background_writer: threading.Event
) -> None:
    with real_sessions() as session:
        physician = actor_of(session, PHYSICIAN)
        client = first_client(session, LINDEHOF)
        before = _reads(session, physician, client)

    def read() -> network.ClientDetail:
        with real_sessions() as session:
            return network.view_client(session, physician, client_id=client.id)

    outcomes = all_at_once([read] * READERS)
    background_writer.set()

    failures = [o for o in outcomes if not isinstance(o, network.ClientDetail)]
    assert failures == []
    with real_sessions() as session:
        assert _reads(session, physician, client) == before + READERS


def test_twenty_client_pages_at_once_while_the_app_runs_its_worker_all_answer(
    engine: Engine, settings: Settings
) -> None:
    app = create_app(settings.model_copy(update={"night_worker_seconds": 0.02}), engine)
    with Browser(app, base_url="https://testserver") as browser:
        browser.login(PHYSICIAN)
        with make_sessionmaker(engine)() as session:
            physician = actor_of(session, PHYSICIAN)
            client = first_client(session, LINDEHOF)
            before = _reads(session, physician, client)

        def page() -> int:
            return int(browser.get(f"/clients/{client.id}").status_code)

        outcomes = all_at_once([page] * READERS)

    assert outcomes == [200] * READERS
    with make_sessionmaker(engine)() as session:
        assert _reads(session, physician, client) == before + READERS


def test_an_action_after_the_pages_own_reads_still_gets_the_write_lock(
    real_sessions: sessionmaker[Session],
) -> None:
    with real_sessions() as session:
        physician = actor_of(session, PHYSICIAN)  # a page reads first: a transaction is open
        client = first_client(session, LINDEHOF)
        before = _reads(session, physician, client)
        with real_sessions() as meanwhile:  # someone else writes, so what it read is stale
            audit.record(meanwhile, SYSTEM, "test.meanwhile")
            meanwhile.commit()
        detail = network.view_client(session, physician, client_id=client.id)
        assert detail.id == client.id
        assert _reads(session, physician, client) == before + 1


def test_a_login_while_a_background_job_holds_the_write_lock_waits_and_succeeds(
    real_sessions: sessionmaker[Session], settings: Settings
) -> None:
    holding = threading.Event()
    job_seconds = 0.5

    def job() -> None:
        """A background job's transaction that writes first and takes a while to commit."""
        with real_sessions() as session:
            audit.record(session, SYSTEM, "test.background_job")
            session.flush()  # the write lock is this transaction's from here to the commit
            holding.set()
            time.sleep(job_seconds)
            session.commit()

    def log_in() -> accounts.NewSession:
        assert holding.wait(timeout=30)
        with real_sessions() as session:
            return accounts.log_in(
                session, settings, email=VIEWER, password=PASSWORD, address="192.0.2.30"
            )

    work: list[Callable[[], object]] = [job, log_in]
    started = time.monotonic()
    outcomes = all_at_once(work)

    assert outcomes[0] is None, outcomes[0]
    assert isinstance(outcomes[1], accounts.NewSession), outcomes[1]
    assert time.monotonic() - started < job_seconds + 10
