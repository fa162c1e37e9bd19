"""Closing an incident: the intervention is chosen, never preset; without it the server
refuses in words and gives the form back with everything that was typed."""

from __future__ import annotations

import re
from uuid import UUID

from sqlalchemy.orm import Session

from regiozorg.night.incidents import actions
from regiozorg.night.incidents.schemas import TriageIn
from regiozorg.night.intake import actions as intake
from regiozorg.night.models import Incident
from regiozorg.night.rules import ContactMode, IncidentState, Outcome
from tests.night_cast import DESK, PLATFORM, actor_of, alarm
from tests.web.conftest import Login


def completed_incident(session: Session, reference: str) -> UUID:
    """An alarm the desk handled from a distance: waiting for its logbook entry."""
    received = intake.receive_alarm(
        session, actor_of(session, PLATFORM), message=alarm(reference, device="D002")
    )
    assert received.incident_id is not None
    desk = actor_of(session, DESK)
    actions.acknowledge(session, desk, incident_id=received.incident_id)
    actions.triage(
        session,
        desk,
        incident_id=received.incident_id,
        data=TriageIn(contact_mode=ContactMode.PHONE, outcome=Outcome.RESOLVED_REMOTELY),
    )
    return received.incident_id


def test_the_intervention_is_not_preset(login: Login, session: Session) -> None:
    incident_id = completed_incident(session, "CLOSE1")
    page = login(DESK).page(f"/night/incidents/{incident_id}")
    select = re.search(r'<select name="intervention" required>(.*?)</select>', page, re.S)
    assert select is not None
    options = re.findall(r'<option value="([^"]*)"( selected)?>', select.group(1))
    assert options[0] == ("", " selected")  # an empty first option, chosen until one picks
    assert [value for value, chosen in options if chosen] == [""]


def test_closing_without_an_intervention_is_refused_and_keeps_what_was_typed(
    login: Login, session: Session
) -> None:
    incident_id = completed_incident(session, "CLOSE2")
    desk = login(DESK)
    desk.page(f"/night/incidents/{incident_id}")
    typed = {"notes": "Mevrouw was onrustig, even gepraat.", "handover_note": "Let op <onrust>."}
    response = desk.submit(f"/night/incidents/{incident_id}/close", {"intervention": ""} | typed)
    assert response.status_code == 422
    page = response.text
    assert "Kies welke interventie er is gedaan." in page
    assert ">Mevrouw was onrustig, even gepraat.</textarea>" in page
    assert ">Let op &lt;onrust&gt;.</textarea>" in page
    session.expire_all()
    incident = session.get(Incident, incident_id)
    assert incident is not None and incident.state is IncidentState.COMPLETED
    assert incident.intervention is None

    # a refusal for another reason keeps the chosen intervention as well
    response = desk.submit(
        f"/night/incidents/{incident_id}/close", {"intervention": "toileting", "notes": "x"}
    )
    assert response.status_code == 422
    assert '<option value="toileting" selected>' in response.text

    done = desk.submit(
        f"/night/incidents/{incident_id}/close", {"intervention": "reassurance"} | typed
    )
    assert done.status_code == 303
    session.expire_all()
    incident = session.get(Incident, incident_id)
    assert incident is not None and incident.state is IncidentState.CLOSED
    assert incident.intervention == "reassurance"


def test_closing_without_an_intervention_from_the_phone_view_keeps_what_was_typed(
    login: Login, session: Session
) -> None:
    incident_id = completed_incident(session, "CLOSE3")
    desk = login(DESK)
    desk.page(f"/night/incidents/{incident_id}")
    response = desk.submit(
        f"/night/incidents/{incident_id}/close",
        {"notes": "Geholpen.", "handover_note": "Rustig.", "back": "mobile"},
    )
    assert response.status_code == 422
    assert "Kies welke interventie er is gedaan." in response.text
