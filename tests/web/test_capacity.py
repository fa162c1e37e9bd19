"""Capacity snapshots: counts per care type, append-only, reported by the location's own people."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from regiozorg.beds.models import CapacitySnapshot
from regiozorg.network.models import Location, Organisation
from tests.cast import HEIDEZICHT, LINDEHOF, ORG_ADMIN, VIEWER
from tests.web.conftest import Browser, Login


def _location(session: Session, organisation: str) -> str:
    return str(
        session.scalars(
            select(Location.id)
            .join(Organisation, Organisation.id == Location.organisation_id)
            .where(Organisation.name == organisation)
            .order_by(Location.code)
        ).first()
    )


def test_reports_append_and_the_latest_counts(login_as: Login, session: Session) -> None:
    client: Browser = login_as(ORG_ADMIN)
    location = _location(session, LINDEHOF)
    headers = {"X-CSRF-Token": client.csrf}
    for occupied in (8, 9):
        response = client.post(
            "/api/v1/capacity-snapshots",
            json={
                "location_id": location,
                "care_type": "ELV_LOW",
                "total": 10,
                "occupied": occupied,
            },
            headers=headers,
        )
        assert response.status_code == 201, response.text
    current = [
        row
        for row in client.get("/api/v1/capacity-snapshots").json()
        if row["location_id"] == location
    ]
    assert [(r["care_type"], r["occupied"], r["total"]) for r in current] == [("ELV_LOW", 9, 10)]
    assert session.scalar(select(func.count(CapacitySnapshot.id))) == 2


def test_only_the_locations_own_people_report(login_as: Login, session: Session) -> None:
    client: Browser = login_as(ORG_ADMIN)
    other = _location(session, HEIDEZICHT)
    response = client.post(
        "/api/v1/capacity-snapshots",
        json={"location_id": other, "care_type": "GRZ", "total": 5, "occupied": 1},
        headers={"X-CSRF-Token": client.csrf},
    )
    assert response.status_code in (403, 404)
    assert session.scalar(select(func.count(CapacitySnapshot.id))) == 0


def test_occupied_above_total_is_refused_clearly(login_as: Login, session: Session) -> None:
    client: Browser = login_as(VIEWER)
    response = client.post(
        "/api/v1/capacity-snapshots",
        json={
            "location_id": _location(session, LINDEHOF),
            "care_type": "GRZ",
            "total": 2,
            "occupied": 3,
        },
        headers={"X-CSRF-Token": client.csrf},
    )
    assert response.status_code == 422
    assert "occupied cannot exceed total" in response.text


def test_providers_set_acceptance_rules_for_their_own_locations(
    login_as: Login, session: Session
) -> None:
    client: Browser = login_as(ORG_ADMIN)
    headers = {"X-CSRF-Token": client.csrf}
    own = _location(session, LINDEHOF)
    terms = [
        {"care_type": "ELV_LOW", "max_age": 90, "admits_from_hour": 8, "admits_until_hour": 22}
    ]
    response = client.put(f"/api/v1/locations/{own}/acceptance-rules", json=terms, headers=headers)
    assert response.status_code == 200, response.text
    assert client.get(f"/api/v1/locations/{own}/acceptance-rules").json() == terms
    other = _location(session, HEIDEZICHT)
    refused = client.put(f"/api/v1/locations/{other}/acceptance-rules", json=terms, headers=headers)
    assert refused.status_code == 403
    assert client.get(f"/api/v1/locations/{other}/acceptance-rules").json() == []
