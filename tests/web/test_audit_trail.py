"""Reading the audit trail is in the audit trail, and its export opens safely in a spreadsheet."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.audit import AuditEntry
from regiozorg.network.models import Location
from tests.cast import COORDINATOR, NETWORK_ADMIN, ORG_ADMIN, VIEWER
from tests.web.conftest import Browser


def _reads_of_the_trail(session: Session, email: str) -> list[tuple[str, str | None]]:
    return [
        (entry.action, entry.detail)
        for entry in session.scalars(
            select(AuditEntry)
            .where(AuditEntry.user_email == email, AuditEntry.action.like("audit.%"))
            .order_by(AuditEntry.id)
        )
    ]


def test_viewing_and_exporting_the_trail_each_write_an_audit_row(
    app_client: Browser, session: Session
) -> None:
    app_client.login(ORG_ADMIN)
    page = app_client.page("/audit")
    export = app_client.get("/audit.csv")
    assert export.status_code == 200
    shown = len(list(csv.reader(io.StringIO(export.text)))) - 1

    reads = _reads_of_the_trail(session, ORG_ADMIN)
    assert [action for action, _ in reads] == ["audit.view", "audit.export"]
    assert reads[1][1] == f"{shown} entries; scope 1 organisation(s)"
    viewed = "<td>Auditlog bekijken</td>"
    assert viewed in app_client.page("/audit")  # the first look is in the trail now
    assert viewed not in page  # recorded with the read, not shown in it


def test_a_viewer_without_the_right_is_refused_and_the_refusal_is_recorded(
    app_client: Browser, session: Session
) -> None:
    app_client.login(VIEWER)
    assert app_client.get("/audit.csv").status_code == 403
    denied = session.scalars(
        select(AuditEntry.outcome).where(
            AuditEntry.user_email == VIEWER, AuditEntry.action == "audit.view"
        )
    ).all()
    assert denied == ["denied"]


def test_a_name_typed_as_a_formula_is_exported_as_text(
    app_client: Browser, session: Session
) -> None:
    location = session.scalars(select(Location).order_by(Location.code).limit(1)).one()
    location.name = '=HYPERLINK("http://evil.example","Klik")'
    session.commit()
    app_client.login(NETWORK_ADMIN)
    export = app_client.get("/admin/export/locations.csv")
    assert export.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(export.text)) for cell in row]
    assert '\'=HYPERLINK("http://evil.example","Klik")' in cells
    assert not [cell for cell in cells if cell.startswith("=")]


def test_each_read_of_the_bed_worklist_is_in_the_trail(
    app_client: Browser, session: Session
) -> None:
    """The worklist shows patients' initials, age and medical reason: the page and every live
    refresh of it write a row, naming how many requests were shown."""
    app_client.login(COORDINATOR)
    app_client.page("/beds/requests")
    app_client.page("/beds/requests/list")
    reads = session.scalars(
        select(AuditEntry.detail).where(
            AuditEntry.user_email == COORDINATOR, AuditEntry.action == "beds.worklist.read"
        )
    ).all()
    assert len(reads) == 2
    assert all(detail and detail.endswith(" open requests") for detail in reads)
    app_client.login(VIEWER)
    assert app_client.get("/beds/requests/list").status_code == 403
    refused = session.scalars(
        select(AuditEntry.outcome).where(
            AuditEntry.user_email == VIEWER, AuditEntry.action == "beds.coordinate"
        )
    ).all()
    assert refused == ["denied"]
