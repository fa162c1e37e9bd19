"""The live stream every screen listens to (the bed board, the night console, the night API),
and how it ends: when the browser goes away, and when the sign-in it was opened with ends."""

from __future__ import annotations

import asyncio
import threading
import time
from uuid import UUID

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request

from regiozorg import events
from regiozorg.accounts import actions
from regiozorg.accounts import queries as account_queries
from regiozorg.accounts.models import ApiToken, User
from regiozorg.auth import SYSTEM
from regiozorg.night.intake import actions as intake
from regiozorg.web import sse
from regiozorg.web.deps import SESSION_COOKIE
from tests.cast import NETWORK_ADMIN
from tests.night_cast import DESK
from tests.web.conftest import Browser
from tests.web.test_night_api import EventStream


def test_the_stream_keeps_the_line_open_and_ends_when_the_client_goes_away() -> None:
    class GoneAfterThreeLooks:
        looks = 0

        async def is_disconnected(self) -> bool:
            self.looks += 1
            return self.looks > 3

    async def drain() -> list[str]:
        stream = sse.event_stream(GoneAfterThreeLooks(), intake.NIGHT, keepalive=0.02, poll=0.01)
        return [chunk async for chunk in stream]

    chunks = asyncio.run(asyncio.wait_for(drain(), 5))
    assert chunks[0].startswith("retry:")
    assert ": keep-alive\n\n" in chunks
    assert events.BROKER.subscriber_count() == 0


def test_a_page_stream_beats_so_a_page_notices_a_silent_line() -> None:
    class GoneAfterThreeLooks:
        looks = 0

        async def is_disconnected(self) -> bool:
            self.looks += 1
            return self.looks > 3

    async def drain() -> list[str]:
        stream = sse.event_stream(
            GoneAfterThreeLooks(), intake.NIGHT, keepalive=0.02, poll=0.01, heartbeat=True
        )
        return [chunk async for chunk in stream]

    chunks = asyncio.run(asyncio.wait_for(drain(), 5))
    # a comment for proxies, and an event a page's EventSource dispatches (with data)
    assert ": keep-alive\nevent: keepalive\ndata: 0.02\n\n" in chunks


def test_the_stream_hears_only_its_own_topic() -> None:
    class Connected:
        async def is_disconnected(self) -> bool:
            return False

    async def first_event() -> str:
        stream = sse.event_stream(Connected(), "beds", keepalive=60, poll=0.01)
        try:
            assert (await asyncio.wait_for(anext(stream), 5)).startswith("retry:")
            events.BROKER.publish(
                events.Event(topic=intake.NIGHT, kind="incident.changed", data={})
            )
            events.BROKER.publish(events.Event(topic="beds", kind="bed.held", data={"bed": "1"}))
            return await asyncio.wait_for(anext(stream), 5)
        finally:
            await stream.aclose()

    assert asyncio.run(first_event()).startswith("event: bed.held\n")
    assert events.BROKER.subscriber_count() == 0


def test_the_stream_ends_within_a_poll_once_the_server_stops() -> None:
    class Connected:
        async def is_disconnected(self) -> bool:
            return False

    stopping = False

    async def drain() -> float:
        stream = sse.event_stream(Connected(), intake.NIGHT, poll=0.05, stopping=lambda: stopping)
        assert (await anext(stream)).startswith("retry:")
        asked = time.monotonic()
        nonlocal stopping
        stopping = True
        async for _ in stream:
            pass
        return time.monotonic() - asked

    assert asyncio.run(asyncio.wait_for(drain(), 5)) < 0.5
    assert events.BROKER.subscriber_count() == 0


# --- a stream lives no longer than its sign-in -----------------------------------------------


def _stream_request(app: object, headers: list[tuple[bytes, bytes]]) -> Request:
    async def receive() -> dict[str, object]:
        await asyncio.Event().wait()  # the browser never goes away by itself here
        return {"type": "http.disconnect"}

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/night/events",
        "query_string": b"",
        "headers": headers,
        "app": app,
    }
    return Request(scope, receive)


def _user_id(session: Session, email: str) -> UUID:
    return session.scalars(select(User.id).where(User.email == email)).one()


def _end_by_logout(browser: Browser, admin: Browser, session: Session) -> None:
    assert browser.submit("/logout", {}).status_code == 303


def _end_by_deactivation(browser: Browser, admin: Browser, session: Session) -> None:
    admin.page("/admin/users")
    response = admin.submit(f"/admin/users/{_user_id(session, DESK)}/active", {"active": "false"})
    assert response.status_code == 303


