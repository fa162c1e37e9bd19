"""The numbers to call, as tel: links: on the incident page the client, their contact
persons, the own location's staff, the fallback number and 112; the client's and contacts'
numbers only for those who may see the client card; the "no carer" fallback comes with them;
the mobile carer's task shows them under its one big button."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from regiozorg.clock import utcnow
from regiozorg.config import Settings
from regiozorg.night.incidents import actions
from regiozorg.night.incidents.schemas import TriageIn
from regiozorg.night.intake import actions as intake
from regiozorg.night.models import NightContact, NightPlan, NightShift
from regiozorg.night.rules import ContactMode, DeskRole, Outcome
from tests.night_cast import DESK, MOBILE_HOOGEVEEN, MOBILE_MEPPEL, PLATFORM, actor_of, alarm
from tests.web.conftest import Login


def _tels(page: str) -> list[str]:
    return re.findall(r'<a href="tel:([^"]+)">', page)


def _numbers_section(page: str) -> str:
    found = re.search(r'<section id="numbers-to-call".*?</section>', page, re.S)
    assert found, "the page lists the numbers to call"
    return found.group(0)


def _alarm(session: Session, reference: str, *, visit: bool = False) -> UUID:
    received = intake.receive_alarm(
        session, actor_of(session, PLATFORM), message=alarm(reference, device="D002")
    )
    assert received.incident_id is not None
    if visit:
        desk = actor_of(session, DESK)
        actions.acknowledge(session, desk, incident_id=received.incident_id)
        actions.triage(
            session,
            desk,
            incident_id=received.incident_id,
            data=TriageIn(contact_mode=ContactMode.PHONE, outcome=Outcome.VISIT_NEEDED),
        )
    return received.incident_id


def _client_numbers(session: Session, incident_id: UUID) -> tuple[str, list[str]]:
    detail = actions.view_incident(session, actor_of(session, DESK), incident_id=incident_id)
    assert detail.client is not None
    plan = session.get(NightPlan, detail.client.id)
    assert plan is not None and plan.phone.startswith("085-")  # fictional demo numbers
    contacts = session.scalars(
        select(NightContact.phone)
        .where(NightContact.client_id == plan.client_id)
        .order_by(NightContact.position)
    ).all()
    assert contacts and all(phone.startswith("06-00") for phone in contacts)
    return plan.phone, list(contacts)


def test_the_incident_page_lists_every_number_to_call_as_a_tel_link(
    login: Login, session: Session
) -> None:
    incident_id = _alarm(session, "TEL1")
    client, contacts = _client_numbers(session, incident_id)
    detail = actions.view_incident(session, actor_of(session, DESK), incident_id=incident_id)
    assert detail.location_phone

    tels = _tels(_numbers_section(login(DESK).page(f"/night/incidents/{incident_id}")))
    assert tels == [client, *contacts, detail.location_phone, "0522-000000", "112"]


def _roster_moved(session: Session, role: DeskRole | None, days: int) -> None:
    """Every shift (of ``role``) moved ``days`` away from now: nobody on it at this moment."""
    moved = update(NightShift).values(
        starts_at=utcnow() + timedelta(days=days),
        ends_at=utcnow() + timedelta(days=days, hours=1),
    )
    session.execute(moved if role is None else moved.where(NightShift.role == role))
    session.commit()


def test_who_may_not_see_the_card_gets_no_client_or_contact_numbers(
    login: Login, session: Session
) -> None:
    incident_id = _alarm(session, "TEL2")
    client, contacts = _client_numbers(session, incident_id)
    # a night carer of another organisation (Heidezicht) sees a Lindehof client's card only
    # while on shift
    other = login(MOBILE_HOOGEVEEN)
    assert client in other.page(f"/night/incidents/{incident_id}")
    _roster_moved(session, None, -60)
    tels = _tels(_numbers_section(other.page(f"/night/incidents/{incident_id}")))
    assert client not in tels and not set(contacts) & set(tels)
    assert tels[-1] == "112"  # the service's numbers stay


def test_the_no_carer_fallback_comes_with_the_numbers(login: Login, session: Session) -> None:
    incident_id = _alarm(session, "TEL3", visit=True)
    _roster_moved(session, DeskRole.MOBILE, 30)  # nobody mobile on the roster now
    page = login(DESK).page(f"/night/incidents/{incident_id}")
    fallback = re.search(r'<p id="no-carer">.*?</ul>', page, re.S)
    assert fallback is not None
    assert "Bel de eigen locatie of 112." in fallback.group(0)
    detail = actions.view_incident(session, actor_of(session, DESK), incident_id=incident_id)
    assert _tels(fallback.group(0)) == [detail.location_phone, "112"]


def test_the_mobile_carer_task_has_one_big_button_and_the_numbers(
    login: Login, session: Session, settings: Settings
) -> None:
    incident_id = _alarm(session, "TEL4", visit=True)
    client, contacts = _client_numbers(session, incident_id)
    carer = actor_of(session, MOBILE_MEPPEL)
    assert carer.user_id is not None
    actions.dispatch(
        session, actor_of(session, DESK), settings, incident_id=incident_id,
        carer_id=carer.user_id,
    )  # fmt: skip
    page = login(MOBILE_MEPPEL).page("/night/mobile")
    task = page[page.index('<div id="task"') :]
    task = task[: task.index("<footer")]
    assert re.findall(r"<button[^>]*>", task) == ['<button type="submit" class="big-button">']
    tels = _tels(_numbers_section(task))
    assert tels[: 1 + len(contacts)] == [client, *contacts] and tels[-1] == "112"
