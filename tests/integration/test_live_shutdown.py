"""Stopping the server does not wait on open live streams: each ends within a second, the
clients hear the end (and reconnect to the next server), and the server is gone within ~2 s."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from regiozorg.accounts.actions import create_api_token
from regiozorg.auth import SYSTEM
from tests.browser.conftest import demo_database, serving
from tests.night_cast import DESK

pytestmark = pytest.mark.slow

STREAMS = 3


def test_a_server_with_open_streams_stops_within_two_seconds(tmp_path: Path) -> None:
    url, engine = demo_database(tmp_path)
    with Session(engine) as session:
        token = create_api_token(session, SYSTEM, user_email=DESK, name="live")
    with serving(url, engine) as app:
        opened = threading.Barrier(STREAMS + 1, timeout=10)
        ended: list[str] = []

        def listen() -> None:
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.stream("GET", f"{app.address}/api/v1/events", headers=headers) as answer:
                assert answer.status_code == 200
                lines = answer.iter_lines()
                assert next(lines).startswith("retry:")
                opened.wait()
                for _ in lines:  # until the server ends the stream
                    pass
            ended.append("ended")

        listeners = [threading.Thread(target=listen, daemon=True) for _ in range(STREAMS)]
        for listener in listeners:
            listener.start()
        opened.wait()

        took = app.stop(timeout=10)

        for listener in listeners:
            listener.join(timeout=5)
        assert took < 2.5, f"the server took {took:.1f} s to stop"
        assert ended == ["ended"] * STREAMS
