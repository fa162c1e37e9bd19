"""A phone call at the night desk: a caller named by organisation or location keeps where the
call came from; a client the desk may not see is refused like one that exists nowhere."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.audit import AuditEntry
from regiozorg.network.models import Client, Location
from regiozorg.night.models import Incident, NightLocation, NightPlan
from tests.cast import HEIDEZICHT, first_client
from tests.night_cast import DESK
from tests.web.conftest import Browser, Login
from tests.web.test_night_api import client_of, token


def _night_location(session: Session) -> Location:
    """Lindehof Meppel: a location in the night service."""
    return session.scalars(
        select(Location)
        .join(NightLocation, NightLocation.location_id == Location.id)
        .join(Client, Client.location_id == Location.id)
        .where(Client.id == client_of(session).id)
    ).one()


def _client_outside_the_night_service(session: Session) -> Client:
    """A client with no night plan: another organisation's, at a location not in the service."""
    found = session.scalars(
        select(Client)
        .outerjoin(NightPlan, NightPlan.client_id == Client.id)
        .where(NightPlan.client_id.is_(None))
        .order_by(Client.client_number)
        .limit(1)
    ).first()
    assert found is not None
    return found


def test_a_call_named_by_organisation_keeps_it_and_is_no_unknown_sender(
    app_client: Browser, session: Session
) -> None:
    place = _night_location(session)
    desk = token(session, DESK)

    made = app_client.post(
        "/api/v1/calls",
        json={
            "summary": "Collega belt: bewoner valt",
            "organisation_id": str(place.organisation_id),
        },
        headers=desk,
    )

    assert made.status_code == 201, made.text
    incident = session.get(Incident, uuid.UUID(made.json()["incident_id"]))
    assert incident is not None
    assert (incident.organisation_id, incident.client_id) == (place.organisation_id, None)
    assert incident.unknown_sender is False


def test_a_call_named_by_location_keeps_its_location_and_organisation(
    app_client: Browser, session: Session
) -> None:
    place = _night_location(session)
    desk = token(session, DESK)

    made = app_client.post(
        "/api/v1/calls",
        json={"summary": "Buurman belt", "location_id": str(place.id)},
        headers=desk,
    )

    assert made.status_code == 201, made.text
    incident = session.get(Incident, uuid.UUID(made.json()["incident_id"]))
    assert incident is not None
    assert (incident.organisation_id, incident.location_id) == (place.organisation_id, place.id)
    assert incident.unknown_sender is False
    shown = app_client.get(f"/api/v1/incidents/{incident.id}", headers=desk).json()
    assert (shown["location"], shown["unknown_sender"]) == (place.name, False)


def test_a_call_named_by_nobody_is_an_unknown_sender(app_client: Browser, session: Session) -> None:
    made = app_client.post(
        "/api/v1/calls", json={"summary": "Iemand belt"}, headers=token(session, DESK)
    )

    incident = session.get(Incident, uuid.UUID(made.json()["incident_id"]))
    assert incident is not None and incident.unknown_sender is True
    assert (incident.organisation_id, incident.location_id) == (None, None)


def test_a_client_outside_the_night_service_reads_like_one_that_exists_nowhere(
    app_client: Browser, session: Session
) -> None:
    desk = token(session, DESK)
    outside = _client_outside_the_night_service(session)
    theirs = first_client(session, HEIDEZICHT)
    session.get_one(NightPlan, theirs.id).enrolled = False
    session.flush()
    answers = [
        app_client.post(
            "/api/v1/calls", json={"summary": "Belt", "client_id": str(client_id)}, headers=desk
        )
        for client_id in (outside.id, theirs.id, uuid.uuid4())
    ]

    assert {(a.status_code, a.content) for a in answers} == {(404, answers[2].content)}
    assert session.scalars(select(Incident).where(Incident.summary == "Belt")).all() == []
    denied = session.scalars(
        select(AuditEntry.detail).where(
            AuditEntry.outcome == "denied", AuditEntry.object_type == "client"
        )
    ).all()
    assert denied.count("not_found") >= 3


def test_the_console_form_records_a_call_with_organisation_and_location(
    login: Login, session: Session
) -> None:
    place = _night_location(session)
    desk = login(DESK)
    console = desk.page("/night")
    assert f'<option value="{place.id}">{place.name}</option>' in console

    made = desk.submit(
        "/night/calls",
        {
            "organisation_id": str(place.organisation_id),
            "location_id": str(place.id),
            "client_number": "",
            "summary": "Collega belt vanaf de afdeling",
        },
    )

    assert made.status_code == 303
    page = desk.page(made.headers["location"])
    assert place.name in page and "onbekende afzender" not in page


def _place_outside_the_night_service(session: Session, field: str) -> uuid.UUID:
    """A location not in the night service, or an organisation with no location in it."""
    in_service = select(NightLocation.location_id)
    if field == "location_id":
        query = select(Location.id).where(Location.id.not_in(in_service))
    else:
        taking_part = select(Location.organisation_id).where(Location.id.in_(in_service))
        query = select(Location.organisation_id).where(Location.organisation_id.not_in(taking_part))
    found = session.scalars(query.order_by(Location.code).limit(1)).first()
    assert found is not None
    return found


@pytest.mark.parametrize("field", ["organisation_id", "location_id"])
def test_a_place_outside_the_night_service_is_refused_on_the_form(
    login: Login, session: Session, field: str
) -> None:
    desk = login(DESK)
    desk.page("/night")

    refused = desk.submit(
        "/night/calls",
        {field: str(_place_outside_the_night_service(session, field)), "summary": "Belt"},
    )

    assert refused.status_code == 422
    assert "doet niet mee aan de nachtzorg" in refused.text
    assert session.scalars(select(Incident).where(Incident.summary == "Belt")).all() == []
