"""The coordination point's actions on real databases: a request from referral to admission,
holds that expire or collide, the database's own refusal of a double booking, who may do what,
who may read a patient's details, the audit trail, and the screens built on it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from regiozorg import audit
from regiozorg.accounts.models import MembershipRow, User
from regiozorg.auth import AccessDeniedError, Actor, Decision, Membership, Role
from regiozorg.beds import actions, queries, rules, worklist
from regiozorg.beds.models import Bed, BedAssignment, BedCareType, BedRequest, BedRequestEvent
from regiozorg.beds.rules import AssignmentStatus, BedStatus, CareType, NormState, RequestStatus
from regiozorg.beds.schemas import BedRequestIn
from regiozorg.clock import utcnow
from regiozorg.config import Settings
from regiozorg.errors import ConflictError, DomainError, NotFoundError
from regiozorg.i18n import translate
from regiozorg.network.models import Organisation
from tests.cast import (
    COORDINATOR,
    HEIDEZICHT,
    HEIDEZICHT_PHYSICIAN,
    LINDEHOF,
    NIGHT_CARER,
    ORG_ADMIN,
    PHYSICIAN,
    VIEWER,
)

ADDRESS = "192.0.2.10"


def _actor(session: Session, email: str) -> Actor:
    """The demo user as signed in: their memberships as stored."""
    user = session.scalars(select(User).where(User.email == email)).one()
    memberships = frozenset(
        Membership(organisation_id, role)
        for organisation_id, role in session.execute(
            select(MembershipRow.organisation_id, MembershipRow.role).where(
                MembershipRow.user_id == user.id
            )
        )
    )
    return Actor(user_id=user.id, email=user.email, memberships=memberships, address=ADDRESS)


def _ward(organisation_id: UUID) -> Actor:
    """Someone on the ward of a bed's own organisation, who keeps its beds up to date."""
    return Actor(
        user_id=None,
        email="afdeling@demo.regiozorg.nl",
        memberships=frozenset({Membership(organisation_id, Role.ORG_ADMIN)}),
        address=ADDRESS,
    )


def _data(
    care_type: CareType = CareType.ELV_LOW, initials: str = "A.B.", **changes: object
) -> BedRequestIn:
    fields: dict[str, object] = {
        "care_type": care_type,
        "patient_initials": initials,
        "patient_birth_year": 1941,
        "patient_sex": "F",
        "patient_postcode": "7941 AB",
        "referrer_kind": "gp",
        "referrer_name": "Huisarts Brinkzicht",
        "referrer_phone": "0522-123456",
        "consents_outside_region": care_type.is_wlz_crisis,
    }
    return BedRequestIn.model_validate(fields | changes)


def _organisation_id(session: Session, name: str) -> UUID:
    return session.scalars(select(Organisation.id).where(Organisation.name == name)).one()


def _free_beds(
    session: Session,
    care_type: CareType,
    organisation: str | None = None,
    needs: Sequence[str] = (),
) -> list[Bed]:
    """Free beds offering ``care_type`` and ``needs`` with nothing held or booked on them."""
    query = (
        select(Bed)
        .join(BedCareType, BedCareType.bed_id == Bed.id)
        .where(BedCareType.care_type == care_type, Bed.status == BedStatus.FREE)
        .order_by(Bed.label, Bed.id)
    )
    if organisation is not None:
        query = query.where(Bed.organisation_id == _organisation_id(session, organisation))
    booked = set(
        session.scalars(
            select(BedAssignment.bed_id).where(
                BedAssignment.status.in_(
                    [AssignmentStatus.HELD, AssignmentStatus.ACCEPTED, AssignmentStatus.ADMITTED]
                )
            )
        )
    )
    return [
        bed
        for bed in session.scalars(query)
        if bed.id not in booked and set(needs) <= set(bed.capabilities)
    ]


def _free_bed(session: Session, care_type: CareType, organisation: str | None = None) -> Bed:
    beds = _free_beds(session, care_type, organisation)
    assert beds, f"the demo region has a free {care_type} bed at {organisation}"
    return beds[0]


def _assignments(session: Session, bed_id: UUID) -> list[BedAssignment]:
    return list(
        session.scalars(
            select(BedAssignment)
            .where(BedAssignment.bed_id == bed_id)
            .order_by(BedAssignment.created_at)
        )
    )


def _events(session: Session, request_id: UUID) -> list[tuple[str | None, str]]:
    return [
        (row.from_status, row.to_status)
        for row in session.scalars(
            select(BedRequestEvent)
            .where(BedRequestEvent.request_id == request_id)
            .order_by(BedRequestEvent.id)
        )
    ]


