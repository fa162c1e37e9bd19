"""The night service's rules as pure functions: who may move an incident where, how urgent an
alarm is, when it escalates, when a silent controller counts as down, which carer to send, and
which night an incident belongs to."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from itertools import product

import pytest

from regiozorg.auth import SYSTEM, Actor, Decision, Membership, Role, decide_night_client_access
from regiozorg.night import rules
from regiozorg.night.rules import (
    CarerOption,
    EscalationStep,
    EscalationTarget,
    IncidentKind,
    IncidentState,
    Outcome,
)

S = IncidentState
# Every step the incident may take, written out again so that a change to the table is seen.
ALLOWED = {
    (S.RECEIVED, S.ACKNOWLEDGED),
    (S.ACKNOWLEDGED, S.TRIAGE),
    (S.ACKNOWLEDGED, S.VISIT_NEEDED),
    (S.TRIAGE, S.VISIT_NEEDED),
    (S.DISPATCHED, S.VISIT_NEEDED),  # the carer cannot go after all: send another
    (S.VISIT_NEEDED, S.DISPATCHED),
    (S.DISPATCHED, S.DISPATCHED),  # sent to someone else instead
    (S.DISPATCHED, S.EN_ROUTE),
    (S.DISPATCHED, S.ON_SITE),  # "aanwezig" without "ik ga" first
    (S.EN_ROUTE, S.ON_SITE),
    (S.ACKNOWLEDGED, S.COMPLETED),
    (S.TRIAGE, S.COMPLETED),
    (S.ON_SITE, S.COMPLETED),
    (S.COMPLETED, S.CLOSED),
}
TOO_EARLY_OR_LATE = "Deze stap kan nu niet: de melding is al verder of nog niet zo ver."
ALL_PAIRS = list(product(IncidentState, IncidentState))


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_an_allowed_step_is_not_refused(current: IncidentState, target: IncidentState) -> None:
    assert rules.transition_refusal(current, target) is None


@pytest.mark.parametrize(("current", "target"), [pair for pair in ALL_PAIRS if pair not in ALLOWED])
def test_every_other_step_is_refused_with_a_reason(
    current: IncidentState, target: IncidentState
) -> None:
    expected = "Deze melding is al gesloten." if current is S.CLOSED else TOO_EARLY_OR_LATE
    assert rules.transition_refusal(current, target) == expected


def test_nothing_moves_an_incident_back_to_new() -> None:
    assert all(rules.transition_refusal(state, S.RECEIVED) for state in IncidentState)


def test_a_closed_incident_stays_closed() -> None:
    assert all(rules.transition_refusal(S.CLOSED, state) for state in IncidentState)


@pytest.mark.parametrize(
    ("outcome", "state"),
    [
        (Outcome.RESOLVED_REMOTELY, S.COMPLETED),
        (Outcome.FALSE_ALARM, S.COMPLETED),
        (Outcome.VISIT_NEEDED, S.VISIT_NEEDED),
        (Outcome.EMERGENCY_112, S.VISIT_NEEDED),  # the carer goes while the ambulance comes
    ],
)
def test_the_outcome_of_triage_decides_what_comes_next(
    outcome: Outcome, state: IncidentState
) -> None:
    assert rules.state_after_outcome(outcome) is state


def test_a_reset_is_not_an_outcome_a_handler_chooses() -> None:
    with pytest.raises(ValueError, match="reset_at_source"):
        rules.state_after_outcome(Outcome.RESET_AT_SOURCE)


@pytest.mark.parametrize("state", list(IncidentState))
def test_a_reset_closes_the_alarm_only_before_a_visit_is_on_its_way(state: IncidentState) -> None:
    closes = state in (S.RECEIVED, S.ACKNOWLEDGED, S.TRIAGE)
    assert rules.reset_closes(state) is closes


# --- priority ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "device", "given", "risks", "priority"),
    [
        (IncidentKind.ALARM, "0005", 4, (), 4),  # the sender's own priority wins
        (IncidentKind.ALARM, "0003", 0, (), 1),  # ... kept within 1..5
        (IncidentKind.ALARM, "0003", 9, (), 5),
        (IncidentKind.ALARM, "0005", None, (), 1),  # fall detector
        (IncidentKind.ALARM, "0017", None, (), 1),  # epilepsy sensor
        (IncidentKind.ALARM, "0013", None, ("epilepsy",), 1),  # any alarm of an epilepsy client
        (IncidentKind.CALL, None, None, ("epilepsy",), 1),
        (IncidentKind.ALARM, "0003", None, (), 2),  # personal trigger
        (IncidentKind.ALARM, "0004", None, ("fall",), 2),  # fixed trigger
        (IncidentKind.CALL, None, None, (), 2),
        (IncidentKind.ALARM, "0013", None, ("fall",), 3),  # bed mat
        (IncidentKind.ALARM, "0014", None, (), 3),  # door sensor
        (IncidentKind.TECHNICAL, "0005", None, ("epilepsy",), 4),  # the system, not the client
    ],
)
def test_priority_of_an_incident(
    kind: IncidentKind, device: str | None, given: int | None, risks: tuple[str, ...], priority: int
) -> None:
    assert rules.priority_for(kind, device, given, risks) == priority


def test_the_queue_puts_the_most_urgent_first_then_the_oldest() -> None:
    now = datetime(2026, 1, 10, 2, 0, tzinfo=UTC)
    incidents = {
        "old low": (3, now - timedelta(minutes=9)),
        "new urgent": (1, now),
        "old urgent": (1, now - timedelta(minutes=1)),
    }
    order = sorted(incidents, key=lambda name: rules.queue_order(*incidents[name]))
    assert order == ["old urgent", "new urgent", "old low"]


# --- escalation -------------------------------------------------------------------------------

RECEIVED = datetime(2026, 1, 10, 2, 0, tzinfo=UTC)
STEPS = (  # stored in any order; taken in order of their time
    EscalationStep(3, 240, EscalationTarget.PHONE, "0522-000000"),
    EscalationStep(1, 60, EscalationTarget.SECOND_HANDLER),
    EscalationStep(2, 120, EscalationTarget.LOCATION_STAFF),
)


def test_escalation_steps_are_taken_in_order_of_their_time() -> None:
    taken = [rules.next_step(STEPS, done) for done in range(4)]
    assert [step.target if step else None for step in taken] == [
        EscalationTarget.SECOND_HANDLER,
        EscalationTarget.LOCATION_STAFF,
        EscalationTarget.PHONE,
        None,
    ]


def test_steps_at_the_same_time_go_by_their_number() -> None:
    steps = (
        EscalationStep(2, 60, EscalationTarget.LOCATION_STAFF),
        EscalationStep(1, 60, EscalationTarget.SECOND_HANDLER),
    )
    assert [rules.next_step(steps, done) for done in (0, 1)] == [steps[1], steps[0]]


def test_each_escalation_deadline_counts_from_the_alarm() -> None:
    deadlines = [rules.escalation_deadline(RECEIVED, STEPS, done) for done in range(4)]
    assert deadlines == [
        RECEIVED + timedelta(seconds=60),
        RECEIVED + timedelta(seconds=120),
        RECEIVED + timedelta(seconds=240),
        None,  # every step taken: nothing more to wait for
    ]


def test_without_steps_an_alarm_has_no_deadline() -> None:
    assert rules.next_step((), 0) is None
    assert rules.escalation_deadline(RECEIVED, (), 0) is None


# --- heartbeats -------------------------------------------------------------------------------


def test_a_controller_is_down_after_two_and_a_half_missed_heartbeats() -> None:
    last = datetime(2026, 1, 10, 2, 0, tzinfo=UTC)
    assert not rules.heartbeat_overdue(last, 300, last + timedelta(seconds=299))
    assert not rules.heartbeat_overdue(last, 300, last + timedelta(seconds=750))
    assert rules.heartbeat_overdue(last, 300, last + timedelta(seconds=751))
    assert rules.heartbeat_overdue(last, 60, last + timedelta(seconds=151))


def test_a_controller_that_never_reported_is_not_overdue() -> None:
    assert not rules.heartbeat_overdue(None, 300, datetime(2030, 1, 1, tzinfo=UTC))


# --- carers -----------------------------------------------------------------------------------


def carer(name: str, minutes: int | None, *, busy: bool = False) -> CarerOption:
    return CarerOption(user_id=name.lower(), name=name, busy=busy, travel_minutes=minutes)


def test_the_nearest_free_carer_is_suggested() -> None:
    options = [carer("Anna", 25), carer("Bram", 8, busy=True), carer("Cor", 12)]
    assert rules.suggested_carer(options) == options[2]


def test_a_carer_without_a_known_travel_time_comes_last() -> None:
    options = [carer("Anna", None), carer("Bram", 40)]
    assert rules.suggested_carer(options) == options[1]
    assert rules.suggested_carer([options[0]]) == options[0]


def test_carers_equally_near_are_suggested_by_name() -> None:
    assert rules.suggested_carer([carer("Dirk", 10), carer("Bram", 10)]) == carer("Bram", 10)


def test_nobody_is_suggested_when_every_carer_is_busy() -> None:
    assert rules.suggested_carer([carer("Anna", 5, busy=True), carer("Bram", 9, busy=True)]) is None
    assert rules.suggested_carer([]) is None


# --- reports ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "night"),
    [
        (datetime(2026, 1, 28, 22, 30, tzinfo=UTC), date(2026, 1, 28)),  # 23:30 local
        (datetime(2026, 1, 28, 23, 30, tzinfo=UTC), date(2026, 1, 28)),  # 00:30 on the 29th
        (datetime(2026, 1, 29, 2, 0, tzinfo=UTC), date(2026, 1, 28)),  # 03:00 on the 29th
        (datetime(2026, 1, 29, 10, 59, tzinfo=UTC), date(2026, 1, 28)),  # 11:59 local
        (datetime(2026, 1, 29, 11, 0, tzinfo=UTC), date(2026, 1, 29)),  # 12:00 local
        # Clocks go forward at 02:00 on 29 March 2026: 03:30 summer time is still that night.
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), date(2026, 3, 28)),
        (datetime(2026, 3, 29, 9, 59, tzinfo=UTC), date(2026, 3, 28)),  # 11:59 summer time
        (datetime(2026, 3, 29, 10, 0, tzinfo=UTC), date(2026, 3, 29)),  # 12:00 summer time
        # Clocks go back at 03:00 on 25 October 2026: 02:30 happens twice, both that night.
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), date(2026, 10, 24)),  # 02:30 summer time
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), date(2026, 10, 24)),  # 02:30 winter time
        (datetime(2026, 10, 25, 10, 59, tzinfo=UTC), date(2026, 10, 24)),  # 11:59 winter time
        (datetime(2026, 10, 25, 11, 0, tzinfo=UTC), date(2026, 10, 25)),
    ],
)
def test_an_incident_belongs_to_the_night_named_by_its_evening(
    moment: datetime, night: date
) -> None:
    assert rules.night_of(moment) == night


def test_within_the_norm_counts_the_norm_itself_as_met() -> None:
    start = datetime(2026, 1, 10, 2, 0, tzinfo=UTC)
    assert rules.within(start, start + timedelta(seconds=60), 60) is True
    assert rules.within(start, start + timedelta(seconds=61), 60) is False
    assert rules.within(start, None, 60) is None  # never happened: neither met nor missed
    assert rules.within(None, start, 60) is None


def test_a_share_of_nothing_is_no_share() -> None:
    assert rules.share(1, 4) == 0.25
    assert rules.share(0, 4) == 0.0
    assert rules.share(0, 0) is None


# --- who sees a client's details on the night console -----------------------------------------

OWN = uuid.UUID(int=1)
OTHER = uuid.UUID(int=2)


def actor(*roles: Role, organisation: uuid.UUID = OTHER) -> Actor:
    return Actor(
        user_id=uuid.uuid4(),
        email="someone@example.org",
        memberships=frozenset(Membership(organisation, role) for role in roles),
    )


def decide(person: Actor, *, enrolled: bool = True, on_shift: bool = True) -> Decision:
    return decide_night_client_access(
        person, client_organisation_id=OWN, enrolled=enrolled, on_shift=on_shift
    )


def test_the_shared_night_team_sees_an_enrolled_client_while_on_shift() -> None:
    assert decide(actor(Role.NIGHT_CARER)) is Decision.ALLOW


def test_the_shared_night_team_sees_nothing_off_shift() -> None:
    assert decide(actor(Role.NIGHT_CARER), on_shift=False) is Decision.NOT_FOUND


def test_the_shared_night_team_sees_nothing_of_a_client_not_enrolled() -> None:
    assert decide(actor(Role.NIGHT_CARER), enrolled=False) is Decision.NOT_FOUND


@pytest.mark.parametrize(
    "role", [Role.ORG_ADMIN, Role.COORDINATOR, Role.NIGHT_CARER, Role.PHYSICIAN]
)
def test_the_clients_own_care_staff_always_see_it(role: Role) -> None:
    own = actor(role, organisation=OWN)
    assert decide(own, enrolled=False, on_shift=False) is Decision.ALLOW


@pytest.mark.parametrize(
    "role", [Role.ORG_ADMIN, Role.COORDINATOR, Role.PHYSICIAN, Role.NETWORK_ADMIN, Role.PLANNER]
)
def test_another_organisations_staff_see_nothing_even_on_the_roster(role: Role) -> None:
    assert decide(actor(role)) is Decision.NOT_FOUND


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PLANNER])
def test_people_of_the_clients_organisation_without_care_see_nothing(role: Role) -> None:
    assert decide(actor(role, organisation=OWN)) is Decision.NOT_FOUND


def test_the_system_sees_every_client() -> None:
    assert decide(SYSTEM, enrolled=False, on_shift=False) is Decision.ALLOW


def test_only_an_outcome_steps_note_is_cut_from_the_timeline() -> None:
    assert rules.event_detail_without_text("visit_needed: valt vaak") == "visit_needed"
    assert rules.event_detail_without_text("false_alarm") == "false_alarm"
    assert rules.event_detail_without_text("1:phone:0522-000000") == "1:phone:0522-000000"
    assert rules.event_detail_without_text("Jan: de Vries") == "Jan: de Vries"  # a carer's name


def test_free_text_follows_the_card_and_for_an_unknown_sender_the_shift() -> None:
    visible = rules.clinical_text_visible
    assert visible(client_known=True, card_allowed=True, on_shift=False)
    assert not visible(client_known=True, card_allowed=False, on_shift=True)
    assert visible(client_known=False, card_allowed=False, on_shift=True)
    assert not visible(client_known=False, card_allowed=False, on_shift=False)


def test_a_night_shift_lasts_at_most_thirteen_hours() -> None:
    start = datetime(2030, 1, 10, 22, tzinfo=UTC)
    assert rules.shift_refusal(start, start + timedelta(hours=13)) is None
    assert rules.shift_refusal(start, start + timedelta(hours=13, minutes=1)) == (
        "Een nachtdienst duurt hoogstens 13 uur."
    )
    assert rules.shift_refusal(start, start + timedelta(days=3650)) is not None
    assert rules.shift_refusal(start, start) == "Een dienst moet eindigen na het begin."


# --- the next steps (one source for the incident page, the phone view and the API) -------------

Step = rules.Step
Part = rules.IncidentRole
HANDLER, CARER, BOTH, NOBODY = Part.HANDLER, Part.CARER, Part.HANDLER | Part.CARER, Part.NONE


@pytest.mark.parametrize(
    ("state", "role", "expected"),
    [
        (S.RECEIVED, NOBODY, (Step.ACKNOWLEDGE,)),
        (S.ACKNOWLEDGED, HANDLER, (Step.START_CONTACT, Step.DECIDE_OUTCOME)),
        (S.ACKNOWLEDGED, NOBODY, ()),
        (S.TRIAGE, HANDLER, (Step.DECIDE_OUTCOME,)),
        (S.VISIT_NEEDED, HANDLER, (Step.DISPATCH,)),
        (S.VISIT_NEEDED, CARER, ()),
        (S.DISPATCHED, HANDLER, (Step.DISPATCH, Step.TAKE, Step.ARRIVE)),
        (S.DISPATCHED, CARER, (Step.TAKE, Step.ARRIVE)),
        (S.DISPATCHED, NOBODY, ()),
        (S.EN_ROUTE, CARER, (Step.ARRIVE,)),
        (S.ON_SITE, CARER, (Step.COMPLETE,)),
        (S.ON_SITE, HANDLER, (Step.COMPLETE,)),
        (S.COMPLETED, CARER, (Step.CLOSE,)),
        (S.COMPLETED, HANDLER, (Step.CLOSE,)),
        (S.COMPLETED, NOBODY, ()),
        (S.CLOSED, BOTH, ()),
    ],
)
def test_next_steps_follow_the_state_and_the_readers_part(
    state: IncidentState, role: rules.IncidentRole, expected: tuple[rules.Step, ...]
) -> None:
    assert rules.next_steps(state, role) == expected


def test_the_carers_phone_shows_taking_the_task_first_not_arriving() -> None:
    # The phone view shows one big button, the first carer step: "Ik ga" before "Aanwezig".
    assert rules.next_steps(S.DISPATCHED, CARER)[0] is Step.TAKE


STEP_TARGETS = {
    Step.ACKNOWLEDGE: {S.ACKNOWLEDGED},
    Step.START_CONTACT: {S.TRIAGE},
    Step.DECIDE_OUTCOME: {S.COMPLETED, S.VISIT_NEEDED},
    Step.DISPATCH: {S.DISPATCHED},
    Step.TAKE: {S.EN_ROUTE},
    Step.ARRIVE: {S.ON_SITE},
    Step.COMPLETE: {S.COMPLETED},
    Step.CLOSE: {S.CLOSED},
}


@pytest.mark.parametrize(("state", "role"), list(product(IncidentState, [NOBODY, HANDLER, CARER])))
def test_every_step_shown_is_a_move_the_state_allows(
    state: IncidentState, role: rules.IncidentRole
) -> None:
    for step in rules.next_steps(state, role):
        assert all((state, target) in ALLOWED for target in STEP_TARGETS[step]), step


def test_a_readers_part_in_an_incident() -> None:
    handler, carer, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    assert rules.incident_role(handler, handler_id=handler, carer_id=carer) == HANDLER
    assert rules.incident_role(carer, handler_id=handler, carer_id=carer) == CARER
    assert rules.incident_role(handler, handler_id=handler, carer_id=handler) == BOTH
    assert rules.incident_role(other, handler_id=handler, carer_id=carer) == NOBODY
    assert rules.incident_role(None, handler_id=None, carer_id=None) == NOBODY
