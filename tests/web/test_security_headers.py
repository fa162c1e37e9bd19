"""Every answer carries the security headers: pages, the API, refusals and error pages."""

from __future__ import annotations

import httpx

from regiozorg.app import SECURITY_HEADERS
from tests.web.conftest import Browser


def _has_security_headers(headers: httpx.Headers) -> bool:
    return all(headers.get(name) == value for name, value in SECURITY_HEADERS.items())


def test_pages_api_and_refusals_carry_the_security_headers(app_client: Browser) -> None:
    for path in ("/login", "/api/v1/health", "/api/v1/incidents", "/does-not-exist"):
        response = app_client.get(path, follow_redirects=False)
        assert _has_security_headers(response.headers), (path, response.status_code)


def test_a_frame_or_foreign_script_is_refused_by_the_policy(app_client: Browser) -> None:
    headers = app_client.get("/login").headers
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["content-security-policy"].startswith("default-src 'self'")
