"""Pure rules of the bed coordination point: care types, eligibility, the request state
machine, bed availability over time and the matching score. No I/O here."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from regiozorg.auth import Role


@dataclass(frozen=True)
class Reason:
    """Why a rule said no, as a code with its parameters, never a sentence: the sentence is
    chosen in the reader's language where it is shown (``explain`` names the message), so
    stored reasons, reports grouped by reason and English readers all work."""

    code: str
    params: Mapping[str, str | int] = field(default_factory=dict, hash=False)


def stored_reasons(reasons: Iterable[Reason]) -> str:
    """Reasons as kept with a record: JSON, the same reasons always the same text, so the
    reports can count requests by it."""
    return json.dumps([[r.code, dict(r.params)] for r in reasons], sort_keys=True)


def reasons_from(stored: str | None) -> list[Reason]:
    """The reasons ``stored_reasons`` kept."""
    return [Reason(code, params) for code, params in json.loads(stored or "[]")]


class CareType(StrEnum):
    ELV_LOW = "ELV_LOW"
    ELV_HIGH = "ELV_HIGH"
    ELV_PALLIATIVE = "ELV_PALLIATIVE"
    WLZ_CRISIS_VV = "WLZ_CRISIS_VV"
    WLZ_CRISIS_GZ = "WLZ_CRISIS_GZ"
    WLZ_RESPITE = "WLZ_RESPITE"
    GRZ = "GRZ"

    @property
    def is_elv(self) -> bool:
        return self.value.startswith("ELV_")

    @property
    def is_wlz_crisis(self) -> bool:
        return self.value.startswith("WLZ_CRISIS_")


# Expected length of stay, to know for which period a bed must be free (zorgkantoor rules for
# crisis: 14 days V&V, 6 weeks GZ; the rest are usual planning figures, configurable later).
EXPECTED_STAY = {
    CareType.ELV_LOW: timedelta(days=28),
    CareType.ELV_HIGH: timedelta(days=28),
    CareType.ELV_PALLIATIVE: timedelta(days=90),
    CareType.WLZ_CRISIS_VV: timedelta(days=14),
    CareType.WLZ_CRISIS_GZ: timedelta(days=42),
    CareType.WLZ_RESPITE: timedelta(days=14),
    CareType.GRZ: timedelta(days=42),
}
# How soon a request of this care type must be placed (Wlz crisis: 24 h V&V, 48 h GZ).
PLACEMENT_NORM = {
    CareType.WLZ_CRISIS_VV: timedelta(hours=24),
    CareType.WLZ_CRISIS_GZ: timedelta(hours=48),
}
CAPABILITIES = ("pg", "oxygen", "isolation", "bariatric", "hoist", "tube_feeding", "dialysis")


class BedStatus(StrEnum):
    """HL7 v2 table 0116, also FHIR Location.operationalStatus."""

    FREE = "U"
    OCCUPIED = "O"
    CLOSED = "C"
    HOUSEKEEPING = "H"
    ISOLATED = "I"
    CONTAMINATED = "K"


class RequestStatus(StrEnum):
    RECEIVED = "received"
    TRIAGE = "triage"
    NOT_ELIGIBLE = "not_eligible"
    SEARCHING = "searching"
    ON_HOLD = "on_hold"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    CONFIRMED = "confirmed"
    ADMITTED = "admitted"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


OPEN_STATUSES = frozenset(
    {
        RequestStatus.RECEIVED,
        RequestStatus.TRIAGE,
        RequestStatus.SEARCHING,
        RequestStatus.ON_HOLD,
        RequestStatus.OFFERED,
        RequestStatus.ACCEPTED,
        RequestStatus.CONFIRMED,
    }
)


class AssignmentStatus(StrEnum):
    HELD = "held"
    ACCEPTED = "accepted"
    ADMITTED = "admitted"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


# Assignments in these states occupy their bed for their period; the database refuses overlaps.
OCCUPYING = (AssignmentStatus.HELD, AssignmentStatus.ACCEPTED, AssignmentStatus.ADMITTED)


# The organisation a bed was offered to sees the patient while the offer is open, and keeps
# seeing them once it accepted: it admits the patient and cares for them. A declined, expired
# or cancelled offer was the reason to look, and the reason is gone.
PATIENT_ACCESS_STATUSES = frozenset(
    {
        AssignmentStatus.HELD,
        AssignmentStatus.ACCEPTED,
        AssignmentStatus.ADMITTED,
        AssignmentStatus.COMPLETED,
    }
)


def offer_gives_access(
    status: AssignmentStatus, hold_expires_at: datetime | None, now: datetime
) -> bool:
    """Does this offer (a hold or what became of it) let the bed's organisation see the
    patient now? A hold whose time ran out gives nothing, even before the worker marks it."""
    if status == AssignmentStatus.HELD:
        return hold_expires_at is not None and hold_expires_at > now
    return status in PATIENT_ACCESS_STATUSES


class Party(StrEnum):
    """Who makes a transition: the regional coordinator, the provider of the offered bed,
    the referrer, or the system itself (an expiring hold)."""

    COORDINATOR = "coordinator"
    PROVIDER = "provider"
    REFERRER = "referrer"
    SYSTEM = "system"


S = RequestStatus
TRANSITIONS: dict[tuple[RequestStatus, RequestStatus], frozenset[Party]] = (
    {
        (S.RECEIVED, S.TRIAGE): frozenset({Party.COORDINATOR}),
        (S.TRIAGE, S.NOT_ELIGIBLE): frozenset({Party.COORDINATOR}),
        # "Niet passend" is not a dead end: corrected, the request is triaged again.
        (S.NOT_ELIGIBLE, S.TRIAGE): frozenset({Party.COORDINATOR}),
        (S.TRIAGE, S.SEARCHING): frozenset({Party.COORDINATOR}),
        (S.SEARCHING, S.ON_HOLD): frozenset({Party.COORDINATOR}),
        (S.ON_HOLD, S.SEARCHING): frozenset({Party.COORDINATOR}),
        (S.SEARCHING, S.OFFERED): frozenset({Party.COORDINATOR}),
        (S.OFFERED, S.ACCEPTED): frozenset({Party.PROVIDER}),
        (S.OFFERED, S.SEARCHING): frozenset({Party.PROVIDER, Party.COORDINATOR, Party.SYSTEM}),
        (S.ACCEPTED, S.CONFIRMED): frozenset({Party.COORDINATOR}),
        (S.CONFIRMED, S.ADMITTED): frozenset({Party.PROVIDER}),
    }
    | {
        (state, S.CANCELLED): frozenset({Party.COORDINATOR, Party.REFERRER})
        for state in OPEN_STATUSES
    }
    | {(state, S.EXPIRED): frozenset({Party.SYSTEM, Party.COORDINATOR}) for state in OPEN_STATUSES}
)


def transition_refusal(
    current: RequestStatus, target: RequestStatus, party: Party
) -> Reason | None:
    """Why ``party`` may not move a request from ``current`` to ``target``, or None if it may."""
    allowed = TRANSITIONS.get((current, target))
    params = {"current": str(current), "target": str(target)}
    if allowed is None:
        return Reason("transition_impossible", params)
    if party not in allowed:
        return Reason("transition_not_yours", params)
    return None


def cancellation_needs_reason(target: RequestStatus, note: str) -> Reason | None:
    """A request is cancelled with a reason, whoever cancels it and however: the referrer,
    the provider who held a bed and the reports need to know why the search stopped."""
    if target is RequestStatus.CANCELLED and not note.strip():
        return Reason("cancellation_needs_reason")
    return None


COORDINATOR_ROLES = frozenset({Role.COORDINATOR})
PROVIDER_ROLES = frozenset({Role.ORG_ADMIN, Role.COORDINATOR, Role.PHYSICIAN, Role.NIGHT_CARER})


@dataclass(frozen=True)
class Patient:
    initials: str
    birth_year: int
    sex: str  # "F", "M" or "X"
    postcode: str
    needs: frozenset[str] = frozenset()
    has_wlz_indication: bool = False
    life_expectancy_under_3_months: bool = False
    consents_outside_region: bool = False
    expects_return_home: bool = True

    def key(self) -> str:
        """Identifies a patient among open requests with only the minimal data we hold."""
        return f"{self.initials.upper()}|{self.birth_year}|{self.sex}|{self.postcode[:4]}"


@dataclass(frozen=True)
class RequestFacts:
    care_type: CareType
    patient: Patient
    wanted_from: datetime


# Each eligibility rule's reason is its own name: the code stored with a request found not
# suitable (``BedRequest.outcome_codes``) and counted by the reports.


def elv_excluded_by_wlz(request: RequestFacts) -> Reason | None:
    """ELV is for people without a Wlz indication."""
    if request.care_type.is_elv and request.patient.has_wlz_indication:
        return Reason("elv_excluded_by_wlz")
    return None


def palliative_needs_short_life_expectancy(request: RequestFacts) -> Reason | None:
    if request.care_type is CareType.ELV_PALLIATIVE and not (
        request.patient.life_expectancy_under_3_months
    ):
        return Reason("palliative_needs_short_life_expectancy")
    return None


def elv_needs_expected_return_home(request: RequestFacts) -> Reason | None:
    """ELV low and high complexity are a bridge back home; palliative ELV is not."""
    if request.care_type in (CareType.ELV_LOW, CareType.ELV_HIGH) and not (
        request.patient.expects_return_home
    ):
        return Reason("elv_needs_expected_return_home")
    return None


def crisis_needs_consent_to_any_bed(request: RequestFacts) -> Reason | None:
    """In a crisis the client must accept a bed outside the region or their preference."""
    if request.care_type.is_wlz_crisis and not request.patient.consents_outside_region:
        return Reason("crisis_needs_consent_to_any_bed")
    return None


ELIGIBILITY_RULES: tuple[Callable[[RequestFacts], Reason | None], ...] = (
    elv_excluded_by_wlz,
    palliative_needs_short_life_expectancy,
    elv_needs_expected_return_home,
    crisis_needs_consent_to_any_bed,
)


def eligibility_problems(request: RequestFacts) -> list[Reason]:
    return [reason for rule in ELIGIBILITY_RULES if (reason := rule(request)) is not None]


def needed_period(care_type: CareType, wanted_from: datetime) -> tuple[datetime, datetime]:
    return wanted_from, wanted_from + EXPECTED_STAY[care_type]


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    """Half-open periods [start, end) overlap."""
    return a[0] < b[1] and b[0] < a[1]


def bed_available(
    status: BedStatus,
    expected_free_at: datetime | None,
    occupied: Iterable[tuple[datetime, datetime]],
    period: tuple[datetime, datetime],
) -> bool:
    """A bed can take a patient for ``period`` if its reported status allows it then and no
    registered occupancy overlaps. An occupied bed with an expected discharge before the wanted
    time counts as free from then."""
    if status is BedStatus.OCCUPIED:
        if expected_free_at is None or expected_free_at > period[0]:
            return False
    elif status is not BedStatus.FREE:
        return False
    return not any(overlaps(taken, period) for taken in occupied)


@dataclass(frozen=True)
class Candidate:
    bed_id: object
    location_id: object
    organisation_id: object
    location_name: str
    travel_minutes: int
    capabilities: frozenset[str]
    preferred: bool
    free_later: bool
    stale: bool
    has_preference: bool = False  # the patient named a preferred location (this one or not)


# What each factor adds to or takes from a match's score.
PREFERENCE_POINTS = 25.0
FREE_LATER_POINTS = -5.0
STALE_POINTS = -10.0
MISSING_NEED_POINTS = -50.0


@dataclass(frozen=True)
class MatchReason:
    """One factor of a match's rank, as a code with its figures: the words are chosen in the
    reader's language when shown (``beds.explain``). ``points`` is what it added to the score."""

    code: str
    points: float = 0.0
    minutes: int | None = None
    capabilities: tuple[str, ...] = ()


