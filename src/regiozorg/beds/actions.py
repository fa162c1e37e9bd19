"""Use cases of the coordination point: each owns its transaction, audits itself and
publishes its event after commit.

Reads the network's locations, to check who may set a location's terms and capacity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast
from uuid import UUID

from sqlalchemy import Table, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from regiozorg import audit, events
from regiozorg.auth import (
    AccessDeniedError,
    Actor,
    Decision,
    Permission,
    decide,
    decide_patient_access,
    ensure_allowed,
)
from regiozorg.beds import explain, rules, worklist
from regiozorg.beds.events import (
    AcceptanceChanged,
    BedDecided,
    BedHeld,
    BedReleased,
    BedStatusChanged,
    CapacityReported,
    RequestChanged,
)
from regiozorg.beds.models import (
    AcceptanceRule,
    Bed,
    BedAssignment,
    BedCareType,
    BedRequest,
    BedRequestEvent,
    BedStatusChange,
    CapacitySnapshot,
)
from regiozorg.beds.rules import AssignmentStatus, BedStatus, Party, RequestStatus
from regiozorg.beds.schemas import (
    AcceptanceRuleIn,
    BedRequestIn,
    CapacityIn,
    RequestCorrectionIn,
)
from regiozorg.clock import local, utcnow
from regiozorg.errors import N_, ConflictError, DomainError, NotFoundError
from regiozorg.network.models import Location
from regiozorg.transaction import unit_of_work

HOLD_TTL = timedelta(minutes=15)
BED_TAKEN = N_("Dit bed is net door een ander bezet of gereserveerd. Kies een ander bed.")


def _patient(request: BedRequest) -> rules.Patient:
    return rules.Patient(
        initials=request.patient_initials,
        birth_year=request.patient_birth_year,
        sex=request.patient_sex,
        postcode=request.patient_postcode,
        needs=frozenset(request.needs),
        has_wlz_indication=request.has_wlz_indication,
        life_expectancy_under_3_months=request.life_expectancy_under_3_months,
        consents_outside_region=request.consents_outside_region,
        expects_return_home=request.expects_return_home,
    )


def _facts(request: BedRequest) -> rules.RequestFacts:
    return rules.RequestFacts(request.care_type, _patient(request), request.wanted_from)


def _move(
    session: Session,
    actor: Actor,
    request: BedRequest,
    target: RequestStatus,
    party: Party,
    note: str | None = None,
) -> None:
    refusal = rules.transition_refusal(request.status, target, party)
    if refusal is not None:
        raise ConflictError(explain.text(refusal), **refusal.params)
    _record_change(session, actor, request.id, request.status, target, note)
    request.status = target
    request.updated_at = utcnow()
    if target is RequestStatus.ADMITTED:
        request.placed_at = request.updated_at
    if note and target is RequestStatus.CANCELLED:
        request.outcome_reason = note[:500]


_INSERT_CHANGE = insert(cast(Table, BedRequestEvent.__table__))


def _record_change(
    session: Session,
    actor: Actor,
    request_id: UUID,
    from_status: RequestStatus | None,
    to_status: RequestStatus,
    note: str | None = None,
) -> None:
    """One row of the request's history, inserted at once with a plain INSERT: the history is
    only read by screens and reports, never back in the transaction that writes it, so the
    ORM's bookkeeping (identity, fetching the new id back) would be spent for nothing."""
    session.execute(
        _INSERT_CHANGE,
        {
            "request_id": request_id,
            "at": utcnow(),
            "from_status": from_status,
            "to_status": to_status,
            "by_user_id": actor.user_id,
            "note": note,
        },
    )


def _no_such_request(actor: Actor, request_id: UUID) -> AccessDeniedError:
    """The refusal for a request id that exists nowhere: the same as for a request whose patient
    is not the reader's to see (404 "Niet gevonden.", one denied audit row)."""
    return AccessDeniedError(
        actor, Permission.BEDS_VIEW, Decision.NOT_FOUND, target=("bed_request", request_id)
    )


