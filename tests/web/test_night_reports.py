"""The night logbook's reports through their pages, CSV and JSON: exact figures from incidents
with known timestamps, each organisation seeing only its own, and the audited handover."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.audit import AuditEntry
from regiozorg.clock import utcnow
from regiozorg.network.models import Client, Location, Organisation
from regiozorg.night.figures import night_start
from regiozorg.night.models import Incident
from regiozorg.night.rules import (
    IncidentKind,
    IncidentState,
    InterventionType,
    Outcome,
    night_of,
)
from tests.cast import (
    HEIDEZICHT,
    HEIDEZICHT_ADMIN,
    LINDEHOF,
    NETWORK_ADMIN,
    ORG_ADMIN,
    PHYSICIAN,
    PLANNER,
    VIEWER,
)
from tests.web.conftest import Browser, Login

NIGHT = night_of(utcnow()) - timedelta(days=3)


@dataclass(frozen=True)
class Cast:
    meppel: Location
    hoogeveen: Location
    alice: Client  # Lindehof Meppel
    bob: Client  # Lindehof Meppel
    carol: Client  # Heidezicht Hoogeveen


def _location(session: Session, organisation: str, town: str) -> Location:
    found = session.scalar(
        select(Location)
        .join(Organisation, Organisation.id == Location.organisation_id)
        .where(Organisation.name == organisation, Location.town == town)
        .order_by(Location.code)
        .limit(1)
    )
    assert found is not None
    return found


def _clients(session: Session, location: Location) -> list[Client]:
    return list(
        session.scalars(
            select(Client).where(Client.location_id == location.id).order_by(Client.client_number)
        )
    )


def _at(minutes: float) -> datetime:
    """``minutes`` after 22:00 on the evening of NIGHT (Amsterdam time)."""
    return night_start(NIGHT) + timedelta(hours=10, minutes=minutes)


def _incident(
    session: Session,
    *,
    location: Location,
    client: Client | None,
    received: float,
    answered: float | None,
    outcome: Outcome | None,
    on_site: float | None = None,
    completed: float | None = None,
    closed: float | None = None,
    intervention: InterventionType | None = None,
    escalations: int = 0,
    note: str = "",
) -> None:
    """Times in minutes after 22:00, except ``answered``: seconds after the alarm."""
    start = _at(received)
    state = IncidentState.CLOSED if closed is not None else IncidentState.RECEIVED
    session.add(
        Incident(
            id=uuid.uuid4(),
            kind=IncidentKind.ALARM,
            state=state,
            outcome=outcome,
            priority=2,
            unknown_sender=client is None,
            client_id=client.id if client else None,
            organisation_id=client.organisation_id if client else None,
            location_id=location.id,
            received_at=start,
            acknowledged_at=start + timedelta(seconds=answered) if answered is not None else None,
            on_site_at=_at(on_site) if on_site is not None else None,
            completed_at=_at(completed) if completed is not None else None,
            closed_at=_at(closed) if closed is not None else None,
            intervention=intervention,
            log_notes=f"Logboek: {note}" if note else "",
            handover_note=f"Overdracht: {note}" if note else "",
            escalations_done=escalations,
        )
    )


@pytest.fixture
def night(session: Session) -> Cast:
    """One night at Lindehof Meppel (norms 60 s, 30 min) and Heidezicht Hoogeveen.

    Meppel: 5 incidents, 4 of two known clients; answered after 20, 40, 90 and 30 s and one
    never (counted late): 3 of 5 within 60 s. Two visits, on site after 20 and 35 minutes:
    1 of 2 within 30 minutes. One more alarm the next night, which this night does not count.
    """
    meppel = _location(session, LINDEHOF, "Meppel")
    hoogeveen = _location(session, HEIDEZICHT, "Hoogeveen")
    alice, bob = _clients(session, meppel)[:2]
    carol = _clients(session, hoogeveen)[0]
    fall, reassure = InterventionType.FALL, InterventionType.REASSURANCE
    _incident(session, location=meppel, client=alice, received=0, answered=20,
              outcome=Outcome.FALSE_ALARM, closed=5, intervention=InterventionType.NONE,
              note="bedmat, niets aan de hand")  # fmt: skip
    # 01:30 after midnight still belongs to this night.
    _incident(session, location=meppel, client=alice, received=210, answered=40,
              outcome=Outcome.RESOLVED_REMOTELY, closed=220,
              intervention=reassure, note="gerustgesteld via beeld")  # fmt: skip
    _incident(session, location=meppel, client=bob, received=60, answered=90,
              outcome=Outcome.VISIT_NEEDED, on_site=80, completed=95, closed=100,
              intervention=fall, note="gevallen naast bed, geholpen")  # fmt: skip
    _incident(session, location=meppel, client=bob, received=300, answered=30,
              outcome=Outcome.EMERGENCY_112, on_site=335, completed=360, closed=370,
              intervention=fall, note="ambulance gebeld")  # fmt: skip
    _incident(session, location=meppel, client=None, received=120, answered=None, outcome=None,
              escalations=2)  # fmt: skip
    # 13:00 the next day: the next night.
    _incident(session, location=meppel, client=alice, received=15 * 60, answered=5,
              outcome=Outcome.FALSE_ALARM, closed=15 * 60 + 1,
              intervention=InterventionType.NONE, note="volgende nacht")  # fmt: skip
    _incident(session, location=hoogeveen, client=carol, received=30, answered=10,
              outcome=Outcome.FALSE_ALARM, closed=31, intervention=InterventionType.NONE,
              note="heidezicht")  # fmt: skip
    session.commit()
    return Cast(meppel, hoogeveen, alice, bob, carol)


def _period(first: date = NIGHT, last: date = NIGHT) -> str:
    return f"from={first.isoformat()}&to={last.isoformat()}"


def _csv(browser: Browser, query: str) -> list[dict[str, str]]:
    response = browser.get(f"/night/reports.csv?{query}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def _row(page: str, table: str, text: str) -> str:
    """The table row (of the table with that id) that mentions ``text``."""
    body = page.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", body, re.S) if text in row]
    assert len(rows) == 1, (text, rows)
    return re.sub(r"\s+", " ", rows[0])


def test_the_csv_has_the_exact_figures_per_night_and_location(login: Login, night: Cast) -> None:
    rows = _csv(login(PLANNER), _period())
    by_location = {row["location"]: row for row in rows}
    assert set(by_location) == {night.meppel.name, night.hoogeveen.name}
    meppel = by_location[night.meppel.name]
    assert meppel["night"] == NIGHT.isoformat()
    assert meppel["organisation"] == LINDEHOF
    assert (meppel["incidents"], meppel["contacts_per_client"]) == ("5", "2.0")
    assert (meppel["false_alarm"], meppel["resolved_remotely"], meppel["visit"]) == ("1", "1", "1")
    assert (meppel["emergency_112"], meppel["undecided"]) == ("1", "1")
    assert (meppel["false_alarm_share"], meppel["remote_share"]) == ("0.25", "0.5")
    assert (meppel["answer_p50_seconds"], meppel["answer_p90_seconds"]) == ("30.0", "90.0")
    assert (meppel["answer_within_norm"], meppel["answer_counted"]) == ("3", "5")
    assert (meppel["answer_share"], meppel["answer_norm_met"]) == ("0.6", "no")
    assert meppel["on_site_norm_minutes"] == "30"
    assert (meppel["on_site_p50_minutes"], meppel["on_site_p90_minutes"]) == ("20.0", "35.0")
    assert (meppel["on_site_within_norm"], meppel["on_site_counted"]) == ("1", "2")
    assert (meppel["unknown_sender"], meppel["escalated"], meppel["escalation_steps"]) == (
        "1",
        "1",
        "2",
    )
    heidezicht = by_location[night.hoogeveen.name]
    assert (heidezicht["incidents"], heidezicht["answer_share"]) == ("1", "1.0")
    assert heidezicht["answer_norm_met"] == "yes"


def test_the_next_nights_alarm_counts_for_the_next_night(login: Login, night: Cast) -> None:
    rows = _csv(login(PLANNER), _period(NIGHT, NIGHT + timedelta(days=1)))
    meppel = [(r["night"], r["incidents"]) for r in rows if r["location"] == night.meppel.name]
    assert meppel == [(NIGHT.isoformat(), "5"), ((NIGHT + timedelta(days=1)).isoformat(), "1")]


def test_the_page_shows_the_figures_against_the_norm_without_client_names(
    login: Login, night: Cast
) -> None:
    page = login(NETWORK_ADMIN).page(f"/night/reports?{_period()}")
    assert '<a href="/night/reports">Nachtrapportages</a>' in page  # in the menu
    meppel = _row(page, "nights", night.meppel.name)
    assert "60,0% <small>(3/5)</small>" in meppel
    assert "niet gehaald" in meppel
    assert "30 / 90" in meppel  # answer p50 / p90 in seconds
    assert "50,0% <small>(1/2)</small>" in meppel  # on site within 30 minutes
    assert "norm 60 s / 30 min" in meppel
    heidezicht = _row(page, "nights", night.hoogeveen.name)
    assert "100,0% <small>(1/1)</small>" in heidezicht and "norm-met" in heidezicht
    lindehof = _row(page, "organisations", LINDEHOF)
    assert "25,0%" in lindehof  # false alarms of the four decided incidents
    falls = _row(page, "interventions", "Val")
    assert "40 / 70" in falls  # received to closed: 40 and 70 minutes
    assert falls.endswith('<td class="numeric">15</td>')  # on site to done: 15 and 25 min
    for client in (night.alice, night.bob, night.carol):
        assert client.name not in page
    assert 'id="night-report-data"' in page and "/vendor/chart.js/dist/chart.umd.js" in page
    assert "<script>" not in page  # the CSP allows no inline scripts
    # The network office has no care staff of Lindehof: no handover link for it.
    assert "/night/handover" not in page


def test_an_organisation_sees_only_its_own_locations(login: Login, night: Cast) -> None:
    heidezicht = login(HEIDEZICHT_ADMIN)
    page = heidezicht.page(f"/night/reports?{_period()}")
    assert night.hoogeveen.name in page
    assert night.meppel.name not in page and LINDEHOF not in page
    assert [r["location"] for r in _csv(heidezicht, _period())] == [night.hoogeveen.name]
    figures = heidezicht.get(f"/api/v1/night/figures?{_period()}").json()
    assert [row["location"] for row in figures["locations"]] == [night.hoogeveen.name]
    assert figures["total"]["incidents"] == 1


def test_the_figures_api_gives_the_same_numbers_as_json(login: Login, night: Cast) -> None:
    response = login(PLANNER).get(f"/api/v1/night/figures?{_period()}")
    assert response.status_code == 200
    body = response.json()
    assert body["first_night"] == body["last_night"] == NIGHT.isoformat()
    assert body["answer_target_share"] == 0.985
    meppel = next(r for r in body["locations"] if r["location"] == night.meppel.name)
    assert meppel["answer_norm_seconds"] == 60
    assert meppel["figures"]["answer_share"] == 0.6
    assert meppel["figures"]["answer_norm_met"] is False
    assert meppel["figures"]["contacts_per_client"] == 2.0
    assert body["total"]["incidents"] == 6
    assert [n["figures"]["incidents"] for n in body["nights"]] == [6]
    falls = next(i for i in body["interventions"] if i["intervention"] == "fall")
    assert (falls["closed"], falls["handling_p50_minutes"]) == (2, 40.0)


@pytest.mark.parametrize("email", [VIEWER, PHYSICIAN])
def test_viewers_and_physicians_get_no_reports(login: Login, email: str) -> None:
    browser = login(email)
    assert 'href="/night/reports"' not in browser.page("/")
    for path in ("/night/reports", "/night/reports.csv", "/api/v1/night/figures"):
        assert browser.get(path).status_code == 403, path


def test_a_period_ending_before_it_starts_is_refused(login: Login) -> None:
    response = login(PLANNER).get(f"/night/reports?{_period(NIGHT, NIGHT - timedelta(days=1))}")
    assert response.status_code == 422
    assert "De eerste nacht ligt na de laatste." in response.text


def test_the_handover_shows_own_clients_and_audits_each_one(
    login: Login, night: Cast, session: Session
) -> None:
    lindehof = night.alice.organisation_id
    admin = login(ORG_ADMIN)
    reports = admin.page(f"/night/reports?{_period()}")
    assert f"/night/handover?organisation={lindehof}&amp;night={NIGHT}" in reports
    page = admin.page(f"/night/handover?organisation={lindehof}&night={NIGHT}")
    assert night.alice.name in page and night.bob.name in page
    assert "Overdracht: gevallen naast bed, geholpen" in page
    assert "Logboek: ambulance gebeld" in page
    assert "Overdracht: volgende nacht" not in page  # another night
    assert night.carol.name not in page and "heidezicht" not in page
    read = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "night.handover.read", AuditEntry.user_email == ORG_ADMIN
        )
    ).all()
    assert sorted(str(e.client_id) for e in read) == sorted(
        [str(night.alice.id), str(night.bob.id)]
    )
    assert {e.object_id for e in read} == {NIGHT.isoformat()}


def test_another_organisations_handover_is_not_found(
    login: Login, night: Cast, session: Session
) -> None:
    lindehof = night.alice.organisation_id
    response = login(HEIDEZICHT_ADMIN).get(f"/night/handover?organisation={lindehof}&night={NIGHT}")
    assert response.status_code == 404
    assert night.alice.name not in response.text
    read = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "night.handover.read", AuditEntry.user_email == HEIDEZICHT_ADMIN
        )
    ).all()
    assert read == []


def test_the_own_handover_opens_without_choosing_an_organisation(login: Login, night: Cast) -> None:
    page = login(HEIDEZICHT_ADMIN).page(f"/night/handover?night={NIGHT}")
    assert night.carol.name in page and "Overdracht: heidezicht" in page


def test_the_reports_speak_english(login: Login, night: Cast) -> None:
    planner = login(PLANNER)
    assert planner.submit("/settings/language", {"locale": "en"}).status_code == 303
    page = planner.page(f"/night/reports?{_period()}")
    assert "Night care reports" in page and "Incidents per night by outcome" in page
    meppel = _row(page, "nights", night.meppel.name)
    assert "60.0% <small>(3/5)</small>" in meppel and "not met" in meppel
    assert "Rapportages nachtzorg" not in page
    chart = page.split('id="night-report-text">', 1)[1].split("</script>", 1)[0]
    words = json.loads(chart)["outcomes"]
    assert (words["false_alarm"], words["visit"], words["undecided"]) == (
        "False alarm", "Visit needed", "No outcome yet",
    )  # fmt: skip


def test_the_handover_says_kind_outcome_and_intervention_in_words(
    login: Login, night: Cast
) -> None:
    admin = login(ORG_ADMIN)
    query = f"organisation={night.alice.organisation_id}&night={NIGHT}"
    bob = _row(admin.page(f"/night/handover?{query}"), f"client-{night.bob.id}", "ambulance")
    assert "Alarm" in bob and "112 gebeld<br>Val" in bob
    assert admin.submit("/settings/language", {"locale": "en"}).status_code == 303
    bob = _row(admin.page(f"/night/handover?{query}"), f"client-{night.bob.id}", "ambulance")
    assert "112 called<br>Fall" in bob and "emergency_112" not in bob