def match_score(candidate: Candidate, needs: frozenset[str]) -> tuple[float, list[MatchReason]]:
    """Higher is better; every factor is named, also those that added nothing, so the
    coordinator sees why a bed ranks where it does: travel time, preference, needs met or
    missing, whether the bed is free now, and how fresh the bed's status is."""
    travel = 100.0 - candidate.travel_minutes
    reasons = [MatchReason("travel", travel, minutes=candidate.travel_minutes)]
    if candidate.preferred:
        reasons.append(MatchReason("preferred", PREFERENCE_POINTS))
    elif candidate.has_preference:
        reasons.append(MatchReason("not_preferred"))
    else:
        reasons.append(MatchReason("no_preference"))
    met = tuple(sorted(needs & candidate.capabilities))
    missing = tuple(sorted(needs - candidate.capabilities))
    if met:
        reasons.append(MatchReason("needs_met", capabilities=met))
    if missing:
        reasons.append(
            MatchReason("needs_missing", MISSING_NEED_POINTS * len(missing), capabilities=missing)
        )
    if not needs:
        reasons.append(MatchReason("no_needs"))
    if candidate.free_later:
        reasons.append(MatchReason("free_later", FREE_LATER_POINTS))
    else:
        reasons.append(MatchReason("free_now"))
    reasons.append(MatchReason("stale", STALE_POINTS) if candidate.stale else MatchReason("fresh"))
    return round(sum(r.points for r in reasons), 1), reasons