def _locked_request(session: Session, actor: Actor, request_id: UUID) -> BedRequest:
    request = session.get(BedRequest, request_id, with_for_update=True)
    if request is None:
        raise _no_such_request(actor, request_id)
    return request


def request_bed(session: Session, actor: Actor, *, data: BedRequestIn) -> BedRequest:
    """Take in a request and triage it at once: eligible requests go to searching."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.BEDS_REQUEST)
        patient = rules.Patient(
            # "J.P.", "j p" and "JP" are one patient: the open-request check must see that
            initials="".join(c for c in data.patient_initials if c.isalpha()).upper(),
            birth_year=data.birth_year,
            sex=data.patient_sex,
            postcode=data.patient_postcode,
        )
        open_one = session.scalar(
            select(BedRequest.id).where(
                BedRequest.patient_key == patient.key(),
                BedRequest.status.in_(list(rules.OPEN_STATUSES)),
            )
        )
        if open_one is not None:
            raise ConflictError("Voor deze patiënt loopt al een aanvraag.")
        request = BedRequest(
            care_type=data.care_type,
            status=RequestStatus.RECEIVED,
            urgent=data.urgent,
            wanted_from=data.wanted_from or utcnow(),
            patient_key=patient.key(),
            # as typed: "J.v.d.B." is how the referrer and the ward know the patient
            patient_initials=data.patient_initials,
            patient_birth_year=data.birth_year,
            patient_birth_date=data.patient_birth_date,
            patient_sex=data.patient_sex,
            patient_postcode=data.patient_postcode,
            needs=list(data.needs),
            medical_reason=data.medical_reason or None,
            has_wlz_indication=data.has_wlz_indication,
            life_expectancy_under_3_months=data.life_expectancy_under_3_months,
            consents_outside_region=data.consents_outside_region,
            expects_return_home=data.expects_return_home,
            preferred_location_id=data.preferred_location_id,
            referrer_kind=data.referrer_kind,
            referrer_name=data.referrer_name,
            referrer_phone=data.referrer_phone,
            referrer_user_id=actor.user_id,
            referrer_organisation_id=actor.acting_organisation(),
        )
        session.add(request)
        try:
            session.flush()
        except IntegrityError:  # another request for the same patient won the race
            raise ConflictError("Voor deze patiënt loopt al een aanvraag.") from None
        _record_change(session, actor, request.id, None, RequestStatus.RECEIVED)
        _triage(session, actor, request)
        audit.record(
            session,
            actor,
            "beds.request",
            obj=("bed_request", request.id),
            detail=f"{request.care_type} -> {request.status}",
        )
        events.publish(session, RequestChanged(request.id, request.status))
    return request


def _triage(session: Session, actor: Actor, request: BedRequest) -> None:
    """The coordination point triages every request on arrival (and again after a
    correction); the rules are explicit."""
    _move(session, actor, request, RequestStatus.TRIAGE, Party.COORDINATOR)
    problems = rules.eligibility_problems(_facts(request))
    # Why it is not suitable is kept as the rules' codes, said in the reader's language where
    # shown; the history's note names the codes.
    request.outcome_reason = None
    request.outcome_codes = rules.stored_reasons(problems) if problems else None
    if problems:
        note = ", ".join(problem.code for problem in problems)
        _move(session, actor, request, RequestStatus.NOT_ELIGIBLE, Party.COORDINATOR, note)
    else:
        _move(session, actor, request, RequestStatus.SEARCHING, Party.COORDINATOR)


def correct_request(
    session: Session, actor: Actor, *, request_id: UUID, data: RequestCorrectionIn
) -> RequestStatus:
    """A request found not suitable, corrected by the coordinator (the missing consent, the
    right care type) and triaged again, without typing the patient and referrer anew."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.BEDS_COORDINATE)
        request = _locked_request(session, actor, request_id)
        if request.status is not RequestStatus.NOT_ELIGIBLE:
            raise ConflictError("Alleen een aanvraag die niet passend is kan worden gecorrigeerd.")
        request.care_type = data.care_type
        request.needs = list(data.needs)
        request.medical_reason = data.medical_reason or request.medical_reason
        request.has_wlz_indication = data.has_wlz_indication
        request.life_expectancy_under_3_months = data.life_expectancy_under_3_months
        request.consents_outside_region = data.consents_outside_region
        request.expects_return_home = data.expects_return_home
        request.preferred_location_id = data.preferred_location_id
        _triage(session, actor, request)
        try:
            session.flush()
        except IntegrityError:  # meanwhile a new request for this patient was taken in
            raise ConflictError("Voor deze patiënt loopt al een aanvraag.") from None
        audit.record(
            session,
            actor,
            "beds.request.correct",
            obj=("bed_request", request.id),
            detail=f"{request.care_type} -> {request.status}",
        )
        status = request.status
        events.publish(session, RequestChanged(request_id, status))
    return status


