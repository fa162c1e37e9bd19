"""Every answer carries the security headers: pages, the API, refusals and error pages."""

from __future__ import annotations

import httpx

from regiozorg.app import SECURITY_HEADERS
from regiozorg.web.vendor import VENDOR_FILES
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


def test_vendor_serves_only_the_files_the_pages_use(app_client: Browser) -> None:
    for used in VENDOR_FILES:
        assert app_client.get(f"/vendor/{used}").status_code == 200, used
    for unused in (
        "htmx.org/package.json",
        "htmx.org/dist/htmx.js",
        "chart.js/dist/chart.js",
        ".package-lock.json",
        "../pyproject.toml",
        "%2e%2e/pyproject.toml",
    ):
        assert app_client.get(f"/vendor/{unused}").status_code == 404, unused


def test_api_docs_pages_are_off_and_the_document_is_served(app_client: Browser) -> None:
    # Swagger UI and ReDoc would load from a CDN the content-security policy blocks.
    assert app_client.get("/docs").status_code == 404
    assert app_client.get("/redoc").status_code == 404
    assert app_client.get("/openapi.json").json()["info"]["title"] == "regiozorg"
