"""Read models of the coordination point: ranked matches, bed lists, the board, the worklist
and the reports. Anonymous: no patient details here (those go through ``view_request``)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from regiozorg.beds import rules
from regiozorg.beds.models import Bed, BedAssignment, BedCareType, BedRequest
from regiozorg.beds.rules import AssignmentStatus, BedStatus, CareType, RequestStatus
from regiozorg.clock import utcnow
from regiozorg.config import Settings
from regiozorg.errors import NotFoundError
from regiozorg.network.models import Location, Organisation, PostcodeArea, TravelTime
from regiozorg.network.rules import estimated_travel_minutes

LOCATION_BATCH = 40
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
    reasons: list[str]


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


def _sites_by_travel(session: Session, settings: Settings, postcode: str) -> list[_Site]:
    origin = _origin(session, postcode)
    imported = dict(
        session.execute(
            select(TravelTime.destination, TravelTime.minutes).where(
                TravelTime.origin == postcode[:4]
            )
        ).all()
    )
    sites = []
    for loc_id, code, name, org_id, lat, lon in session.execute(
        select(
            Location.id,
            Location.code,
            Location.name,
            Location.organisation_id,
            Location.latitude,
            Location.longitude,
        )
    ):
        if code in imported:
            minutes = imported[code]
        elif origin is not None:
            minutes = estimated_travel_minutes(
                origin,
                (lat, lon),
                detour_factor=settings.travel_detour_factor,
                speed_kmh=settings.travel_speed_kmh,
            )
        else:
            minutes = 999
        sites.append(_Site(loc_id, code, name, org_id, minutes))
    sites.sort(key=lambda site: (site.minutes, site.name))
    return sites


def matches(
    session: Session, settings: Settings, *, request_id: UUID, limit: int = 20
) -> list[Match]:
    """Free beds for a request, best first, each rank explained.

    Locations are visited nearest first in batches, until twice ``limit`` candidates are found;
    the patient's preferred location is always considered. Holds past their expiry count as free.
    """
    request = session.get(BedRequest, request_id)
    if request is None:
        raise NotFoundError("Aanvraag niet gevonden.")
    now = utcnow()
    period = rules.needed_period(request.care_type, max(request.wanted_from, now))
    needs = frozenset(request.needs)
    sites = _sites_by_travel(session, settings, request.patient_postcode)
    if request.preferred_location_id is not None:
        sites.sort(key=lambda s: s.id != request.preferred_location_id)  # stable: preferred first
    stale_before = now - timedelta(hours=settings.bed_stale_hours)
    found: list[Match] = []
    for start in range(0, len(sites), LOCATION_BATCH):
        batch = {site.id: site for site in sites[start : start + LOCATION_BATCH]}
        found += _candidates(session, request, batch, period, needs, stale_before, now)
        if len(found) >= 2 * limit:
            break
    found.sort(key=lambda m: (-m.score, m.travel_minutes, m.location, m.bed_label))
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
    beds = session.execute(
        select(
            Bed.id,
            Bed.location_id,
            Bed.organisation_id,
            Bed.label,
            Bed.status,
            Bed.capabilities,
            Bed.expected_free_at,
            Bed.status_updated_at,
        )
        .join(BedCareType, BedCareType.bed_id == Bed.id)
        .where(
            BedCareType.care_type == request.care_type,
            Bed.location_id.in_(list(sites)),
            Bed.status.in_([BedStatus.FREE, BedStatus.OCCUPIED]),
        )
    ).all()
    beds = [b for b in beds if needs <= set(b.capabilities)]
    if not beds:
        return []
    taken: dict[UUID, list[tuple[datetime, datetime]]] = defaultdict(list)
    for bed_id, starts, ends in session.execute(
        select(BedAssignment.bed_id, BedAssignment.starts_at, BedAssignment.ends_at).where(
            BedAssignment.bed_id.in_([b.id for b in beds]),
            BedAssignment.status.in_(rules.OCCUPYING),
            BedAssignment.starts_at < period[1],
            BedAssignment.ends_at > period[0],
            or_(BedAssignment.hold_expires_at.is_(None), BedAssignment.hold_expires_at > now),
        )
    ):
        taken[bed_id].append((starts, ends))
    freshest: dict[UUID, datetime] = {}
    for bed in beds:
        freshest[bed.location_id] = max(
            freshest.get(bed.location_id, bed.status_updated_at), bed.status_updated_at
        )
    per_location: dict[UUID, int] = defaultdict(int)
    found = []
    for bed in sorted(beds, key=lambda b: (b.status != BedStatus.FREE, b.label)):
        if per_location[bed.location_id] >= PER_LOCATION:
            continue
        if not rules.bed_available(bed.status, bed.expected_free_at, taken[bed.id], period):
            continue
        site = sites[bed.location_id]
        candidate = rules.Candidate(
            bed_id=bed.id,
            location_id=bed.location_id,
            organisation_id=bed.organisation_id,
            location_name=site.name,
            travel_minutes=site.minutes,
            capabilities=frozenset(bed.capabilities),
            preferred=bed.location_id == request.preferred_location_id,
            free_later=bed.status is BedStatus.OCCUPIED,
            stale=freshest[bed.location_id] < stale_before,
        )
        score, reasons = rules.match_score(candidate, needs)
        found.append(
            Match(
                bed.id,
                bed.location_id,
                bed.organisation_id,
                site.name,
                bed.label,
                score,
                site.minutes,
                reasons,
            )
        )
        per_location[bed.location_id] += 1
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
    live_hold = select(BedAssignment.bed_id).where(
        BedAssignment.status == AssignmentStatus.HELD, BedAssignment.hold_expires_at > now
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
class WorkItem:
    id: UUID
    care_type: str
    status: str
    urgent: bool
    created_at: datetime
    age: timedelta
    norm: timedelta | None
    overdue: bool


def worklist(session: Session) -> list[WorkItem]:
    """Open requests, urgent and oldest first, with their placement norm."""
    now = utcnow()
    items = []
    for row in session.execute(
        select(
            BedRequest.id,
            BedRequest.care_type,
            BedRequest.status,
            BedRequest.urgent,
            BedRequest.created_at,
        )
        .where(BedRequest.status.in_(list(rules.OPEN_STATUSES)))
        .order_by(BedRequest.urgent.desc(), BedRequest.created_at)
    ):
        norm = rules.PLACEMENT_NORM.get(CareType(row.care_type))
        age = now - row.created_at
        items.append(
            WorkItem(
                row.id,
                str(row.care_type),
                str(row.status),
                row.urgent,
                row.created_at,
                age,
                norm,
                norm is not None and age > norm,
            )
        )
    return items


@dataclass(frozen=True)
class PlacementWeek:
    week: str  # ISO year-week, e.g. 2026-W48
    care_type: str
    placed: int
    median_hours: float
    p90_hours: float


@dataclass(frozen=True)
class Report:
    placement: list[PlacementWeek]
    not_placed: list[tuple[str, str, int]]  # status, reason, count
    occupancy: list[tuple[str, int, int]]  # care type, occupied, total


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def report(session: Session, settings: Settings) -> Report:
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
        (str(status), reason or "-", count)
        for status, reason, count in session.execute(
            select(BedRequest.status, BedRequest.outcome_reason, func.count())
            .where(
                BedRequest.status.in_(
                    [RequestStatus.NOT_ELIGIBLE, RequestStatus.CANCELLED, RequestStatus.EXPIRED]
                )
            )
            .group_by(BedRequest.status, BedRequest.outcome_reason)
            .order_by(func.count().desc())
        )
    ]
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in board(session, settings):
        totals[line.care_type][0] += line.occupied + line.held
        totals[line.care_type][1] += line.free + line.held + line.occupied + line.other
    occupancy = [(care, pair[0], pair[1]) for care, pair in sorted(totals.items())]
    return Report(placement, not_placed, occupancy)
