"""What was typed about a person in a night incident stays with those who may see the person:
the night team on shift and the client's own organisation. Everyone else sees the steps of the
incident without the text, and the audit trail never holds the text at all."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.accounts.models import User
from regiozorg.audit import AuditEntry
from regiozorg.clock import utcnow
from regiozorg.night.models import NightShift
from regiozorg.night.rules import DeskRole
from tests.cast import HEIDEZICHT_ADMIN, NIGHT_CARER, ORG_ADMIN
from tests.web.conftest import Browser
from tests.web.test_night_api import (
    ALARM_PLATFORM,
    MOBILE_HOOGEVEEN,
    MOBILE_MEPPEL,
    post_alarm,
    step,
    token,
)

NOTE = "Mevrouw verward, pijn op de borst sinds de avond"


def _triaged(client: Browser, session: Session, handler: str = NIGHT_CARER) -> str:
    """An alarm of a Lindehof client in Meppel, triaged by ``handler`` with a note."""
    incident_id = post_alarm(client, token(session, ALARM_PLATFORM))
    headers = token(session, handler)
    assert step(client, headers, incident_id, "acknowledge").status_code == 200
    decided = step(client, headers, incident_id, "triage", outcome="visit_needed", note=NOTE)
    assert decided.status_code == 200, decided.text
    return incident_id


def test_the_night_team_off_shift_gets_the_steps_without_the_triage_note(
    app_client: Browser, session: Session
) -> None:
    incident_id = _triaged(app_client, session)
    path = f"/api/v1/incidents/{incident_id}"

    off_shift = app_client.get(path, headers=token(session, ALARM_PLATFORM))
    assert off_shift.status_code == 200
    body = off_shift.json()
    assert NOTE not in off_shift.text
    assert body["text_hidden"] is True
    assert [(e["kind"], e["detail"]) for e in body["timeline"]][-1] == (
        "visit_needed",
        "visit_needed",
    )
    assert body["outcome"] == "visit_needed"  # the code stays: the team sees what happened

    for email in (NIGHT_CARER, MOBILE_MEPPEL):  # on shift; MOBILE_MEPPEL is Lindehof's own
        seen = app_client.get(path, headers=token(session, email))
        assert NOTE in seen.text, email
        assert seen.json()["text_hidden"] is False

    outsider = app_client.get(path, headers=token(session, HEIDEZICHT_ADMIN))
    assert outsider.status_code == 403  # another organisation's admin: not the night team
    assert NOTE not in outsider.text

    app_client.login(ALARM_PLATFORM)
    page = app_client.page(f"/night/incidents/{incident_id}")
    assert "Bezoek nodig" in page  # the outcome step, in words
    assert NOTE not in page
    app_client.login(NIGHT_CARER)
    assert NOTE in app_client.page(f"/night/incidents/{incident_id}")


def test_an_unknown_senders_text_is_for_the_team_on_shift(
    app_client: Browser, session: Session
) -> None:
    """Nobody knows whose alarm it is yet: the desk needs the text to find out; off shift,
    the night team sees the steps only."""
    said = "Meneer roept om hulp, kamer onbekend"
    incident_id = post_alarm(
        app_client, token(session, ALARM_PLATFORM), controller_id="9998", device_id="X9", text=said
    )
    path = f"/api/v1/incidents/{incident_id}"
    desk = app_client.get(path, headers=token(session, NIGHT_CARER)).json()
    assert (desk["summary"], desk["text_hidden"]) == (said, False)
    off_shift = app_client.get(path, headers=token(session, ALARM_PLATFORM)).json()
    assert (off_shift["summary"], off_shift["text_hidden"]) == ("", True)


def test_the_logbook_and_handover_are_blank_off_shift(
    app_client: Browser, session: Session
) -> None:
    incident_id = _triaged(app_client, session)
    desk = token(session, NIGHT_CARER)
    mobile = token(session, MOBILE_MEPPEL)
    step(app_client, desk, incident_id, "dispatch")
    for name in ("accept", "on-site", "complete"):
        assert step(app_client, mobile, incident_id, name).status_code == 200
    closed = step(
        app_client, mobile, incident_id, "close", intervention="fall",
        notes="Lag naast het bed", handover_note="Huisarts bellen over de pijn",
    )  # fmt: skip
    assert closed.status_code == 200, closed.text

    off_shift = app_client.get(
        f"/api/v1/incidents/{incident_id}", headers=token(session, ALARM_PLATFORM)
    ).json()
    assert (off_shift["log_notes"], off_shift["handover_note"], off_shift["summary"]) == (
        "",
        "",
        "",
    )
    assert off_shift["intervention"] == "fall"


def test_no_audit_row_holds_the_note_nor_shows_it_to_another_organisation(
    app_client: Browser, session: Session
) -> None:
    # Heidezicht's carer on shift handles a Lindehof client's alarm: the audit rows of the
    # steps are Heidezicht's own, and Heidezicht's admin reads them.
    _triaged(app_client, session, handler=MOBILE_HOOGEVEEN)
    details = session.scalars(select(AuditEntry.detail).where(AuditEntry.detail.is_not(None)))
    assert not [d for d in details if d and "borst" in d]

    app_client.login(HEIDEZICHT_ADMIN)
    page = app_client.page("/audit")
    assert "<td>Nachtmelding naar status Bezoek nodig</td>" in page  # the step, in words
    assert NOTE not in page
    export = app_client.get("/audit.csv")
    assert export.status_code == 200
    assert "night.incident.visit_needed" in export.text
    assert NOTE not in export.text

    app_client.login(ORG_ADMIN)  # the client's own organisation: the step, not the text either
    assert NOTE not in app_client.get("/audit.csv").text


# --- access follows a current shift of bounded length ------------------------------------


def test_a_shift_of_years_gives_no_access_past_a_shifts_length(
    app_client: Browser, session: Session
) -> None:
    """A roster row written before the length rule (or past it) opens nothing after 13 hours."""
    platform = session.scalars(select(User.id).where(User.email == ALARM_PLATFORM)).one()
    started = utcnow() - timedelta(hours=13, minutes=1)
    session.add(
        NightShift(
            user_id=platform, role=DeskRole.DESK, starts_at=started,
            ends_at=started + timedelta(days=3650),
        )
    )  # fmt: skip
    session.commit()
    incident_id = post_alarm(app_client, token(session, ALARM_PLATFORM))
    headers = token(session, ALARM_PLATFORM)
    refused = step(app_client, headers, incident_id, "acknowledge")
    assert refused.status_code == 403
    assert "nachtrooster" in refused.json()["detail"]
    seen = app_client.get(f"/api/v1/incidents/{incident_id}", headers=headers).json()
    assert (seen["client"], seen["client_hidden"]) == (None, True)
    board = app_client.get("/api/v1/night/carers", headers=token(session, NIGHT_CARER)).json()
    assert str(platform) not in {row["user_id"] for row in board}
