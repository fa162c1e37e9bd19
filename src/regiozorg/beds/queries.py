"""Read models of the coordination point: ranked matches, bed lists, the board, the worklist,
the providers' terms, capacity snapshots and the reports. Anonymous: no patient details here
(those go through ``view_request``).

Reads the network's tables too: locations, organisations, postcode areas and travel times."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter
from uuid import UUID

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from regiozorg.beds import board as beds_board
from regiozorg.beds import rules
from regiozorg.beds.models import (
    AcceptanceRule,
    Bed,
    BedAssignment,
    BedCareType,
    BedRequest,
    CapacitySnapshot,
)
from regiozorg.beds.rules import AssignmentStatus, BedStatus, CareType, RequestStatus
from regiozorg.clock import local, utcnow
from regiozorg.config import Settings
from regiozorg.errors import NotFoundError
from regiozorg.network.models import Location, Organisation, PostcodeArea, TravelTime
from regiozorg.network.rules import estimated_travel_minutes

LOCATION_BATCH = 16
PER_LOCATION = 2


@dataclass(frozen=True)
class Match:
    bed_id: UUID
    location_id: UUID
    organisation_id: UUID
    location: str
    bed_label: str
    score: float
    travel_minutes: int
    reasons: list[rules.MatchReason]


@dataclass(frozen=True)
class _Site:
    id: UUID
    code: str
    name: str
    organisation_id: UUID
    minutes: int


def _origin(session: Session, postcode: str) -> tuple[float, float] | None:
    """Centre of the patient's postcode area, or of the numerically nearest known area
    (Dutch four-digit areas are numbered geographically)."""
    area = postcode[:4]
    row = session.execute(
        select(PostcodeArea.latitude, PostcodeArea.longitude).where(PostcodeArea.postcode == area)
    ).first()
    if row is None:
        areas = session.execute(
            select(PostcodeArea.postcode, PostcodeArea.latitude, PostcodeArea.longitude)
        ).all()
        if not areas:
            return None
        nearest = min(areas, key=lambda a: abs(int(a[0]) - int(area)))
        return nearest[1], nearest[2]
    return row[0], row[1]


@dataclass(frozen=True)
class _Place:
    id: UUID
    code: str
    name: str
    organisation_id: UUID
    latitude: float
    longitude: float


# Locations change rarely and every match needs all of them: keep them per database, keyed by
# a fingerprint that changes whenever a location is added, removed, moved or recoded.
_PLACES: dict[tuple[object, ...], list[_Place]] = {}


def _places(session: Session) -> list[_Place]:
    fingerprint = session.execute(
        select(
            func.count(Location.id),
            func.sum(Location.latitude),
            func.sum(Location.longitude),
            func.max(Location.code),
        )
    ).one()
    key = (str(session.get_bind().engine.url), *fingerprint)
    if key not in _PLACES:
        if len(_PLACES) > 16:
            _PLACES.clear()
        _PLACES[key] = [
            _Place(*row)
            for row in session.execute(
                select(
                    Location.id,
                    Location.code,
                    Location.name,
                    Location.organisation_id,
                    Location.latitude,
                    Location.longitude,
                ).order_by(Location.code)
            )
        ]
    return _PLACES[key]


def _places_by_travel(
    session: Session, settings: Settings, postcode: str
) -> tuple[list[tuple[float, _Place]], Callable[[_Place], _Site]]:
    """Every location, nearest first by a rough travel time, and how to make it exact.

    The rough order uses a flat-earth distance (a few metres off the great circle at Dutch
    distances, and much cheaper); exact minutes, the great-circle estimate or an imported
    travel time, are worked out only for the locations the search reaches.
    """
    origin = _origin(session, postcode)
    imported = dict(
        session.execute(
            select(TravelTime.destination, TravelTime.minutes).where(
                TravelTime.origin == postcode[:4]
            )
        ).all()
    )
    places = _places(session)
    if origin is None:
        ordered = [(float(imported.get(p.code, 999)), p) for p in places]
    else:
        lat0, lon0 = origin
        shrink = math.cos(math.radians(lat0))
        scale = 111.2 * settings.travel_detour_factor / settings.travel_speed_kmh * 60
        ordered = [
            (
                float(imported[p.code])
                if p.code in imported
                else math.hypot((p.longitude - lon0) * shrink, p.latitude - lat0) * scale,
                p,
            )
            for p in places
        ]
    ordered.sort(key=itemgetter(0))  # stable: ties keep the code order of ``_places``

    def exact(place: _Place) -> _Site:
        if place.code in imported:
            minutes = imported[place.code]
        elif origin is None:
            minutes = 999
        else:
            minutes = estimated_travel_minutes(
                origin,
                (place.latitude, place.longitude),
                detour_factor=settings.travel_detour_factor,
                speed_kmh=settings.travel_speed_kmh,
            )
        return _Site(place.id, place.code, place.name, place.organisation_id, minutes)

    return ordered, exact


def _refusing_locations(session: Session, request: BedRequest, wanted_local: datetime) -> set[UUID]:
    """Locations whose providers' own terms refuse this patient at this time."""
    refusing = set()
    for rule in session.scalars(
        select(AcceptanceRule).where(
            or_(AcceptanceRule.care_type.is_(None), AcceptanceRule.care_type == request.care_type)
        )
    ):
        terms = rules.Acceptance(rule.max_age, rule.admits_from_hour, rule.admits_until_hour)
        if rules.acceptance_refusal(
            terms, birth_year=request.patient_birth_year, wanted_local=wanted_local
        ):
            refusing.add(rule.location_id)
    return refusing