def change_request(
    session: Session, actor: Actor, *, request_id: UUID, target: RequestStatus, note: str = ""
) -> RequestStatus:
    """Coordinator or referrer steps: on hold, back to searching, confirm, cancel (with a
    reason: ``rules.cancellation_needs_reason``)."""
    note = note.strip()
    with unit_of_work(session):
        request = _locked_request(session, actor, request_id)
        party = _party_for_request(actor, request)
        if refusal := rules.cancellation_needs_reason(target, note):
            raise DomainError(explain.text(refusal), **refusal.params)
        # Whoever ends or restarts the search, the held or accepted bed goes back: an accepted
        # bed has no expiry and would otherwise stay blocked for good.
        if target in (RequestStatus.CANCELLED, RequestStatus.SEARCHING, RequestStatus.EXPIRED):
            _release_assignments(session, request.id, AssignmentStatus.CANCELLED)
        _move(session, actor, request, target, party, note or None)
        # The note (why a request stops, say) may be about the patient: it stays with the
        # request, and the trail only says that there was one.
        audit.record(
            session,
            actor,
            f"beds.request.{target}",
            obj=("bed_request", request.id),
            detail="with note" if note else None,
        )
        events.publish(session, RequestChanged(request_id, target))
    return target


def _party_for_request(actor: Actor, request: BedRequest) -> Party:
    if decide(actor, Permission.BEDS_COORDINATE) is Decision.ALLOW:
        return Party.COORDINATOR
    if actor.user_id is not None and actor.user_id == request.referrer_user_id:
        return Party.REFERRER
    # Neither coordinator nor referrer: answered as for a request that does not exist.
    raise _no_such_request(actor, request.id)


def _release_assignments(session: Session, request_id: UUID, to: AssignmentStatus) -> None:
    session.execute(
        update(BedAssignment)
        .where(
            BedAssignment.request_id == request_id,
            BedAssignment.status.in_([AssignmentStatus.HELD, AssignmentStatus.ACCEPTED]),
        )
        .values(status=to, decided_at=utcnow())
    )


@dataclass(frozen=True)
class Hold:
    hold_id: UUID
    bed_id: UUID
    request_id: UUID
    expires_at: datetime


