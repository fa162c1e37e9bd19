"""The bed board as a read model: every bed counted once, in the coordinator's region first.

A bed can serve several care types (an ELV ward bed serves low, high and palliative ELV), so
counts per care type add up to more than there are beds: totals come from ``beds`` alone, and
the care-type breakdown is a separate, labelled figure. One aggregate query (GROUP BY location)
over all beds feeds the totals, the region and place summaries and the page of locations; the
breakdown per care type is asked only for the locations on the page.

Reads ``locations``, ``organisations`` and ``regions`` of the network feature for names.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from math import ceil
from typing import Any, Generic, TypeVar
from uuid import UUID

from sqlalchemy import ColumnElement, String, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from regiozorg import events
from regiozorg.beds.models import Bed, BedAssignment, BedCareType, BedTally
from regiozorg.beds.rules import AssignmentStatus, BedStatus, CareType
from regiozorg.clock import utcnow
from regiozorg.network.models import Location, Organisation, Region

PAGE_SIZE = 50


T = TypeVar("T")


@dataclass(frozen=True)
class Counts:
    """Beds by what a coordinator can do with them; each bed in exactly one of the four."""

    free: int = 0
    held: int = 0
    occupied: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.free + self.held + self.occupied + self.other

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.free + other.free,
            self.held + other.held,
            self.occupied + other.occupied,
            self.other + other.other,
        )


def total(counts: Iterable[Counts]) -> Counts:
    free = held = occupied = other = 0
    for item in counts:
        free += item.free
        held += item.held
        occupied += item.occupied
        other += item.other
    return Counts(free, held, occupied, other)


@dataclass(frozen=True)
class Site:
    """A location with its counts, as the aggregate query gives it."""

    id: UUID
    name: str
    town: str
    organisation: str
    region_id: UUID
    counts: Counts
    updated_at: datetime | None


@dataclass(frozen=True)
class RegionLine:
    id: UUID
    name: str
    locations: int
    counts: Counts


@dataclass(frozen=True)
class PlaceLine:
    town: str
    locations: int
    counts: Counts


@dataclass(frozen=True)
class LocationLine:
    id: UUID
    name: str
    town: str
    organisation: str
    counts: Counts
    updated_at: datetime | None
    stale: bool
    by_care_type: list[tuple[str, Counts]] = field(default_factory=list)


@dataclass(frozen=True)
class BoardFilter:
    care_type: CareType | None = None
    capability: str | None = None
    region_id: UUID | None = None  # None: the reader's own region
    place: str | None = None
    free_only: bool = False
    page: int = 1


@dataclass(frozen=True)
class BoardView:
    region: RegionLine | None
    totals: Counts  # the chosen region (and place), each bed once
    places: list[PlaceLine]  # the chosen region per place
    lines: list[LocationLine]  # one page of the chosen region's (and place's) locations
    page: int
    pages: int
    locations: int  # how many locations the pages hold
    other_regions: list[RegionLine]


def _promising(now: datetime) -> ColumnElement[bool]:
    """An assignment that promises its bed to a patient: a hold still running, or accepted
    and not yet admitted."""
    return or_(
        and_(BedAssignment.status == AssignmentStatus.HELD, BedAssignment.hold_expires_at > now),
        BedAssignment.status == AssignmentStatus.ACCEPTED,
    )


def _bed_filter(care_type: CareType | None, capability: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if care_type is not None:
        conditions.append(
            Bed.id.in_(select(BedCareType.bed_id).where(BedCareType.care_type == care_type))
        )
    if capability is not None:
        # Capabilities are a JSON list of words from a fixed vocabulary in which no word holds
        # another in quotes, so the quoted word in its text is the same test on every database.
        conditions.append(cast(Bed.capabilities, String).like(f'%"{capability}"%'))
    return conditions


Key = tuple[Any, ...]
Wards = dict[Key, tuple[int, int, int, datetime | None]]  # free, occupied, all beds, latest


def _counted_wards(
    session: Session, keys: list[Any], conditions: list[ColumnElement[bool]], *, per_care_type: bool
) -> Wards:
    """Beds per ``keys`` by ward status, counted bed by bed: only for a capability filter,
    which the tally does not keep."""
    if per_care_type:
        query = select(*keys).select_from(BedCareType).join(Bed, Bed.id == BedCareType.bed_id)
    else:
        query = select(*keys)
    # Core, not ORM, execution throughout: thousands of plain rows need no ORM loading.
    # Per care type the latest change is left out: then (id, status) of an index answers the
    # join without reading the bed rows.
    latest = func.max(Bed.status_updated_at) if not per_care_type else func.max(None)
    width = len(keys)
    rows = session.connection().execute(
        query.add_columns(
            func.sum(case((Bed.status == BedStatus.FREE, 1), else_=0)),
            func.sum(case((Bed.status == BedStatus.OCCUPIED, 1), else_=0)),
            func.count(),
            latest,
        )
        .where(and_(True, *conditions))
        .group_by(*keys)
    )
    return {
        tuple(row[:width]): (int(row[width]), int(row[width + 1]), row[width + 2], row[width + 3])
        for row in rows
    }


def _kept_wards(
    session: Session,
    *,
    care_type: CareType | None,
    location_ids: list[UUID] | None,
    per_care_type: bool,
) -> Wards:
    """The same figures from the tally the database keeps: one row per location. A
    location's latest change is that of any of its beds, also when one care type is asked."""
    everything = aliased(BedTally)
    query = select(
        BedTally.care_type,
        BedTally.location_id,
        BedTally.free,
        BedTally.occupied,
        BedTally.beds,
        everything.latest,
    ).where(BedTally.beds > 0)
    if per_care_type:
        query = query.where(BedTally.care_type != "")
        if care_type is not None:
            query = query.where(BedTally.care_type == care_type)
    else:
        query = query.where(BedTally.care_type == (care_type or ""))
    query = query.join(
        everything,
        and_(everything.care_type == "", everything.location_id == BedTally.location_id),
    )
    if location_ids is not None:
        query = query.where(BedTally.location_id.in_(location_ids))
    wards: Wards = {}
    for kind, location_id, free, occupied, beds, latest in session.connection().execute(query):
        if not per_care_type:
            wards[(location_id,)] = (free, occupied, beds, latest)
        elif location_ids is not None:
            wards[(kind, location_id)] = (free, occupied, beds, None)
        else:  # all locations together
            before = wards.get((kind,), (0, 0, 0, None))
            wards[(kind,)] = (before[0] + free, before[1] + occupied, before[2] + beds, None)
    return wards