def matches(
    session: Session, settings: Settings, *, request_id: UUID, limit: int = 20
) -> list[Match]:
    """Free beds for a request, best first, each rank explained.

    Locations are visited nearest first in small batches until no farther location could rank
    in the top ``limit``; the patient's preferred location is always considered first. Holds
    past their expiry count as free.
    """
    request = session.get(BedRequest, request_id)
    if request is None:
        raise NotFoundError("Aanvraag niet gevonden.")
    now = utcnow()
    period = rules.needed_period(request.care_type, max(request.wanted_from, now))
    needs = frozenset(request.needs)
    sites, exact = _places_by_travel(session, settings, request.patient_postcode)
    refusing = _refusing_locations(session, request, local(period[0]))
    if refusing:
        sites = [pair for pair in sites if pair[1].id not in refusing]
    if request.preferred_location_id is not None:
        sites.sort(
            key=lambda s: s[1].id != request.preferred_location_id
        )  # stable: preferred first
    stale_before = now - timedelta(hours=settings.bed_stale_hours)
    found: list[Match] = []
    start, size = 0, LOCATION_BATCH
    while start < len(sites):
        batch = {place.id: exact(place) for _, place in sites[start : start + size]}
        found += _candidates(session, request, batch, period, needs, stale_before, now)
        found.sort(key=lambda m: (-m.score, m.travel_minutes, m.location, m.bed_label))
        start, size = start + size, size * 2  # few queries when free beds are scarce
        # Farther sites cannot score above 100 - travel (the preferred one came first), so stop
        # once none of them could beat the top ``limit``; one minute of slack for rounding.
        if len(found) >= limit and (
            start >= len(sites) or 100 - (sites[start][0] - 1) <= found[limit - 1].score
        ):
            break
    return found[:limit]


def _candidates(
    session: Session,
    request: BedRequest,
    sites: dict[UUID, _Site],
    period: tuple[datetime, datetime],
    needs: frozenset[str],
    stale_before: datetime,
    now: datetime,
) -> list[Match]:
    """The best few free beds per location of one batch, found by the database itself:
    right care type, free (or discharged in time), and no live hold or stay overlapping."""
    taken = (
        select(BedAssignment.id)
        .where(
            BedAssignment.bed_id == Bed.id,
            BedAssignment.status.in_(rules.OCCUPYING),
            BedAssignment.starts_at < period[1],
            BedAssignment.ends_at > period[0],
            or_(BedAssignment.hold_expires_at.is_(None), BedAssignment.hold_expires_at > now),
        )
        .exists()
    )
    free_first = case((Bed.status == BedStatus.FREE, 0), else_=1)
    ranked = (
        select(
            Bed.id,
            Bed.location_id,
            Bed.label,
            Bed.status,
            Bed.capabilities,
            func.row_number()
            .over(partition_by=Bed.location_id, order_by=(free_first, Bed.label))
            .label("rank"),
            func.max(Bed.status_updated_at).over(partition_by=Bed.location_id).label("fresh"),
        )
        .join(BedCareType, BedCareType.bed_id == Bed.id)
        .where(
            BedCareType.care_type == request.care_type,
            Bed.location_id.in_(list(sites)),
            or_(
                Bed.status == BedStatus.FREE,
                and_(Bed.status == BedStatus.OCCUPIED, Bed.expected_free_at <= period[0]),
            ),
            ~taken,
        )
        .subquery()
    )
    # With special needs, capabilities are checked here, so fetch more per location.
    per_location_rows = PER_LOCATION if not needs else 50
    rows = session.execute(
        select(ranked).where(ranked.c.rank <= per_location_rows).order_by(ranked.c.rank)
    ).all()
    kept: dict[UUID, int] = defaultdict(int)
    found = []
    for bed_id, location_id, label, status, capabilities, _, fresh in rows:
        if kept[location_id] >= PER_LOCATION or not needs <= set(capabilities):
            continue
        site = sites[location_id]
        candidate = rules.Candidate(
            bed_id=bed_id,
            location_id=location_id,
            organisation_id=site.organisation_id,
            location_name=site.name,
            travel_minutes=site.minutes,
            capabilities=frozenset(capabilities),
            preferred=location_id == request.preferred_location_id,
            has_preference=request.preferred_location_id is not None,
            free_later=status != BedStatus.FREE,
            stale=fresh < stale_before,
        )
        score, reasons = rules.match_score(candidate, needs)
        found.append(
            Match(
                bed_id,
                location_id,
                site.organisation_id,
                site.name,
                label,
                score,
                site.minutes,
                reasons,
            )
        )
        kept[location_id] += 1
    return found