def _audit_count(session: Session) -> int:
    return session.scalar(select(func.count(audit.AuditEntry.id))) or 0


def _last_audit(session: Session) -> audit.AuditEntry:
    entry = session.scalars(
        select(audit.AuditEntry).order_by(audit.AuditEntry.id.desc()).limit(1)
    ).first()
    assert entry is not None
    return entry


# --- intake and triage ----------------------------------------------------------------------


def test_an_eligible_request_is_triaged_to_searching(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    request = actions.request_bed(session, coordinator, data=_data(initials="a b"))
    stored = session.get(BedRequest, request.id)
    assert stored is not None
    assert stored.status is RequestStatus.SEARCHING
    assert stored.patient_initials == "a b"  # as typed; the open-request check compares "AB"
    assert stored.patient_key.startswith("AB|")
    assert stored.outcome_reason is None
    assert stored.referrer_user_id == coordinator.user_id
    assert _events(session, request.id) == [
        (None, "received"),
        ("received", "triage"),
        ("triage", "searching"),
    ]


def test_an_ineligible_request_stops_with_its_reason(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    request = actions.request_bed(
        session, coordinator, data=_data(CareType.ELV_HIGH, has_wlz_indication=True)
    )
    assert request.status is RequestStatus.NOT_ELIGIBLE
    assert request.outcome_reason is None
    assert rules.reasons_from(request.outcome_codes) == [rules.Reason("elv_excluded_by_wlz")]
    assert _events(session, request.id)[-1] == ("triage", "not_eligible")
    crisis = actions.request_bed(
        session,
        coordinator,
        data=_data(CareType.WLZ_CRISIS_VV, initials="CD", consents_outside_region=False),
    )
    assert crisis.status is RequestStatus.NOT_ELIGIBLE
    assert rules.reasons_from(crisis.outcome_codes) == [
        rules.Reason("crisis_needs_consent_to_any_bed")
    ]


def test_one_open_request_per_patient_until_it_is_cancelled(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    first = actions.request_bed(session, coordinator, data=_data(initials="EF"))
    with pytest.raises(ConflictError, match="Voor deze patiënt loopt al een aanvraag"):
        actions.request_bed(session, coordinator, data=_data(CareType.GRZ, initials="e.f."))
    assert session.scalar(select(func.count()).where(BedRequest.patient_initials == "EF")) == 1
    actions.change_request(
        session,
        coordinator,
        request_id=first.id,
        target=RequestStatus.CANCELLED,
        note="Patiënt thuis gebleven",
    )
    assert first.outcome_reason == "Patiënt thuis gebleven"
    second = actions.request_bed(session, coordinator, data=_data(CareType.GRZ, initials="EF"))
    assert second.status is RequestStatus.SEARCHING
    assert second.id != first.id


def test_a_request_that_was_not_eligible_does_not_block_a_new_one(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    refused = actions.request_bed(
        session, coordinator, data=_data(CareType.ELV_LOW, initials="GH", has_wlz_indication=True)
    )
    assert refused.status is RequestStatus.NOT_ELIGIBLE
    crisis = actions.request_bed(
        session,
        coordinator,
        data=_data(CareType.WLZ_CRISIS_VV, initials="GH", has_wlz_indication=True),
    )
    assert crisis.status is RequestStatus.SEARCHING


# --- from hold to admission -----------------------------------------------------------------


def test_from_hold_to_admission(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    provider = _actor(session, ORG_ADMIN)
    request = actions.request_bed(session, coordinator, data=_data())
    bed = _free_bed(session, CareType.ELV_LOW, LINDEHOF)

    before = utcnow()
    hold = actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)
    assert request.status is RequestStatus.OFFERED
    assert before + timedelta(minutes=14) < hold.expires_at <= utcnow() + timedelta(minutes=15)
    (assignment,) = _assignments(session, bed.id)
    assert (assignment.id, assignment.status) == (hold.hold_id, AssignmentStatus.HELD)

    assert actions.decide_hold(session, provider, hold_id=hold.hold_id, accept=True) == "accepted"
    assert session.get_one(BedRequest, request.id).status is RequestStatus.ACCEPTED
    assert assignment.status is AssignmentStatus.ACCEPTED
    assert assignment.hold_expires_at is None  # an accepted bed no longer runs out

    actions.change_request(
        session, coordinator, request_id=request.id, target=RequestStatus.CONFIRMED
    )
    assert session.get_one(BedRequest, request.id).status is RequestStatus.CONFIRMED
    assert request.placed_at is None

    actions.admit(session, provider, hold_id=hold.hold_id)
    session.expire_all()
    request = session.get_one(BedRequest, request.id)
    bed = session.get_one(Bed, bed.id)
    assignment = session.get_one(BedAssignment, hold.hold_id)
    assert request.status is RequestStatus.ADMITTED
    assert request.placed_at is not None and request.placed_at >= before
    assert assignment.status is AssignmentStatus.ADMITTED
    assert bed.status is BedStatus.OCCUPIED
    assert bed.expected_free_at == assignment.ends_at
    assert assignment.ends_at - assignment.starts_at == timedelta(days=28)
    assert [to for _, to in _events(session, request.id)][-4:] == [
        "offered",
        "accepted",
        "confirmed",
        "admitted",
    ]


def test_a_bed_the_ward_reports_free_after_discharge_can_be_held_again(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    provider = _actor(session, ORG_ADMIN)
    request = actions.request_bed(session, coordinator, data=_data(initials="DS"))
    bed = _free_bed(session, CareType.ELV_LOW, LINDEHOF)
    hold = actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)
    actions.decide_hold(session, provider, hold_id=hold.hold_id, accept=True)
    actions.change_request(
        session, coordinator, request_id=request.id, target=RequestStatus.CONFIRMED
    )
    actions.admit(session, provider, hold_id=hold.hold_id)
    other = actions.request_bed(session, coordinator, data=_data(initials="DT"))
    with pytest.raises(ConflictError):  # the patient is still in it
        actions.hold_bed(session, coordinator, request_id=other.id, bed_id=bed.id)

    # home after a week instead of four: the ward reports the bed free
    actions.set_bed_status(
        session, provider, bed_id=bed.id, status=BedStatus.FREE, reason="met ontslag naar huis"
    )
    stay = session.get(BedAssignment, hold.hold_id)
    assert stay is not None and stay.status is AssignmentStatus.COMPLETED
    assert stay.ends_at <= utcnow()
    again = actions.hold_bed(session, coordinator, request_id=other.id, bed_id=bed.id)
    assert again.bed_id == bed.id
    assert session.get_one(BedRequest, request.id).status is RequestStatus.ADMITTED


def test_admission_needs_the_coordinators_confirmation(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    provider = _actor(session, ORG_ADMIN)
    request = actions.request_bed(session, coordinator, data=_data())
    bed = _free_bed(session, CareType.ELV_LOW, LINDEHOF)
    hold = actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)
    with pytest.raises(ConflictError, match="Alleen een geaccepteerde reservering"):
        actions.admit(session, provider, hold_id=hold.hold_id)
    actions.decide_hold(session, provider, hold_id=hold.hold_id, accept=True)
    with pytest.raises(ConflictError, match="kan niet naar 'admitted'"):
        actions.admit(session, provider, hold_id=hold.hold_id)
    assert session.get_one(Bed, bed.id).status is BedStatus.FREE


def test_a_declined_offer_searches_again_and_frees_the_bed(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    provider = _actor(session, NIGHT_CARER)
    request = actions.request_bed(session, coordinator, data=_data())
    bed = _free_bed(session, CareType.ELV_LOW, LINDEHOF)
    hold = actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)

    assert actions.decide_hold(session, provider, hold_id=hold.hold_id, accept=False) == (
        "declined"
    )
    assert request.status is RequestStatus.SEARCHING
    with pytest.raises(ConflictError, match="al afgehandeld"):
        actions.decide_hold(session, provider, hold_id=hold.hold_id, accept=True)

    other = actions.request_bed(session, coordinator, data=_data(initials="XY"))
    again = actions.hold_bed(session, coordinator, request_id=other.id, bed_id=bed.id)
    assert [a.status for a in _assignments(session, bed.id)] == [
        AssignmentStatus.CANCELLED,
        AssignmentStatus.HELD,
    ]
    assert again.request_id == other.id


def test_a_held_bed_cannot_be_held_again_and_nothing_is_written(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    first = actions.request_bed(session, coordinator, data=_data(initials="AA"))
    second = actions.request_bed(session, coordinator, data=_data(initials="BB"))
    bed = _free_bed(session, CareType.ELV_LOW, LINDEHOF)
    actions.hold_bed(session, coordinator, request_id=first.id, bed_id=bed.id)
    audit_rows, events = _audit_count(session), _events(session, second.id)

    with pytest.raises(ConflictError) as refused:
        actions.hold_bed(session, coordinator, request_id=second.id, bed_id=bed.id)
    assert str(refused.value) == (
        "Dit bed is net door een ander bezet of gereserveerd. Kies een ander bed."
    )
    assert refused.value.status_code == 409
    session.expire_all()
    assert session.get_one(BedRequest, second.id).status is RequestStatus.SEARCHING
    assert len(_assignments(session, bed.id)) == 1
    assert _events(session, second.id) == events
    assert _audit_count(session) == audit_rows


def test_a_hold_names_what_is_wrong_with_the_bed_or_the_request(session: Session) -> None:
    """An unknown bed, a bed without the request's care type, and an unknown request are three
    different answers; none of them reserves anything."""
    coordinator = _actor(session, COORDINATOR)
    request = actions.request_bed(session, coordinator, data=_data(initials="DD"))
    grz_only = next(
        bed
        for bed in _free_beds(session, CareType.GRZ)
        if session.get(BedCareType, (bed.id, CareType.ELV_LOW)) is None
    )

    with pytest.raises(NotFoundError) as unknown_bed:
        actions.hold_bed(session, coordinator, request_id=request.id, bed_id=uuid4())
    assert str(unknown_bed.value) == "Bed niet gevonden."
    with pytest.raises(DomainError) as wrong_care:
        actions.hold_bed(session, coordinator, request_id=request.id, bed_id=grz_only.id)
    assert str(wrong_care.value) == "Dit bed biedt niet de gevraagde zorg of voorzieningen."
    with pytest.raises(AccessDeniedError):
        actions.hold_bed(session, coordinator, request_id=uuid4(), bed_id=grz_only.id)
    session.expire_all()
    assert session.get_one(BedRequest, request.id).status is RequestStatus.SEARCHING
    assert _assignments(session, grz_only.id) == []


def test_an_expired_hold_frees_the_bed_for_another_request(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    first = actions.request_bed(session, coordinator, data=_data(initials="CC"))
    bed = _free_bed(session, CareType.ELV_LOW, LINDEHOF)
    hold = actions.hold_bed(
        session, coordinator, request_id=first.id, bed_id=bed.id, ttl=timedelta(seconds=-1)
    )

    assert actions.expire_holds(session, coordinator) == 1
    session.expire_all()
    assignment = session.get(BedAssignment, hold.hold_id)
    first = session.get_one(BedRequest, first.id)
    assert assignment is not None and assignment.status is AssignmentStatus.EXPIRED
    assert first.status is RequestStatus.SEARCHING
    assert _events(session, first.id)[-1] == ("offered", "searching")
    assert actions.expire_holds(session, coordinator) == 0

    second = actions.request_bed(session, coordinator, data=_data(initials="DD"))
    taken = actions.hold_bed(session, coordinator, request_id=second.id, bed_id=bed.id)
    assert taken.request_id == second.id


def test_a_hold_runs_out_after_fifteen_minutes(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    request = actions.request_bed(session, coordinator, data=_data(initials="EE"))
    bed = _free_bed(session, CareType.ELV_LOW, LINDEHOF)
    actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)
    assert actions.expire_holds(session, coordinator, now=utcnow() + timedelta(minutes=14)) == 0
    assert request.status is RequestStatus.OFFERED
    assert actions.expire_holds(session, coordinator, now=utcnow() + timedelta(minutes=16)) == 1
    assert session.get_one(BedRequest, request.id).status is RequestStatus.SEARCHING


def test_a_provider_cannot_accept_a_hold_that_ran_out(session: Session) -> None:
    """Holds not yet swept by the worker still expire when someone acts on them."""
    coordinator = _actor(session, COORDINATOR)
    provider = _actor(session, ORG_ADMIN)
    request = actions.request_bed(session, coordinator, data=_data(initials="FF"))
    bed = _free_bed(session, CareType.ELV_LOW, LINDEHOF)
    hold = actions.hold_bed(
        session, coordinator, request_id=request.id, bed_id=bed.id, ttl=timedelta(seconds=-1)
    )
    with pytest.raises(ConflictError, match="De reservering is verlopen"):
        actions.decide_hold(session, provider, hold_id=hold.hold_id, accept=True)
    session.expire_all()
    assert session.get_one(BedRequest, request.id).status is RequestStatus.SEARCHING
    assert session.get_one(BedAssignment, hold.hold_id).status is AssignmentStatus.EXPIRED


# --- the database's own guard against double booking ----------------------------------------


def _direct(
    bed_id: UUID, starts: datetime, ends: datetime, status: AssignmentStatus
) -> BedAssignment:
    return BedAssignment(bed_id=bed_id, status=status, starts_at=starts, ends_at=ends)


def test_the_database_refuses_an_overlapping_booking_whatever_the_code(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    request = actions.request_bed(session, coordinator, data=_data(initials="GG"))
    bed = _free_bed(session, CareType.ELV_LOW, LINDEHOF)
    hold = actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)
    held = session.get(BedAssignment, hold.hold_id)
    assert held is not None
    starts, ends = held.starts_at, held.ends_at

    for status in (AssignmentStatus.HELD, AssignmentStatus.ACCEPTED, AssignmentStatus.ADMITTED):
        with session.begin_nested():
            session.add(_direct(bed.id, ends - timedelta(days=1), ends + timedelta(days=3), status))
            with pytest.raises(IntegrityError):
                session.flush()
            session.rollback()  # ends the nested transaction only

    # a later booking that touches the held period, and a cancelled one inside it, are fine
    session.add(_direct(bed.id, ends, ends + timedelta(days=14), AssignmentStatus.HELD))
    cancelled = _direct(bed.id, starts, ends, AssignmentStatus.CANCELLED)
    session.add(cancelled)
    session.flush()
    assert len(_assignments(session, bed.id)) == 3

    # ... but it cannot come back to life while the hold is there
    with session.begin_nested():
        cancelled.status = AssignmentStatus.HELD
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()


# --- roles ----------------------------------------------------------------------------------


def test_a_viewer_cannot_request_a_bed(session: Session) -> None:
    viewer = _actor(session, VIEWER)
    before = session.scalar(select(func.count(BedRequest.id)))
    with pytest.raises(AccessDeniedError) as denied:
        actions.request_bed(session, viewer, data=_data(initials="HH"))
    assert denied.value.decision is Decision.FORBIDDEN
    assert session.scalar(select(func.count(BedRequest.id))) == before
    entry = _last_audit(session)
    assert (entry.user_email, entry.action, entry.outcome) == (VIEWER, "beds.request", "denied")


def test_only_the_beds_own_organisation_accepts_an_offer(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    request = actions.request_bed(session, coordinator, data=_data(initials="II"))
    bed = _free_bed(session, CareType.ELV_LOW, LINDEHOF)
    hold = actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)
    with pytest.raises(AccessDeniedError):
        actions.decide_hold(
            session, _actor(session, HEIDEZICHT_PHYSICIAN), hold_id=hold.hold_id, accept=True
        )
    session.expire_all()
    assert session.get_one(BedAssignment, hold.hold_id).status is AssignmentStatus.HELD
    assert session.get_one(BedRequest, request.id).status is RequestStatus.OFFERED


def test_the_referrer_may_cancel_their_own_request_but_not_hold_beds(session: Session) -> None:
    physician = _actor(session, PHYSICIAN)
    request = actions.request_bed(session, physician, data=_data(initials="JJ"))
    bed = _free_bed(session, CareType.ELV_LOW, LINDEHOF)
    with pytest.raises(AccessDeniedError):
        actions.hold_bed(session, physician, request_id=request.id, bed_id=bed.id)
    with pytest.raises(AccessDeniedError):
        actions.change_request(
            session,
            _actor(session, HEIDEZICHT_PHYSICIAN),
            request_id=request.id,
            target=RequestStatus.CANCELLED,
        )
    with pytest.raises(ConflictError, match="niet aan u"):
        actions.change_request(
            session, physician, request_id=request.id, target=RequestStatus.ON_HOLD
        )
    actions.change_request(
        session,
        physician,
        request_id=request.id,
        target=RequestStatus.CANCELLED,
        note="Opgenomen in het ziekenhuis",
    )
    session.expire_all()
    stored = session.get(BedRequest, request.id)
    assert stored is not None
    assert stored.status is RequestStatus.CANCELLED
    assert stored.outcome_reason == "Opgenomen in het ziekenhuis"


def test_a_referrer_cancelling_an_accepted_offer_frees_the_bed(session: Session) -> None:
    physician = _actor(session, PHYSICIAN)
    coordinator = _actor(session, COORDINATOR)
    request = actions.request_bed(session, physician, data=_data(initials="KK"))
    bed = _free_bed(session, CareType.ELV_LOW, HEIDEZICHT)
    hold = actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)
    actions.decide_hold(
        session, _actor(session, HEIDEZICHT_PHYSICIAN), hold_id=hold.hold_id, accept=True
    )
    actions.change_request(
        session,
        physician,
        request_id=request.id,
        target=RequestStatus.CANCELLED,
        note="Thuis gebleven",
    )
    session.expire_all()
    assert session.get_one(BedAssignment, hold.hold_id).status is AssignmentStatus.CANCELLED
    other = actions.request_bed(session, coordinator, data=_data(initials="LL"))
    again = actions.hold_bed(session, coordinator, request_id=other.id, bed_id=bed.id)
    assert again.bed_id == bed.id


def test_a_request_the_coordinator_lets_expire_gives_its_bed_back(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    request = actions.request_bed(session, coordinator, data=_data(initials="KL"))
    bed = _free_bed(session, CareType.ELV_LOW, LINDEHOF)
    hold = actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)
    actions.change_request(
        session, coordinator, request_id=request.id, target=RequestStatus.EXPIRED
    )
    session.expire_all()
    assert session.get_one(BedAssignment, hold.hold_id).status is AssignmentStatus.CANCELLED
    other = actions.request_bed(session, coordinator, data=_data(initials="KM"))
    assert actions.hold_bed(session, coordinator, request_id=other.id, bed_id=bed.id).bed_id == (
        bed.id
    )


# --- who reads a patient's details ----------------------------------------------------------


def test_patient_details_for_coordinator_referrer_and_the_offered_organisation_only(
    session: Session,
) -> None:
    coordinator = _actor(session, COORDINATOR)
    physician = _actor(session, PHYSICIAN)
    heidezicht = _actor(session, HEIDEZICHT_PHYSICIAN)
    request = actions.request_bed(session, physician, data=_data(initials="MM"))

    detail = actions.view_request(session, coordinator, request_id=request.id)
    assert (detail.patient_initials, detail.patient_postcode) == ("MM", "7941 AB")
    assert actions.view_request(session, physician, request_id=request.id).referrer_phone == (
        "0522-123456"
    )
    with pytest.raises(AccessDeniedError) as denied:
        actions.view_request(session, heidezicht, request_id=request.id)
    assert denied.value.decision is Decision.NOT_FOUND

    bed = _free_bed(session, CareType.ELV_LOW, HEIDEZICHT)
    hold = actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)
    detail = actions.view_request(session, heidezicht, request_id=request.id)
    assert detail.patient_birth_year == 1941
    assert detail.holds == [(hold.hold_id, bed.id, "held", hold.expires_at, None)]
    # another organisation, even the referrer's own, sees no patient
    with pytest.raises(AccessDeniedError) as denied:
        actions.view_request(session, _actor(session, NIGHT_CARER), request_id=request.id)
    assert denied.value.decision is Decision.NOT_FOUND


def _sees_patient(session: Session, actor: Actor, request_id: UUID) -> bool:
    try:
        actions.view_request(session, actor, request_id=request_id)
    except AccessDeniedError as denied:
        assert denied.decision is Decision.NOT_FOUND
        return False
    return True


def test_an_organisation_sees_the_patient_only_while_its_offer_is_open(
    session: Session,
) -> None:
    """Declined, expired (also before the worker marks it) or cancelled: the reason is gone."""
    coordinator = _actor(session, COORDINATOR)
    heidezicht = _actor(session, HEIDEZICHT_PHYSICIAN)
    request = actions.request_bed(session, coordinator, data=_data(initials="OP"))
    bed = _free_bed(session, CareType.ELV_LOW, HEIDEZICHT)

    declined = actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)
    assert _sees_patient(session, heidezicht, request.id)
    actions.decide_hold(session, heidezicht, hold_id=declined.hold_id, accept=False)
    assert not _sees_patient(session, heidezicht, request.id)

    actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id, ttl=timedelta(0))
    assert not _sees_patient(session, heidezicht, request.id)  # ran out, not yet swept
    actions.expire_holds(session, coordinator)
    assert not _sees_patient(session, heidezicht, request.id)

    actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)
    actions.change_request(
        session,
        coordinator,
        request_id=request.id,
        target=RequestStatus.CANCELLED,
        note="Elders opgenomen",
    )
    assert not _sees_patient(session, heidezicht, request.id)


def test_the_organisation_that_accepted_keeps_seeing_the_patient_it_admits(
    session: Session,
) -> None:
    coordinator = _actor(session, COORDINATOR)
    heidezicht = _actor(session, HEIDEZICHT_PHYSICIAN)
    request = actions.request_bed(session, coordinator, data=_data(initials="QR"))
    bed = _free_bed(session, CareType.ELV_LOW, HEIDEZICHT)
    hold = actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)
    actions.decide_hold(session, heidezicht, hold_id=hold.hold_id, accept=True)
    assert _sees_patient(session, heidezicht, request.id)
    actions.change_request(
        session, coordinator, request_id=request.id, target=RequestStatus.CONFIRMED
    )
    actions.admit(session, heidezicht, hold_id=hold.hold_id)
    assert _sees_patient(session, heidezicht, request.id)


