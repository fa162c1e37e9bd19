"""The app under test on the test's own rolled-back connection, and a way to log in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from regiozorg.app import create_app
from regiozorg.config import Settings
from tests.cast import PASSWORD

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser(TestClient):
    """A test client that knows the CSRF token of the last page it loaded.

    Starlette types its client's base class as ``httpx2.Client`` (not installed: it runs on
    httpx), so mypy would see every response as ``Any``; the signatures below say what the
    inherited methods return."""

    app: FastAPI
    csrf: str = ""

    if TYPE_CHECKING:

        def get(self, url: str, **options: Any) -> httpx.Response: ...
        def post(self, url: str, **options: Any) -> httpx.Response: ...
        def put(self, url: str, **options: Any) -> httpx.Response: ...
        def delete(self, url: str, **options: Any) -> httpx.Response: ...
        def request(self, method: str, url: str, **options: Any) -> httpx.Response: ...

    def __init__(
        self,
        app: FastAPI,
        base_url: str = "https://testserver",
        client: tuple[str, int] = ("testclient", 50000),
    ) -> None:
        super().__init__(app, base_url=base_url, client=client)

    def page(self, path: str) -> str:
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code)
        found = CSRF_FIELD.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response.text

    def submit(self, path: str, data: dict[str, str]) -> httpx.Response:
        return self.post(path, data={"csrf_token": self.csrf, **data}, follow_redirects=False)

    def login(self, email: str, password: str = PASSWORD) -> None:
        self.page("/login")
        response = self.post(
            "/login",
            data={"csrf_token": self.csrf, "email": email, "password": password},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        self.page("/")


@pytest.fixture
def app_client(
    settings: Settings, engine: Engine, sessions: sessionmaker[Session]
) -> Iterator[Browser]:
    app = create_app(settings, engine)
    app.state.sessions = sessions
    with Browser(app, base_url="https://testserver") as client:
        yield client


Login = Callable[[str], Browser]


@pytest.fixture
def login(app_client: Browser) -> Iterator[Login]:
    """A separate signed-in browser per person, all on the same app and database: two
    people side by side, each with their own session."""
    with ExitStack() as stack:

        def open_browser(email: str) -> Browser:
            browser = stack.enter_context(Browser(app_client.app, base_url="https://testserver"))
            browser.login(email)
            return browser

        yield open_browser


@pytest.fixture
def login_as(app_client: Browser) -> Login:
    def log_in(email: str) -> Browser:
        app_client.login(email)
        return app_client

    return log_in
