"""Rules of the shared night service, pure: the incident's states and who may move it,
escalation steps, heartbeats, the carer to suggest, and what counts against the norms."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Flag, StrEnum, auto
from uuid import UUID

from regiozorg.clock import local
from regiozorg.errors import N_


class IncidentKind(StrEnum):
    ALARM = "alarm"  # from a sensor, call button or alarm platform
    CALL = "call"  # a client's phone or video call, entered by hand
    TECHNICAL = "technical"  # link failure, battery low: the alarm system itself needs care


class IncidentState(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"  # claimed by exactly one handler
    TRIAGE = "triage"  # remote contact by phone or video
    VISIT_NEEDED = "visit_needed"  # someone has to go; waiting for a carer
    DISPATCHED = "dispatched"  # a mobile carer is asked to go
    EN_ROUTE = "en_route"  # the carer said "ik ga"
    ON_SITE = "on_site"
    COMPLETED = "completed"  # handled; the logbook entry is still to be written
    CLOSED = "closed"


class Outcome(StrEnum):
    RESOLVED_REMOTELY = "resolved_remotely"
    FALSE_ALARM = "false_alarm"
    VISIT_NEEDED = "visit_needed"
    EMERGENCY_112 = "emergency_112"
    RESET_AT_SOURCE = "reset_at_source"  # the device reset the alarm before anyone went


class ContactMode(StrEnum):
    PHONE = "phone"
    VIDEO = "video"
    NONE = "none"


class InterventionType(StrEnum):
    REASSURANCE = "reassurance"
    TOILETING = "toileting"
    REPOSITIONING = "repositioning"
    FALL = "fall"
    MEDICATION = "medication"
    EPILEPSY = "epilepsy"
    WANDERING = "wandering"
    TECHNICAL = "technical"
    NONE = "none"
    OTHER = "other"


class Risk(StrEnum):
    EPILEPSY = "epilepsy"
    FALL = "fall"
    WANDERING = "wandering"
    CHALLENGING_BEHAVIOUR = "challenging_behaviour"
    RESPIRATORY = "respiratory"


class DeskRole(StrEnum):
    DESK = "desk"  # remote care professional at the console
    MOBILE = "mobile"  # the shared night carer who goes out (slaapwacht or waakdienst)


class EscalationTarget(StrEnum):
    SECOND_HANDLER = "second_handler"
    LOCATION_STAFF = "location_staff"
    PHONE = "phone"


class UnknownSender(StrEnum):
    """Why an incident's sender is not a known, enrolled client (stored in its timeline)."""

    CONTROLLER = "unknown_controller"
    DEVICE = "unknown_device"
    NO_CLIENT = "device_without_client"
    NOT_ENROLLED = "client_not_enrolled"
    CALLER = "caller_not_recognised"  # a phone call the desk could not name


OPEN_STATES = frozenset(IncidentState) - {IncidentState.COMPLETED, IncidentState.CLOSED}
# A carer busy with one of these is not free for another visit.
CARER_BUSY_STATES = frozenset(
    {IncidentState.DISPATCHED, IncidentState.EN_ROUTE, IncidentState.ON_SITE}
)
REMOTE_OUTCOMES = frozenset({Outcome.RESOLVED_REMOTELY, Outcome.FALSE_ALARM})
VISIT_OUTCOMES = frozenset({Outcome.VISIT_NEEDED, Outcome.EMERGENCY_112})

# Every step of the incident, and the states it may start from. The handler's steps need the
# handler who acknowledged; the carer's steps need the carer it was dispatched to (checked in
# the actions, which know who is who).
TRANSITIONS: dict[IncidentState, frozenset[IncidentState]] = {
    IncidentState.ACKNOWLEDGED: frozenset({IncidentState.RECEIVED}),
    IncidentState.TRIAGE: frozenset({IncidentState.ACKNOWLEDGED}),
    IncidentState.VISIT_NEEDED: frozenset(
        {IncidentState.ACKNOWLEDGED, IncidentState.TRIAGE, IncidentState.DISPATCHED}
    ),
    IncidentState.DISPATCHED: frozenset({IncidentState.VISIT_NEEDED, IncidentState.DISPATCHED}),
    IncidentState.EN_ROUTE: frozenset({IncidentState.DISPATCHED}),
    IncidentState.ON_SITE: frozenset({IncidentState.DISPATCHED, IncidentState.EN_ROUTE}),
    IncidentState.COMPLETED: frozenset(
        {IncidentState.ACKNOWLEDGED, IncidentState.TRIAGE, IncidentState.ON_SITE}
    ),
    IncidentState.CLOSED: frozenset({IncidentState.COMPLETED}),
}

