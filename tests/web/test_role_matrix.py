"""Every demo role against every route: allowed (200), refused (403) or hidden (404).

The expectations are written out by hand, as the product owner would read them; the access
rules in ``regiozorg.auth`` must produce exactly this table.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.network.models import Location
from tests.cast import HEIDEZICHT, LINDEHOF, ROLES, first_client
from tests.web.conftest import Browser, Login

ALL = set(ROLES)
ADMINS = {"network_admin", "org_admin"}
CARE = {"org_admin", "coordinator", "night_carer", "physician"}
NETWORK_ADMIN = {"network_admin"}

# route -> (roles that get 200, status for everyone else)
MATRIX: dict[str, tuple[set[str], dict[str, int]]] = {
    "/": (ALL, {}),
    "/admin/organisations": (ADMINS, {}),
    "/admin/locations": (ADMINS, {}),
    "/admin/units": (ADMINS, {}),
    "/admin/staff": (ADMINS, {}),
    "/admin/users": (ADMINS, {}),
    "/admin/tokens": (ADMINS, {}),
    "/admin/import": (NETWORK_ADMIN, {}),
    "/admin/export.json": (NETWORK_ADMIN, {}),
    "/admin/export/locations.csv": (NETWORK_ADMIN, {}),
    "/clients": (CARE, {}),
    "/clients/{own_client}": (CARE, {}),
    # another organisation's client is hidden from care roles, refused to the rest
    "/clients/{other_client}": (set(), dict.fromkeys(CARE, 404)),
    "/audit": (ADMINS, {}),
    "/audit.csv": (ADMINS, {}),
    "/api/v1/organisations": (ALL, {}),
    "/api/v1/locations": (ALL, {}),
    "/api/v1/clients/{own_client}": (CARE, {}),
    "/api/v1/clients/{other_client}": (set(), dict.fromkeys(CARE, 404)),
    "/api/v1/network/export": (NETWORK_ADMIN, {}),
    "/api/v1/travel-time?origin=7941&destination={own_location}": (ALL, {}),
}


def _client_of(session: Session, organisation: str) -> str:
    return str(first_client(session, organisation).id)


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_route_for_role(role: str, login_as: Login, session: Session) -> None:
    client: Browser = login_as(ROLES[role])
    names = {
        "own_client": _client_of(session, LINDEHOF),
        "other_client": _client_of(session, HEIDEZICHT),
        "own_location": session.scalars(select(Location.code).order_by(Location.code)).first(),
    }
    seen = {}
    expected = {}
    for route, (allowed, special) in MATRIX.items():
        path = route.format(**names)
        seen[route] = client.get(path, follow_redirects=False).status_code
        expected[route] = 200 if role in allowed else special.get(role, 403)
    assert seen == expected


def test_unknown_client_id_is_404_for_care_roles_and_403_for_others(login_as: Login) -> None:
    missing = "/clients/00000000-0000-4000-8000-000000000000"
    assert login_as(ROLES["physician"]).get(missing).status_code == 404
    assert login_as(ROLES["viewer"]).get(missing).status_code == 403