@dataclass(frozen=True)
class BedRow:
    id: UUID
    location_id: UUID
    unit_id: UUID
    organisation_id: UUID
    label: str
    status: str
    care_types: list[str]
    capabilities: list[str]
    status_updated_at: datetime


def beds(
    session: Session,
    *,
    care_type: CareType | None = None,
    status: BedStatus | None = None,
    location_id: UUID | None = None,
    limit: int = 1000,
) -> Sequence[BedRow]:
    query = select(Bed).order_by(Bed.location_id, Bed.label).limit(limit)
    if care_type is not None:
        query = query.where(
            Bed.id.in_(select(BedCareType.bed_id).where(BedCareType.care_type == care_type))
        )
    if status is not None:
        query = query.where(Bed.status == status)
    if location_id is not None:
        query = query.where(Bed.location_id == location_id)
    rows = session.scalars(query).all()
    types: dict[UUID, list[str]] = defaultdict(list)
    for bed_id, care in session.execute(
        select(BedCareType.bed_id, BedCareType.care_type).where(
            BedCareType.bed_id.in_([r.id for r in rows])
        )
    ):
        types[bed_id].append(str(care))
    return [
        BedRow(
            r.id,
            r.location_id,
            r.unit_id,
            r.organisation_id,
            r.label,
            str(r.status),
            sorted(types[r.id]),
            list(r.capabilities),
            r.status_updated_at,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class BoardLine:
    location_id: UUID
    location: str
    town: str
    organisation: str
    care_type: str
    free: int
    held: int
    occupied: int
    other: int
    updated_at: datetime
    stale: bool


def board(
    session: Session,
    settings: Settings,
    *,
    care_type: CareType | None = None,
    capability: str | None = None,
    organisation_id: UUID | None = None,
) -> list[BoardLine]:
    """Free / held / occupied beds per location and care type, with stale data flagged."""
    now = utcnow()
    conditions = []
    if care_type is not None:
        conditions.append(BedCareType.care_type == care_type)
    if organisation_id is not None:
        conditions.append(Bed.organisation_id == organisation_id)
    # A bed the provider accepted stays reserved until admission; it is not free again.
    live_hold = select(BedAssignment.bed_id).where(
        or_(
            and_(
                BedAssignment.status == AssignmentStatus.HELD, BedAssignment.hold_expires_at > now
            ),
            BedAssignment.status == AssignmentStatus.ACCEPTED,
        )
    )
    rows = session.execute(
        select(
            Bed.location_id,
            BedCareType.care_type,
            Bed.status,
            Bed.id.in_(live_hold),
            Bed.capabilities,
            Bed.status_updated_at,
        )
        .join(BedCareType, BedCareType.bed_id == Bed.id)
        .where(and_(True, *conditions))
    ).all()
    names = {
        loc_id: (name, town, org)
        for loc_id, name, town, org in session.execute(
            select(Location.id, Location.name, Location.town, Organisation.name).join(
                Organisation, Organisation.id == Location.organisation_id
            )
        )
    }
    counts: dict[tuple[UUID, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    updated: dict[UUID, datetime] = {}
    for location_id, care, status, held, capabilities, updated_at in rows:
        if capability and capability not in capabilities:
            continue
        slot = counts[(location_id, str(care))]
        if held:
            slot[1] += 1
        elif status == BedStatus.FREE:
            slot[0] += 1
        elif status == BedStatus.OCCUPIED:
            slot[2] += 1
        else:
            slot[3] += 1
        updated[location_id] = max(updated.get(location_id, updated_at), updated_at)
    stale_before = now - timedelta(hours=settings.bed_stale_hours)
    lines = []
    for (loc, care_name), (n_free, n_held, n_occupied, n_other) in counts.items():
        name, town, organisation = names[loc]
        lines.append(
            BoardLine(
                loc,
                name,
                town,
                organisation,
                care_name,
                n_free,
                n_held,
                n_occupied,
                n_other,
                updated[loc],
                updated[loc] < stale_before,
            )
        )
    lines.sort(key=lambda line: (line.town, line.location, line.care_type))
    return lines


@dataclass(frozen=True)
class PlacementWeek:
    week: str  # ISO year-week, e.g. 2026-W48
    care_type: str
    placed: int
    median_hours: float
    p90_hours: float


@dataclass(frozen=True)
class NotPlaced:
    """Requests that ended unplaced, counted by status and reason: the rules' reasons by code
    (with their parameters), a person's reason by its words."""

    status: str
    reasons: list[rules.Reason]
    typed: str | None
    count: int


@dataclass(frozen=True)
class Report:
    placement: list[PlacementWeek]
    not_placed: list[NotPlaced]
    occupancy: list[tuple[str, int, int]]  # care type, occupied, total; a bed in each of its types
    all_beds: tuple[int, int]  # occupied (or held), total: each bed once


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def report(session: Session, settings: Settings) -> Report:
    """Time to placement, requests not placed and why, and bed occupancy."""
    grouped: dict[tuple[str, str], list[float]] = defaultdict(list)
    for care, created, placed in session.execute(
        select(BedRequest.care_type, BedRequest.created_at, BedRequest.placed_at).where(
            BedRequest.placed_at.is_not(None)
        )
    ):
        if placed is None:
            continue
        year, week, _ = placed.isocalendar()
        grouped[(f"{year}-W{week:02d}", str(care))].append(
            (placed - created).total_seconds() / 3600
        )
    placement = [
        PlacementWeek(
            week,
            care,
            len(hours),
            round(statistics.median(hours), 1),
            round(_percentile(hours, 0.9), 1),
        )
        for (week, care), hours in sorted(grouped.items())
    ]
    not_placed = [
        NotPlaced(str(status), rules.reasons_from(codes), typed, count)
        for status, codes, typed, count in session.execute(
            select(
                BedRequest.status, BedRequest.outcome_codes, BedRequest.outcome_reason, func.count()
            )
            .where(
                BedRequest.status.in_(
                    [RequestStatus.NOT_ELIGIBLE, RequestStatus.CANCELLED, RequestStatus.EXPIRED]
                )
            )
            .group_by(BedRequest.status, BedRequest.outcome_codes, BedRequest.outcome_reason)
            .order_by(func.count().desc())
        )
    ]
    # Each bed once for the whole; per care type apart, where a bed serving three care types
    # counts in all three (so those rows add up to more than the whole).
    everything = beds_board.total(site.counts for site in beds_board.sites(session))
    occupancy = [
        (care, counts.held + counts.occupied, counts.total)
        for care, counts in beds_board.by_care_type(session).get(None, [])
    ]
    whole = (everything.held + everything.occupied, everything.total)
    return Report(placement, not_placed, occupancy, whole)


@dataclass(frozen=True)
class AcceptanceTerms:
    """One of a location's terms as its provider set them; None means no limit."""

    care_type: CareType | None
    max_age: int | None
    admits_from_hour: int | None
    admits_until_hour: int | None


def acceptance_terms(session: Session, location_id: UUID) -> list[AcceptanceTerms]:
    """A location's acceptance rules, in the order they were set."""
    return [
        AcceptanceTerms(r.care_type, r.max_age, r.admits_from_hour, r.admits_until_hour)
        for r in session.scalars(
            select(AcceptanceRule)
            .where(AcceptanceRule.location_id == location_id)
            .order_by(AcceptanceRule.id)
        )
    ]


@dataclass(frozen=True)
class CapacityRow:
    location_id: UUID
    care_type: str
    total: int
    occupied: int
    at: datetime


def latest_capacity(session: Session) -> list[CapacityRow]:
    """The current figure per location and care type: each pair's most recent snapshot.

    Snapshots are only ever added; the history shows how capacity moved."""
    newest = (
        select(
            CapacitySnapshot.location_id,
            CapacitySnapshot.care_type,
            func.max(CapacitySnapshot.id).label("id"),
        )
        .group_by(CapacitySnapshot.location_id, CapacitySnapshot.care_type)
        .subquery()
    )
    rows = session.scalars(
        select(CapacitySnapshot)
        .join(newest, newest.c.id == CapacitySnapshot.id)
        .order_by(CapacitySnapshot.location_id, CapacitySnapshot.care_type)
    )
    return [CapacityRow(r.location_id, str(r.care_type), r.total, r.occupied, r.at) for r in rows]
