"""The coordination point's JSON API (``/api/v1``) and its FHIR R4 read views.

Signed in by session cookie or bearer token; access is decided in the actions and by
``regiozorg.auth``. Domain errors become HTTP in ``regiozorg.app``, once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.auth import (
    AccessDeniedError,
    Actor,
    Decision,
    Permission,
    decide_patient_access,
    ensure_allowed,
)
from regiozorg.beds import actions, fhir, offers, queries
from regiozorg.beds.models import Bed, BedRequest
from regiozorg.beds.rules import BedStatus, CareType
from regiozorg.beds.schemas import (
    AcceptanceRuleIn,
    BedOut,
    BedRequestCreated,
    BedRequestIn,
    BedStatusIn,
    BedStatusSet,
    CapacityIn,
    CapacityOut,
    DeclineIn,
    HoldCreated,
    HoldDecided,
    HoldIn,
    MatchOut,
)
from regiozorg.beds.web import reasons_text
from regiozorg.clock import utcnow
from regiozorg.errors import NotFoundError
from regiozorg.transaction import unit_of_work
from regiozorg.web.deps import CurrentActor, SessionDep, SettingsDep
from regiozorg.web.openapi import Problem
from regiozorg.web.pages import page_locale

router = APIRouter(
    prefix="/api/v1",
    tags=["beds"],
    responses={
        401: {"model": Problem, "description": "No valid session or bearer token"},
        403: {"model": Problem, "description": "Not allowed for your roles"},
    },
)
MAX_BEDS = 5000
MAX_FHIR_COUNT = 1000
FHIR_JSON: dict[str, Any] = {"content": {fhir.MEDIA_TYPE: {"schema": {"type": "object"}}}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "Not found, or not yours to see"}
}


class FhirResponse(JSONResponse):
    media_type = fhir.MEDIA_TYPE


def _ensure_may_see_matches(session: Session, actor: Actor, request_id: UUID) -> None:
    """Matches are ranked by travel time from the patient's home: for the coordinator and the
    referrer only, not for every organisation (``decide_patient_access`` with no offers).
    A refusal is audited, as for the request's own details."""
    with unit_of_work(session):
        referrer = session.scalar(
            select(BedRequest.referrer_user_id).where(BedRequest.id == request_id)
        )
        decision = decide_patient_access(actor, referrer_user_id=referrer, offered_to=frozenset())
        if decision is not Decision.ALLOW:
            raise AccessDeniedError(actor, Permission.BEDS_VIEW, decision)


def _bed_row(session: Session, bed_id: UUID) -> queries.BedRow:
    # The bed list filters by location: find the bed's location, then its row there.
    location_id = session.scalar(select(Bed.location_id).where(Bed.id == bed_id))
    rows = (
        []
        if location_id is None
        else queries.beds(session, location_id=location_id, limit=MAX_BEDS)
    )
    found = next((row for row in rows if row.id == bed_id), None)
    if found is None:
        raise NotFoundError("Bed niet gevonden.")
    return found


def _fhir_base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/api/v1/fhir"


@router.post(
    "/bed-requests",
    status_code=201,
    summary="Request a bed for a patient; triaged at once",
    responses={409: {"model": Problem, "description": "This patient has an open request"}},
)
def create_bed_request(
    data: BedRequestIn, session: SessionDep, actor: CurrentActor
) -> BedRequestCreated:
    request = actions.request_bed(session, actor, data=data)
    return BedRequestCreated(id=request.id, status=str(request.status))


@router.get(
    "/bed-requests/{request_id}/matches",
    summary="Free beds for a request, best first, each score explained",
    responses=NOT_FOUND,
)
def bed_request_matches(
    request: Request,
    request_id: UUID,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[MatchOut]:
    _ensure_may_see_matches(session, actor, request_id)
    found = queries.matches(session, settings, request_id=request_id, limit=limit)
    declined = offers.declines(session, request_id)
    locale = page_locale(request)
    return [
        MatchOut(
            bed_id=m.bed_id,
            location_id=m.location_id,
            score=m.score,
            travel_minutes=m.travel_minutes,
            reasons=reasons_text(locale, m.reasons),
        )
        for m in found
        if m.bed_id not in declined  # its provider said no to this request already
    ]


@router.post(
    "/bed-requests/{request_id}/hold",
    status_code=201,
    summary="Hold a bed for a request until its provider decides",
    responses=NOT_FOUND
    | {409: {"model": Problem, "description": "The bed was just taken or held for another"}},
)
def hold_bed(
    request_id: UUID, body: HoldIn, session: SessionDep, settings: SettingsDep, actor: CurrentActor
) -> HoldCreated:
    ttl = timedelta(minutes=settings.bed_hold_minutes)
    hold = actions.hold_bed(session, actor, request_id=request_id, bed_id=body.bed_id, ttl=ttl)
    return HoldCreated(hold_id=hold.hold_id, expires_at=hold.expires_at)


@router.post(
    "/holds/{hold_id}/accept",
    summary="Accept a held bed (its provider)",
    responses=NOT_FOUND | {409: {"model": Problem, "description": "Already decided or expired"}},
)
def accept_hold(hold_id: UUID, session: SessionDep, actor: CurrentActor) -> HoldDecided:
    status = actions.decide_hold(session, actor, hold_id=hold_id, accept=True)
    return HoldDecided(hold_id=hold_id, status=status)


@router.post(
    "/holds/{hold_id}/decline",
    summary="Decline a held bed (its provider); the request searches again",
    responses=NOT_FOUND | {409: {"model": Problem, "description": "Already decided or expired"}},
)
def decline_hold(
    hold_id: UUID, session: SessionDep, actor: CurrentActor, body: DeclineIn | None = None
) -> HoldDecided:
    reason = body.reason if body else ""
    status = actions.decide_hold(session, actor, hold_id=hold_id, accept=False, reason=reason)
    return HoldDecided(hold_id=hold_id, status=status)


@router.put(
    "/beds/{bed_id}/status",
    summary="Report a bed's status (HL7 v2-0116 code)",
    responses=NOT_FOUND
    | {409: {"model": Problem, "description": "A patient is in the bed: give a reason"}},
)
def set_bed_status(
    bed_id: UUID, body: BedStatusIn, session: SessionDep, actor: CurrentActor
) -> BedStatusSet:
    change_id = actions.set_bed_status(
        session,
        actor,
        bed_id=bed_id,
        status=body.code,
        expected_free_at=body.expected_free_at,
        reason=body.reason,
    )
    kept = body.expected_free_at if body.code is BedStatus.OCCUPIED else None
    return BedStatusSet(bed_id=bed_id, status=body.code, expected_free_at=kept, change_id=change_id)


@router.post(
    "/bed-status-changes/{change_id}/undo",
    status_code=204,
    summary="Undo a change of a bed that had a patient in it (within the undo window)",
    responses=NOT_FOUND | {409: {"model": Problem, "description": "Too late, or bed changed"}},
)
def undo_bed_status(change_id: UUID, session: SessionDep, actor: CurrentActor) -> Response:
    actions.undo_bed_change(session, actor, change_id=change_id)
    return Response(status_code=204)


@router.get("/beds", summary="Beds with their status, care types and capabilities")
def list_beds(
    session: SessionDep,
    actor: CurrentActor,
    care_type: CareType | None = None,
    status: BedStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_BEDS)] = 1000,
) -> list[BedOut]:
    ensure_allowed(actor, Permission.BEDS_VIEW)
    rows = queries.beds(session, care_type=care_type, status=status, limit=limit)
    return [BedOut.model_validate(row, from_attributes=True) for row in rows]