def _tally(
    session: Session,
    keys: list[Any],
    conditions: list[ColumnElement[bool]],
    wards: Wards,
    *,
    per_care_type: bool = False,
) -> dict[Key, tuple[Counts, datetime | None]]:
    """Beds per ``keys`` in the four states, with the latest status change: ``wards`` by their
    ward status, less the few reserved ones (a reservation wins over the ward's status).

    Asking "is it reserved" inside one query for every bed and state would cost a lookup per
    bed per state; the reserved beds are a handful, found from the assignments.
    """
    width = len(keys)
    query = select(*keys, Bed.status, func.count(func.distinct(Bed.id)))
    if per_care_type:
        query = query.select_from(BedCareType).join(Bed, Bed.id == BedCareType.bed_id)
    reserved: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in session.connection().execute(
        query.join(BedAssignment, BedAssignment.bed_id == Bed.id)
        .where(and_(_promising(utcnow()), *conditions))
        .group_by(*keys, Bed.status)
    ):
        reserved[tuple(row[:width])][str(row[width])] += row[width + 1]
    result = {}
    for key, (n_free, n_occupied, n_all, updated) in wards.items():
        held = reserved.get(key, {})
        free = n_free - held.get(BedStatus.FREE, 0)
        occupied = n_occupied - held.get(BedStatus.OCCUPIED, 0)
        n_held = sum(held.values())
        result[key] = (Counts(free, n_held, occupied, n_all - free - occupied - n_held), updated)
    return result


def sites(
    session: Session, *, care_type: CareType | None = None, capability: str | None = None
) -> list[Site]:
    """Every location with beds (of this care type and capability), its beds counted once."""
    keys: list[Any] = [Bed.location_id]
    conditions = _bed_filter(care_type, capability)
    wards = (
        _counted_wards(session, keys, conditions, per_care_type=False)
        if capability is not None
        else _kept_wards(session, care_type=care_type, location_ids=None, per_care_type=False)
    )
    counted = _tally(session, keys, conditions, wards)
    found = []
    for location_id, name, town, organisation, region_id in session.connection().execute(
        select(Location.id, Location.name, Location.town, Organisation.name, Organisation.region_id)
        .join(Organisation, Organisation.id == Location.organisation_id)
    ):  # fmt: skip
        if (location_id,) in counted:
            counts, updated = counted[(location_id,)]
            found.append(Site(location_id, name, town, organisation, region_id, counts, updated))
    return found