def hold_bed(
    session: Session,
    actor: Actor,
    *,
    request_id: UUID,
    bed_id: UUID,
    ttl: timedelta = HOLD_TTL,
) -> Hold:
    """Reserve a bed for a request until the provider decides or the hold expires.

    The check here gives a clear message; the database's exclusion constraint (PostgreSQL) or
    trigger (SQLite) is what makes a double booking impossible, whatever the timing.
    """
    with unit_of_work(session):
        ensure_allowed(actor, Permission.BEDS_COORDINATE)
        request, bed, offered, occupying = _lock_for_hold(session, actor, request_id, bed_id)
        if not offered or not set(request.needs) <= set(bed.capabilities):
            raise DomainError("Dit bed biedt niet de gevraagde zorg of voorzieningen.")
        now = utcnow()
        period = rules.needed_period(request.care_type, max(request.wanted_from, now))
        if any(
            status is AssignmentStatus.HELD and expires is not None and expires <= now
            for status, _, _, expires in occupying
        ) or not rules.bed_available(
            bed.status, bed.expected_free_at, [(s, e) for _, s, e, _ in occupying], period
        ):
            # The locking read saw the bed's occupancy as it was when the statement began,
            # perhaps before a change committed while it waited for the locks; a hold that ran
            # out is ended here. So before refusing, expire and look again.
            _expire_holds(session, actor, now, bed_id=bed.id)
            taken = session.execute(
                select(BedAssignment.starts_at, BedAssignment.ends_at).where(
                    BedAssignment.bed_id == bed.id, BedAssignment.status.in_(rules.OCCUPYING)
                )
            ).all()
            if not rules.bed_available(
                bed.status, bed.expected_free_at, [(s, e) for s, e in taken], period
            ):
                raise ConflictError(BED_TAKEN)
        _move(session, actor, request, RequestStatus.OFFERED, Party.COORDINATOR)
        hold = BedAssignment(
            bed_id=bed.id,
            request_id=request.id,
            status=AssignmentStatus.HELD,
            starts_at=period[0],
            ends_at=period[1],
            hold_expires_at=now + ttl,
        )
        session.add(hold)
        try:
            session.flush()
        except IntegrityError:
            raise ConflictError(BED_TAKEN) from None
        audit.record(
            session,
            actor,
            "beds.hold",
            obj=("bed_assignment", hold.id),
            organisation_id=bed.organisation_id,
        )
        result = Hold(hold.id, bed.id, request.id, hold.hold_expires_at or now + ttl)
        events.publish(session, BedHeld(bed_id, bed.location_id, request_id, bed.organisation_id))
    return result


Occupancy = tuple[AssignmentStatus, datetime, datetime, datetime | None]


def _lock_for_hold(
    session: Session, actor: Actor, request_id: UUID, bed_id: UUID
) -> tuple[BedRequest, Bed, bool, list[Occupancy]]:
    """In one statement: lock the request and the bed, and read whether the bed offers the
    request's care type and what occupies it (status, start, end, hold expiry).

    One round trip instead of four: a hold is the coordination point's busiest write. Only the
    request and the bed are locked (``FOR UPDATE OF``); the occupancy is read as it was when
    the statement began, which is why the caller looks again before refusing.
    """
    rows = session.execute(
        select(
            BedRequest,
            Bed,
            BedCareType.care_type,
            BedAssignment.status,
            BedAssignment.starts_at,
            BedAssignment.ends_at,
            BedAssignment.hold_expires_at,
        )
        .select_from(BedRequest)
        .join(Bed, Bed.id == bed_id)
        .outerjoin(
            BedCareType,
            and_(BedCareType.bed_id == Bed.id, BedCareType.care_type == BedRequest.care_type),
        )
        .outerjoin(
            BedAssignment,
            and_(BedAssignment.bed_id == Bed.id, BedAssignment.status.in_(rules.OCCUPYING)),
        )
        .where(BedRequest.id == request_id)
        .with_for_update(of=[BedRequest, Bed])
        # the session may hold these rows from an earlier transaction: the locked state wins
        .execution_options(populate_existing=True)
    ).all()
    if not rows:  # which of the two is missing decides the answer, as it always did
        _locked_request(session, actor, request_id)
        raise NotFoundError("Bed niet gevonden.")
    request, bed, offered = rows[0][0], rows[0][1], rows[0][2] is not None
    occupying = [(row[3], row[4], row[5], row[6]) for row in rows if row[3] is not None]
    return request, bed, offered, occupying


