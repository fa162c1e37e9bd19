"""``/night/handover`` without a night opens on the night that has just ended, with its
closed incidents: in the morning, in the evening, and in the small hours of the next night."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from regiozorg.clock import AMSTERDAM
from regiozorg.night.models import Incident
from regiozorg.night.reports import queries as reports
from regiozorg.night.rules import IncidentKind, IncidentState, InterventionType, Outcome
from tests.cast import LINDEHOF, ORG_ADMIN, first_client
from tests.web.conftest import Login

NIGHT = date(2026, 3, 10)


def _closed(session: Session, received: datetime, note: str) -> None:
    client = first_client(session, LINDEHOF)
    session.add(
        Incident(
            id=uuid.uuid4(),
            kind=IncidentKind.ALARM,
            state=IncidentState.CLOSED,
            outcome=Outcome.RESOLVED_REMOTELY,
            priority=2,
            client_id=client.id,
            organisation_id=client.organisation_id,
            location_id=client.location_id,
            received_at=received,
            acknowledged_at=received + timedelta(seconds=20),
            closed_at=received + timedelta(minutes=10),
            intervention=InterventionType.TOILETING,
            handover_note=note,
        )
    )
    session.commit()


@pytest.mark.parametrize(
    "clock",
    [
        datetime(2026, 3, 11, 8, 0, tzinfo=AMSTERDAM),  # morning: the day team reads it
        datetime(2026, 3, 11, 20, 0, tzinfo=AMSTERDAM),  # the evening after
        datetime(2026, 3, 12, 3, 0, tzinfo=AMSTERDAM),  # next night still running
    ],
)
def test_the_handover_opens_on_the_night_that_has_just_ended(
    login: Login, session: Session, monkeypatch: pytest.MonkeyPatch, clock: datetime
) -> None:
    _closed(session, datetime(2026, 3, 10, 23, 30, tzinfo=AMSTERDAM), "Overdracht nacht 10")
    _closed(session, datetime(2026, 3, 12, 1, 30, tzinfo=AMSTERDAM), "Overdracht nacht 11")
    monkeypatch.setattr(reports, "utcnow", lambda: clock)
    page = login(ORG_ADMIN).page("/night/handover")
    assert f'name="night" value="{NIGHT.isoformat()}"' in page
    assert "De nacht van 10-03-2026 op 11-03-2026" in page
    assert "Overdracht nacht 10" in page
    assert "Overdracht nacht 11" not in page