def by_care_type(
    session: Session,
    *,
    location_ids: Iterable[UUID] | None = None,
    care_type: CareType | None = None,
    capability: str | None = None,
) -> dict[UUID | None, list[tuple[str, Counts]]]:
    """Beds per care type (per location, or for all when ``location_ids`` is None). A bed that
    serves three care types counts in each of the three: these figures do not add up to the
    number of beds, and are shown apart from the totals."""
    ids = list(location_ids) if location_ids is not None else None
    conditions = _bed_filter(None, capability)
    if care_type is not None:
        conditions.append(BedCareType.care_type == care_type)
    keys: list[Any] = [BedCareType.care_type]
    if ids is not None:
        conditions.append(Bed.location_id.in_(ids))
        keys.append(Bed.location_id)
    wards = (
        _counted_wards(session, keys, conditions, per_care_type=True)
        if capability is not None
        else _kept_wards(session, care_type=care_type, location_ids=ids, per_care_type=True)
    )
    result: dict[UUID | None, list[tuple[str, Counts]]] = defaultdict(list)
    for key, (counts, _) in _tally(session, keys, conditions, wards, per_care_type=True).items():
        location = key[1] if ids is not None else None
        result[location].append((str(key[0]), counts))
    for lines in result.values():
        lines.sort()
    return dict(result)


def home_region(session: Session, organisation_ids: Iterable[UUID]) -> UUID | None:
    """The region of the reader's organisation (the first by name if they work in several)."""
    ids = list(organisation_ids)
    query = select(Region.id).order_by(Region.name).limit(1)
    if ids:
        query = query.join(Organisation, Organisation.region_id == Region.id).where(
            Organisation.id.in_(ids)
        )
    found = session.scalar(query)
    return found if found is not None or not ids else home_region(session, [])