def _hold_and_request(session: Session, hold_id: UUID) -> tuple[BedAssignment, Bed, BedRequest]:
    """Lock the hold and its request and read its bed, in one statement (one round trip
    instead of three). The session may hold these rows from an earlier transaction: the
    locked state wins."""
    row = session.execute(
        select(BedAssignment, Bed, BedRequest)
        .join(Bed, Bed.id == BedAssignment.bed_id)
        .join(BedRequest, BedRequest.id == BedAssignment.request_id)
        .where(BedAssignment.id == hold_id)
        .with_for_update(of=[BedAssignment, BedRequest])
        .execution_options(populate_existing=True)
    ).first()
    if row is None:  # no such hold, or an occupancy registered without a request
        raise NotFoundError("Reservering niet gevonden.")
    return row[0], row[1], row[2]


def decide_hold(
    session: Session, actor: Actor, *, hold_id: UUID, accept: bool, reason: str = ""
) -> str:
    """The provider of the held bed accepts (the bed is theirs to give) or declines with a
    reason (the request goes back to searching, and this bed is not offered to it again)."""
    with unit_of_work(session):
        hold, bed, request = _hold_and_request(session, hold_id)
        ensure_allowed(actor, Permission.BEDS_PROVIDE, bed.organisation_id)
        now = utcnow()
        if hold.status is not AssignmentStatus.HELD:
            raise ConflictError(
                "Deze reservering is al afgehandeld ({status}).", status=hold.status
            )
        if hold.hold_expires_at is not None and hold.hold_expires_at <= now:
            _expire_holds(session, actor, now, bed_id=bed.id)
            session.commit()
            raise ConflictError("De reservering is verlopen; de aanvraag zoekt weer een bed.")
        target = RequestStatus.ACCEPTED if accept else RequestStatus.SEARCHING
        note = None if accept else (reason.strip()[:500] or None)
        _move(session, actor, request, target, Party.PROVIDER, note)
        hold.status = AssignmentStatus.ACCEPTED if accept else AssignmentStatus.CANCELLED
        hold.decided_at = now
        hold.hold_expires_at = None if accept else hold.hold_expires_at
        if not accept:
            hold.decline_reason = reason.strip()[:500]
        action = "beds.hold.accept" if accept else "beds.hold.decline"
        audit.record(
            session,
            actor,
            action,
            obj=("bed_assignment", hold.id),
            organisation_id=bed.organisation_id,
        )
        status = "declined" if hold.decline_reason is not None else str(hold.status)
        events.publish(session, BedDecided(bed.id, bed.location_id, request.id, status))
    return status


def admit(session: Session, actor: Actor, *, hold_id: UUID) -> None:
    """The patient arrived: the request is placed and the bed occupied until expected discharge."""
    with unit_of_work(session):
        hold, bed, request = _hold_and_request(session, hold_id)
        ensure_allowed(actor, Permission.BEDS_PROVIDE, bed.organisation_id)
        if hold.status is not AssignmentStatus.ACCEPTED:
            raise ConflictError("Alleen een geaccepteerde reservering kan worden opgenomen.")
        _move(session, actor, request, RequestStatus.ADMITTED, Party.PROVIDER)
        hold.status = AssignmentStatus.ADMITTED
        bed.status = BedStatus.OCCUPIED
        bed.expected_free_at = hold.ends_at
        bed.status_updated_at = utcnow()
        audit.record(
            session,
            actor,
            "beds.admit",
            obj=("bed_assignment", hold.id),
            organisation_id=bed.organisation_id,
        )
        events.publish(
            session,
            BedStatusChanged(bed.id, bed.location_id, BedStatus.OCCUPIED, request_id=request.id),
        )


class ConfirmationNeededError(ConflictError):
    """A bed with a patient in it was changed without confirmation and reason."""


PATIENT_IN_BED = N_("Er ligt een patiënt in dit bed. Bevestig de wijziging en geef een reden.")