STATE_LABELS = {
    IncidentState.RECEIVED: N_("Nieuw"),
    IncidentState.ACKNOWLEDGED: N_("Opgepakt"),
    IncidentState.TRIAGE: N_("In contact"),
    IncidentState.VISIT_NEEDED: N_("Bezoek nodig"),
    IncidentState.DISPATCHED: N_("Uitgezet"),
    IncidentState.EN_ROUTE: N_("Onderweg"),
    IncidentState.ON_SITE: N_("Aanwezig"),
    IncidentState.COMPLETED: N_("Afgehandeld"),
    IncidentState.CLOSED: N_("Gesloten"),
}


OUTCOME_NOTE_SEPARATOR = ": "
"""Between an outcome's code and the handler's note in the timeline ("<outcome>: <note>")."""


def clinical_text_visible(*, client_known: bool, card_allowed: bool, on_shift: bool) -> bool:
    """May the reader see what was typed about the person in an incident (its summary, the
    triage note, the logbook entry and the handover note)? Exactly who may see the client's
    card; while the sender is still unknown, the night team on shift, who need the text to
    find out whose alarm it was. Off shift the night team sees the steps, not the text."""
    return card_allowed if client_known else on_shift


def event_detail_without_text(detail: str) -> str:
    """A timeline step's stored detail with the free text cut off: only an outcome step holds
    any ("<outcome>: <note>"); every other step holds codes and names, kept as they are."""
    code, separator, _note = detail.partition(OUTCOME_NOTE_SEPARATOR)
    return code if separator and code in set(Outcome) else detail


MAX_SHIFT = timedelta(hours=13)
"""The longest night shift the roster takes, and the longest a shift gives access: the
Arbeidstijdenwet's 13 hours of work in 24 (DOMAIN.md), which also lets a 12-hour night through
on the night the clocks go back. A shift is the reason to read clients' details at night; a
shift of years would be access for years."""


def shift_refusal(starts_at: datetime, ends_at: datetime) -> str | None:
    """Why a night shift cannot go on the roster, if it cannot."""
    if ends_at <= starts_at:
        return N_("Een dienst moet eindigen na het begin.")
    if ends_at - starts_at > MAX_SHIFT:
        return N_("Een nachtdienst duurt hoogstens 13 uur.")
    return None


def transition_refusal(current: IncidentState, target: IncidentState) -> str | None:
    """Why the incident cannot go from ``current`` to ``target`` (a Dutch msgid), or None."""
    if current in TRANSITIONS.get(target, frozenset()):
        return None
    if current is IncidentState.CLOSED:
        return N_("Deze melding is al gesloten.")
    return N_("Deze stap kan nu niet: de melding is al verder of nog niet zo ver.")


def state_after_outcome(outcome: Outcome) -> IncidentState:
    """Remote outcomes end the handling; a visit or 112 waits for a carer to be sent."""
    if outcome in REMOTE_OUTCOMES:
        return IncidentState.COMPLETED
    if outcome in VISIT_OUTCOMES:
        return IncidentState.VISIT_NEEDED
    msg = f"{outcome} is not chosen at triage"
    raise ValueError(msg)


def reset_closes(state: IncidentState) -> bool:
    """A reset from the device closes its alarm only while nobody has been sent: once a carer
    is on the way, the carer decides on site."""
    return state in (IncidentState.RECEIVED, IncidentState.ACKNOWLEDGED, IncidentState.TRIAGE)


# --- the next steps ------------------------------------------------------------------------


class IncidentRole(Flag):
    """What the reader is to one incident: its handler (who claimed it), its carer (who was
    sent), both, or neither (``NONE``: someone else of the night team)."""

    NONE = 0
    HANDLER = auto()
    CARER = auto()


class Step(StrEnum):
    """A step a person can take on an incident now. The carer's steps are named as in their
    address (``/night/incidents/{id}/carer/take``)."""

    ACKNOWLEDGE = "acknowledge"
    START_CONTACT = "start_contact"
    DECIDE_OUTCOME = "decide_outcome"
    DISPATCH = "dispatch"
    TAKE = "take"
    ARRIVE = "arrive"
    COMPLETE = "complete"
    CLOSE = "close"


