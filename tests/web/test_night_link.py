"""Linking an incident's client: the handler searches the night service's clients by name,
client number or room, picks one, and remembers the device only when ticking it."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.audit import AuditEntry
from regiozorg.night.incidents import actions
from regiozorg.night.intake import actions as intake
from regiozorg.night.models import AlarmDevice, Incident
from tests.night_cast import DESK, MOBILE_MEPPEL, PLATFORM, actor_of, alarm
from tests.web.conftest import Login
from tests.web.test_night_api import client_of
from tests.web.test_night_calls import _client_outside_the_night_service


def _unknown_sender(session: Session, reference: str) -> uuid.UUID:
    """An alarm of a device nobody set up, acknowledged by the desk."""
    received = intake.receive_alarm(
        session, actor_of(session, PLATFORM), message=alarm(reference, device="D999")
    )
    assert received.incident_id is not None
    actions.acknowledge(session, actor_of(session, DESK), incident_id=received.incident_id)
    return received.incident_id


def _candidates(page: str) -> list[str]:
    return re.findall(r'name="client_id" value="([^"]+)"', page)


def test_the_handler_finds_a_client_by_name_number_or_room(login: Login, session: Session) -> None:
    incident_id = _unknown_sender(session, "LINK1")
    client = client_of(session)
    room = session.scalars(select(AlarmDevice.room).where(AlarmDevice.client_id == client.id)).one()
    desk = login(DESK)
    assert 'id="sender-search"' in desk.page(f"/night/incidents/{incident_id}")

    for text in (client.name.split()[-1].upper(), client.client_number, room):
        page = desk.page(f"/night/incidents/{incident_id}/sender?q={text}")
        assert str(client.id) in _candidates(page), text
        assert client.name in page

    searched = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "night.client.search", AuditEntry.client_id == client.id
        )
    ).all()
    assert len(searched) == 3 and {e.object_id for e in searched} == {str(incident_id)}


def test_the_remember_device_box_is_not_ticked_by_default(login: Login, session: Session) -> None:
    incident_id = _unknown_sender(session, "LINK2")
    desk = login(DESK)

    page = desk.page(f"/night/incidents/{incident_id}/sender?q={client_of(session).client_number}")

    box = re.search(r'<input type="checkbox" name="remember_device"[^>]*>', page)
    assert box is not None and "checked" not in box.group(0)


def test_clients_outside_the_night_service_are_not_found(login: Login, session: Session) -> None:
    incident_id = _unknown_sender(session, "LINK3")
    outside = _client_outside_the_night_service(session)
    desk = login(DESK)

    page = desk.page(f"/night/incidents/{incident_id}/sender?q={outside.name}")

    assert str(outside.id) not in _candidates(page)
    assert f"<strong>{outside.name}</strong>" not in page


def test_htmx_gets_the_matches_alone(login: Login, session: Session) -> None:
    incident_id = _unknown_sender(session, "LINK4")
    desk = login(DESK)
    desk.page(f"/night/incidents/{incident_id}")

    fragment = desk.get(
        f"/night/incidents/{incident_id}/sender",
        params={"q": client_of(session).client_number},
        headers={"HX-Request": "true"},
    )

    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="sender-matches">')
    assert str(client_of(session).id) in _candidates(fragment.text)


def test_only_the_handler_may_search(login: Login, session: Session) -> None:
    incident_id = _unknown_sender(session, "LINK5")
    carer = login(MOBILE_MEPPEL)

    refused = carer.get(f"/night/incidents/{incident_id}/sender?q={client_of(session).name}")

    assert refused.status_code == 409 and client_of(session).name not in refused.text


def test_picking_a_client_links_it_and_leaves_the_device_unknown(
    login: Login, session: Session
) -> None:
    incident_id = _unknown_sender(session, "LINK6")
    client = client_of(session)
    desk = login(DESK)
    desk.page(f"/night/incidents/{incident_id}/sender?q={client.client_number}")

    linked = desk.submit(f"/night/incidents/{incident_id}/sender", {"client_id": str(client.id)})

    assert linked.status_code == 303, linked.text
    page = desk.page(f"/night/incidents/{incident_id}")
    assert client.name in page and 'id="sender-search"' not in page
    again = intake.receive_alarm(
        session, actor_of(session, PLATFORM), message=alarm("LINK6B", device="D999")
    )
    assert again.incident_id is not None
    next_alarm = session.get(Incident, again.incident_id)
    assert next_alarm is not None and next_alarm.unknown_sender  # not remembered: not ticked


def test_linking_a_client_outside_the_service_reads_like_a_missing_one(
    login: Login, session: Session
) -> None:
    incident_id = _unknown_sender(session, "LINK7")
    desk = login(DESK)
    desk.page(f"/night/incidents/{incident_id}")
    outside = _client_outside_the_night_service(session)

    answers = [
        desk.submit(f"/night/incidents/{incident_id}/sender", {"client_id": str(client_id)})
        for client_id in (outside.id, uuid.uuid4())
    ]

    assert answers[0].status_code == 404
    assert answers[0].content == answers[1].content


def test_a_call_from_a_known_place_can_still_get_its_client(login: Login, session: Session) -> None:
    client = client_of(session)
    desk = login(DESK)
    desk.page("/night")
    made = desk.submit(
        "/night/calls", {"location_id": str(client.location_id), "summary": "Collega belt"}
    )
    page = desk.page(made.headers["location"])
    assert "Cliënt koppelen" in page and "onbekende afzender" not in page

    found = desk.page(f"{made.headers['location']}/sender?q={client.client_number}")

    assert str(client.id) in _candidates(found)
    assert 'name="remember_device"' not in found  # a phone call has no device to remember