def set_bed_status(
    session: Session,
    actor: Actor,
    *,
    bed_id: UUID,
    status: BedStatus,
    expected_free_at: datetime | None = None,
    reason: str = "",
) -> UUID | None:
    """The one-click update a nurse makes on the ward. A bed reported free has nobody in it:
    the stay of whoever was admitted ends now, or the bed could not be held again until the
    expected end of that stay.

    One click must not discharge a patient: changing a bed with a patient in it takes a reason
    (which confirms it), and is kept as a change that ``undo_bed_change`` can take back for a
    while. Returns that change's id, or None for an ordinary update."""
    reason = reason.strip()[:500]
    with unit_of_work(session):
        bed = session.get(Bed, bed_id, with_for_update=True)
        if bed is None:
            raise NotFoundError("Bed niet gevonden.")
        ensure_allowed(actor, Permission.BEDS_PROVIDE, bed.organisation_id)
        now = utcnow()
        stays = list(
            session.scalars(
                select(BedAssignment).where(
                    BedAssignment.bed_id == bed.id,
                    BedAssignment.status == AssignmentStatus.ADMITTED,
                )
            )
        )
        change = None
        if rules.change_needs_confirmation(bed.status, bool(stays), status):
            if not reason:
                raise ConfirmationNeededError(PATIENT_IN_BED)
            ended = stays[0] if stays and status is BedStatus.FREE else None
            change = BedStatusChange(
                bed_id=bed.id,
                at=now,
                by_user_id=actor.user_id,
                from_status=bed.status,
                to_status=status,
                from_expected_free_at=bed.expected_free_at,
                from_status_updated_at=bed.status_updated_at,
                reason=reason,
                ended_stay_id=ended.id if ended else None,
                ended_stay_ends_at=ended.ends_at if ended else None,
                undo_until=now + rules.BED_CHANGE_UNDO_WINDOW,
            )
            session.add(change)
        bed.status = status
        bed.expected_free_at = expected_free_at if status is BedStatus.OCCUPIED else None
        bed.status_updated_at = now
        if status is BedStatus.FREE:
            for stay in stays:
                stay.status = AssignmentStatus.COMPLETED
                stay.ends_at = max(min(stay.ends_at, now), stay.starts_at)
                stay.decided_at = now
        session.flush()
        audit.record(
            session,
            actor,
            "beds.status.with_patient" if change else "beds.status",
            obj=("bed", bed.id),
            organisation_id=bed.organisation_id,
            # the reason may be about the patient: it stays with the change, not in the trail
            detail=str(status),
        )
        location_id = bed.location_id
        change_id = change.id if change else None
        events.publish(session, BedStatusChanged(bed_id, location_id, status))
    return change_id


def undo_bed_change(session: Session, actor: Actor, *, change_id: UUID) -> UUID:
    """Take back a change of a bed that had a patient in it: the bed gets its earlier status
    and expected discharge, and a stay the change ended is admitted again with its old end.
    Only within the undo window, and only the bed's latest such change. Should the bed have
    been given to someone else meanwhile, the database refuses the overlap."""
    with unit_of_work(session):
        change = session.get(BedStatusChange, change_id, with_for_update=True)
        if change is None:
            raise NotFoundError("Wijziging niet gevonden.")
        bed = session.get(Bed, change.bed_id, with_for_update=True)
        assert bed is not None  # a foreign key
        ensure_allowed(actor, Permission.BEDS_PROVIDE, bed.organisation_id)
        now = utcnow()
        if change.undone_at is not None:
            raise ConflictError("Deze wijziging is al ongedaan gemaakt.")
        if now > change.undo_until or bed.status is not change.to_status:
            raise ConflictError(
                "Deze wijziging kan niet meer ongedaan worden gemaakt: het bed is sindsdien "
                "gewijzigd of de tijd is verstreken."
            )
        bed.status = change.from_status
        bed.expected_free_at = change.from_expected_free_at
        bed.status_updated_at = now
        change.undone_at = now
        if change.ended_stay_id is not None:
            stay = session.get(BedAssignment, change.ended_stay_id, with_for_update=True)
            if stay is not None and stay.status is AssignmentStatus.COMPLETED:
                stay.status = AssignmentStatus.ADMITTED
                stay.ends_at = change.ended_stay_ends_at or stay.ends_at
                stay.decided_at = None
        try:
            session.flush()
        except IntegrityError:
            raise ConflictError(
                "Dit bed is inmiddels aan een andere patiënt gegeven; de opname kan niet "
                "worden hersteld."
            ) from None
        audit.record(
            session,
            actor,
            "beds.status.undo",
            obj=("bed", bed.id),
            organisation_id=bed.organisation_id,
            detail=f"{change.to_status} -> {change.from_status}",
        )
        location_id, status = bed.location_id, bed.status
        events.publish(session, BedStatusChanged(bed.id, location_id, status))
    return bed.id


