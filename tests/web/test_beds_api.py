"""The coordination point's API as another system uses it: with a bearer token, no CSRF."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session

from regiozorg.accounts import actions as accounts
from regiozorg.audit import AuditEntry
from regiozorg.auth import SYSTEM
from regiozorg.beds.models import Bed, BedRequest
from regiozorg.network.models import Organisation
from tests.cast import (
    COORDINATOR,
    HEIDEZICHT,
    HEIDEZICHT_ADMIN,
    LINDEHOF,
    ORG_ADMIN,
    PHYSICIAN,
    VIEWER,
)
from tests.web.conftest import Browser

FHIR = "application/fhir+json"


def _token(session: Session, email: str) -> dict[str, str]:
    token = accounts.create_api_token(session, SYSTEM, user_email=email, name="test")
    return {"Authorization": f"Bearer {token}"}


def _request(initials: str, **changes: Any) -> dict[str, Any]:
    return {
        "care_type": "ELV_LOW",
        "patient_initials": initials,
        "patient_birth_year": 1938,
        "patient_sex": "F",
        "patient_postcode": "7941 AB",
        "referrer_kind": "gp",
        "referrer_name": "Huisartsenpraktijk Meppel",
        "referrer_phone": "0522-123456",
    } | changes


def _organisation_id(session: Session, name: str) -> UUID:
    return session.scalars(select(Organisation.id).where(Organisation.name == name)).one()


def _request_status(session: Session, request_id: str) -> str:
    return str(session.scalar(select(BedRequest.status).where(BedRequest.id == UUID(request_id))))


def test_request_match_hold_decline_accept_and_report(
    app_client: Browser, session: Session
) -> None:
    coordinator = _token(session, COORDINATOR)
    provider = _token(session, ORG_ADMIN)
    outsider = _token(session, HEIDEZICHT_ADMIN)

    first = app_client.post("/api/v1/bed-requests", json=_request("A.B."), headers=coordinator)
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "searching"
    second = app_client.post("/api/v1/bed-requests", json=_request("C.D."), headers=coordinator)
    first_id, second_id = first.json()["id"], second.json()["id"]

    matches = app_client.get(f"/api/v1/bed-requests/{first_id}/matches", headers=coordinator)
    assert matches.status_code == 200, matches.text
    ranked = matches.json()
    assert ranked, "the demo region has free ELV beds near Meppel"
    assert [m["score"] for m in ranked] == sorted((m["score"] for m in ranked), reverse=True)
    assert all(m["reasons"] and "reistijd" in m["reasons"][0] for m in ranked)
    lindehof = _organisation_id(session, LINDEHOF)
    bed_id = next(
        m["bed_id"]
        for m in ranked
        if session.scalar(select(Bed.organisation_id).where(Bed.id == UUID(m["bed_id"])))
        == lindehof
    )

    held = app_client.post(
        f"/api/v1/bed-requests/{first_id}/hold", json={"bed_id": bed_id}, headers=coordinator
    )
    assert held.status_code == 201, held.text
    hold_id = held.json()["hold_id"]
    held_for = datetime.fromisoformat(held.json()["expires_at"]) - datetime.now(UTC)
    assert timedelta(minutes=14) < held_for <= timedelta(minutes=15)  # settings.bed_hold_minutes
    assert _request_status(session, first_id) == "offered"

    taken = app_client.post(
        f"/api/v1/bed-requests/{second_id}/hold", json={"bed_id": bed_id}, headers=coordinator
    )
    assert taken.status_code == 409
    assert "bezet of gereserveerd" in taken.json()["detail"]

    assert app_client.post(f"/api/v1/holds/{hold_id}/accept", headers=outsider).status_code in (
        403,
        404,
    )
    declined = app_client.post(f"/api/v1/holds/{hold_id}/decline", headers=provider)
    assert declined.status_code == 200, declined.text
    assert declined.json()["status"] == "declined"
    assert _request_status(session, first_id) == "searching"
    too_late = app_client.post(f"/api/v1/holds/{hold_id}/accept", headers=provider)
    assert too_late.status_code == 409
    assert "al afgehandeld" in too_late.json()["detail"]

    held_again = app_client.post(
        f"/api/v1/bed-requests/{second_id}/hold", json={"bed_id": bed_id}, headers=coordinator
    )
    assert held_again.status_code == 201, held_again.text
    accepted = app_client.post(
        f"/api/v1/holds/{held_again.json()['hold_id']}/accept", headers=provider
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert _request_status(session, second_id) == "accepted"

    status = app_client.put(
        f"/api/v1/beds/{bed_id}/status",
        json={"code": "O", "expected_free_at": "2026-12-24T10:00:00+01:00"},
        headers=provider,
    )
    assert status.status_code == 200, status.text
    assert status.json()["status"] == "O"
    bed = app_client.get(f"/api/v1/fhir/Location/{bed_id}", headers=provider).json()
    assert bed["operationalStatus"]["code"] == "O"


def test_second_open_request_for_the_same_patient_is_refused(
    app_client: Browser, session: Session
) -> None:
    headers = _token(session, PHYSICIAN)
    assert app_client.post(
        "/api/v1/bed-requests", json=_request("E.F."), headers=headers
    ).is_success
    again = app_client.post(
        "/api/v1/bed-requests", json=_request("e. f.", care_type="GRZ"), headers=headers
    )
    assert again.status_code == 409
    assert "loopt al een aanvraag" in again.json()["detail"]


def test_invalid_input_is_refused_with_the_field_named(
    app_client: Browser, session: Session
) -> None:
    headers = _token(session, COORDINATOR)
    bad_postcode = app_client.post(
        "/api/v1/bed-requests", json=_request("G.H.", patient_postcode="ABCD"), headers=headers
    )
    assert bad_postcode.status_code == 422
    answer = bad_postcode.json()
    assert "patient_postcode" in answer["detail"]  # one sentence for a person
    problem = answer["problems"][0]  # and each field for a program
    assert problem["loc"] == ["body", "patient_postcode"]
    assert "postcode" in problem["msg"]
    assert "ABCD" not in bad_postcode.text  # what was wrong, not what was sent
    broken = app_client.post(
        "/api/v1/bed-requests",
        content=b'{"care_type": "ELV_LOW",',
        headers=headers | {"Content-Type": "application/json"},
    )
    assert broken.status_code == 422
    assert broken.json()["problems"][0]["type"] == "json_invalid"


def test_who_may_do_what(app_client: Browser, session: Session) -> None:
    viewer = _token(session, VIEWER)
    physician = _token(session, PHYSICIAN)
    colleague = _token(session, ORG_ADMIN)
    refused = app_client.post("/api/v1/bed-requests", json=_request("I.J."), headers=viewer)
    assert refused.status_code == 403
    assert app_client.get("/api/v1/beds").status_code == 401
    wrong_token = {"Authorization": "Bearer not-a-token"}
    unknown = app_client.post("/api/v1/bed-requests", json=_request("I.J."), headers=wrong_token)
    assert unknown.status_code == 401

    own = app_client.post("/api/v1/bed-requests", json=_request("K.L."), headers=physician)
    request_id = own.json()["id"]
    # the referrer sees the matches for their own request; another care worker does not
    assert app_client.get(
        f"/api/v1/bed-requests/{request_id}/matches", headers=physician
    ).is_success
    assert (
        app_client.get(f"/api/v1/bed-requests/{request_id}/matches", headers=colleague).status_code
        == 404
    )
    refusal = session.scalars(
        select(AuditEntry).where(AuditEntry.user_email == ORG_ADMIN, AuditEntry.outcome == "denied")
    ).one()
    assert (refusal.action, refusal.detail) == ("beds.view", "not_found")
    # only the coordination point holds beds
    some_bed = app_client.get("/api/v1/beds?limit=1", headers=physician).json()[0]["id"]
    assert (
        app_client.post(
            f"/api/v1/bed-requests/{request_id}/hold", json={"bed_id": some_bed}, headers=physician
        ).status_code
        == 403
    )


def test_provider_of_another_organisation_cannot_set_a_bed_status(
    app_client: Browser, session: Session
) -> None:
    heidezicht_bed = session.scalars(
        select(Bed.id).where(Bed.organisation_id == _organisation_id(session, HEIDEZICHT))
    ).first()
    response = app_client.put(
        f"/api/v1/beds/{heidezicht_bed}/status",
        json={"code": "U"},
        headers=_token(session, ORG_ADMIN),
    )
    assert response.status_code == 403


def test_bed_list_filters_and_is_bounded(app_client: Browser, session: Session) -> None:
    headers = _token(session, VIEWER)
    free_grz = app_client.get("/api/v1/beds?care_type=GRZ&status=U", headers=headers)
    assert free_grz.status_code == 200
    beds = free_grz.json()
    assert beds
    assert all(b["status"] == "U" and "GRZ" in b["care_types"] for b in beds)
    assert set(beds[0]) == {"id", "location_id", "unit_id", "status", "care_types", "capabilities"}
    assert len(app_client.get("/api/v1/beds?limit=3", headers=headers).json()) == 3
    assert app_client.get("/api/v1/beds?limit=5001", headers=headers).status_code == 422
    assert app_client.get("/api/v1/beds?care_type=ICU", headers=headers).status_code == 422


def test_fhir_views(app_client: Browser, session: Session) -> None:
    headers = _token(session, VIEWER)
    search = app_client.get("/api/v1/fhir/Location?care-type=GRZ&_count=5", headers=headers)
    assert search.status_code == 200
    assert search.headers["content-type"].startswith(FHIR)
    bundle = search.json()
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "searchset")
    assert len(bundle["entry"]) == 5
    location = bundle["entry"][0]["resource"]
    assert location["physicalType"]["coding"][0]["code"] == "bd"
    assert "GRZ" in {care["coding"][0]["code"] for care in location["type"]}

    read = app_client.get(f"/api/v1/fhir/Location/{location['id']}", headers=headers)
    assert read.headers["content-type"].startswith(FHIR)
    assert read.json()["id"] == location["id"]
    missing = "00000000-0000-0000-0000-000000000000"
    assert app_client.get(f"/api/v1/fhir/Location/{missing}", headers=headers).status_code == 404

    site = session.scalar(select(Bed.location_id).where(Bed.id == UUID(location["id"])))
    capacity = app_client.get(f"/api/v1/fhir/MeasureReport?location={site}", headers=headers)
    assert capacity.headers["content-type"].startswith(FHIR)
    report = capacity.json()["entry"][0]["resource"]
    assert report["resourceType"] == "MeasureReport"
    assert report["subject"]["reference"] == f"Location/{site}"
    codes = [p["code"]["coding"][0]["code"] for p in report["group"][0]["population"]]
    assert codes == ["numTotBeds", "numTotBedsOcc", "numTotBedsAvail"]
    nothing = app_client.get(f"/api/v1/fhir/MeasureReport?location={missing}", headers=headers)
    assert nothing.json()["total"] == 0


def test_openapi_lists_every_beds_endpoint(app_client: Browser) -> None:
    paths = app_client.get("/openapi.json").json()["paths"]
    expected = {
        ("/api/v1/bed-requests", "post"),
        ("/api/v1/bed-requests/{request_id}/matches", "get"),
        ("/api/v1/bed-requests/{request_id}/hold", "post"),
        ("/api/v1/holds/{hold_id}/accept", "post"),
        ("/api/v1/holds/{hold_id}/decline", "post"),
        ("/api/v1/beds/{bed_id}/status", "put"),
        ("/api/v1/beds", "get"),
        ("/api/v1/fhir/Location/{bed_id}", "get"),
        ("/api/v1/fhir/Location", "get"),
        ("/api/v1/fhir/MeasureReport", "get"),
    }
    for path, method in expected:
        operation = paths[path][method]
        assert operation["tags"] == ["beds"], path
        assert operation["summary"], path
    refusal = paths["/api/v1/bed-requests/{request_id}/hold"]["post"]["responses"]["409"]
    assert refusal["content"]["application/json"]["schema"]["$ref"].endswith("/Problem")
    assert (
        "application/fhir+json"
        in paths["/api/v1/fhir/Location"]["get"]["responses"]["200"]["content"]
    )


def test_bed_lists_take_the_same_few_queries_however_many_beds(
    app_client: Browser, session: Session, connection: Connection
) -> None:
    headers = _token(session, VIEWER)
    statements: list[str] = []

    def remember(*args: Any) -> None:
        statements.append(args[2])

    def queries_for(path: str) -> int:
        statements.clear()
        assert app_client.get(path, headers=headers).status_code == 200
        return len(statements)

    event.listen(connection, "before_cursor_execute", remember)
    try:
        queries_for("/api/v1/beds?limit=1")  # the token's first use is written down once
        for path in ("/api/v1/beds?limit={}", "/api/v1/fhir/Location?_count={}"):
            few, many = queries_for(path.format(5)), queries_for(path.format(500))
            # sign-in (token and memberships), the beds, their care types
            assert few == many <= 8, path
    finally:
        event.remove(connection, "before_cursor_execute", remember)
