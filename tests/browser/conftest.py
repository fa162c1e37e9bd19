"""The app served for real on a free local port, and Debian's Chromium to look at it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from regiozorg import demo
from regiozorg.app import create_app
from regiozorg.config import Settings
from regiozorg.db import make_engine
from regiozorg.migrate import upgrade
from regiozorg.web.serving import Server

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServedApp:
    """The app served by uvicorn (``regiozorg serve``'s server) in a thread, on one port that
    stays the same when it is stopped and started again: a server restart, database kept."""

    def __init__(self, url: str, engine: Engine, port: int | None = None) -> None:
        self.settings = Settings(
            database_url=url,
            static_vendor_dir=Path(__file__).resolve().parents[2] / "node_modules",
        )
        self.engine = engine
        self.port = port or free_port()
        self.server: Server | None = None
        self.thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        app = create_app(self.settings, self.engine)
        self.server = Server(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started and time.monotonic() < deadline:
            assert self.thread.is_alive(), "the app did not start (is the port still taken?)"
            time.sleep(0.05)
        assert self.server.started, "the app did not start"

    def stop(self, timeout: float = 10) -> float:
        """Stop as uvicorn does on SIGTERM; the seconds it took."""
        assert self.server is not None and self.thread is not None
        began = time.monotonic()
        self.server.should_exit = True
        self.thread.join(timeout=timeout)
        assert not self.thread.is_alive(), "open event streams kept the server from stopping"
        return time.monotonic() - began


@contextmanager
def serving(url: str, engine: Engine, port: int | None = None) -> Iterator[ServedApp]:
    """The started app, to stop and start again; stopped (if running) and the engine disposed
    after."""
    app = ServedApp(url, engine, port)
    app.start()
    try:
        yield app
    finally:
        if app.running:
            app.stop()
        engine.dispose()


@contextmanager
def served(url: str, engine: Engine, port: int | None = None) -> Iterator[str]:
    """Run the app with uvicorn in a thread; yields its base address, and stops it after."""
    with serving(url, engine, port) as app:
        yield app.address


@dataclass(frozen=True)
class Scene:
    """The demo region served for one test module: its address and its database."""

    url: str
    engine: Engine


@contextmanager
def demo_scene(folder: Path) -> Iterator[Scene]:
    """A fresh demo database in ``folder``, served until the block ends."""
    url, engine = demo_database(folder)
    with served(url, engine) as address:
        yield Scene(address, engine)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, one per test module."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