# --- providers' terms and capacity snapshots -------------------------------------------------


def _terms(session: Session, location_id: UUID) -> list[AcceptanceRuleIn]:
    terms = queries.acceptance_terms(session, location_id)
    return [AcceptanceRuleIn.model_validate(t, from_attributes=True) for t in terms]


@router.put("/locations/{location_id}/acceptance-rules", summary="Set a location's terms")
def put_rules(
    location_id: UUID, terms: list[AcceptanceRuleIn], session: SessionDep, actor: CurrentActor
) -> list[AcceptanceRuleIn]:
    actions.set_acceptance_rules(session, actor, location_id=location_id, terms=terms)
    return _terms(session, location_id)


@router.get("/locations/{location_id}/acceptance-rules", summary="A location's terms")
def get_rules(
    location_id: UUID, session: SessionDep, actor: CurrentActor
) -> list[AcceptanceRuleIn]:
    ensure_allowed(actor, Permission.BEDS_VIEW)
    return _terms(session, location_id)


@router.post("/capacity-snapshots", status_code=201, summary="Report bed counts per care type")
def post_capacity(data: CapacityIn, session: SessionDep, actor: CurrentActor) -> dict[str, int]:
    return {"id": actions.report_capacity(session, actor, data=data)}


@router.get("/capacity-snapshots", summary="Current bed counts per location and care type")
def get_capacity(session: SessionDep, actor: CurrentActor) -> list[CapacityOut]:
    ensure_allowed(actor, Permission.BEDS_VIEW)
    return [
        CapacityOut.model_validate(row, from_attributes=True)
        for row in queries.latest_capacity(session)
    ]


# --- FHIR R4 read views ----------------------------------------------------------------------


@router.get(
    "/fhir/Location/{bed_id}",
    response_class=FhirResponse,
    responses=NOT_FOUND | {200: FHIR_JSON},
    summary="A bed as a FHIR Location (physical type bd)",
)
def fhir_bed(bed_id: UUID, session: SessionDep, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.BEDS_VIEW)
    location = fhir.bed_location(_bed_row(session, bed_id))
    return Response(location.model_dump_json(), media_type=fhir.MEDIA_TYPE)


@router.get(
    "/fhir/Location",
    response_class=FhirResponse,
    responses={200: FHIR_JSON},
    summary="Search beds as FHIR Locations: a searchset Bundle",
)
def fhir_beds(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    care_type: Annotated[CareType | None, Query(alias="care-type")] = None,
    count: Annotated[int, Query(alias="_count", ge=1, le=MAX_FHIR_COUNT)] = 100,
) -> Response:
    ensure_allowed(actor, Permission.BEDS_VIEW)
    rows = queries.beds(session, care_type=care_type, limit=count + 1)
    bundle = fhir.location_bundle(
        rows[:count],
        base_url=_fhir_base(request),
        self_url=str(request.url),
        complete=len(rows) <= count,
    )
    return Response(bundle.model_dump_json(), media_type=fhir.MEDIA_TYPE)


@router.get(
    "/fhir/MeasureReport",
    response_class=FhirResponse,
    responses={200: FHIR_JSON},
    summary="Bed capacity of a location per care type (SANER-style MeasureReport)",
)
def fhir_capacity(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
    location: UUID,
) -> Response:
    ensure_allowed(actor, Permission.BEDS_VIEW)
    report = None
    # The board counts per organisation; the location's first bed names its organisation.
    if first := queries.beds(session, location_id=location, limit=1):
        board = queries.board(session, settings, organisation_id=first[0].organisation_id)
        if lines := [line for line in board if line.location_id == location]:
            report = fhir.capacity_report(
                lines, location_id=location, location_name=lines[0].location, at=utcnow()
            )
    bundle = fhir.report_bundle(report, base_url=_fhir_base(request))
    return Response(bundle.model_dump_json(), media_type=fhir.MEDIA_TYPE)
