"""Every demo role against every route of the night API, written out by hand as the product
owner would read it: the night team posts alarms and reads the queue; only the team on shift
works an incident; every other role is refused, and nobody gets in without a token."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.cast import HEIDEZICHT_PHYSICIAN, ROLES
from tests.web.conftest import Browser
from tests.web.test_night_api import (
    ALARM_PLATFORM,
    alarm,
    client_of,
    post_alarm,
    stream_status,
    token,
)

WHO = ROLES | {
    "off_shift_night_carer": ALARM_PLATFORM,
    "heidezicht_physician": HEIDEZICHT_PHYSICIAN,
}
NIGHT_TEAM = {"night_carer", "off_shift_night_carer"}  # the role, on shift or not
ON_SHIFT = {"night_carer"}  # nightcarer is on the demo roster at the desk
SCAIP = "<mrq><ref>MX1</ref><cid>7100</cid><did>D001</did><dty>0003</dty></mrq>"
HANDOVER = {"intervention": "reassurance", "handover_note": "Rustig verder geslapen."}

# (method, path, body, roles allowed, status when allowed); everyone else gets 403, and a
# request without a token 401. The steps run in this order on one incident per role.
ROUTES: list[tuple[str, str, Any, set[str], int]] = [
    ("POST", "/api/v1/alarms", alarm("MX1"), NIGHT_TEAM, 202),
    ("POST", "/api/v1/alarms/scaip", SCAIP, NIGHT_TEAM, 200),
    ("POST", "/api/v1/calls", {"summary": "Mevrouw belt, kan niet slapen"}, ON_SHIFT, 201),
    ("GET", "/api/v1/incidents?state=open", None, NIGHT_TEAM, 200),
    ("GET", "/api/v1/incidents?state=closed", None, NIGHT_TEAM, 200),
    ("GET", "/api/v1/incidents/{id}", None, NIGHT_TEAM, 200),
    ("GET", "/api/v1/incidents/{id}/carers", None, NIGHT_TEAM, 200),
    ("GET", "/api/v1/night/carers", None, NIGHT_TEAM, 200),
    ("GET", "/api/v1/events", None, NIGHT_TEAM, 200),
    ("POST", "/api/v1/incidents/{id}/acknowledge", {}, ON_SHIFT, 200),
    ("POST", "/api/v1/incidents/{id}/resolve-sender", {"client_id": "{client}"}, ON_SHIFT, 200),
    ("POST", "/api/v1/incidents/{id}/triage", {"contact_mode": "video"}, ON_SHIFT, 200),
    ("POST", "/api/v1/incidents/{id}/triage", {"outcome": "visit_needed"}, ON_SHIFT, 200),
    ("POST", "/api/v1/incidents/{id}/dispatch", {}, ON_SHIFT, 200),
    ("POST", "/api/v1/incidents/{id}/accept", {}, ON_SHIFT, 200),
    ("POST", "/api/v1/incidents/{id}/on-site", {}, ON_SHIFT, 200),
    ("POST", "/api/v1/incidents/{id}/complete", {}, ON_SHIFT, 200),
    ("POST", "/api/v1/incidents/{id}/close", HANDOVER, ON_SHIFT, 200),
]


def _call(
    client: Browser,
    method: str,
    path: str,
    body: Any,
    headers: dict[str, str],
    names: dict[str, str],
) -> int:
    path = path.format(**names)
    if path == "/api/v1/events":
        return asyncio.run(stream_status(client.app, headers))
    if method == "GET":
        return int(client.get(path, headers=headers).status_code)
    if isinstance(body, str):
        xml = headers | {"Content-Type": "application/xml"}
        return int(client.post(path, content=body.encode(), headers=xml).status_code)
    filled = {k: v.format(**names) if isinstance(v, str) else v for k, v in body.items()}
    return int(client.post(path, json=filled, headers=headers).status_code)


@pytest.mark.parametrize("who", sorted(WHO))
def test_every_night_route_for_role(who: str, app_client: Browser, session: Session) -> None:
    names = {
        "id": post_alarm(app_client, token(session, ALARM_PLATFORM)),
        "client": str(client_of(session).id),
    }
    headers = token(session, WHO[who])
    seen = {}
    expected = {}
    for number, (method, path, body, allowed, status) in enumerate(ROUTES):
        label = f"{number:02d} {method} {path}"
        seen[label] = _call(app_client, method, path, body, headers, names)
        expected[label] = status if who in allowed else 403
    assert seen == expected


def test_without_a_token_every_night_route_answers_401(
    app_client: Browser, session: Session
) -> None:
    names = {
        "id": post_alarm(app_client, token(session, ALARM_PLATFORM)),
        "client": str(client_of(session).id),
    }
    seen = {
        f"{method} {path}": _call(app_client, method, path, body, {}, names)
        for method, path, body, _, _ in ROUTES
    }
    assert seen == dict.fromkeys(seen, 401)
