"""Pages, API answers and exports with client data are kept by no cache (no-store); pages
without a client in sight are left to the browser."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.routing import BaseRoute

from regiozorg.beds import actions as beds
from regiozorg.beds.rules import CareType
from regiozorg.beds.schemas import BedRequestIn
from regiozorg.web.no_store import PrivacyRoute, is_no_store
from tests.cast import COORDINATOR, LINDEHOF, NETWORK_ADMIN, NIGHT_CARER, ORG_ADMIN, first_client
from tests.night_cast import actor_of
from tests.web.conftest import Browser
from tests.web.test_night_api import ALARM_PLATFORM, post_alarm, token


def _bed_request(session: Session) -> str:
    data = BedRequestIn.model_validate(
        {"care_type": CareType.ELV_LOW, "patient_initials": "NS", "patient_birth_year": 1940,
         "patient_sex": "M", "patient_postcode": "7941 AB", "referrer_kind": "gp",
         "referrer_name": "Huisarts", "referrer_phone": "0522-111111"}
    )  # fmt: skip
    return str(beds.request_bed(session, actor_of(session, COORDINATOR), data=data).id)


def _cache_control(client: Browser, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return str(response.headers.get("cache-control", ""))


def test_every_answer_with_client_data_is_no_store(app_client: Browser, session: Session) -> None:
    client_id = first_client(session, LINDEHOF).id
    incident_id = post_alarm(app_client, token(session, ALARM_PLATFORM))
    request_id = _bed_request(session)
    routes = {
        ORG_ADMIN: [
            "/clients", f"/clients/{client_id}", f"/api/v1/clients/{client_id}",
            "/night/plans", f"/night/plans/{client_id}", "/night/history", "/night/handover",
            "/night/reports.csv", "/audit", "/audit.csv", "/beds/offers", "/beds/offers/list",
        ],
        NETWORK_ADMIN: [
            "/admin/export/locations.csv", "/admin/export.json", "/api/v1/network/export",
        ],
        COORDINATOR: [f"/beds/requests/{request_id}"],
        NIGHT_CARER: [
            "/night", "/night/queue", f"/night/incidents/{incident_id}", "/night/mobile",
            "/night/mobile/task", "/api/v1/incidents", f"/api/v1/incidents/{incident_id}",
        ],
    }  # fmt: skip
    seen: dict[str, str] = {}
    for email, paths in routes.items():
        app_client.login(email)
        seen |= {path: _cache_control(app_client, path) for path in paths}
    assert seen == dict.fromkeys(seen, "no-store")


def test_pages_without_a_client_are_left_to_the_browser(app_client: Browser) -> None:
    app_client.login(COORDINATOR)
    paths = ["/", "/beds", "/beds/board", "/beds/requests", "/beds/reports", "/api/v1/beds"]
    assert {path: _cache_control(app_client, path) for path in paths} == dict.fromkeys(paths, "")


def _routes(routes: Sequence[BaseRoute]) -> Iterator[BaseRoute]:
    for route in routes:
        inner = getattr(route, "original_router", None)  # a router included in another
        yield from _routes(inner.routes) if inner is not None else [route]


def test_every_marked_route_sends_the_header(app_client: Browser) -> None:
    """A route marked ``@no_store`` on a router without ``PrivacyRoute`` would be ignored."""
    routes = list(_routes(app_client.app.routes))
    marked = [r for r in routes if isinstance(r, APIRoute) and is_no_store(r.endpoint)]
    assert len(marked) > 30
    assert [route.path for route in marked if not isinstance(route, PrivacyRoute)] == []
