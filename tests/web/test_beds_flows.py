"""The coordination point's flows a coordinator and a ward judge at night: a bed with a patient
in it asks before it changes and can be undone, a decline says why and is not offered again,
match reasons in the reader's words, a request found not suitable corrected and triaged again,
a worklist that warns before the norm, and an intake in words."""

from __future__ import annotations

import re
from datetime import date, timedelta
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.audit import AuditEntry
from regiozorg.auth import SYSTEM
from regiozorg.beds import actions
from regiozorg.beds.models import Bed, BedAssignment, BedRequest, BedRequestEvent
from regiozorg.beds.rules import AssignmentStatus, BedStatus, CareType, RequestStatus
from regiozorg.clock import local, utcnow
from tests.cast import COORDINATOR, HEIDEZICHT_ADMIN, HEIDEZICHT_PHYSICIAN
from tests.web.conftest import Browser, Login
from tests.web.test_beds_api import _token
from tests.web.test_beds_pages import (
    MATCH_ROW,
    _heidezicht_bed,
    _hold_of,
    _new_request,
    _status,
)

HTMX = {"HX-Request": "true"}


def _admitted(login: Login, session: Session) -> tuple[Bed, BedAssignment]:
    """A patient placed in a Heidezicht bed the usual way: requested, held, accepted,
    confirmed, admitted."""
    bed = _heidezicht_bed(session)
    coordinator = login(COORDINATOR)
    request_id = _new_request(coordinator, session, preferred_location_id=str(bed.location_id))
    coordinator.submit(f"/beds/requests/{request_id}/hold", {"bed_id": str(bed.id)})
    hold = _hold_of(session, request_id)
    actions.decide_hold(session, SYSTEM, hold_id=hold.id, accept=True)
    actions.change_request(session, SYSTEM, request_id=request_id, target=RequestStatus.CONFIRMED)
    actions.admit(session, SYSTEM, hold_id=hold.id)
    session.expire_all()
    return bed, _hold_of(session, request_id)


def _actions_on(session: Session, bed_id: UUID) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_id == str(bed_id))
            .order_by(AuditEntry.id)
        )
    )


def test_one_click_does_not_discharge_a_patient_and_a_discharge_can_be_undone(
    login: Login, session: Session
) -> None:
    bed, stay = _admitted(login, session)
    planned_end = stay.ends_at
    nurse = login(HEIDEZICHT_PHYSICIAN)
    nurse.page("/beds")
    headers = HTMX | {"X-CSRF-Token": nurse.csrf}

    # the misclick: the row asks instead of discharging
    asked = nurse.post(f"/beds/{bed.id}/status", data={"status": "U"}, headers=headers)
    assert asked.status_code == 200
    assert asked.text.lstrip().startswith(f'<tr id="bed-{bed.id}"')
    assert "Er ligt een patiënt in dit bed." in asked.text
    assert "Op Niet-bezet zetten beëindigt de opname." in asked.text
    assert 'name="reason" required' in asked.text
    session.expire_all()
    assert session.get_one(Bed, bed.id).status is BedStatus.OCCUPIED
    assert session.get_one(BedAssignment, stay.id).status is AssignmentStatus.ADMITTED

    # confirmed with a reason: the stay ends, and the row offers to undo it
    done = nurse.post(
        f"/beds/{bed.id}/status",
        data={"status": "U", "reason": "met ontslag naar huis"},
        headers=headers,
    )
    assert done.status_code == 200
    assert "Ongedaan maken" in done.text and "met ontslag naar huis" in done.text
    session.expire_all()
    assert session.get_one(Bed, bed.id).status is BedStatus.FREE
    ended = session.get(BedAssignment, stay.id)
    assert ended is not None and ended.status is AssignmentStatus.COMPLETED
    undo_path = re.search(r'action="(/beds/changes/[0-9a-f-]{36}/undo)"', done.text)
    assert undo_path is not None

    # it was the wrong bed after all: undo brings the admission back as it was
    undone = nurse.post(undo_path.group(1), headers=headers)
    assert undone.status_code == 200
    assert "Ongedaan maken" not in undone.text
    session.expire_all()
    restored = session.get(BedAssignment, stay.id)
    assert restored is not None and restored.status is AssignmentStatus.ADMITTED
    assert restored.ends_at == planned_end
    back = session.get(Bed, bed.id)
    assert back is not None and back.status is BedStatus.OCCUPIED
    assert back.expected_free_at == planned_end
    assert _actions_on(session, bed.id)[-2:] == ["beds.status.with_patient", "beds.status.undo"]
    # a second undo has nothing left to undo
    again = nurse.post(undo_path.group(1), headers=headers)
    assert again.status_code == 409