def _end_by_revocation(browser: Browser, admin: Browser, session: Session) -> None:
    token_id = session.scalars(select(ApiToken.id).where(ApiToken.name == "stream")).one()
    admin.page("/admin/tokens")
    assert admin.submit(f"/admin/tokens/{token_id}/revoke", {}).status_code == 303


ENDINGS = {
    "logout": _end_by_logout,
    "account switched off": _end_by_deactivation,
    "token revoked": _end_by_revocation,
}


@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_a_stream_ends_soon_after_its_sign_in_ends(
    app_client: Browser, session: Session, ending: str
) -> None:
    with (
        Browser(app_client.app, base_url="https://testserver") as browser,
        Browser(app_client.app, base_url="https://testserver") as admin,
    ):
        browser.login(DESK)
        admin.login(NETWORK_ADMIN)
        if ending == "token revoked":
            token = actions.create_api_token(session, SYSTEM, user_email=DESK, name="stream")
            headers = [(b"authorization", f"Bearer {token}".encode())]
        else:
            cookie = browser.cookies.get(SESSION_COOKIE)
            assert cookie
            headers = [(b"cookie", f"{SESSION_COOKIE}={cookie}".encode())]
        connection = sse.signed_in_connection(
            _stream_request(app_client.app, headers), recheck=0.05
        )

        async def run() -> tuple[int, float]:
            stream = sse.event_stream(connection, intake.NIGHT, keepalive=0.02, poll=0.01)
            try:
                before = 0
                # still signed in: the stream goes on past several checks
                while before < 20:
                    await asyncio.wait_for(anext(stream), 5)
                    before += 1
                ENDINGS[ending](browser, admin, session)
                ended = time.monotonic()
                async for _chunk in stream:
                    assert time.monotonic() - ended < 5
                return before, time.monotonic() - ended
            finally:
                await stream.aclose()

        before, took = asyncio.run(asyncio.wait_for(run(), 10))
    assert before == 20
    assert took < 1.0
    assert events.BROKER.subscriber_count() == 0


def test_a_stream_whose_sign_in_cannot_be_checked_ends() -> None:
    class Connected:
        async def is_disconnected(self) -> bool:
            return False

    def broken() -> bool:
        raise ConnectionError("database gone")

    async def drain() -> list[str]:
        connection = sse.SignedInConnection(Connected(), broken, recheck=0.01)
        stream = sse.event_stream(connection, intake.NIGHT, keepalive=60, poll=0.01)
        return [chunk async for chunk in stream]

    assert len(asyncio.run(asyncio.wait_for(drain(), 5))) == 1


def test_the_night_api_stream_ends_when_its_token_is_revoked(
    app_client: Browser, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the real route, as a server runs it. The test counts the stream's checks of the
    sign-in rather than waiting for seconds: it goes on through checks while signed in, and the
    first check after the revocation ends it."""
    monkeypatch.setattr(sse, "RECHECK_SECONDS", 0.05)
    token = actions.create_api_token(session, SYSTEM, user_email=DESK, name="stream")
    checks: list[bool] = []
    check = account_queries.still_signed_in
    # The stream checks from a worker thread on the test's one connection: the revocation
    # below must not run in the middle of a check (their savepoints would interleave).
    one_at_a_time = threading.Lock()

    def counted(session: Session, *, cookie: str | None, token: str | None) -> bool:
        with one_at_a_time:
            checks.append(check(session, cookie=cookie, token=token))
        return checks[-1]

    monkeypatch.setattr(account_queries, "still_signed_in", counted)

    async def run() -> list[bool]:
        stream = EventStream(app_client.app, {"Authorization": f"Bearer {token}"})
        stream.open()
        try:
            await stream.wait_for(lambda chunk: chunk.startswith("retry:"))
            async with asyncio.timeout(5):
                while len(checks) < 2:
                    await asyncio.sleep(0.01)
            assert not stream.finished  # still signed in: it goes on
            with one_at_a_time:
                actions.revoke_api_token(session, SYSTEM, reference=token[:10])
                before = len(checks)
            async with asyncio.timeout(5):
                while not stream.finished:
                    stream._news.clear()
                    await stream._news.wait()
            return checks[before:]
        finally:
            await stream.close()

    after_revocation = asyncio.run(run())
    assert after_revocation[-1] is False
    assert after_revocation.count(False) == 1  # ended at the first check that said no
    assert events.BROKER.subscriber_count() == 0