CARER_STEPS = (Step.TAKE, Step.ARRIVE, Step.COMPLETE)


def incident_role(
    reader: UUID | None, *, handler_id: UUID | None, carer_id: UUID | None
) -> IncidentRole:
    """What ``reader`` is to the incident with this handler and carer."""
    role = IncidentRole.NONE
    if reader is not None and reader == handler_id:
        role |= IncidentRole.HANDLER
    if reader is not None and reader == carer_id:
        role |= IncidentRole.CARER
    return role


_HANDLER_STEPS: dict[IncidentState, tuple[Step, ...]] = {
    IncidentState.ACKNOWLEDGED: (Step.START_CONTACT, Step.DECIDE_OUTCOME),
    IncidentState.TRIAGE: (Step.DECIDE_OUTCOME,),
    IncidentState.VISIT_NEEDED: (Step.DISPATCH,),
    IncidentState.DISPATCHED: (Step.DISPATCH,),
}
# The handler may take the carer's steps on the carer's behalf (a carer without a phone).
_CARER_STEPS: dict[IncidentState, tuple[Step, ...]] = {
    IncidentState.DISPATCHED: (Step.TAKE, Step.ARRIVE),
    IncidentState.EN_ROUTE: (Step.ARRIVE,),
    IncidentState.ON_SITE: (Step.COMPLETE,),
    IncidentState.COMPLETED: (Step.CLOSE,),
}


def next_steps(state: IncidentState, role: IncidentRole) -> tuple[Step, ...]:
    """The steps ``role`` can take on an incident in ``state``, most likely first: anyone of
    the night team claims a new incident; its handler contacts, decides and sends a carer;
    the carer (or the handler on the carer's behalf) goes, arrives, finishes and writes the
    logbook entry. The actions still decide: a step shown can be refused by then."""
    if state is IncidentState.RECEIVED:
        return (Step.ACKNOWLEDGE,)
    steps: tuple[Step, ...] = ()
    if IncidentRole.HANDLER in role:
        steps += _HANDLER_STEPS.get(state, ())
    if role & (IncidentRole.HANDLER | IncidentRole.CARER):
        steps += _CARER_STEPS.get(state, ())
    return steps


# --- priority ----------------------------------------------------------------------------

HIGHEST_PRIORITY = 1
LOWEST_PRIORITY = 5
# Device types whose alarms are urgent by nature (EN 50134-9 codes, see DOMAIN.md).
URGENT_DEVICES = frozenset({"0005", "0017"})  # fall detector, epilepsy sensor
MANUAL_ALARM = "0010"


def priority_for(
    kind: IncidentKind, device_type: str | None, given: int | None, risks: Iterable[str] = ()
) -> int:
    """1 is most urgent. A sender's own priority wins; else fall and epilepsy sensors come
    first, an epilepsy risk raises any alarm of that client, technical messages come last
    but one (a link failure is raised to 1 by its own rule)."""
    if given is not None:
        return max(HIGHEST_PRIORITY, min(LOWEST_PRIORITY, given))
    if kind is IncidentKind.TECHNICAL:
        return 4
    if device_type in URGENT_DEVICES or Risk.EPILEPSY in set(risks):
        return 1
    if kind is IncidentKind.CALL:
        return 2
    return 2 if device_type in ("0003", "0004") else 3


def queue_order(priority: int, received_at: datetime) -> tuple[int, datetime]:
    """The console's queue: most urgent first, then oldest first."""
    return (priority, received_at)


# --- escalation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationStep:
    number: int  # 1, 2, 3 ...
    after_seconds: int  # since the alarm was received
    target: EscalationTarget
    phone: str | None = None


def next_step(steps: Sequence[EscalationStep], done: int) -> EscalationStep | None:
    """The step after the ``done`` steps already taken, in order of their time."""
    ordered = sorted(steps, key=lambda s: (s.after_seconds, s.number))
    return ordered[done] if done < len(ordered) else None


def escalation_deadline(
    received_at: datetime, steps: Sequence[EscalationStep], done: int
) -> datetime | None:
    step = next_step(steps, done)
    return received_at + timedelta(seconds=step.after_seconds) if step else None


