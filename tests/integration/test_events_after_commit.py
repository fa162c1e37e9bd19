"""Events are sent after the commit of the outermost unit of work, never before and never for
a change that was rolled back; on the wire they are what the screens have always read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, replace
from uuid import UUID

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from regiozorg import events
from regiozorg.audit import AuditEntry, Outcome
from regiozorg.auth import AccessDeniedError, Actor, Membership, Permission, Role, ensure_allowed
from regiozorg.beds import actions
from regiozorg.beds.events import (
    AcceptanceChanged,
    BedDecided,
    BedHeld,
    BedReleased,
    BedStatusChanged,
    CapacityReported,
    RequestChanged,
)
from regiozorg.beds.models import Bed
from regiozorg.beds.rules import BedStatus, RequestStatus
from regiozorg.errors import ConflictError
from regiozorg.events import DomainEvent, Event, Fanout
from regiozorg.night.events import IncidentChanged
from regiozorg.transaction import unit_of_work

AT = "2026-12-08T01:02:03.456789+00:00"
BED = UUID("00000000-0000-4000-8000-000000000001")
LOCATION = UUID("00000000-0000-4000-8000-000000000002")
REQUEST = UUID("00000000-0000-4000-8000-000000000003")
ORGANISATION = UUID("00000000-0000-4000-8000-000000000004")
INCIDENT = UUID("00000000-0000-4000-8000-000000000005")


class Heard(Fanout):
    """The app's fan-out as the screens see it: every event handed to it, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.heard: list[Event] = []

    def publish(self, event: Event) -> None:
        self.heard.append(event)

    def kinds(self) -> list[str]:
        return [event.kind for event in self.heard]


@pytest.fixture
def screens() -> Iterator[Heard]:
    heard = Heard()
    events._SERVING.enter(heard)
    try:
        yield heard
    finally:
        events._SERVING.leave(heard)


@pytest.fixture
def bed(session: Session) -> Bed:
    return session.scalars(
        select(Bed).where(Bed.status == BedStatus.FREE).order_by(Bed.label, Bed.id).limit(1)
    ).one()


def _ward(bed: Bed) -> Actor:
    """Someone of the bed's own organisation, who may set its status."""
    return Actor(
        user_id=None,
        email="afdeling@demo.regiozorg.nl",
        memberships=frozenset({Membership(bed.organisation_id, Role.ORG_ADMIN)}),
    )


def test_an_action_s_event_is_sent_after_its_commit(
    session: Session, screens: Heard, bed: Bed
) -> None:
    actions.set_bed_status(session, _ward(bed), bed_id=bed.id, status=BedStatus.CLOSED)
    assert screens.kinds() == ["bed.status"]
    assert screens.heard[0].data == {
        "bed_id": str(bed.id),
        "location_id": str(bed.location_id),
        "status": BedStatus.CLOSED.value,
    }


def test_the_event_of_a_rolled_back_action_is_never_sent(
    session: Session, screens: Heard, bed: Bed
) -> None:
    with pytest.raises(ConflictError), unit_of_work(session):
        events.publish(session, BedStatusChanged(bed.id, bed.location_id, BedStatus.CLOSED))
        raise ConflictError("Er ging iets mis.")
    assert screens.heard == []


def test_a_refused_action_sends_nothing_and_its_refusal_is_still_audited(
    session: Session, screens: Heard, bed: Bed
) -> None:
    stranger = Actor(user_id=None, email="niemand@example.org")
    denied = select(func.count(AuditEntry.id)).where(AuditEntry.outcome == Outcome.DENIED)
    before = session.scalar(denied)
    with pytest.raises(AccessDeniedError), unit_of_work(session):
        events.publish(session, BedStatusChanged(bed.id, bed.location_id, BedStatus.CLOSED))
        ensure_allowed(stranger, Permission.BEDS_PROVIDE, bed.organisation_id)
    assert screens.heard == []
    assert session.scalar(denied) == (before or 0) + 1


def test_a_rollback_inside_the_action_takes_its_events_along(
    session: Session, screens: Heard, bed: Bed
) -> None:
    """As the intake does when a message turns out to be a duplicate: undo, answer, commit."""
    with unit_of_work(session):
        events.publish(session, BedStatusChanged(bed.id, bed.location_id, BedStatus.CLOSED))
        session.rollback()
    assert screens.heard == []


def test_a_nested_action_s_event_is_sent_only_after_the_outer_commit(
    session: Session, screens: Heard, bed: Bed
) -> None:
    with unit_of_work(session):
        actions.set_bed_status(session, _ward(bed), bed_id=bed.id, status=BedStatus.CLOSED)
        assert screens.heard == []  # the outer action may still fail
        events.publish(session, CapacityReported(bed.location_id))
    assert screens.kinds() == ["bed.status", "capacity.reported"]


