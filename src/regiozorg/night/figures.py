"""The night logbook's figures, pure: from plain incident rows to counts, shares, percentiles
and norms. No names go in, so none can come out; the database side is in ``reports``."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from uuid import UUID

from regiozorg.clock import AMSTERDAM
from regiozorg.night.rules import (
    NIGHT_STARTS_HOUR,
    IncidentState,
    Outcome,
    night_of,
    share,
)

# The alarm-centre standard (EN 50134 / BS 8591): 98.5% of alarms answered within the norm.
ANSWER_TARGET_SHARE = 0.985
# Norms of a location that is not (or no longer) enrolled, or of a sender nobody knows:
# the defaults of ``NightLocation``.
DEFAULT_ANSWER_NORM_SECONDS = 60
DEFAULT_ON_SITE_NORM_MINUTES = 30


@dataclass(frozen=True)
class IncidentFacts:
    """One incident as the figures see it: where, when, how it ended; the client only as an
    opaque id, to count distinct clients."""

    received_at: datetime
    organisation_id: UUID | None
    location_id: UUID | None
    client_id: UUID | None
    outcome: Outcome | None
    unknown_sender: bool
    escalations: int
    acknowledged_at: datetime | None = None
    on_site_at: datetime | None = None
    completed_at: datetime | None = None
    closed_at: datetime | None = None
    intervention: str | None = None

    @property
    def night(self) -> date:
        return night_of(self.received_at)


@dataclass(frozen=True)
class Norms:
    answer_seconds: int = DEFAULT_ANSWER_NORM_SECONDS
    on_site_minutes: int = DEFAULT_ON_SITE_NORM_MINUTES


# Someone has to go and is not there yet: the on-site norm runs.
AWAITING_VISIT = frozenset(
    {IncidentState.VISIT_NEEDED, IncidentState.DISPATCHED, IncidentState.EN_ROUTE}
)


def running_norm(state: IncidentState, norms: Norms) -> int | None:
    """The norm an open incident's waiting time (counted from the alarm, as the reports count
    it) is held to now, in seconds: the answer norm until someone acknowledges it, the on-site
    norm while someone has to go and is not there yet, none while it is being handled."""
    if state is IncidentState.RECEIVED:
        return norms.answer_seconds
    if state in AWAITING_VISIT:
        return norms.on_site_minutes * 60
    return None


@dataclass(frozen=True)
class InterventionFigures:
    """Handling time of one intervention type: received → closed (the whole incident,
    logbook included), and for visits the time on site (on site → completed)."""

    intervention: str
    closed: int
    handling_p50_minutes: float | None
    handling_p90_minutes: float | None
    on_site_p50_minutes: float | None


@dataclass(frozen=True)
class Figures:
    """Counts, shares as fractions (0-1, null when nothing to count), times in seconds or
    minutes as named."""

    # One read model for the report page, its CSV and the API (``/api/v1/night/figures``): the
    # shares are computed once, in ``summarise``, and the API answers these fields in this order.
    incidents: int
    client_incidents: int  # incidents of a known client
    client_nights: int  # distinct (client, night) pairs: the denominator of contacts per client
    contacts_per_client: float | None  # per client per night: three alarms in one night count 3
    false_alarm: int
    resolved_remotely: int
    visit: int
    emergency_112: int
    reset_at_source: int
    undecided: int  # no outcome yet
    false_alarm_share: float | None  # of the decided ones, as the other shares
    remote_share: float | None  # handled from a distance: resolved remotely or a false alarm
    visit_share: float | None
    emergency_share: float | None
    unknown_sender: int
    escalated: int  # incidents that escalated at least once
    escalation_steps: int
    answer_p50_seconds: float | None
    answer_p90_seconds: float | None
    answer_counted: int  # answered, or unanswered for longer than the norm
    answer_within: int
    answer_share: float | None
    answer_norm_met: bool | None  # at least 98.5% of the counted answered within the norm
    on_site_p50_minutes: float | None
    on_site_p90_minutes: float | None
    on_site_counted: int
    on_site_within: int
    on_site_share: float | None

    @property
    def decided(self) -> int:
        return self.incidents - self.undecided


def percentile(values: Iterable[float], fraction: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least ``fraction`` of the values at
    or below it, so p90 is always a time that really occurred. None without values."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def answered_within(facts: IncidentFacts, norm_seconds: int, now: datetime) -> bool | None:
    """Answered (acknowledged) within the norm? An alarm still unanswered counts as late once
    it is older than the norm; before that it is not counted yet (None)."""
    limit = timedelta(seconds=norm_seconds)
    if facts.acknowledged_at is not None:
        return facts.acknowledged_at - facts.received_at <= limit
    if now - facts.received_at > limit:
        return False
    return None


def needed_visit(facts: IncidentFacts) -> bool:
    return facts.on_site_at is not None or facts.outcome in (
        Outcome.VISIT_NEEDED,
        Outcome.EMERGENCY_112,
    )


def on_site_within(facts: IncidentFacts, norm_minutes: int, now: datetime) -> bool | None:
    """For incidents that needed someone there: on site within the norm (counted from the
    alarm, not from the dispatch)? Nobody there yet counts as late once past the norm; an
    incident without a visit is not counted (None)."""
    if not needed_visit(facts):
        return None
    limit = timedelta(minutes=norm_minutes)
    if facts.on_site_at is not None:
        return facts.on_site_at - facts.received_at <= limit
    if facts.completed_at is None and now - facts.received_at > limit:
        return False
    return None


def _seconds(start: datetime, end: datetime | None) -> float | None:
    return (end - start).total_seconds() if end is not None else None


def summarise(
    rows: Sequence[IncidentFacts], norms: Callable[[UUID | None], Norms], now: datetime
) -> Figures:
    """The figures of a group of incidents; every incident is held to its own location's
    norms, so a group across locations mixes them correctly."""
    outcomes: dict[Outcome, int] = dict.fromkeys(Outcome, 0)
    answer_times: list[float] = []
    on_site_times: list[float] = []
    answer = [0, 0]  # counted, within
    on_site = [0, 0]
    for row in rows:
        if row.outcome is not None:
            outcomes[row.outcome] += 1
        norm = norms(row.location_id)
        if (waited := _seconds(row.received_at, row.acknowledged_at)) is not None:
            answer_times.append(waited)
        if (travelled := _seconds(row.received_at, row.on_site_at)) is not None:
            on_site_times.append(travelled / 60)
        for verdict, tally in (
            (answered_within(row, norm.answer_seconds, now), answer),
            (on_site_within(row, norm.on_site_minutes, now), on_site),
        ):
            if verdict is not None:
                tally[0] += 1
                tally[1] += verdict
    client_rows = [row for row in rows if row.client_id is not None]
    client_incidents = len(client_rows)
    undecided = sum(1 for row in rows if row.outcome is None)
    decided = len(rows) - undecided
    false_alarm = outcomes[Outcome.FALSE_ALARM]
    resolved_remotely = outcomes[Outcome.RESOLVED_REMOTELY]
    answer_share = share(answer[1], answer[0])
    client_nights = len({(row.client_id, row.night) for row in client_rows})
    return Figures(
        incidents=len(rows),
        client_incidents=client_incidents,
        client_nights=client_nights,
        contacts_per_client=share(client_incidents, client_nights),
        false_alarm=false_alarm,
        resolved_remotely=resolved_remotely,
        visit=outcomes[Outcome.VISIT_NEEDED],
        emergency_112=outcomes[Outcome.EMERGENCY_112],
        reset_at_source=outcomes[Outcome.RESET_AT_SOURCE],
        undecided=undecided,
        false_alarm_share=share(false_alarm, decided),
        remote_share=share(resolved_remotely + false_alarm, decided),
        visit_share=share(outcomes[Outcome.VISIT_NEEDED], decided),
        emergency_share=share(outcomes[Outcome.EMERGENCY_112], decided),
        unknown_sender=sum(1 for row in rows if row.unknown_sender),
        escalated=sum(1 for row in rows if row.escalations > 0),
        escalation_steps=sum(row.escalations for row in rows),
        answer_p50_seconds=percentile(answer_times, 0.5),
        answer_p90_seconds=percentile(answer_times, 0.9),
        answer_counted=answer[0],
        answer_within=answer[1],
        answer_share=answer_share,
        answer_norm_met=None if answer_share is None else answer_share >= ANSWER_TARGET_SHARE,
        on_site_p50_minutes=percentile(on_site_times, 0.5),
        on_site_p90_minutes=percentile(on_site_times, 0.9),
        on_site_counted=on_site[0],
        on_site_within=on_site[1],
        on_site_share=share(on_site[1], on_site[0]),
    )


def by_intervention(rows: Iterable[IncidentFacts]) -> list[InterventionFigures]:
    """Handling time per intervention type, over the closed incidents that name one."""
    handling: dict[str, list[float]] = defaultdict(list)
    on_site: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        if row.intervention is None or row.closed_at is None:
            continue
        handling[row.intervention].append((row.closed_at - row.received_at).total_seconds() / 60)
        if row.on_site_at is not None and row.completed_at is not None:
            on_site[row.intervention].append(
                (row.completed_at - row.on_site_at).total_seconds() / 60
            )
    return [
        InterventionFigures(
            intervention=kind,
            closed=len(minutes),
            handling_p50_minutes=percentile(minutes, 0.5),
            handling_p90_minutes=percentile(minutes, 0.9),
            on_site_p50_minutes=percentile(on_site[kind], 0.5),
        )
        for kind, minutes in sorted(handling.items())
    ]


K = TypeVar("K", bound=Hashable)


def grouped(
    rows: Iterable[IncidentFacts], key: Callable[[IncidentFacts], K]
) -> dict[K, list[IncidentFacts]]:
    groups: dict[K, list[IncidentFacts]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return dict(groups)


# --- the period ----------------------------------------------------------------------------

DEFAULT_NIGHTS = 14


def night_start(night: date) -> datetime:
    """When the night named ``night`` begins (Amsterdam time, DST-aware), the moment
    ``rules.night_of`` switches to it."""
    return datetime.combine(night, time(NIGHT_STARTS_HOUR), tzinfo=AMSTERDAM)


def period_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of the first night up to (not including) the start of the night after
    the last: the received_at range to read."""
    return night_start(first), night_start(last + timedelta(days=1))


def default_period(now: datetime, nights: int = DEFAULT_NIGHTS) -> tuple[date, date]:
    """The last ``nights`` nights, the one now running (or about to start) included."""
    last = night_of(now)
    return last - timedelta(days=nights - 1), last


def nights_in(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
