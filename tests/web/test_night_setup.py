"""Setting up the shared night service through its pages: locations and norms, the night
roster in local time, devices by client number, escalation steps, and night care plans kept
inside the client's own organisation, every read of a plan audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.accounts.models import User
from regiozorg.audit import AuditEntry
from regiozorg.network.models import Client, Location
from regiozorg.night.models import (
    AlarmDevice,
    EscalationStepRow,
    NightLocation,
    NightPlan,
    NightShift,
)
from regiozorg.night.rules import ContactMode, EscalationTarget
from tests.cast import (
    COORDINATOR,
    HEIDEZICHT_ADMIN,
    NETWORK_ADMIN,
    ORG_ADMIN,
    ROLES,
)
from tests.web.conftest import Browser

Login = Callable[[str], Browser]
MEPPEL_CONTROLLER = "7100"  # the demo's controllers follow its enrolled locations
HEIDEZICHT_CONTROLLER = "7102"


def _location(session: Session, code: str) -> Location:
    return session.scalars(select(Location).where(Location.code == code)).one()


def _first_client(session: Session, location_code: str) -> Client:
    client = session.scalars(
        select(Client)
        .join(Location, Location.id == Client.location_id)
        .where(Location.code == location_code)
        .order_by(Client.client_number)
    ).first()
    assert client is not None
    return client


def _user_id(session: Session, email: str) -> UUID:
    return session.scalars(select(User.id).where(User.email == email)).one()


# --- locations -------------------------------------------------------------------------------


def test_org_admin_enrols_own_location_but_not_heidezichts(
    login_as: Login, session: Session
) -> None:
    browser = login_as(ORG_ADMIN)
    locations = browser.page("/night/setup").split('id="roster"')[0]
    assert "Lindehof Nijeveen" in locations
    assert "Heidezicht" not in locations  # another organisation's locations are not offered
    nijeveen = _location(session, "ZL-NIJE-4")
    response = browser.submit(
        "/night/setup/locations",
        {"location_id": str(nijeveen.id), "answer_norm_seconds": "45",
         "on_site_norm_minutes": "20", "staff_phone": "0521-123456"},
    )  # fmt: skip
    assert response.status_code == 303
    row = session.get(NightLocation, nijeveen.id)
    assert row is not None
    assert (row.answer_norm_seconds, row.on_site_norm_minutes, row.staff_phone) == (
        45,
        20,
        "0521-123456",
    )
    shown = browser.page("/night/setup")
    line = shown.split('data-location="ZL-NIJE-4"')[1].split("</tr>")[0]
    assert ">45<" in line and ">20<" in line and "0521-123456" in line

    ruinen = _location(session, "SH-RUIN-7")
    refused = browser.submit("/night/setup/locations", {"location_id": str(ruinen.id)})
    assert refused.status_code in (403, 404)
    assert session.get(NightLocation, ruinen.id) is None


def test_zero_norm_is_refused_with_a_message(login_as: Login, session: Session) -> None:
    browser = login_as(ORG_ADMIN)
    browser.page("/night/setup")
    meppel = _location(session, "ZL-MEPP-2")
    response = browser.submit(
        "/night/setup/locations", {"location_id": str(meppel.id), "answer_norm_seconds": "0"}
    )
    assert response.status_code == 422
    assert "Normen moeten groter zijn dan nul." in response.text
    assert session.get_one(NightLocation, meppel.id).answer_norm_seconds == 60


def test_stopping_a_location_takes_its_clients_out_of_the_service(
    login_as: Login, session: Session
) -> None:
    browser = login_as(ORG_ADMIN)
    browser.page("/night/setup")
    havelte = _location(session, "ZL-HAVE-3")
    response = browser.submit(f"/night/setup/locations/{havelte.id}/unenrol", {})
    assert response.status_code == 303
    assert session.get(NightLocation, havelte.id) is None
    client = _first_client(session, "ZL-HAVE-3")
    session.expire_all()
    assert session.get_one(NightPlan, client.id).enrolled is False
    assert client.client_number not in browser.page("/night/plans")


# --- roster ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "start_utc", "end_utc"),
    [
        # the night summer time starts: 23:00 CET to 07:00 CEST is seven hours
        ("2030-03-30T23:00", "2030-03-31T07:00", datetime(2030, 3, 30, 22, tzinfo=UTC),
         datetime(2030, 3, 31, 5, tzinfo=UTC)),
        # the night it ends: 23:00 CEST to 07:00 CET is nine hours
        ("2030-10-26T23:00", "2030-10-27T07:00", datetime(2030, 10, 26, 21, tzinfo=UTC),
         datetime(2030, 10, 27, 6, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_network_admin_adds_a_shift_in_local_time_stored_as_utc(
    login_as: Login,
    session: Session,
    start: str,
    end: str,
    start_utc: datetime,
    end_utc: datetime,
) -> None:
    browser = login_as(NETWORK_ADMIN)
    browser.page("/night/setup")
    carer = _user_id(session, "mobiel.meppel@demo.regiozorg.nl")
    base = _location(session, "ZL-MEPP-2")
    response = browser.submit(
        "/night/setup/shifts",
        {"user_id": str(carer), "role": "mobile", "starts_at": start, "ends_at": end,
         "base_location_id": str(base.id), "phone": "06-12345678"},
    )  # fmt: skip
    assert response.status_code == 303
    shift = session.scalars(select(NightShift).where(NightShift.phone == "06-12345678")).one()
    assert (shift.starts_at, shift.ends_at) == (start_utc, end_utc)
    page = browser.page("/night/setup")
    line = page.split(f'data-shift="{shift.id}"')[1].split("</tr>")[0]
    day, hour = start.split("T")
    assert f"{day[8:10]}-{day[5:7]}-{day[:4]} {hour}" in line  # shown again as typed


def test_a_time_skipped_by_summer_time_is_refused(login_as: Login, session: Session) -> None:
    browser = login_as(NETWORK_ADMIN)
    browser.page("/night/setup")
    carer = _user_id(session, "mobiel.meppel@demo.regiozorg.nl")
    response = browser.submit(
        "/night/setup/shifts",
        {"user_id": str(carer), "role": "desk", "starts_at": "2030-03-31T02:30",
         "ends_at": "2030-03-31T07:00"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "de klok gaat dan een uur vooruit" in response.text


def test_a_shift_longer_than_thirteen_hours_is_refused(login_as: Login, session: Session) -> None:
    browser = login_as(NETWORK_ADMIN)
    browser.page("/night/setup")
    carer = _user_id(session, "mobiel.meppel@demo.regiozorg.nl")
    form = {"user_id": str(carer), "role": "desk", "starts_at": "2030-01-10T23:00",
            "phone": "06-55554444"}  # fmt: skip
    response = browser.submit("/night/setup/shifts", form | {"ends_at": "2040-01-10T23:00"})
    assert response.status_code == 422
    assert "Een nachtdienst duurt hoogstens 13 uur." in response.text
    assert session.scalars(select(NightShift).where(NightShift.phone == "06-55554444")).all() == []
    # a 12-hour night on the night the clocks go back lasts 13 hours, and is fine
    fine = browser.submit(
        "/night/setup/shifts",
        form | {"starts_at": "2030-10-26T19:00", "ends_at": "2030-10-27T07:00"},
    )
    assert fine.status_code == 303


def test_org_admin_rosters_only_from_own_locations_and_removes_a_shift(
    login_as: Login, session: Session
) -> None:
    browser = login_as(ORG_ADMIN)
    browser.page("/night/setup")
    carer = _user_id(session, "mobiel.meppel@demo.regiozorg.nl")
    form = {"user_id": str(carer), "role": "mobile", "starts_at": "2030-01-10T23:00",
            "ends_at": "2030-01-11T07:00"}  # fmt: skip
    hoogeveen = _location(session, "SH-HOOG-5")
    refused = browser.submit("/night/setup/shifts", form | {"base_location_id": str(hoogeveen.id)})
    assert refused.status_code == 403
    meppel = _location(session, "ZL-MEPP-2")
    added = browser.submit("/night/setup/shifts", form | {"base_location_id": str(meppel.id)})
    assert added.status_code == 303
    shift = session.scalars(
        select(NightShift).where(NightShift.starts_at == datetime(2030, 1, 10, 22, tzinfo=UTC))
    ).one()
    shift_id = shift.id
    assert f'data-shift="{shift_id}"' in browser.page("/night/setup")
    removed = browser.submit(f"/night/setup/shifts/{shift_id}/remove", {})
    assert removed.status_code == 303
    session.expire_all()
    assert session.get(NightShift, shift_id) is None
    assert f'data-shift="{shift_id}"' not in browser.page("/night/setup")


# --- devices ---------------------------------------------------------------------------------


def test_device_is_registered_for_own_client_by_client_number(
    login_as: Login, session: Session
) -> None:
    browser = login_as(ORG_ADMIN)
    browser.page("/night/setup")
    client = _first_client(session, "ZL-MEPP-2")
    response = browser.submit(
        "/night/setup/devices",
        {"controller_id": MEPPEL_CONTROLLER, "device_id": "D900", "device_type": "0017",
         "client_number": client.client_number, "room": "kamer 9"},
    )  # fmt: skip
    assert response.status_code == 303
    device = session.scalars(select(AlarmDevice).where(AlarmDevice.device_id == "D900")).one()
    assert (device.controller_id, device.client_id, device.device_type, device.room) == (
        MEPPEL_CONTROLLER,
        client.id,
        "0017",
        "kamer 9",
    )
    page = browser.page("/night/setup")
    line = page.split('data-device="D900"')[1].split("</li>")[0]
    assert "Epilepsiesensor" in line and client.client_number in line


def test_device_for_another_organisations_client_or_controller_is_refused(
    login_as: Login, session: Session
) -> None:
    browser = login_as(ORG_ADMIN)
    browser.page("/night/setup")
    other = _first_client(session, "SH-HOOG-5")
    response = browser.submit(
        "/night/setup/devices",
        {"controller_id": MEPPEL_CONTROLLER, "device_id": "D901",
         "client_number": other.client_number},
    )  # fmt: skip
    assert response.status_code == 404
    assert f"Geen cliënt met nummer {other.client_number}" in response.text
    own = _first_client(session, "ZL-MEPP-2")
    on_their_controller = browser.submit(
        "/night/setup/devices",
        {"controller_id": HEIDEZICHT_CONTROLLER, "device_id": "D902",
         "client_number": own.client_number},
    )  # fmt: skip
    assert on_their_controller.status_code == 403
    assert (
        session.scalars(
            select(AlarmDevice).where(AlarmDevice.device_id.in_(["D901", "D902"]))
        ).all()
        == []
    )


# --- escalation ------------------------------------------------------------------------------


def _steps(session: Session, priority: int) -> list[tuple[int, EscalationTarget, str | None]]:
    session.expire_all()
    return [
        (row.after_seconds, row.target, row.phone)
        for row in session.scalars(
            select(EscalationStepRow)
            .where(EscalationStepRow.priority == priority)
            .order_by(EscalationStepRow.number)
        )
    ]


def test_escalation_steps_are_set_per_priority_and_a_phone_step_needs_a_number(
    login_as: Login, session: Session
) -> None:
    browser = login_as(NETWORK_ADMIN)
    browser.page("/night/setup")
    form = {
        "priority": "2",
        "seconds": ["90", "30", "180", ""],
        "target": ["location_staff", "second_handler", "phone", "second_handler"],
        "phone": ["", "", "0522-123456", ""],
    }
    response = browser.post(
        "/night/setup/escalation", data={"csrf_token": browser.csrf, **form},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    assert _steps(session, 2) == [
        (30, EscalationTarget.SECOND_HANDLER, None),
        (90, EscalationTarget.LOCATION_STAFF, None),
        (180, EscalationTarget.PHONE, "0522-123456"),
    ]
    assert "180 s: Doorschakelen naar telefoonnummer (0522-123456)" in browser.page("/night/setup")

    without_phone = form | {"phone": ["", "", "", ""], "seconds": ["60", "", "120", ""]}
    refused = browser.post(
        "/night/setup/escalation", data={"csrf_token": browser.csrf, **without_phone},
        follow_redirects=False,
    )  # fmt: skip
    assert refused.status_code == 422
    assert "Een doorschakelstap heeft een telefoonnummer nodig." in refused.text
    assert len(_steps(session, 2)) == 3  # the old steps stand


def test_org_admin_sees_escalation_but_may_not_change_it(login_as: Login, session: Session) -> None:
    browser = login_as(ORG_ADMIN)
    page = browser.page("/night/setup")
    assert 'action="/night/setup/escalation"' not in page
    before = _steps(session, 1)
    response = browser.post(
        "/night/setup/escalation",
        data={"csrf_token": browser.csrf, "priority": "1", "seconds": ["5"],
              "target": ["second_handler"]},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 403
    assert _steps(session, 1) == before


# --- night care plans ------------------------------------------------------------------------


@pytest.mark.parametrize("email", [ORG_ADMIN, COORDINATOR])
def test_lindehof_edits_its_clients_night_plan(
    login_as: Login, session: Session, email: str
) -> None:
    browser = login_as(email)
    client = _first_client(session, "ZL-MEPP-2")
    listing = browser.page("/night/plans")
    assert client.client_number in listing and "Doet mee" in listing
    assert "SH-HOOG" not in listing
    page = browser.page(f"/night/plans/{client.id}")
    assert client.name in page
    form = {"enrolled": "true", "instructions": "Bij bedmatalarm eerst beeldbellen.",
            "contact_mode": "video", "key_information": "Sleutelkluis 4321",
            "monitoring_consent": "true"}  # fmt: skip
    refused = browser.post(
        f"/night/plans/{client.id}",
        data={"csrf_token": browser.csrf, **form, "risks": ["fall", "epilepsy"]},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert "Bij epilepsie hoort een epilepsieprotocol." in refused.text
    assert "Bij bedmatalarm eerst beeldbellen." in refused.text  # what was typed stays
    saved = browser.post(
        f"/night/plans/{client.id}",
        data={"csrf_token": browser.csrf, **form, "risks": ["fall", "epilepsy"],
              "epilepsy_protocol": "Na 5 minuten noodmedicatie en 112."},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303
    session.expire_all()
    plan = session.get(NightPlan, client.id)
    assert plan is not None
    assert plan.risks == ["epilepsy", "fall"]
    assert plan.contact_mode is ContactMode.VIDEO
    assert plan.instructions == "Bij bedmatalarm eerst beeldbellen."
    assert plan.monitoring_consent is True
    shown = browser.page(saved.headers["location"])
    assert "Nachtzorgplan opgeslagen." in shown
    assert 'value="epilepsy" checked' in shown and 'value="video" selected' in shown


def test_heidezicht_admin_gets_404_for_a_lindehof_plan(login_as: Login, session: Session) -> None:
    client = _first_client(session, "ZL-MEPP-2")
    before = session.get_one(NightPlan, client.id).instructions
    browser = login_as(HEIDEZICHT_ADMIN)
    assert browser.get(f"/night/plans/{client.id}").status_code == 404
    assert client.client_number not in browser.page("/night/plans")
    response = browser.post(
        f"/night/plans/{client.id}",
        data={"csrf_token": browser.csrf, "instructions": "overschreven"},
        follow_redirects=False,
    )
    assert response.status_code == 404
    session.expire_all()
    assert session.get_one(NightPlan, client.id).instructions == before


def test_reading_a_plan_is_audited(login_as: Login, session: Session) -> None:
    client = _first_client(session, "ZL-MEPP-2")
    login_as(COORDINATOR).page(f"/night/plans/{client.id}")
    entry = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "night.plan.read", AuditEntry.client_id == client.id
        )
    ).one()
    assert entry.user_email == COORDINATOR
    assert entry.client_organisation_id == client.organisation_id


# --- who may see what ------------------------------------------------------------------------

SETUP = {"network_admin", "org_admin"}
PLANS = {"org_admin", "coordinator"}
MATRIX: dict[str, tuple[set[str], dict[str, int]]] = {
    "/night/setup": (SETUP, {}),
    "/night/plans": (PLANS, {}),
    "/night/plans/{own_client}": (PLANS, {}),
    # another organisation's client is hidden from those who edit plans, refused to the rest
    "/night/plans/{other_client}": (set(), dict.fromkeys(PLANS, 404)),
}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_set_up_route_for_role(role: str, login_as: Login, session: Session) -> None:
    browser = login_as(ROLES[role])
    names = {
        "own_client": _first_client(session, "ZL-MEPP-2").id,
        "other_client": _first_client(session, "SH-HOOG-5").id,
    }
    seen = {r: browser.get(r.format(**names), follow_redirects=False).status_code for r in MATRIX}
    expected = {r: 200 if role in ok else other.get(role, 403) for r, (ok, other) in MATRIX.items()}
    assert seen == expected


@pytest.mark.parametrize(
    ("email", "link", "absent"),
    [(ORG_ADMIN, "/night/setup", None), (COORDINATOR, "/night/plans", "/night/setup")],
)
def test_the_menu_leads_to_set_up_or_plans(
    login_as: Login, email: str, link: str, absent: str | None
) -> None:
    home = login_as(email).page("/")
    assert f'href="{link}"' in home
    if absent:
        assert f'href="{absent}"' not in home


def test_set_up_reads_in_english(login_as: Login) -> None:
    browser = login_as(NETWORK_ADMIN)
    browser.page("/")
    browser.submit("/settings/language", {"locale": "en"})
    page = browser.page("/night/setup")
    assert "Night service set-up" in page
    assert "Forward to a phone number" in page
    assert "Participating locations" in page
