"""The app served for real on a free local port, and Debian's Chromium to look at it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from regiozorg import demo
from regiozorg.app import create_app
from regiozorg.config import Settings
from regiozorg.db import make_engine
from regiozorg.migrate import upgrade

CHROMIUM = "/usr/bin/chromium"
# As root and with no network: no sandbox, and none of Chromium's own calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def demo_database(folder: Path) -> tuple[str, Engine]:
    """A fresh SQLite file with the demo region."""
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        demo.seed(session)
    return url, engine


@contextmanager
def served(url: str, engine: Engine) -> Iterator[str]:
    """Run the app with uvicorn in a thread; yields its base address, and stops it after."""
    settings = Settings(
        database_url=url,
        secret_key="browser-test-secret-key",
        static_vendor_dir=Path(__file__).resolve().parents[2] / "node_modules",
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, engine), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the app did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    assert not thread.is_alive(), "open event streams kept the server from stopping"
    engine.dispose()
