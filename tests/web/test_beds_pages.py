"""The coordination point through its pages: intake, worklist, matches, hold, the provider's
decision, confirmation and admission; who may see what; the live event stream."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from regiozorg import app as app_module
from regiozorg.audit import AuditEntry
from regiozorg.auth import SYSTEM
from regiozorg.beds import actions
from regiozorg.beds import worker as beds_worker
from regiozorg.beds.models import Bed, BedAssignment, BedCareType, BedRequest
from regiozorg.beds.rules import AssignmentStatus, BedStatus, CareType, RequestStatus
from regiozorg.beds.schemas import BedRequestIn
from regiozorg.config import Settings
from regiozorg.network.models import Location, Organisation
from regiozorg.web import sse
from tests.cast import (
    COORDINATOR,
    HEIDEZICHT,
    HEIDEZICHT_ADMIN,
    HEIDEZICHT_PHYSICIAN,
    PHYSICIAN,
    PLANNER,
    VIEWER,
)
from tests.web.conftest import Browser, Login

HOOGEVEEN = "7901 AB"
MATCH_ROW = re.compile(r'name="bed_id" value="([0-9a-f-]{36})"')


def _intake(**overrides: str) -> dict[str, str]:
    return {
        "care_type": "ELV_LOW",
        "patient_initials": "J.P.",
        "patient_birth_year": "1941",
        "patient_sex": "F",
        "patient_postcode": HOOGEVEEN,
        "expects_return_home": "true",
        "referrer_kind": "gp",
        "referrer_name": "Dokter Bakker",
        "referrer_phone": "0528-123456",
    } | overrides


def _heidezicht_bed(session: Session, care_type: CareType = CareType.ELV_LOW) -> Bed:
    """A bed of Stichting Heidezicht in Hoogeveen offering ``care_type``, made free."""
    beds = session.scalars(
        select(Bed)
        .join(Organisation, Organisation.id == Bed.organisation_id)
        .join(Location, Location.id == Bed.location_id)
        .join(BedCareType, BedCareType.bed_id == Bed.id)
        .where(
            Organisation.name == HEIDEZICHT,
            Location.town == "Hoogeveen",
            BedCareType.care_type == care_type,
        )
        .order_by(Bed.label)
    )
    bed = next((b for b in beds if not b.capabilities), None)
    assert bed is not None
    actions.set_bed_status(session, SYSTEM, bed_id=bed.id, status=BedStatus.FREE)
    return bed


def _new_request(browser: Browser, session: Session, **overrides: str) -> UUID:
    browser.page("/beds/requests/new")
    response = browser.submit("/beds/requests/new", _intake(**overrides))
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/beds/requests/")
    return UUID(location.rsplit("/", 1)[1])


def _status(session: Session, request_id: UUID) -> RequestStatus:
    session.expire_all()
    request = session.get(BedRequest, request_id)
    assert request is not None
    return request.status


def _hold_of(session: Session, request_id: UUID) -> BedAssignment:
    session.expire_all()
    return session.scalars(
        select(BedAssignment).where(BedAssignment.request_id == request_id)
    ).one()


def test_a_request_goes_from_intake_to_admission(login: Login, session: Session) -> None:
    bed = _heidezicht_bed(session)
    coordinator = login(COORDINATOR)
    request_id = _new_request(coordinator, session, preferred_location_id=str(bed.location_id))
    assert _status(session, request_id) is RequestStatus.SEARCHING

    worklist = coordinator.page("/beds/requests")
    assert f"/beds/requests/{request_id}" in worklist
    assert "Zoekt bed" in worklist

    detail = coordinator.page(f"/beds/requests/{request_id}")
    assert "J.P." in detail and "Dokter Bakker" in detail
    assert "Passende bedden" in detail and "min reistijd" in detail
    assert str(bed.id) in MATCH_ROW.findall(detail)

    held = coordinator.submit(f"/beds/requests/{request_id}/hold", {"bed_id": str(bed.id)})
    assert held.status_code == 303
    assert _status(session, request_id) is RequestStatus.OFFERED
    hold = _hold_of(session, request_id)

    provider = login(HEIDEZICHT_ADMIN)
    offers = provider.page("/beds/offers")
    assert f"offer-{hold.id}" in offers and "J.P., 1941, Vrouw" in offers
    assert "Accepteren" in offers
    # the organisation a bed was offered to may read the patient's details
    assert "J.P." in provider.page(f"/beds/requests/{request_id}")
    accepted = provider.submit(f"/beds/offers/{hold.id}/decision", {"accept": "true"})
    assert accepted.status_code == 303
    assert _status(session, request_id) is RequestStatus.ACCEPTED
    assert "Wacht op bevestiging" in provider.page("/beds/offers")

    detail = coordinator.page(f"/beds/requests/{request_id}")
    assert "Plaatsing bevestigen" in detail
    confirmed = coordinator.submit(f"/beds/requests/{request_id}/status", {"target": "confirmed"})
    assert confirmed.status_code == 303
    assert _status(session, request_id) is RequestStatus.CONFIRMED

    assert "Patiënt is opgenomen" in provider.page("/beds/offers")
    admitted = provider.submit(f"/beds/offers/{hold.id}/admit", {})
    assert admitted.status_code == 303
    assert _status(session, request_id) is RequestStatus.ADMITTED
    session.refresh(bed)
    assert bed.status is BedStatus.OCCUPIED
    assert f"/beds/requests/{request_id}" not in coordinator.page("/beds/requests")


def test_a_bed_taken_in_the_meantime_gets_a_clear_dutch_message(
    login: Login, session: Session
) -> None:
    bed = _heidezicht_bed(session)
    coordinator = login(COORDINATOR)
    first = _new_request(coordinator, session, preferred_location_id=str(bed.location_id))
    second = _new_request(
        coordinator, session, patient_initials="K.L.", preferred_location_id=str(bed.location_id)
    )
    coordinator.page(f"/beds/requests/{first}")
    first_hold = coordinator.submit(f"/beds/requests/{first}/hold", {"bed_id": str(bed.id)})
    assert first_hold.status_code == 303

    coordinator.page(f"/beds/requests/{second}")
    refused = coordinator.submit(f"/beds/requests/{second}/hold", {"bed_id": str(bed.id)})
    assert refused.status_code == 409
    assert "Dit bed is net door een ander bezet of gereserveerd" in refused.text
    assert _status(session, second) is RequestStatus.SEARCHING


def test_intake_shows_what_is_wrong_in_dutch(login: Login, session: Session) -> None:
    physician = login(PHYSICIAN)
    physician.page("/beds/requests/new")
    response = physician.submit(
        "/beds/requests/new", _intake(patient_postcode="ABCD", patient_birth_year="18")
    )
    assert response.status_code == 422
    assert "Vul een Nederlandse postcode in (1234 AB)." in response.text
    assert "Vul een geboortejaar in tussen 1900 en nu." in response.text
    assert 'value="Dokter Bakker"' in response.text
    assert session.scalar(select(func.count()).select_from(BedRequest)) == 0


def test_an_ineligible_request_says_why(login: Login, session: Session) -> None:
    physician = login(PHYSICIAN)
    request_id = _new_request(physician, session, has_wlz_indication="true")
    assert _status(session, request_id) is RequestStatus.NOT_ELIGIBLE
    page = physician.page(f"/beds/requests/{request_id}")
    assert "Niet passend" in page
    assert "Patiënt heeft een Wlz-indicatie: ELV is uitgesloten." in page


@pytest.mark.parametrize(
    ("email", "path", "status"),
    [
        (VIEWER, "/beds", 200),
        (VIEWER, "/beds/board", 200),
        (VIEWER, "/beds/requests", 403),
        (VIEWER, "/beds/requests/new", 403),
        (VIEWER, "/beds/offers", 403),
        (VIEWER, "/beds/reports", 403),
        (PHYSICIAN, "/beds/requests/new", 200),
        (PHYSICIAN, "/beds/requests", 403),
        (HEIDEZICHT_PHYSICIAN, "/beds/offers", 200),
        (PLANNER, "/beds/reports", 200),
        (COORDINATOR, "/beds/reports", 200),
        (COORDINATOR, "/beds/requests/list", 200),
        (VIEWER, "/beds/requests/list", 403),
        (HEIDEZICHT_ADMIN, "/beds/offers/list", 200),
    ],
)
def test_who_may_open_which_page(login: Login, email: str, path: str, status: int) -> None:
    assert login(email).get(path).status_code == status


def test_signed_out_visitors_are_sent_to_the_login_page(app_client: Browser) -> None:
    for path in ("/beds", "/beds/events"):
        response = app_client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


def test_patient_details_stay_with_the_coordinator_referrer_and_offered_organisation(
    login: Login, session: Session
) -> None:
    def reads(outcome: str) -> int:
        return (
            session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action.in_(["beds.request.read", "beds.view"]))
                .where(AuditEntry.outcome == outcome)
            )
            or 0
        )

    physician = login(PHYSICIAN)
    request_id = _new_request(physician, session)
    before = reads("success"), reads("denied")
    assert "<dd>J.P.</dd>" in physician.page(f"/beds/requests/{request_id}")
    assert "<dd>J.P.</dd>" in login(COORDINATOR).page(f"/beds/requests/{request_id}")
    outsider = login(HEIDEZICHT_ADMIN).get(f"/beds/requests/{request_id}")
    assert outsider.status_code == 404
    # the initials as the page shows them: a bare "JP" can occur in a random CSRF token
    assert "<dd>J.P.</dd>" not in outsider.text and "Initialen" not in outsider.text
    assert (reads("success"), reads("denied")) == (before[0] + 2, before[1] + 1)
    session.expire_all()
    read = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "beds.request.read")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert read is not None and read.object_id == str(request_id)


def test_a_nurse_changes_a_bed_status_with_one_click(login: Login, session: Session) -> None:
    bed = _heidezicht_bed(session)
    nurse = login(HEIDEZICHT_PHYSICIAN)
    page = nurse.page("/beds")
    assert f'id="bed-{bed.id}"' in page and "Mijn bedden" in page
    row = nurse.post(
        f"/beds/{bed.id}/status",
        data={"status": "O", "expected_free_at": "2026-12-01"},
        headers={"HX-Request": "true", "X-CSRF-Token": nurse.csrf},
    )
    assert row.status_code == 200
    assert row.text.lstrip().startswith(f'<tr id="bed-{bed.id}"')
    assert "ontslag verwacht 01-12-2026" in row.text
    session.refresh(bed)
    assert bed.status is BedStatus.OCCUPIED and bed.expected_free_at is not None

    # another organisation's bed is not the coordinator's to change
    coordinator = login(COORDINATOR)
    assert f'id="bed-{bed.id}"' not in coordinator.page("/beds")
    refused = coordinator.submit(f"/beds/{bed.id}/status", {"status": "U"})
    assert refused.status_code == 403


def test_the_board_counts_held_and_accepted_beds_as_reserved(
    login: Login, session: Session
) -> None:
    bed = _heidezicht_bed(session)
    cell = f'id="held-{bed.location_id}-ELV_LOW">'

    def held_count(browser: Browser) -> int:
        text = browser.page("/beds/board?care_type=ELV_LOW")
        return int(text.split(cell, 1)[1].split("<", 1)[0])

    coordinator = login(COORDINATOR)
    before = held_count(coordinator)
    request_id = _new_request(coordinator, session, preferred_location_id=str(bed.location_id))
    coordinator.page(f"/beds/requests/{request_id}")
    coordinator.submit(f"/beds/requests/{request_id}/hold", {"bed_id": str(bed.id)})
    assert held_count(coordinator) == before + 1
    own_row = login(HEIDEZICHT_ADMIN).page("/beds").split(f'id="bed-{bed.id}"', 1)[1]
    assert "gereserveerd voor een patiënt" in own_row.split("</tr>", 1)[0]
    actions.decide_hold(session, SYSTEM, hold_id=_hold_of(session, request_id).id, accept=True)
    assert held_count(coordinator) == before + 1  # an accepted bed is not free again


def test_the_event_stream_yields_an_event_after_a_hold(session: Session) -> None:
    bed = _heidezicht_bed(session)
    request = actions.request_bed(
        session, SYSTEM, data=BedRequestIn.model_validate(_intake(referrer_kind="coordinator"))
    )

    class Connected:
        async def is_disconnected(self) -> bool:
            return False

    async def first_event() -> str:
        stream = sse.event_stream(Connected(), "beds", keepalive=0.05, poll=0.01)
        try:
            assert (await asyncio.wait_for(anext(stream), 5)).startswith("retry:")
            actions.hold_bed(session, SYSTEM, request_id=request.id, bed_id=bed.id)
            while (chunk := await asyncio.wait_for(anext(stream), 5)).startswith(":"):
                pass  # keep-alive comments
            return chunk
        finally:
            await stream.aclose()

    chunk = asyncio.run(first_event())
    assert chunk.startswith("event: bed.held\n")
    assert str(bed.id) in chunk


def test_reports_show_placements_and_not_placed_requests(login: Login, session: Session) -> None:
    physician = login(PHYSICIAN)
    _new_request(physician, session, has_wlz_indication="true")
    page = login(PLANNER).page("/beds/reports")
    assert "Tijd tot plaatsing per week" in page
    assert 'id="beds-report-data"' in page
    assert "Patiënt heeft een Wlz-indicatie: ELV is uitgesloten." in page
    assert "/vendor/chart.js/dist/chart.umd.js" in page
    assert "<script>" not in page  # the CSP allows no inline scripts


def test_an_english_reader_reads_why_a_request_is_not_suitable_in_english(
    login: Login, session: Session
) -> None:
    """The reason is stored as the rule's code, and said in the reader's language: on the
    request page and in the reports, which count the requests by that code."""
    coordinator = login(COORDINATOR)
    first = _new_request(coordinator, session, has_wlz_indication="true")
    _new_request(coordinator, session, has_wlz_indication="true", patient_initials="Q")
    english = "The patient has a Wlz indication: ELV is excluded."
    dutch = "Patiënt heeft een Wlz-indicatie: ELV is uitgesloten."
    assert dutch in coordinator.page(f"/beds/requests/{first}")
    assert coordinator.submit("/settings/language", {"locale": "en"}).status_code == 303
    page = coordinator.page(f"/beds/requests/{first}")
    assert english in page and dutch not in page

    planner = login(PLANNER)
    assert planner.submit("/settings/language", {"locale": "en"}).status_code == 303
    rows = [row for row in planner.page("/beds/reports").split("<tr") if english in row]
    assert len(rows) == 1 and dutch not in rows[0]
    counted = re.search(r'class="numeric">(\d+)</td>', rows[0])
    assert counted is not None and int(counted.group(1)) >= 2  # one row for both: by code


def test_the_beds_worker_gives_back_expired_holds_in_one_tick(
    sessions: sessionmaker[Session], session: Session
) -> None:
    bed = _heidezicht_bed(session)
    request = actions.request_bed(
        session, SYSTEM, data=BedRequestIn.model_validate(_intake(referrer_kind="coordinator"))
    )
    actions.hold_bed(
        session, SYSTEM, request_id=request.id, bed_id=bed.id, ttl=timedelta(seconds=-1)
    )
    assert _status(session, request.id) is RequestStatus.OFFERED
    beds_worker.run_jobs(sessions)
    assert _status(session, request.id) is RequestStatus.SEARCHING
    assert _hold_of(session, request.id).status is AssignmentStatus.EXPIRED


def test_the_app_runs_the_beds_worker_and_stops_it_with_the_app(
    settings: Settings, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    app = app_module.create_app(settings.model_copy(update={"night_worker_seconds": 0}), engine)
    app.state.sessions = sessions
    with TestClient(app):
        beds_task, night_task = app.state.workers
        assert beds_task is not None and not beds_task.done()
        assert night_task is None  # 0 seconds: switched off
    assert beds_task.done()


def test_the_bed_pages_speak_english_on_request(login: Login) -> None:
    viewer = login(VIEWER)
    assert viewer.submit("/settings/language", {"locale": "en"}).status_code == 303
    page = viewer.page("/beds")
    assert "Beds in the region" in page and "ELV low complexity" in page
    assert "Bedden in de regio" not in page


def test_the_worklist_flags_a_crisis_request_past_its_norm(login: Login, session: Session) -> None:
    coordinator = login(COORDINATOR)
    late = _new_request(
        coordinator, session, care_type="WLZ_CRISIS_VV", consents_outside_region="true"
    )
    fresh = _new_request(
        coordinator,
        session,
        care_type="WLZ_CRISIS_VV",
        consents_outside_region="true",
        patient_initials="Q",
    )
    stored = session.get(BedRequest, late)
    assert stored is not None
    stored.created_at -= timedelta(hours=30)
    session.commit()
    rows = coordinator.page("/beds/requests").split("<tr")
    late_row = next(row for row in rows if f"/beds/requests/{late}" in row)
    fresh_row = next(row for row in rows if f"/beds/requests/{fresh}" in row)
    assert 'class="norm-passed"' in late_row and "Norm van 24 uur overschreden" in late_row
    assert "30 u 0 min" in late_row and "24 uur" in late_row
    assert 'class="norm-within"' in fresh_row and "overschreden" not in fresh_row


def test_the_request_page_refuses_a_cancellation_without_a_reason(
    login: Login, session: Session
) -> None:
    bed = _heidezicht_bed(session)
    coordinator = login(COORDINATOR)
    request_id = _new_request(coordinator, session)
    held = coordinator.submit(f"/beds/requests/{request_id}/hold", {"bed_id": str(bed.id)})
    assert held.status_code == 303

    refused = coordinator.submit(
        f"/beds/requests/{request_id}/status", {"target": "cancelled", "note": "  "}
    )
    assert refused.status_code == 422
    assert "Geef een reden op voor het annuleren." in refused.text
    assert _status(session, request_id) is RequestStatus.OFFERED
    assert _hold_of(session, request_id).status is AssignmentStatus.HELD

    cancelled = coordinator.submit(
        f"/beds/requests/{request_id}/status", {"target": "cancelled", "note": "Thuis gebleven"}
    )
    assert cancelled.status_code == 303
    assert _status(session, request_id) is RequestStatus.CANCELLED
    assert _hold_of(session, request_id).status is AssignmentStatus.CANCELLED