def test_without_htmx_the_question_comes_as_a_page(login: Login, session: Session) -> None:
    bed, _ = _admitted(login, session)
    nurse = login(HEIDEZICHT_PHYSICIAN)
    nurse.page("/beds")
    asked = nurse.submit(f"/beds/{bed.id}/status", {"status": "C"})
    assert asked.status_code == 409
    assert "Weet u zeker dat u de status wijzigt naar Gesloten?" in asked.text
    session.expire_all()
    assert session.get_one(Bed, bed.id).status is BedStatus.OCCUPIED


def test_a_decline_asks_why_shows_as_a_decline_and_the_bed_leaves_the_top(
    login: Login, session: Session
) -> None:
    bed = _heidezicht_bed(session)
    coordinator = login(COORDINATOR)
    request_id = _new_request(coordinator, session, preferred_location_id=str(bed.location_id))
    page = coordinator.page(f"/beds/requests/{request_id}")
    assert MATCH_ROW.findall(page)[0] == str(bed.id)  # preferred: at the top
    coordinator.submit(f"/beds/requests/{request_id}/hold", {"bed_id": str(bed.id)})
    hold = _hold_of(session, request_id)

    provider = login(HEIDEZICHT_ADMIN)
    offers = provider.page("/beds/offers")
    assert "Reden van afwijzen" in offers
    refused = provider.submit(f"/beds/offers/{hold.id}/decision", {"accept": "false"})
    assert refused.status_code == 422
    assert "Geef een reden op voor het afwijzen." in refused.text
    assert _status(session, request_id) is RequestStatus.OFFERED

    declined = provider.submit(
        f"/beds/offers/{hold.id}/decision",
        {"accept": "false", "reason": "geen tillift vrij deze week"},
    )
    assert declined.status_code == 303
    assert _status(session, request_id) is RequestStatus.SEARCHING

    page = coordinator.page(f"/beds/requests/{request_id}")
    holds = page.split('id="holds"')[1].split("</table>")[0]
    assert "Afgewezen" in holds and "geen tillift vrij deze week" in holds
    assert "Geannuleerd" not in holds
    assert str(bed.id) not in MATCH_ROW.findall(page)  # not offered again at the top
    declined_list = page.split('id="declined-beds"')[1].split("</ul>")[0]
    assert "Afgewezen" in declined_list and "geen tillift vrij deze week" in declined_list


def test_match_reasons_name_every_factor_in_the_readers_words(
    login: Login, session: Session
) -> None:
    coordinator = login(COORDINATOR)
    request_id = _new_request(coordinator, session, care_type="WLZ_RESPITE", needs="hoist")
    page = coordinator.page(f"/beds/requests/{request_id}")
    table = page.split('id="matches"')[1].split("</table>")[0]
    assert "min reistijd vanaf de postcode van de patiënt (+" in table
    assert "biedt tillift" in table and "hoist" not in table
    assert "geen voorkeurslocatie opgegeven" in table
    assert "nu vrij" in table or "vrij na verwacht ontslag" in table
    assert "beddenstand" in table
    assert re.search(r'<td class="numeric"[^>]*>\d+,\d</td>', table)  # 89,0, not 89.0
    assert not re.search(r'<td class="numeric"[^>]*>\d+\.\d</td>', table)

    assert coordinator.submit("/settings/language", {"locale": "en"}).status_code == 303
    english = coordinator.page(f"/beds/requests/{request_id}")
    table = english.split('id="matches"')[1].split("</table>")[0]
    assert "min travel time from the patient&#39;s postcode (+" in table
    assert "offers hoist" in table and "tillift" not in table
    assert re.search(r'<td class="numeric"[^>]*>\d+\.\d</td>', table)


