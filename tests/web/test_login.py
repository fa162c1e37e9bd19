"""Logging in: Dutch page, session cookie flags, CSRF, throttling without telling what was wrong."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.audit import AuditEntry
from tests.cast import VIEWER
from tests.web.conftest import Browser, Login


def test_login_page_speaks_dutch(app_client: Browser) -> None:
    page = app_client.page("/login")
    assert '<html lang="nl">' in page
    assert "Inloggen" in page
    assert "Wachtwoord" in page


def test_pages_need_login(app_client: Browser) -> None:
    response = app_client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert app_client.get("/api/v1/organisations").status_code == 401


def test_login_sets_a_safe_session_cookie(app_client: Browser) -> None:
    app_client.page("/login")
    response = app_client.post(
        "/login",
        data={"csrf_token": app_client.csrf, "email": VIEWER, "password": "regiozorg-demo-2026"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "rz_session=" in cookie
    assert "httponly" in cookie
    assert "secure" in cookie
    assert "samesite=lax" in cookie
    assert "Netwerkoverzicht" in app_client.page("/")


def test_login_without_csrf_token_is_refused(app_client: Browser) -> None:
    app_client.page("/login")
    response = app_client.post(
        "/login", data={"email": VIEWER, "password": "regiozorg-demo-2026"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "rz_session" not in response.headers.get("set-cookie", "")


def test_form_post_with_wrong_csrf_token_is_refused(login_as: Login) -> None:
    client = login_as(VIEWER)
    response = client.post(
        "/settings/language", data={"csrf_token": "forged", "locale": "en"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert client.post("/logout", follow_redirects=False).status_code == 403


def test_wrong_password_and_unknown_user_get_the_same_answer(app_client: Browser) -> None:
    app_client.page("/login")
    answers = []
    for email, password in ((VIEWER, "wrong-password-123"), ("nobody@example.org", "whatever-123")):
        response = app_client.post(
            "/login", data={"csrf_token": app_client.csrf, "email": email, "password": password}
        )
        answers.append(
            (response.status_code, "E-mailadres of wachtwoord onjuist." in response.text)
        )
    assert answers == [(401, True), (401, True)]


def test_login_is_throttled_after_repeated_failures(app_client: Browser, session: Session) -> None:
    app_client.page("/login")
    codes = [
        app_client.post(
            "/login",
            data={"csrf_token": app_client.csrf, "email": VIEWER, "password": f"guess-{n:08d}"},
        ).status_code
        for n in range(6)
    ]
    assert codes == [401] * 5 + [429]
    # even the right password is refused while throttled
    response = app_client.post(
        "/login",
        data={"csrf_token": app_client.csrf, "email": VIEWER, "password": "regiozorg-demo-2026"},
        follow_redirects=False,
    )
    assert response.status_code == 429
    outcomes = session.scalars(
        select(AuditEntry.outcome).where(AuditEntry.action == "auth.login")
    ).all()
    assert outcomes.count("failure") >= 5
    assert "denied" in outcomes


def test_logout_ends_the_session(login_as: Login) -> None:
    client = login_as(VIEWER)
    assert client.submit("/logout", {}).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_language_switch_per_user(login_as: Login) -> None:
    client = login_as(VIEWER)
    assert client.submit("/settings/language", {"locale": "en"}).status_code == 303
    page = client.page("/")
    assert '<html lang="en">' in page
    assert "Network overview" in page


def test_api_post_without_any_credentials_is_401(app_client: Browser) -> None:
    response = app_client.post("/api/v1/bed-requests", json={})
    assert response.status_code == 401
