"""A refusal does not tell whether something exists: another organisation's client (or bed
request) and an id that exists nowhere get the same status and the same words, down to the
byte, on pages and in the API."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.audit import AuditEntry
from regiozorg.beds import actions as beds
from regiozorg.beds.rules import CareType
from regiozorg.beds.schemas import BedRequestIn
from tests.cast import HEIDEZICHT, HEIDEZICHT_PHYSICIAN, ORG_ADMIN, PHYSICIAN, first_client
from tests.night_cast import actor_of
from tests.web.conftest import Browser


def _heidezicht_client(session: Session) -> str:
    return str(first_client(session, HEIDEZICHT).id)


def _heidezicht_request(session: Session) -> str:
    data = BedRequestIn.model_validate(
        {"care_type": CareType.ELV_LOW, "patient_initials": "UR", "patient_birth_year": 1938,
         "patient_sex": "F", "patient_postcode": "7901 AA", "referrer_kind": "gp",
         "referrer_name": "Huisarts Hoogeveen", "referrer_phone": "0528-111111"}
    )  # fmt: skip
    actor = actor_of(session, HEIDEZICHT_PHYSICIAN)
    return str(beds.request_bed(session, actor, data=data).id)


def _answer(client: Browser, method: str, path: str, data: dict[str, str]) -> tuple[int, bytes]:
    if method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data={"csrf_token": client.csrf, **data})
    return response.status_code, response.content


# (who asks, method, path with {id}, form, how to make another organisation's id)
CASES: list[tuple[str, str, str, dict[str, str], Any]] = [
    (ORG_ADMIN, "GET", "/clients/{id}", {}, _heidezicht_client),
    (ORG_ADMIN, "GET", "/api/v1/clients/{id}", {}, _heidezicht_client),
    (ORG_ADMIN, "GET", "/night/plans/{id}", {}, _heidezicht_client),
    (ORG_ADMIN, "POST", "/night/plans/{id}", {"instructions": "x"}, _heidezicht_client),
    (PHYSICIAN, "GET", "/beds/requests/{id}", {}, _heidezicht_request),
    (PHYSICIAN, "POST", "/beds/requests/{id}/status", {"target": "cancelled", "note": "x"},
     _heidezicht_request),
]  # fmt: skip


@pytest.mark.parametrize(
    ("who", "method", "path", "form", "theirs"), CASES, ids=[f"{c[1]} {c[2]}" for c in CASES]
)
def test_another_organisations_thing_and_a_missing_one_read_the_same(
    app_client: Browser,
    session: Session,
    who: str,
    method: str,
    path: str,
    form: dict[str, str],
    theirs: Any,
) -> None:
    existing = theirs(session)
    app_client.login(who)
    other = _answer(app_client, method, path.format(id=existing), form)
    missing = _answer(app_client, method, path.format(id=uuid.uuid4()), form)
    assert other[0] == 404
    assert missing == other


def test_asking_for_a_missing_client_is_audited_like_asking_for_anothers(
    app_client: Browser, session: Session
) -> None:
    """Both paths write one denied row: the same work, so the same timing class."""
    app_client.login(ORG_ADMIN)
    missing = uuid.uuid4()
    app_client.get(f"/clients/{_heidezicht_client(session)}")
    app_client.get(f"/clients/{missing}")
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.user_email == ORG_ADMIN, AuditEntry.outcome == "denied")
        .order_by(AuditEntry.id)
    ).all()
    assert [(r.action, r.detail) for r in rows] == [("clients.read", "not_found")] * 2
    assert rows[1].object_id == str(missing)