def test_a_note_on_a_request_stays_out_of_the_audit_trail(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    request = actions.request_bed(session, coordinator, data=_data(initials="ST"))
    note = "Patient overleden in het ziekenhuis"
    actions.change_request(
        session, coordinator, request_id=request.id, target=RequestStatus.CANCELLED, note=note
    )
    entry = _last_audit(session)
    assert entry.action == "beds.request.cancelled"
    assert "overleden" not in (entry.detail or "")
    assert session.get_one(BedRequest, request.id).outcome_reason == note


# --- the audit trail ------------------------------------------------------------------------


def test_every_step_and_every_read_of_a_request_is_audited(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    provider = _actor(session, ORG_ADMIN)
    start = session.scalar(select(func.max(audit.AuditEntry.id))) or 0
    request = actions.request_bed(session, coordinator, data=_data(initials="NN"))
    bed = _free_bed(session, CareType.ELV_LOW, LINDEHOF)
    hold = actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)
    actions.decide_hold(session, provider, hold_id=hold.hold_id, accept=True)
    actions.change_request(
        session, coordinator, request_id=request.id, target=RequestStatus.CONFIRMED
    )
    other_bed = _free_bed(session, CareType.WLZ_RESPITE, LINDEHOF)
    actions.set_bed_status(session, provider, bed_id=other_bed.id, status=BedStatus.HOUSEKEEPING)
    actions.view_request(session, coordinator, request_id=request.id)
    with pytest.raises(AccessDeniedError):
        actions.view_request(session, _actor(session, HEIDEZICHT_PHYSICIAN), request_id=request.id)

    rows = [
        (e.action, e.object_id, e.outcome, e.user_email)
        for e in session.scalars(
            select(audit.AuditEntry)
            .where(audit.AuditEntry.id > start)
            .order_by(audit.AuditEntry.id)
        )
    ]
    assert rows == [
        ("beds.request", str(request.id), "success", COORDINATOR),
        ("beds.hold", str(hold.hold_id), "success", COORDINATOR),
        ("beds.hold.accept", str(hold.hold_id), "success", ORG_ADMIN),
        ("beds.request.confirmed", str(request.id), "success", COORDINATOR),
        ("beds.status", str(other_bed.id), "success", ORG_ADMIN),
        ("beds.request.read", str(request.id), "success", COORDINATOR),
        ("beds.view", str(request.id), "denied", HEIDEZICHT_PHYSICIAN),
    ]
    hold_entry = session.scalars(
        select(audit.AuditEntry).where(
            audit.AuditEntry.action == "beds.hold",
            audit.AuditEntry.object_id == str(hold.hold_id),
        )
    ).one()
    assert hold_entry.organisation_id == bed.organisation_id  # the coordinator acted on it
    assert hold_entry.address == ADDRESS


# --- screens --------------------------------------------------------------------------------


def test_matches_offer_only_fitting_free_beds_best_first(
    session: Session, settings: Settings
) -> None:
    coordinator = _actor(session, COORDINATOR)
    request = actions.request_bed(
        session, coordinator, data=_data(CareType.WLZ_RESPITE, initials="OO", needs=["hoist"])
    )
    found = queries.matches(session, settings, request_id=request.id)
    assert len(found) >= 3
    fitting = {bed.id for bed in _free_beds(session, CareType.WLZ_RESPITE, needs=["hoist"])}
    for match in found:
        bed = session.get(Bed, match.bed_id)
        assert bed is not None
        assert session.get(BedCareType, (bed.id, CareType.WLZ_RESPITE)) is not None
        assert "hoist" in bed.capabilities
        assert bed.status is BedStatus.FREE or (
            bed.status is BedStatus.OCCUPIED
            and bed.expected_free_at is not None
            and bed.expected_free_at <= utcnow()
        )
        assert match.bed_id in fitting or bed.status is BedStatus.OCCUPIED
        assert rules.MatchReason("needs_met", capabilities=("hoist",)) in match.reasons
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    per_location: dict[UUID, int] = {}
    for match in found:
        per_location[match.location_id] = per_location.get(match.location_id, 0) + 1
    assert max(per_location.values()) <= 2

    # the best bed is held for someone else, the second closed: both drop out
    best, second = found[0], found[1]
    rival = actions.request_bed(session, coordinator, data=_data(CareType.WLZ_RESPITE, "PP"))
    actions.hold_bed(session, coordinator, request_id=rival.id, bed_id=best.bed_id)
    actions.set_bed_status(
        session, _ward(second.organisation_id), bed_id=second.bed_id, status=BedStatus.CLOSED
    )
    again = {m.bed_id for m in queries.matches(session, settings, request_id=request.id)}
    assert best.bed_id not in again
    assert second.bed_id not in again


def test_the_worklist_flags_a_crisis_request_past_its_24_hours(session: Session) -> None:
    coordinator = _actor(session, COORDINATOR)
    late = actions.request_bed(session, coordinator, data=_data(CareType.WLZ_CRISIS_VV, "QQ"))
    fresh = actions.request_bed(session, coordinator, data=_data(CareType.WLZ_CRISIS_VV, "RR"))
    old_elv = actions.request_bed(session, coordinator, data=_data(CareType.ELV_LOW, "SS"))
    late.created_at = utcnow() - timedelta(hours=25)
    old_elv.created_at = utcnow() - timedelta(days=3)
    session.flush()

    items = {item.id: item for item in worklist.open_requests(session)}
    assert items[late.id].norm_state is NormState.PASSED
    assert items[late.id].norm == timedelta(hours=24)
    assert items[late.id].waiting > timedelta(hours=24)
    assert items[fresh.id].norm_state is NormState.WITHIN
    assert items[old_elv.id].norm_state is NormState.NONE  # ELV has no placement norm
    assert items[old_elv.id].norm is None
    order = [item.id for item in worklist.open_requests(session)]
    assert order.index(old_elv.id) < order.index(late.id) < order.index(fresh.id)


def test_report_shows_median_and_p90_time_to_placement(
    session: Session, settings: Settings
) -> None:
    coordinator = _actor(session, COORDINATOR)
    beds = _free_beds(session, CareType.ELV_LOW)
    waits = [1, 2, 3, 4, 10]  # hours from request to admission
    placed_at = utcnow()
    for index, hours in enumerate(waits):
        request = actions.request_bed(
            session, coordinator, data=_data(initials=f"T{'ABCDE'[index]}")
        )
        hold = actions.hold_bed(session, coordinator, request_id=request.id, bed_id=beds[index].id)
        ward = _ward(beds[index].organisation_id)
        actions.decide_hold(session, ward, hold_id=hold.hold_id, accept=True)
        actions.change_request(
            session, coordinator, request_id=request.id, target=RequestStatus.CONFIRMED
        )
        actions.admit(session, ward, hold_id=hold.hold_id)
        assert request.placed_at is not None
        request.placed_at = placed_at
        request.created_at = placed_at - timedelta(hours=hours)
    session.flush()

    report = queries.report(session, settings)
    year, week, _ = placed_at.isocalendar()
    (line,) = [
        line
        for line in report.placement
        if line.care_type == "ELV_LOW" and line.week == f"{year}-W{week:02d}"
    ]
    assert (line.placed, line.median_hours, line.p90_hours) == (5, 3.0, 10.0)


@pytest.mark.parametrize("note", ["", "   "])
def test_a_cancellation_without_a_reason_is_refused_whoever_calls(
    session: Session, note: str
) -> None:
    """The rule lives in the action, so the API, the CLI and every page get it; the refusal
    says what is missing and changes nothing: the request still searches, its held bed stays
    held, and no step is written to its history."""
    coordinator = _actor(session, COORDINATOR)
    request = actions.request_bed(session, coordinator, data=_data(initials="CX"))
    bed = _free_bed(session, CareType.ELV_LOW, HEIDEZICHT)
    hold = actions.hold_bed(session, coordinator, request_id=request.id, bed_id=bed.id)
    steps = session.scalar(select(func.count()).where(BedRequestEvent.request_id == request.id))
    with pytest.raises(DomainError) as refused:
        actions.change_request(
            session, coordinator, request_id=request.id, target=RequestStatus.CANCELLED, note=note
        )
    assert refused.value.message == "Geef een reden op voor het annuleren."
    assert translate("en", refused.value.message) == "Give a reason for cancelling."
    session.expire_all()
    stored = session.get(BedRequest, request.id)
    assert stored is not None
    assert stored.status is RequestStatus.OFFERED and stored.outcome_reason is None
    assert session.get_one(BedAssignment, hold.hold_id).status is AssignmentStatus.HELD
    assert (
        session.scalar(select(func.count()).where(BedRequestEvent.request_id == request.id))
        == steps
    )