def test_a_request_found_not_suitable_is_corrected_and_triaged_again(
    login: Login, session: Session
) -> None:
    coordinator = login(COORDINATOR)
    request_id = _new_request(
        coordinator,
        session,
        care_type="WLZ_CRISIS_VV",
        patient_initials="K.L.",
        medical_reason="acute verwardheid",
    )
    assert _status(session, request_id) is RequestStatus.NOT_ELIGIBLE
    page = coordinator.page(f"/beds/requests/{request_id}")
    assert "Aanvraag corrigeren en opnieuw beoordelen" in page
    assert 'value="acute verwardheid"' in page  # what was typed stays

    corrected = coordinator.submit(
        f"/beds/requests/{request_id}/correct",
        {
            "care_type": "WLZ_CRISIS_VV",
            "medical_reason": "acute verwardheid",
            "consents_outside_region": "true",
            "expects_return_home": "true",
        },
    )
    assert corrected.status_code == 303
    assert _status(session, request_id) is RequestStatus.SEARCHING
    stored = session.get(BedRequest, request_id)
    assert stored is not None
    assert (stored.patient_initials, stored.referrer_name) == ("K.L.", "Dokter Bakker")
    assert stored.consents_outside_region and stored.outcome_reason is None
    steps = session.execute(
        select(BedRequestEvent.from_status, BedRequestEvent.to_status)
        .where(BedRequestEvent.request_id == request_id)
        .order_by(BedRequestEvent.id)
    ).all()
    assert [tuple(s) for s in steps][-3:] == [
        ("triage", "not_eligible"),
        ("not_eligible", "triage"),
        ("triage", "searching"),
    ]
    assert "Passende bedden" in coordinator.page(f"/beds/requests/{request_id}")


def test_the_worklist_shows_the_patient_and_warns_before_the_norm(
    login: Login, session: Session
) -> None:
    coordinator = login(COORDINATOR)
    near = _new_request(
        coordinator,
        session,
        care_type="WLZ_CRISIS_VV",
        consents_outside_region="true",
        patient_initials="J.v.d.B.",
        patient_birth_year="",
        patient_birth_date="1941-03-15",
    )
    gz_within = _new_request(
        coordinator,
        session,
        care_type="WLZ_CRISIS_GZ",
        consents_outside_region="true",
        patient_initials="M.",
    )
    for request_id, hours in ((near, 19), (gz_within, 19)):
        stored = session.get(BedRequest, request_id)
        assert stored is not None
        stored.created_at -= timedelta(hours=hours)
    session.commit()
    rows = coordinator.page("/beds/requests").split("<tr")
    near_row = next(row for row in rows if f"/beds/requests/{near}" in row)
    gz_row = next(row for row in rows if f"/beds/requests/{gz_within}" in row)
    today = local(utcnow()).date()
    age = today.year - 1941 - ((today.month, today.day) < (3, 15))
    assert f"<strong>J.v.d.B.</strong>, {age} jaar" in near_row
    assert str(near)[:8] + "</a>" not in near_row  # no id fragment as its name
    assert "Wlz-crisis V&amp;V" in near_row and "19 u 0 min" in near_row
    # 19 h of a 24 h norm is past three quarters: amber, in words
    assert 'class="norm-near"' in near_row
    assert re.search(r"Nog (5 u 0|4 u 59) min tot de norm van 24 uur", near_row)
    # 19 h of a 48 h norm is not
    assert 'class="norm-within"' in gz_row and "Norm 48 uur" in gz_row


def test_the_intake_takes_the_reason_in_words_the_date_of_birth_and_initials_as_typed(
    login: Login, session: Session
) -> None:
    coordinator = login(COORDINATOR)
    form = coordinator.page("/beds/requests/new")
    assert 'name="medical_reason"' in form and 'name="patient_birth_date"' in form
    assert 'data-age-output="patient-age"' in form
    request_id = _new_request(
        coordinator,
        session,
        patient_initials="J.v.d.B.",
        patient_birth_year="",
        patient_birth_date="1940-06-30",
        medical_reason="heupfractuur",
    )
    stored = session.get(BedRequest, request_id)
    assert stored is not None
    assert stored.patient_initials == "J.v.d.B."
    assert stored.patient_birth_year == 1940
    assert stored.patient_birth_date == date(1940, 6, 30)
    assert stored.medical_reason == "heupfractuur"
    page = coordinator.page(f"/beds/requests/{request_id}")
    today = local(utcnow()).date()
    age = today.year - 1940 - ((today.month, today.day) < (6, 30))
    assert f"{age} jaar" in page and "geboren 30-06-1940" in page
    assert '<dd id="medical-reason">heupfractuur</dd>' in page
    # the same patient typed differently is still the same patient
    again = coordinator.submit(
        "/beds/requests/new",
        {
            "care_type": "ELV_LOW",
            "patient_initials": "JVDB",
            "patient_birth_date": "1940-06-30",
            "patient_sex": "F",
            "patient_postcode": "7901 AB",
            "expects_return_home": "true",
            "referrer_kind": "gp",
            "referrer_name": "Dokter Bakker",
            "referrer_phone": "0528-123456",
        },
    )
    assert again.status_code == 409
    assert "Voor deze patiënt loopt al een aanvraag." in again.text


