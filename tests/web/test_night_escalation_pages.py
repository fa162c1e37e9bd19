"""Escalation on the console's pages: the queue says where an escalation stands in words and
colour (and the number to ring as a ``tel:`` link), never a bare count."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy.orm import Session

from regiozorg.night.console import escalation
from regiozorg.night.intake import actions as intake
from regiozorg.night.models import Incident
from tests.night_cast import DESK, PLATFORM, actor_of, alarm
from tests.web.conftest import Login


def _row(queue: str, incident_id: object) -> str:
    found = re.search(rf'<tr id="incident-{incident_id}".*?</tr>', queue, re.S)
    assert found, "the incident is in the queue"
    return found.group(0)


def test_the_queue_says_in_words_and_colour_how_far_an_alarm_escalated(
    login: Login, session: Session
) -> None:
    received = intake.receive_alarm(
        session, actor_of(session, PLATFORM), message=alarm("ESC-Q1", device="D002")
    )
    incident = session.get(Incident, received.incident_id)
    assert incident is not None and incident.next_escalation_at is not None
    desk = login(DESK)
    row = _row(desk.page("/night/queue"), incident.id)
    assert "niet opgeschaald" in row and "escalation-state" not in row

    escalation.run_due_escalations(session, now=incident.next_escalation_at)
    row = _row(desk.page("/night/queue"), incident.id)
    # one desk carer: step 1 was skipped, step 2 puts the location's number on the console
    assert "Opgeschaald: bel de eigen locatie" in row
    assert 'class="escalation-state esc-alert"' in row
    assert re.search(r'<a href="tel:0\d+-\d+">0\d+-\d+</a>', row)
    assert "stap 2" in row

    escalation.run_due_escalations(session, now=incident.received_at + timedelta(hours=1))
    row = _row(desk.page("/night/queue"), incident.id)
    assert "Opgeschaald: bel het terugvalnummer" in row and "esc-critical" in row
    assert 'href="tel:0522-000000"' in row

    assert desk.submit("/settings/language", {"locale": "en"}).status_code == 303
    assert "Escalated: call the fallback number" in _row(desk.page("/night/queue"), incident.id)