class SkipReason(StrEnum):
    """Why an escalation step reached nobody and the next one was taken at once."""

    NO_SECOND_DESK = "no_second_desk"  # one (or no) desk carer on the roster
    NO_LOCATION = "no_location"  # an unknown sender: no location whose staff to call
    NO_STAFF_PHONE = "no_staff_phone"  # the location has no night phone set up
    NO_PHONE = "no_phone"  # a forwarding step without a number


@dataclass(frozen=True)
class Reachable:
    """Who an escalation step of one incident could reach at this moment, as plain data:
    the desk carers on the roster by name, and the incident's location with its night phone."""

    desk: tuple[str, ...] = ()
    location: str | None = None
    location_phone: str | None = None


@dataclass(frozen=True)
class StepTaken:
    """An escalation step as it really happened: whom it reached (names on the console, or a
    number put on the console to call), or why it reached nobody."""

    step: EscalationStep
    notified: tuple[str, ...] = ()  # desk carers warned on their console
    phone: str | None = None  # the number shown on the console to call
    location: str | None = None  # whose staff that number is
    skipped: SkipReason | None = None


def take_step(step: EscalationStep, reachable: Reachable) -> StepTaken:
    """What one step can do now. A second handler needs a second desk carer on the roster;
    the location's staff need a known location with a night phone; forwarding needs a number.
    Nothing here calls anyone: the console shows whom the step warned and which number to
    ring, so the record never claims a call that was not made."""
    if step.target is EscalationTarget.SECOND_HANDLER:
        if len(reachable.desk) < 2:  # "second" means two at the desk
            return StepTaken(step, skipped=SkipReason.NO_SECOND_DESK)
        return StepTaken(step, notified=reachable.desk)
    if step.target is EscalationTarget.LOCATION_STAFF:
        if reachable.location is None:
            return StepTaken(step, skipped=SkipReason.NO_LOCATION)
        if not reachable.location_phone:
            return StepTaken(step, location=reachable.location, skipped=SkipReason.NO_STAFF_PHONE)
        return StepTaken(step, phone=reachable.location_phone, location=reachable.location)
    if not step.phone:
        return StepTaken(step, skipped=SkipReason.NO_PHONE)
    return StepTaken(step, phone=step.phone)


def steps_to_take(
    steps: Sequence[EscalationStep], done: int, reachable: Reachable
) -> list[StepTaken]:
    """The step that is due after ``done``, and while a step reaches nobody the next one at
    once (a skipped step must not cost the client the wait for the next one), up to the first
    that reaches someone or the last step."""
    taken: list[StepTaken] = []
    while (step := next_step(steps, done + len(taken))) is not None:
        taken.append(take_step(step, reachable))
        if taken[-1].skipped is None:
            break
    return taken


# --- heartbeats ----------------------------------------------------------------------------

HEARTBEAT_GRACE = 2.5  # missed intervals tolerated before the link counts as down


def heartbeat_overdue(last_seen: datetime | None, interval_seconds: int, now: datetime) -> bool:
    """A controller that has never reported is not overdue: it may not be installed yet."""
    if last_seen is None:
        return False
    return now - last_seen > timedelta(seconds=interval_seconds * HEARTBEAT_GRACE)


# --- carers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CarerOption:
    user_id: str
    name: str
    busy: bool
    travel_minutes: int | None


def suggested_carer(options: Sequence[CarerOption]) -> CarerOption | None:
    """The nearest free carer by travel time; one without a known travel time comes last."""
    free = [o for o in options if not o.busy]
    if not free:
        return None
    return min(free, key=lambda o: (o.travel_minutes is None, o.travel_minutes or 0, o.name))


# --- reports -------------------------------------------------------------------------------

NIGHT_STARTS_HOUR = 12  # an incident belongs to the night that began on the afternoon before


def night_of(moment: datetime) -> date:
    """The night an incident belongs to, named by its evening's date (Amsterdam time): an
    alarm at 03:00 on the 29th is part of the night of the 28th."""
    here = local(moment)
    return (here - timedelta(hours=NIGHT_STARTS_HOUR)).date()


def within(start: datetime | None, end: datetime | None, norm_seconds: int) -> bool | None:
    """Whether ``end`` came within the norm after ``start``; None when it did not happen."""
    if start is None or end is None:
        return None
    return (end - start).total_seconds() <= norm_seconds


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