def expire_holds(session: Session, actor: Actor, *, now: datetime | None = None) -> int:
    """Free every bed whose hold ran out; their requests search again. Run by the worker."""
    with unit_of_work(session):
        expired = _expire_holds(session, actor, now or utcnow())
        for bed_id, request_id in expired:
            events.publish(session, BedReleased(bed_id, request_id))
    return len(expired)


def _expire_holds(
    session: Session, actor: Actor, now: datetime, *, bed_id: UUID | None = None
) -> list[tuple[UUID, UUID | None]]:
    """End the holds that ran out; their beds and requests, to tell the screens."""
    query = select(BedAssignment).where(
        BedAssignment.status == AssignmentStatus.HELD, BedAssignment.hold_expires_at <= now
    )
    if bed_id is not None:
        query = query.where(BedAssignment.bed_id == bed_id)
    expired = []
    for hold in session.scalars(query.with_for_update()):
        hold.status = AssignmentStatus.EXPIRED
        hold.decided_at = now
        request = session.get(BedRequest, hold.request_id) if hold.request_id else None
        if request is not None and request.status is RequestStatus.OFFERED:
            _move(
                session,
                actor,
                request,
                RequestStatus.SEARCHING,
                Party.SYSTEM,
                "hold_expired",  # a code, as the eligibility rules' notes
            )
        audit.record(session, actor, "beds.hold.expire", obj=("bed_assignment", hold.id))
        expired.append((hold.bed_id, hold.request_id))
    session.flush()
    return expired


def set_acceptance_rules(
    session: Session, actor: Actor, *, location_id: UUID, terms: list[AcceptanceRuleIn]
) -> None:
    """Replace a location's acceptance rules with ``terms``: set by the location's own people,
    respected by matching (``queries.matches`` leaves out locations whose terms refuse the
    patient)."""
    with unit_of_work(session):
        location = session.get(Location, location_id)
        if location is None:
            raise NotFoundError("Locatie niet gevonden.")
        ensure_allowed(actor, Permission.BEDS_PROVIDE, location.organisation_id)
        session.execute(delete(AcceptanceRule).where(AcceptanceRule.location_id == location.id))
        session.add_all(AcceptanceRule(location_id=location.id, **t.model_dump()) for t in terms)
        audit.record(
            session,
            actor,
            "beds.acceptance",
            obj=("location", location.id),
            organisation_id=location.organisation_id,
            detail=f"{len(terms)} rules",
        )
        events.publish(session, AcceptanceChanged(location_id))


def report_capacity(session: Session, actor: Actor, *, data: CapacityIn) -> int:
    """A capacity snapshot from an organisation that reports counts per care type instead of
    single beds. Snapshots are only ever added: the latest per location and care type is the
    current figure (``queries.latest_capacity``)."""
    with unit_of_work(session):
        location = session.get(Location, data.location_id)
        if location is None:
            raise NotFoundError("Locatie niet gevonden.")
        ensure_allowed(actor, Permission.BEDS_PROVIDE, location.organisation_id)
        snapshot = CapacitySnapshot(
            location_id=location.id,
            care_type=data.care_type,
            total=data.total,
            occupied=data.occupied,
            reported_by=actor.user_id,
        )
        session.add(snapshot)
        session.flush()
        audit.record(
            session,
            actor,
            "beds.capacity",
            obj=("capacity_snapshot", snapshot.id),
            organisation_id=location.organisation_id,
            detail=f"{data.care_type} {data.occupied}/{data.total}",
        )
        snapshot_id = snapshot.id
        events.publish(session, CapacityReported(data.location_id))
    return snapshot_id


