"""Which address a request comes from: X-Forwarded-For is believed only from our own proxies,
for login throttling as for the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import ip_network

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.accounts.models import LoginFailure
from regiozorg.accounts.rules import address_key
from regiozorg.audit import AuditEntry
from regiozorg.config import Settings
from regiozorg.web.deps import forwarded_client
from tests.cast import PASSWORD, VIEWER
from tests.web.conftest import Browser

PROXY = "10.0.0.5"
TRUSTED = [ip_network("10.0.0.0/24"), ip_network("2001:db8::/64")]


@pytest.mark.parametrize(
    ("peer", "header", "client"),
    [
        # no trusted proxy in front: the header is anyone's to write and is ignored
        ("198.51.100.7", ["1.2.3.4"], "198.51.100.7"),
        # our proxy appended the address it saw; what the client wrote left of it is ignored
        (PROXY, ["1.2.3.4, 203.0.113.9"], "203.0.113.9"),
        # two of our proxies in a row, the header split over two lines
        (PROXY, ["1.2.3.4, 203.0.113.9", "10.0.0.7"], "203.0.113.9"),
        ("2001:db8::1", ["2001:db8:1::5"], "2001:db8:1::5"),
        # nothing forwarded, or only garbage: the proxy's own address
        (PROXY, [], PROXY),
        (PROXY, ["not-an-address"], PROXY),
        # every hop is ours: the left-most is as far as we can see
        (PROXY, ["10.0.0.9, 10.0.0.8"], "10.0.0.9"),
        ("testclient", ["1.2.3.4"], "testclient"),
        (None, ["1.2.3.4"], None),
    ],
)
def test_the_client_is_the_rightmost_address_no_proxy_of_ours_wrote(
    peer: str | None, header: list[str], client: str | None
) -> None:
    assert forwarded_client(peer, header, TRUSTED) == client


def test_without_trusted_proxies_the_header_is_never_believed() -> None:
    assert forwarded_client(PROXY, ["1.2.3.4"], []) == PROXY


def test_the_setting_reads_a_json_list_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REGIOZORG_TRUSTED_PROXIES", '["10.0.0.5", "192.168.0.0/16"]')
    assert Settings().trusted_proxies == [ip_network("10.0.0.5/32"), ip_network("192.168.0.0/16")]


def _browser(app_client: Browser, peer: str) -> Iterator[Browser]:
    with Browser(app_client.app, base_url="https://testserver", client=(peer, 40000)) as browser:
        yield browser


@pytest.fixture
def behind_proxy(app_client: Browser, settings: Settings) -> Iterator[Browser]:
    app_client.app.state.settings = settings.model_copy(update={"trusted_proxies": TRUSTED})
    yield from _browser(app_client, PROXY)


@pytest.fixture
def direct(app_client: Browser, settings: Settings) -> Iterator[Browser]:
    app_client.app.state.settings = settings.model_copy(update={"trusted_proxies": TRUSTED})
    yield from _browser(app_client, "198.51.100.7")


def _login(browser: Browser, password: str, forwarded: str) -> int:
    browser.page("/login")
    return browser.post(
        "/login",
        data={"csrf_token": browser.csrf, "email": VIEWER, "password": password},
        headers={"X-Forwarded-For": forwarded},
        follow_redirects=False,
    ).status_code


def _last_login_address(session: Session) -> str | None:
    session.expire_all()
    return session.scalars(
        select(AuditEntry.address)
        .where(AuditEntry.action == "auth.login")
        .order_by(AuditEntry.id.desc())
    ).first()


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored_in_audit_and_throttling(
    direct: Browser, session: Session
) -> None:
    assert _login(direct, PASSWORD, "203.0.113.1") == 303
    assert _last_login_address(session) == "198.51.100.7"
    # a fresh made-up address per guess: every failure still counts against the real one
    codes = [_login(direct, f"guess-{n:04d}", f"203.0.113.{n}") for n in range(10, 16)]
    assert codes == [401] * 5 + [429]
    assert _last_login_address(session) == "198.51.100.7"
    counted = session.scalars(select(LoginFailure.key).where(LoginFailure.key.like("addr:%"))).all()
    assert counted == [address_key("198.51.100.7")] * 5


def test_behind_our_proxy_the_forwarded_client_is_audited(
    behind_proxy: Browser, session: Session
) -> None:
    assert _login(behind_proxy, PASSWORD, "1.2.3.4, 203.0.113.1") == 303
    assert _last_login_address(session) == "203.0.113.1"