def test_a_nested_action_is_rolled_back_with_the_outer_one(
    session: Session, screens: Heard, bed: Bed
) -> None:
    with pytest.raises(ConflictError), unit_of_work(session):
        actions.set_bed_status(session, _ward(bed), bed_id=bed.id, status=BedStatus.CLOSED)
        raise ConflictError("Er ging iets mis.")
    assert screens.heard == []
    session.refresh(bed)
    assert bed.status is BedStatus.FREE


def test_a_failed_nested_action_undoes_its_own_writes_and_events_only(
    session: Session, screens: Heard, bed: Bed
) -> None:
    with unit_of_work(session):
        events.publish(session, CapacityReported(bed.location_id))
        with pytest.raises(ConflictError), unit_of_work(session):
            actions.set_bed_status(session, _ward(bed), bed_id=bed.id, status=BedStatus.CLOSED)
            raise ConflictError("Er ging iets mis.")
    assert screens.kinds() == ["capacity.reported"]
    session.refresh(bed)
    assert bed.status is BedStatus.FREE


def test_an_event_published_outside_a_unit_of_work_is_refused(
    session: Session, screens: Heard
) -> None:
    with pytest.raises(RuntimeError, match="outside a unit of work"):
        events.publish(session, CapacityReported(LOCATION))
    assert screens.heard == []


# --- the wire: the same bytes to the browser and through NOTIFY as before typed events --------

# What the actions sent when events were a topic, a kind and keyword arguments.
BEFORE: list[tuple[DomainEvent, Event]] = [
    (
        RequestChanged(REQUEST, RequestStatus.SEARCHING),
        Event(
            "beds",
            "request.changed",
            {"request_id": str(REQUEST), "status": RequestStatus.SEARCHING.value},
        ),
    ),
    (
        BedHeld(BED, LOCATION, REQUEST, ORGANISATION),
        Event(
            "beds",
            "bed.held",
            {
                "bed_id": str(BED),
                "location_id": str(LOCATION),
                "request_id": str(REQUEST),
                "organisation_id": str(ORGANISATION),
            },
        ),
    ),
    (
        BedDecided(BED, LOCATION, REQUEST, "declined"),
        Event(
            "beds",
            "bed.decided",
            {
                "bed_id": str(BED),
                "location_id": str(LOCATION),
                "request_id": str(REQUEST),
                "status": "declined",
            },
        ),
    ),
    (
        BedStatusChanged(BED, LOCATION, BedStatus.OCCUPIED, request_id=REQUEST),
        Event(
            "beds",
            "bed.status",
            {
                "bed_id": str(BED),
                "location_id": str(LOCATION),
                "status": BedStatus.OCCUPIED.value,
                "request_id": str(REQUEST),
            },
        ),
    ),
    (
        BedStatusChanged(BED, LOCATION, BedStatus.FREE),
        Event(
            "beds",
            "bed.status",
            {"bed_id": str(BED), "location_id": str(LOCATION), "status": BedStatus.FREE.value},
        ),
    ),
    (
        BedReleased(BED, REQUEST),
        Event("beds", "bed.released", {"bed_id": str(BED), "request_id": str(REQUEST)}),
    ),
    (
        AcceptanceChanged(LOCATION),
        Event("beds", "acceptance.changed", {"location_id": str(LOCATION)}),
    ),
    (
        CapacityReported(LOCATION),
        Event("beds", "capacity.reported", {"location_id": str(LOCATION)}),
    ),
    (
        IncidentChanged(INCIDENT, "received"),
        Event(
            "night",
            "incident.changed",
            {"incident_id": str(INCIDENT), "state": "received", "priority": None},
        ),
    ),
    (
        IncidentChanged(INCIDENT, "acknowledged", 2),
        Event(
            "night",
            "incident.changed",
            {"incident_id": str(INCIDENT), "state": "acknowledged", "priority": 2},
        ),
    ),
]


@pytest.mark.parametrize(("typed", "before"), BEFORE, ids=[b.kind for _, b in BEFORE])
def test_on_the_wire_an_event_is_what_it_was(typed: DomainEvent, before: Event) -> None:
    wired = replace(typed.wire(), at=AT)
    before = replace(before, at=AT)
    assert wired.sse() == before.sse()
    # NOTIFY carries the same fields, with the sender's origin in front
    assert json.dumps(asdict(wired)) == json.dumps(asdict(before))


def test_the_browser_reads_the_same_message_text() -> None:
    wired = replace(BedHeld(BED, LOCATION, REQUEST, ORGANISATION).wire(), at=AT)
    assert wired.sse() == (
        "event: bed.held\n"
        'data: {"topic": "beds", "kind": "bed.held", "data": {'
        f'"bed_id": "{BED}", "location_id": "{LOCATION}", "request_id": "{REQUEST}", '
        f'"organisation_id": "{ORGANISATION}"}}, "at": "{AT}"}}\n\n'
    )


def test_every_kind_has_one_class() -> None:
    classes = {type(typed) for typed, _ in BEFORE}
    assert len({(kind.topic, kind.kind) for kind in classes}) == len(classes)