def test_a_future_date_of_birth_is_refused_in_words(login: Login, session: Session) -> None:
    coordinator = login(COORDINATOR)
    coordinator.page("/beds/requests/new")
    future = (local(utcnow()).date() + timedelta(days=3)).isoformat()
    response = coordinator.submit(
        "/beds/requests/new",
        {
            "care_type": "ELV_LOW",
            "patient_initials": "A.",
            "patient_birth_date": future,
            "patient_sex": "F",
            "patient_postcode": "7901 AB",
            "referrer_kind": "gp",
            "referrer_name": "Dokter Bakker",
            "referrer_phone": "0528-123456",
        },
    )
    assert response.status_code == 422
    assert "Vul een geboortedatum in tussen 1900 en vandaag." in response.text
    assert f'value="{CareType.ELV_LOW}" selected' in response.text


def test_the_api_declines_with_a_reason_and_guards_an_occupied_bed(
    app_client: Browser, session: Session
) -> None:
    coordinator = _token(session, COORDINATOR)
    provider = _token(session, HEIDEZICHT_ADMIN)
    bed = _heidezicht_bed(session)
    created = app_client.post(
        "/api/v1/bed-requests",
        json={
            "care_type": "ELV_LOW",
            "patient_initials": "T.v.A.",
            "patient_birth_date": "1939-02-01",
            "patient_sex": "M",
            "patient_postcode": "7901 AB",
            "medical_reason": "CVA, revalidatie thuis niet haalbaar",
            "preferred_location_id": str(bed.location_id),
            "referrer_kind": "gp",
            "referrer_name": "Dokter Visser",
            "referrer_phone": "0528-765432",
        },
        headers=coordinator,
    )
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    hold = app_client.post(
        f"/api/v1/bed-requests/{request_id}/hold", json={"bed_id": str(bed.id)}, headers=coordinator
    ).json()["hold_id"]
    declined = app_client.post(
        f"/api/v1/holds/{hold}/decline", json={"reason": "isolatiekamer nodig"}, headers=provider
    )
    assert declined.status_code == 200, declined.text
    assert declined.json()["status"] == "declined"
    matches = app_client.get(
        f"/api/v1/bed-requests/{request_id}/matches",
        headers=coordinator | {"Accept-Language": "nl"},
    ).json()
    assert str(bed.id) not in [m["bed_id"] for m in matches]
    assert any("voorkeurslocatie van de patiënt (+25,0)" in m["reasons"] for m in matches)

    # a bed with a patient in it: the API, too, wants a reason, and the change can be undone
    assert (
        app_client.put(
            f"/api/v1/beds/{bed.id}/status", json={"code": "O"}, headers=provider
        ).status_code
        == 200
    )
    refused = app_client.put(f"/api/v1/beds/{bed.id}/status", json={"code": "U"}, headers=provider)
    assert refused.status_code == 409
    assert "Er ligt een patiënt in dit bed" in refused.json()["detail"]
    changed = app_client.put(
        f"/api/v1/beds/{bed.id}/status",
        json={"code": "U", "reason": "overleden"},
        headers=provider,
    )
    assert changed.status_code == 200, changed.text
    change_id = changed.json()["change_id"]
    assert change_id
    undone = app_client.post(f"/api/v1/bed-status-changes/{change_id}/undo", headers=provider)
    assert undone.status_code == 204
    session.expire_all()
    assert session.get_one(Bed, bed.id).status is BedStatus.OCCUPIED