@dataclass(frozen=True)
class RequestDetail:
    id: UUID
    care_type: str
    status: str
    urgent: bool
    wanted_from: datetime
    created_at: datetime
    patient_initials: str
    patient_birth_year: int
    patient_birth_date: date | None
    patient_age: int
    patient_sex: str
    patient_postcode: str
    needs: list[str]
    medical_reason: str | None
    has_wlz_indication: bool
    life_expectancy_under_3_months: bool
    consents_outside_region: bool
    expects_return_home: bool
    preferred_location_id: UUID | None
    referrer_name: str
    referrer_phone: str
    outcome_reason: str | None  # as a person typed it (why they cancelled)
    outcome_codes: list[rules.Reason]  # the rules' reasons (why it is not suitable)
    # hold id, bed id, status ("declined" for a decline), expiry, the provider's reason
    holds: list[tuple[UUID, UUID, str, datetime | None, str | None]]


def view_worklist(session: Session, actor: Actor) -> list[worklist.WorkItem]:
    """The coordinator's open requests with each patient's initials, age and medical reason.

    The read is audited: one row per read, naming how many requests it showed (the live
    worklist reads again on every change, so one row per request would drown the trail)."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.BEDS_COORDINATE)
        items = worklist.open_requests(session)
        audit.record(session, actor, "beds.worklist.read", detail=f"{len(items)} open requests")
    return items


def view_request(session: Session, actor: Actor, *, request_id: UUID) -> RequestDetail:
    """A request with its patient's details; the read is audited, also when it is refused."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.BEDS_VIEW)
        request = session.get(BedRequest, request_id)
        if request is None:
            raise _no_such_request(actor, request_id)
        holds = session.execute(
            select(
                BedAssignment.id,
                BedAssignment.bed_id,
                BedAssignment.status,
                BedAssignment.hold_expires_at,
                Bed.organisation_id,
                BedAssignment.decline_reason,
            )
            .join(Bed, Bed.id == BedAssignment.bed_id)
            .where(BedAssignment.request_id == request.id)
            .order_by(BedAssignment.created_at)
        ).all()
        now = utcnow()
        offered_to = frozenset(
            organisation_id
            for _, _, status, expires_at, organisation_id, _ in holds
            if rules.offer_gives_access(status, expires_at, now)
        )
        decision = decide_patient_access(
            actor, referrer_user_id=request.referrer_user_id, offered_to=offered_to
        )
        if decision is not Decision.ALLOW:
            raise AccessDeniedError(
                actor, Permission.BEDS_VIEW, decision, target=("bed_request", request.id)
            )
        audit.record(session, actor, "beds.request.read", obj=("bed_request", request.id))
        return RequestDetail(
            id=request.id,
            care_type=request.care_type,
            status=request.status,
            urgent=request.urgent,
            wanted_from=request.wanted_from,
            created_at=request.created_at,
            patient_initials=request.patient_initials,
            patient_birth_year=request.patient_birth_year,
            patient_birth_date=request.patient_birth_date,
            patient_age=rules.age_on(
                local(now).date(),
                birth_year=request.patient_birth_year,
                birth_date=request.patient_birth_date,
            ),
            patient_sex=request.patient_sex,
            patient_postcode=request.patient_postcode,
            needs=list(request.needs),
            medical_reason=request.medical_reason,
            has_wlz_indication=request.has_wlz_indication,
            life_expectancy_under_3_months=request.life_expectancy_under_3_months,
            consents_outside_region=request.consents_outside_region,
            expects_return_home=request.expects_return_home,
            preferred_location_id=request.preferred_location_id,
            referrer_name=request.referrer_name,
            referrer_phone=request.referrer_phone,
            outcome_reason=request.outcome_reason,
            outcome_codes=rules.reasons_from(request.outcome_codes),
            holds=[
                (h[0], h[1], "declined" if h[5] is not None else str(h[2]), h[3], h[5])
                for h in holds
            ],
        )