def view(
    all_sites: list[Site],
    regions: dict[UUID, str],
    chosen: BoardFilter,
    *,
    stale_before: datetime,
) -> BoardView:
    """The screen from the counted sites: pure, so paging and roll-ups are cheap and tested."""
    per_region: dict[UUID, list[Site]] = defaultdict(list)
    for site in all_sites:
        per_region[site.region_id].append(site)
    summaries = {
        region_id: RegionLine(region_id, regions.get(region_id, "?"), len(found),
                              total(s.counts for s in found))
        for region_id, found in per_region.items()
    }  # fmt: skip
    region = summaries.get(chosen.region_id) if chosen.region_id else None
    if region is None and chosen.region_id in regions:
        region = RegionLine(chosen.region_id, regions[chosen.region_id], 0, Counts())
    here = per_region.get(chosen.region_id, []) if chosen.region_id else []
    per_place: dict[str, list[Site]] = defaultdict(list)
    for site in here:
        per_place[site.town].append(site)
    places = [
        PlaceLine(town, len(found), total(s.counts for s in found))
        for town, found in sorted(per_place.items())
    ]
    shown = per_place.get(chosen.place, []) if chosen.place else here
    counted = total(s.counts for s in shown)
    listed = sorted(
        (s for s in shown if s.counts.free or not chosen.free_only),
        key=lambda s: (s.town, s.name),
    )
    pages = max(1, ceil(len(listed) / PAGE_SIZE))
    page = min(max(1, chosen.page), pages)
    lines = [
        LocationLine(
            s.id,
            s.name,
            s.town,
            s.organisation,
            s.counts,
            s.updated_at,
            s.updated_at is not None and s.updated_at < stale_before,
        )
        for s in listed[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ]
    others = sorted(
        (line for region_id, line in summaries.items() if region_id != chosen.region_id),
        key=lambda line: line.name,
    )
    return BoardView(region, counted, places, lines, page, pages, len(listed), others)


@dataclass
class _Flight:
    started: float = 0.0  # time.monotonic() when the computation began
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None


class Coalesced(Generic[T]):
    """Concurrent callers asking the same question share one answer that is fresh enough for
    each of them.

    A live change sends every open board to re-fetch its counts at the same moment; fifty
    boards would run the same national count fifty times. An answer is fresh enough for a
    caller when its computation began after the last change event that caller could have
    heard of (``changed``: events are published after commit, so such a computation saw the
    change) and at most ``reuse`` seconds before the caller came (a change without an event,
    such as a hold running out, shows that much later). A caller takes a running or just
    finished computation that is fresh enough, else joins the one queued to start next, else
    queues one. The computation must read in a transaction begun when it runs.
    """

    FINISHED_KEPT = 64

    def __init__(
        self,
        *,
        changed: Callable[[], float] = lambda: 0.0,
        reuse: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._changed = changed
        self._reuse = reuse
        self._clock = clock
        self._lock = threading.Lock()
        self._running: dict[Hashable, _Flight] = {}
        self._waiting: dict[Hashable, _Flight] = {}
        self._finished: dict[Hashable, _Flight] = {}
        self.computations = 0

    def run(self, key: Hashable, compute: Callable[[], T]) -> T:
        flight, before = self._choose(key)
        if before is not False:
            self._lead(key, flight, before, compute)
        flight.done.wait()
        if flight.error is not None:
            raise flight.error
        result: T = flight.result
        return result

    def _choose(self, key: Hashable) -> tuple[_Flight, _Flight | bool | None]:
        """The flight to take, and whether to lead it: False to follow, None to lead now, or
        the running flight to wait for before leading."""
        with self._lock:
            arrived = self._clock()
            fresh_from = max(self._changed(), arrived - self._reuse)
            running, finished = self._running.get(key), self._finished.get(key)
            if running is not None and running.started >= fresh_from:
                return running, False
            if finished is not None and finished.started >= fresh_from:
                return finished, False
            if key in self._waiting:
                return self._waiting[key], False
            if running is not None:
                self._waiting[key] = _Flight()
                return self._waiting[key], running
            self._running[key] = _Flight(started=arrived)
            return self._running[key], None

    def _lead(
        self,
        key: Hashable,
        flight: _Flight,
        before: _Flight | bool | None,
        compute: Callable[[], T],
    ) -> None:
        if isinstance(before, _Flight):
            before.done.wait()
            with self._lock:
                del self._waiting[key]
                flight.started = self._clock()
                self._running[key] = flight
        try:
            self.computations += 1
            flight.result = compute()
        except BaseException as error:  # handed to every caller of this flight
            flight.error = error
        finally:
            with self._lock:
                if self._running.get(key) is flight:
                    del self._running[key]
                if flight.error is None:
                    if len(self._finished) >= self.FINISHED_KEPT:
                        self._finished.clear()
                    self._finished[key] = flight
            flight.done.set()


# Boards woken by one change share one count; a change without an event (a hold running out)
# shows within a quarter of a second.
_SHARED: Coalesced[BoardView] = Coalesced(
    changed=lambda: events.BROKER.last_published("beds"), reuse=0.25
)


def board(
    session: Session,
    *,
    chosen: BoardFilter,
    organisation_ids: Iterable[UUID],
    stale_hours: float,
) -> BoardView:
    """The board for a reader: their own region unless another is chosen.

    Shared with the readers who ask the same at the same moment: after a live change every
    open board asks at once. The reader's transaction ends first, so the count reads from a
    transaction begun when it runs (never older than any sharer's question), and a reader
    waiting for someone else's count holds no connection the counting one may need.
    """
    home = home_region(session, organisation_ids)
    session.commit()  # a read transaction: ends it and gives its connection back

    def compute() -> BoardView:
        found = sites(session, care_type=chosen.care_type, capability=chosen.capability)
        regions = {row.id: row.name for row in session.execute(select(Region.id, Region.name))}
        region_id = chosen.region_id if chosen.region_id in regions else home
        stale_before = utcnow() - timedelta(hours=stale_hours)
        result = view(found, regions, replace(chosen, region_id=region_id),
                      stale_before=stale_before)  # fmt: skip
        if result.lines:
            breakdown = by_care_type(
                session,
                location_ids=[line.id for line in result.lines],
                care_type=chosen.care_type,
                capability=chosen.capability,
            )
            lines = result.lines
            split = [replace(line, by_care_type=breakdown.get(line.id, [])) for line in lines]
            result = replace(result, lines=split)
        session.commit()
        return result

    # The bind itself, not its id: a test's connection, once gone, leaves no address to reuse.
    return _SHARED.run((session.get_bind(), chosen, home), compute)
