"""Undoing a discharge by misclick, against a real database: the stay comes back with its old
end, within the window, once, and never on top of a patient given the bed meanwhile."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from regiozorg.beds import actions
from regiozorg.beds.models import Bed, BedAssignment, BedStatusChange
from regiozorg.beds.rules import AssignmentStatus, BedStatus, CareType, RequestStatus
from regiozorg.errors import ConflictError
from tests.cast import COORDINATOR, LINDEHOF, ORG_ADMIN
from tests.integration.test_beds_actions import _actor, _data, _free_bed


def _admitted(session: Session, initials: str) -> tuple[Bed, BedAssignment]:
    coordinator = _actor(session, COORDINATOR)
    provider = _actor(session, ORG_ADMIN)
    request = actions.request_bed(session, coordinator, data=_data(initials=initials))
    bed = _free_bed(session, CareType.ELV_LOW, LINDEHOF)
    hold = actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)
    actions.decide_hold(session, provider, hold_id=hold.hold_id, accept=True)
    actions.change_request(
        session, coordinator, request_id=request.id, target=RequestStatus.CONFIRMED
    )
    actions.admit(session, provider, hold_id=hold.hold_id)
    stay = session.get(BedAssignment, hold.hold_id)
    assert stay is not None
    return bed, stay


def test_a_discharge_undone_brings_the_stay_back_once(session: Session) -> None:
    provider = _actor(session, ORG_ADMIN)
    bed, stay = _admitted(session, "U.A.")
    planned_end = stay.ends_at
    with pytest.raises(actions.ConfirmationNeededError):
        actions.set_bed_status(session, provider, bed_id=bed.id, status=BedStatus.FREE)
    assert stay.status is AssignmentStatus.ADMITTED

    change_id = actions.set_bed_status(
        session, provider, bed_id=bed.id, status=BedStatus.FREE, reason="verkeerd bed"
    )
    assert change_id is not None
    assert session.get_one(BedAssignment, stay.id).status is AssignmentStatus.COMPLETED
    assert stay.ends_at < planned_end
    actions.undo_bed_change(session, provider, change_id=change_id)
    session.refresh(stay)
    assert session.get_one(BedAssignment, stay.id).status is AssignmentStatus.ADMITTED
    assert stay.ends_at == planned_end
    assert bed.status is BedStatus.OCCUPIED and bed.expected_free_at == planned_end
    with pytest.raises(ConflictError, match="al ongedaan"):
        actions.undo_bed_change(session, provider, change_id=change_id)


def test_an_undo_comes_too_late_after_its_window(session: Session) -> None:
    provider = _actor(session, ORG_ADMIN)
    bed, _ = _admitted(session, "U.B.")
    change_id = actions.set_bed_status(
        session, provider, bed_id=bed.id, status=BedStatus.CLOSED, reason="lekkage"
    )
    assert change_id is not None
    change = session.get(BedStatusChange, change_id)
    assert change is not None
    change.undo_until = change.at - timedelta(seconds=1)
    session.commit()
    with pytest.raises(ConflictError, match="niet meer ongedaan"):
        actions.undo_bed_change(session, provider, change_id=change_id)


def test_an_undo_never_puts_a_patient_on_a_bed_given_to_another(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    provider = _actor(session, ORG_ADMIN)
    bed, stay = _admitted(session, "U.C.")
    change_id = actions.set_bed_status(
        session, provider, bed_id=bed.id, status=BedStatus.FREE, reason="met ontslag"
    )
    assert change_id is not None
    newcomer = actions.request_bed(session, coordinator, data=_data(initials="U.D."))
    actions.hold_bed(session, coordinator, request_id=newcomer.id, bed_id=bed.id)
    with pytest.raises(ConflictError, match="andere patiënt"):
        actions.undo_bed_change(session, provider, change_id=change_id)
    session.expire_all()
    ended = session.get(BedAssignment, stay.id)
    assert ended is not None and ended.status is AssignmentStatus.COMPLETED
    assert session.get_one(Bed, bed.id).status is BedStatus.FREE