class NormState(StrEnum):
    """Where a waiting request stands against its placement norm."""

    NONE = "none"  # no norm for this care type
    WITHIN = "within"
    NEAR = "near"  # 75% of the norm or more: warn before it is passed
    PASSED = "passed"


NORM_WARNING_FRACTION = 0.75


def norm_state(age: timedelta, norm: timedelta | None) -> NormState:
    if norm is None:
        return NormState.NONE
    if age > norm:
        return NormState.PASSED
    if age >= norm * NORM_WARNING_FRACTION:
        return NormState.NEAR
    return NormState.WITHIN


def age_on(day: date, *, birth_year: int, birth_date: date | None = None) -> int:
    """Age in whole years on ``day``: exact with a date of birth, else by the year alone."""
    if birth_date is None:
        return day.year - birth_year
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


# A change of a bed with a patient in it can be undone for this long (a misclick is usually
# noticed at once; the database still refuses an undo that would collide with a new patient).
BED_CHANGE_UNDO_WINDOW = timedelta(minutes=30)


def change_needs_confirmation(current: BedStatus, has_stay: bool, target: BedStatus) -> bool:
    """A bed with a patient in it (reported occupied, or with an admitted stay) changed to
    anything but occupied: one click must not discharge a patient."""
    return (current is BedStatus.OCCUPIED or has_stay) and target is not BedStatus.OCCUPIED


@dataclass(frozen=True)
class Acceptance:
    """A provider's terms at one location; None means no limit."""

    max_age: int | None = None
    admits_from_hour: int | None = None  # local clock hour, inclusive
    admits_until_hour: int | None = None  # local clock hour, exclusive


def acceptance_refusal(
    terms: Acceptance, *, birth_year: int, wanted_local: datetime
) -> Reason | None:
    """Why the provider would not take this patient at the wanted time, or None."""
    age = wanted_local.year - birth_year
    if terms.max_age is not None and age > terms.max_age:
        return Reason("over_max_age", {"max_age": terms.max_age})
    start, end = terms.admits_from_hour, terms.admits_until_hour
    if start is not None and end is not None:
        hour = wanted_local.hour
        inside = start <= hour < end if start <= end else hour >= start or hour < end
        if not inside:
            return Reason("outside_admission_hours", {"start": start, "end": end})
    return None
