"""The network through the web: overview, admin forms, client pages and their audit rows, API."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from regiozorg.accounts import actions as accounts
from regiozorg.accounts.models import MembershipRow, User
from regiozorg.audit import AuditEntry
from regiozorg.auth import SYSTEM
from regiozorg.network.models import Client, Location, Organisation
from tests.cast import HEIDEZICHT, LINDEHOF, NETWORK_ADMIN, ORG_ADMIN, PHYSICIAN, VIEWER
from tests.web.conftest import Browser, Login


def test_health_and_openapi(app_client: Browser) -> None:
    assert app_client.get("/api/v1/health").json() == {"status": "ok", "database": "ok"}
    spec = app_client.get("/openapi.json").json()
    assert "/api/v1/health" in spec["paths"]
    assert "/api/v1/organisations" in spec["paths"]


def test_overview_lists_the_demo_region(login_as: Login) -> None:
    page = login_as(VIEWER).page("/")
    assert "Zuidwest-Drenthe (demo)" in page
    assert LINDEHOF in page
    assert "Meppel" in page
    assert "Hoogeveen" in page


def test_org_admin_adds_a_location_to_its_own_organisation_only(
    login_as: Login, session: Session
) -> None:
    client: Browser = login_as(ORG_ADMIN)
    client.page("/admin/locations")
    form = {
        "code": "ZL-TEST-1", "name": "Lindehof Ruinerwold", "address": "Dokter Larijweg 1",
        "postcode": "7961 ab", "town": "Ruinerwold", "latitude": "52.7233",
        "longitude": "6.2483", "care_offered": "pg;somatiek",
    }  # fmt: skip
    assert client.submit("/admin/locations", form | {"organisation": LINDEHOF}).status_code == 303
    stored = session.scalars(select(Location).where(Location.code == "ZL-TEST-1")).one()
    assert (stored.postcode, stored.care_offered) == ("7961 AB", ["pg", "somatiek"])
    refused = client.submit(
        "/admin/locations", form | {"organisation": HEIDEZICHT, "code": "ZL-TEST-2"}
    )
    assert refused.status_code == 403
    assert session.scalar(select(Location).where(Location.code == "ZL-TEST-2")) is None


def test_invalid_form_input_gets_a_clear_dutch_error(login_as: Login) -> None:
    client: Browser = login_as(ORG_ADMIN)
    client.page("/admin/locations")
    response = client.submit(
        "/admin/locations",
        {"organisation": LINDEHOF, "code": "X1", "name": "X", "address": "Straat 1",
         "postcode": "ABCD", "town": "Meppel", "latitude": "52.7", "longitude": "6.2"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Ongeldige invoer" in response.text
    assert "postcode" in response.text


def test_viewing_a_client_page_is_audited(login_as: Login, session: Session) -> None:
    client: Browser = login_as(PHYSICIAN)
    own = session.scalars(
        select(Client)
        .join(Organisation, Organisation.id == Client.organisation_id)
        .where(Organisation.name == LINDEHOF)
    ).first()
    assert own is not None
    page = client.page(f"/clients/{own.id}")
    assert own.name in page
    reads = session.scalar(
        select(func.count(AuditEntry.id)).where(
            AuditEntry.client_id == own.id,
            AuditEntry.action == "clients.read",
            AuditEntry.user_email == PHYSICIAN,
            AuditEntry.channel == "web",
        )
    )
    assert reads == 1


def test_org_admin_exports_the_audit_log_as_csv(login_as: Login) -> None:
    client: Browser = login_as(ORG_ADMIN)
    client.page("/clients")
    response = client.get("/audit.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "clients.list" in response.text


def test_network_admin_imports_a_file_all_or_nothing(login_as: Login, session: Session) -> None:
    client: Browser = login_as(NETWORK_ADMIN)
    client.page("/admin/import")
    bad = (
        "organisation,code,name,address,postcode,town,latitude,longitude\n"
        f"{LINDEHOF},NEW-1,Nieuw,Weg 1,7941 AB,Meppel,52.69,6.19\n"
        f"{LINDEHOF},NEW-2,Nieuw 2,Weg 2,99999,Meppel,52.69,6.19\n"
    )
    response = client.post(
        "/admin/import",
        data={"csrf_token": client.csrf, "kind": "locations"},
        files={"file": ("locations.csv", bad.encode(), "text/csv")},
    )
    assert response.status_code == 422
    assert "regel 3" in response.text and "postcode" in response.text
    assert session.scalar(select(Location).where(Location.code == "NEW-1")) is None


def test_api_with_bearer_token_and_no_csrf(app_client: Browser, session: Session) -> None:
    token = accounts.create_api_token(session, SYSTEM, user_email=NETWORK_ADMIN, name="test")
    headers = {"Authorization": f"Bearer {token}"}
    organisations = app_client.get("/api/v1/organisations", headers=headers)
    assert organisations.status_code == 200
    assert LINDEHOF in {o["name"] for o in organisations.json()}
    document = app_client.get("/api/v1/network/export", headers=headers).json()
    document["organisations"].append({"name": "Zorggroep Nieuw", "kind": "vvt"})
    imported = app_client.post(
        "/api/v1/network/import", content=json.dumps(document), headers=headers
    )
    assert imported.status_code == 200, imported.text
    broken = app_client.post(
        "/api/v1/network/import", content=b'{"region": "x", "units": [{"location": 1}]}',
        headers=headers,
    )  # fmt: skip
    assert broken.status_code == 422
    assert broken.json()["problems"][0]["line"] == "units[0]"
    assert (
        app_client.get(
            "/api/v1/organisations", headers={"Authorization": "Bearer nope"}
        ).status_code
        == 401
    )


def test_travel_time_api_estimates_from_a_postcode(login_as: Login, session: Session) -> None:
    client: Browser = login_as(VIEWER)
    hoogeveen = session.scalars(select(Location.code).where(Location.town == "Hoogeveen")).first()
    minutes = client.get(f"/api/v1/travel-time?origin=7941AB&destination={hoogeveen}").json()
    assert 15 <= minutes["minutes"] <= 40  # Meppel to Hoogeveen is about 19 km as the crow flies


def test_org_admin_gives_a_user_a_second_organisation_only_for_its_own(
    login_as: Login, session: Session
) -> None:
    client: Browser = login_as(ORG_ADMIN)
    client.page("/admin/users")
    ids = dict(session.execute(select(Organisation.name, Organisation.id)).all())
    granted = client.submit(
        "/admin/users/memberships",
        {"email": VIEWER, "organisation_id": str(ids[LINDEHOF]), "role": "physician"},
    )
    assert granted.status_code == 303
    refused = client.submit(
        "/admin/users/memberships",
        {"email": VIEWER, "organisation_id": str(ids[HEIDEZICHT]), "role": "physician"},
    )
    assert refused.status_code == 403
    roles = session.scalars(
        select(MembershipRow.role)
        .join(User, User.id == MembershipRow.user_id)
        .where(User.email == VIEWER)
    ).all()
    assert sorted(roles) == ["physician", "viewer"]


def test_a_switched_off_account_is_signed_out_at_once(
    app_client: Browser, session: Session
) -> None:
    with Browser(app_client.app, base_url="https://testserver") as viewer:
        viewer.login(VIEWER)
        app_client.login(ORG_ADMIN)
        viewer_id = session.scalars(select(User.id).where(User.email == VIEWER)).one()
        switched = app_client.submit(f"/admin/users/{viewer_id}/active", {"active": "false"})
        assert switched.status_code == 303
        assert viewer.get("/", follow_redirects=False).status_code == 303
