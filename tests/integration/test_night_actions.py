"""The night service's actions on real databases: alarms in (known, retried, unknown, reset,
information, heartbeat), escalation and link failure run by the worker's jobs, an incident
from alarm to logbook, the refusals on the way, and who sees the client's card."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from uuid import UUID

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from regiozorg.audit import AuditEntry
from regiozorg.auth import AccessDeniedError
from regiozorg.clock import utcnow
from regiozorg.config import Settings
from regiozorg.errors import ConflictError, DomainError
from regiozorg.network.models import Client
from regiozorg.night import labels, team
from regiozorg.night.console import actions as console
from regiozorg.night.console import escalation, queries
from regiozorg.night.console.schemas import CallIn
from regiozorg.night.incidents import actions
from regiozorg.night.incidents import queries as incident_queries
from regiozorg.night.incidents.schemas import CloseIn, TriageIn
from regiozorg.night.intake import actions as intake
from regiozorg.night.models import (
    AlarmController,
    AlarmDevice,
    AlarmMessage,
    Incident,
    IncidentEvent,
    NightPlan,
)
from regiozorg.night.rules import (
    HEARTBEAT_GRACE,
    IncidentKind,
    IncidentState,
    InterventionType,
    Outcome,
    Risk,
    UnknownSender,
)
from regiozorg.night.senders import actions as senders
from tests.cast import HEIDEZICHT_PHYSICIAN
from tests.night_cast import (
    DESK,
    HOOGEVEEN_HEIDEZICHT,
    MEPPEL,
    MOBILE_HOOGEVEEN,
    MOBILE_MEPPEL,
    PLATFORM,
    actor_of,
    alarm,
)

S = IncidentState
HANDOVER = CloseIn(
    intervention=InterventionType.TOILETING,
    notes="Geholpen naar het toilet, daarna weer rustig geslapen.",
    handover_note="Vannacht één keer geholpen; geen bijzonderheden.",
)


def _device(session: Session, controller: str = MEPPEL) -> AlarmDevice:
    """A device of an enrolled client without epilepsy risk (so its alarms keep their own
    priority): the first such device of ``controller``."""
    devices = session.scalars(
        select(AlarmDevice)
        .where(AlarmDevice.controller_id == controller, AlarmDevice.client_id.is_not(None))
        .order_by(AlarmDevice.device_id)
    ).all()
    for device in devices:
        plan = session.get(NightPlan, device.client_id)
        if plan is not None and plan.enrolled and Risk.EPILEPSY not in plan.risks:
            return device
    raise AssertionError(f"controller {controller} has a client without epilepsy risk")


def _incident(session: Session, incident_id: UUID | None) -> Incident:
    assert incident_id is not None
    session.expire_all()
    incident = session.get(Incident, incident_id)
    assert incident is not None
    return incident


def _timeline(session: Session, incident_id: UUID) -> list[str]:
    return list(
        session.scalars(
            select(IncidentEvent.kind)
            .where(IncidentEvent.incident_id == incident_id)
            .order_by(IncidentEvent.at, IncidentEvent.id)
        )
    )


def _count(session: Session, model: type[Incident] | type[AlarmMessage]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _new_alarm(session: Session, reference: str, device: AlarmDevice | None = None) -> UUID:
    device = device or _device(session)
    received = intake.receive_alarm(
        session,
        actor_of(session, PLATFORM),
        message=alarm(reference, device.controller_id, device.device_id),
    )
    assert received.incident_id is not None and not received.duplicate
    return received.incident_id


def _acknowledged(session: Session, reference: str) -> UUID:
    incident_id = _new_alarm(session, reference)
    actions.acknowledge(session, actor_of(session, DESK), incident_id=incident_id)
    return incident_id


def _dispatched(session: Session, settings: Settings, reference: str) -> UUID:
    incident_id = _acknowledged(session, reference)
    desk = actor_of(session, DESK)
    visit = TriageIn(outcome=Outcome.VISIT_NEEDED)
    actions.triage(session, desk, incident_id=incident_id, data=visit)
    actions.dispatch(session, desk, settings, incident_id=incident_id)
    return incident_id


# --- intake -----------------------------------------------------------------------------------


def test_an_alarm_of_a_known_device_opens_an_incident_for_its_client(session: Session) -> None:
    device = _device(session)
    client = session.get(Client, device.client_id)
    assert client is not None
    incident_id = _new_alarm(session, "KNOWN1", device)

    incident = _incident(session, incident_id)
    assert (incident.kind, incident.state) == (IncidentKind.ALARM, S.RECEIVED)
    assert not incident.unknown_sender
    assert (incident.client_id, incident.organisation_id, incident.location_id) == (
        client.id,
        client.organisation_id,
        client.location_id,
    )
    assert incident.priority == 2  # a call button, no urgent risk
    # The demo's first step for priority 2: a second handler after 60 seconds.
    assert incident.next_escalation_at == incident.received_at + timedelta(seconds=60)
    assert _timeline(session, incident_id) == ["received"]
    audit_rows = session.execute(
        select(AuditEntry.action, AuditEntry.client_id, AuditEntry.user_email).where(
            AuditEntry.object_id == str(incident_id)
        )
    ).all()
    assert [tuple(row) for row in audit_rows] == [("night.alarm", client.id, PLATFORM)]
    assert incident_id in {row.id for row in queries.open_queue(session)}


def test_a_fall_detector_alarm_is_most_urgent_and_escalates_sooner(session: Session) -> None:
    device = _device(session)
    received = intake.receive_alarm(
        session,
        actor_of(session, PLATFORM),
        message=alarm("FALL1", device.controller_id, device.device_id, device_type="0005"),
    )
    incident = _incident(session, received.incident_id)
    assert incident.priority == 1
    assert incident.next_escalation_at == incident.received_at + timedelta(seconds=30)


def test_an_alarm_refused_at_the_door_leaves_no_incident(session: Session) -> None:
    before = (_count(session, Incident), _count(session, AlarmMessage))
    physician = actor_of(session, HEIDEZICHT_PHYSICIAN)
    with pytest.raises(AccessDeniedError):
        intake.receive_alarm(session, physician, message=alarm("REFUSED1"))
    assert (_count(session, Incident), _count(session, AlarmMessage)) == before
    denied = session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.user_email == HEIDEZICHT_PHYSICIAN, AuditEntry.outcome == "denied"
        )
    ).all()
    assert "night.intake" in denied


def test_a_retried_alarm_finds_its_first_incident(session: Session) -> None:
    platform = actor_of(session, PLATFORM)
    device = _device(session)
    message = alarm("RETRY1", device.controller_id, device.device_id)
    before = (_count(session, Incident), _count(session, AlarmMessage))
    first = intake.receive_alarm(session, platform, message=message)
    again = intake.receive_alarm(session, platform, message=message)
    assert not first.duplicate and again.duplicate
    assert again.incident_id == first.incident_id
    assert (_count(session, Incident), _count(session, AlarmMessage)) == (
        before[0] + 1,
        before[1] + 1,
    )
    assert first.incident_id is not None
    assert _timeline(session, first.incident_id) == ["received"]


def test_the_same_reference_from_another_controller_is_another_alarm(session: Session) -> None:
    platform = actor_of(session, PLATFORM)
    meppel = _device(session, MEPPEL)
    hoogeveen = _device(session, HOOGEVEEN_HEIDEZICHT)
    first = intake.receive_alarm(
        session, platform, message=alarm("SAME1", MEPPEL, meppel.device_id)
    )
    other = intake.receive_alarm(
        session, platform, message=alarm("SAME1", HOOGEVEEN_HEIDEZICHT, hoogeveen.device_id)
    )
    assert not other.duplicate
    assert other.incident_id != first.incident_id
    assert _incident(session, other.incident_id).client_id == hoogeveen.client_id


def _unknown_device_without_client(session: Session) -> str:
    session.add(AlarmDevice(controller_id=MEPPEL, device_id="D900", device_type="0003"))
    session.commit()
    return "D900"


def _device_of_client_not_enrolled(session: Session) -> str:
    device = _device(session)
    plan = session.get(NightPlan, device.client_id)
    assert plan is not None
    plan.enrolled = False
    session.commit()
    return device.device_id


@pytest.mark.parametrize(
    ("controller", "device", "reason"),
    [
        ("7999", lambda session: "D001", UnknownSender.CONTROLLER),
        (MEPPEL, lambda session: "D999", UnknownSender.DEVICE),
        (MEPPEL, _unknown_device_without_client, UnknownSender.NO_CLIENT),
        (MEPPEL, _device_of_client_not_enrolled, UnknownSender.NOT_ENROLLED),
    ],
)
def test_an_alarm_of_an_unknown_sender_is_never_dropped(
    session: Session, controller: str, device: Callable[[Session], str], reason: UnknownSender
) -> None:
    device_id = device(session)
    received = intake.receive_alarm(
        session, actor_of(session, PLATFORM), message=alarm("UNKNOWN1", controller, device_id)
    )
    incident = _incident(session, received.incident_id)
    assert incident.unknown_sender
    assert incident.state is S.RECEIVED
    assert incident.next_escalation_at is not None  # it escalates like any other alarm
    queue = {row.id: row for row in queries.open_queue(session)}
    assert queue[incident.id].unknown_sender
    detail = session.scalar(
        select(IncidentEvent.detail).where(IncidentEvent.incident_id == incident.id)
    )
    assert detail == reason  # a code; the timeline says it in the reader's words
    audited = session.scalars(
        select(AuditEntry.detail).where(AuditEntry.object_id == str(incident.id))
    ).one()
    assert audited == f"priority {incident.priority}; unknown sender: {reason}"


def test_a_reset_before_anyone_is_sent_closes_the_alarm(session: Session) -> None:
    device = _device(session)
    incident_id = _acknowledged(session, "RESET1")
    answer = intake.receive_alarm(
        session,
        actor_of(session, PLATFORM),
        message=alarm("RESET1R", device.controller_id, device.device_id, message_type="RE"),
    )
    assert answer.incident_id == incident_id
    incident = _incident(session, incident_id)
    assert (incident.state, incident.outcome) == (S.CLOSED, Outcome.RESET_AT_SOURCE)
    assert incident.reset_at is not None and incident.closed_at is not None
    assert incident.next_escalation_at is None
    assert _timeline(session, incident_id)[-1] == "reset.closed"
    assert incident_id not in {row.id for row in queries.open_queue(session)}


def test_a_reset_after_dispatch_is_only_noted(session: Session, settings: Settings) -> None:
    device = _device(session)
    incident_id = _dispatched(session, settings, "RESET2")
    intake.receive_alarm(
        session,
        actor_of(session, PLATFORM),
        message=alarm("RESET2R", device.controller_id, device.device_id, message_type="RE"),
    )
    incident = _incident(session, incident_id)
    assert incident.state is S.DISPATCHED  # the carer still goes and decides on site
    assert incident.reset_at is not None and incident.closed_at is None
    assert _timeline(session, incident_id)[-1] == "reset.noted"


def test_a_reset_without_an_open_alarm_opens_nothing(session: Session) -> None:
    before = _count(session, Incident)
    answer = intake.receive_alarm(
        session, actor_of(session, PLATFORM), message=alarm("RESET3", message_type="RE")
    )
    assert answer.incident_id is None and not answer.duplicate
    assert _count(session, Incident) == before


def test_an_information_message_opens_a_technical_incident(session: Session) -> None:
    received = intake.receive_alarm(
        session,
        actor_of(session, PLATFORM),
        message=alarm("INFO1", message_type="IN", status_code="0016", text="Batterij bijna leeg"),
    )
    incident = _incident(session, received.incident_id)
    assert (incident.kind, incident.priority) == (IncidentKind.TECHNICAL, 4)
    assert incident.summary.startswith("Batterij bijna leeg")


# --- heartbeats and link failures -------------------------------------------------------------


def _heartbeat(session: Session, reference: str, controller: str = MEPPEL) -> None:
    answer = intake.receive_alarm(
        session,
        actor_of(session, PLATFORM),
        message=alarm(reference, controller, None, message_type="PI"),
    )
    assert answer.incident_id is None


def _link_failures(session: Session, controller: str) -> list[Incident]:
    session.expire_all()
    return list(
        session.scalars(
            select(Incident).where(
                Incident.controller_id == controller, Incident.kind == IncidentKind.TECHNICAL
            )
        )
    )


def test_a_heartbeat_proves_the_link(session: Session) -> None:
    _heartbeat(session, "PING1")
    session.expire_all()
    controller = session.get(AlarmController, MEPPEL)
    assert controller is not None and controller.last_heartbeat_at is not None
    assert not controller.link_down


def _silent_for(session: Session, controller_id: str, intervals: float) -> AlarmController:
    """Make the controller's last heartbeat ``intervals`` heartbeat intervals old."""
    session.expire_all()
    controller = session.get(AlarmController, controller_id)
    assert controller is not None
    controller.last_heartbeat_at = utcnow() - intervals * timedelta(
        seconds=controller.heartbeat_interval_seconds
    )
    session.commit()
    return controller


def test_a_silent_controller_raises_one_urgent_technical_alarm(session: Session) -> None:
    _heartbeat(session, "PING2")
    _silent_for(session, MEPPEL, 2)
    escalation.raise_link_failures(session)  # late, not yet down
    assert _link_failures(session, MEPPEL) == []

    controller = _silent_for(session, MEPPEL, 3)
    escalation.raise_link_failures(session)
    escalation.raise_link_failures(session)  # still down: not raised again
    escalation.raise_link_failures(session, now=utcnow() + timedelta(hours=1))

    failures = _link_failures(session, MEPPEL)
    assert len(failures) == 1
    failure = failures[0]
    assert (failure.priority, failure.state) == (1, S.RECEIVED)
    assert failure.location_id == controller.location_id
    assert "centrale 7100 geeft geen hartslag meer" in failure.summary
    assert failure.next_escalation_at is not None  # it escalates like an alarm
    assert failure.id in {row.id for row in queries.open_queue(session)}
    assert _timeline(session, failure.id) == ["link.failure"]
    assert session.get_one(AlarmController, MEPPEL).link_down

    _heartbeat(session, "PING3")
    session.expire_all()
    assert not session.get_one(AlarmController, MEPPEL).link_down
    assert _timeline(session, failure.id) == ["link.failure", "link.restored"]
    # Back, so nobody is woken for it any more; the desk still sees it and closes it.
    restored = _incident(session, failure.id)
    assert restored.next_escalation_at is None
    assert restored.id in {row.id for row in queries.open_queue(session)}
    escalation.run_due_escalations(session, now=utcnow() + timedelta(hours=1))
    assert _timeline(session, failure.id) == ["link.failure", "link.restored"]


def test_each_controller_is_overdue_by_its_own_heartbeat_interval(session: Session) -> None:
    """The watchdog picks the overdue controllers in SQL, one deadline per interval in use:
    a controller that beats every minute is down after three silent minutes, while one that
    beats every five minutes is not."""
    _heartbeat(session, "PING4", MEPPEL)
    _heartbeat(session, "PING5", HOOGEVEEN_HEIDEZICHT)
    session.expire_all()
    fast = session.get(AlarmController, MEPPEL)
    slow = session.get(AlarmController, HOOGEVEEN_HEIDEZICHT)
    assert fast is not None and slow is not None
    fast.heartbeat_interval_seconds, slow.heartbeat_interval_seconds = 60, 300
    fast.last_heartbeat_at = slow.last_heartbeat_at = utcnow() - timedelta(minutes=3)
    session.commit()

    assert escalation.raise_link_failures(session) == 1
    assert len(_link_failures(session, MEPPEL)) == 1
    assert _link_failures(session, HOOGEVEEN_HEIDEZICHT) == []
    assert escalation.raise_link_failures(session, now=utcnow() + timedelta(minutes=10)) == 1
    assert len(_link_failures(session, HOOGEVEEN_HEIDEZICHT)) == 1


def test_a_heartbeat_that_arrived_in_time_but_waits_in_the_server_raises_no_failure(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a power cut the thread pool has a queue: a heartbeat in it has not reached
    ``last_heartbeat_at`` yet, and its controller's deadline may pass meanwhile."""
    _heartbeat(session, "PING6")
    waiting = intake.in_flight.arrive()  # the heartbeat, arrived, not yet recorded
    try:
        controller = _silent_for(session, MEPPEL, HEARTBEAT_GRACE)
        controller.last_heartbeat_at = waiting - timedelta(
            seconds=controller.heartbeat_interval_seconds * HEARTBEAT_GRACE - 0.05
        )
        session.commit()
        # The watchdog's clock reads 0.1 s after the arrival: the deadline (0.05 s after it)
        # has passed.
        monkeypatch.setattr(escalation, "utcnow", lambda: waiting + timedelta(seconds=0.1))
        assert escalation.raise_link_failures(session) == 0
    finally:
        intake.in_flight.answered(waiting)
    # Had it not been a heartbeat of this controller, the next round raises the failure.
    assert escalation.raise_link_failures(session) == 1
    assert len(_link_failures(session, MEPPEL)) == 1


def test_a_controller_that_never_sent_a_heartbeat_raises_nothing(session: Session) -> None:
    silent = session.get(AlarmController, HOOGEVEEN_HEIDEZICHT)
    assert silent is not None and silent.last_heartbeat_at is None
    escalation.raise_link_failures(session, now=utcnow() + timedelta(days=30))
    assert _link_failures(session, HOOGEVEEN_HEIDEZICHT) == []


# --- escalation -------------------------------------------------------------------------------


def _escalations(session: Session, incident_id: UUID) -> list[str]:
    return list(
        session.scalars(
            select(IncidentEvent.detail)
            .where(IncidentEvent.incident_id == incident_id, IncidentEvent.kind == "escalated")
            .order_by(IncidentEvent.id)
        )
    )


def test_an_unanswered_alarm_escalates_step_by_step_and_never_twice(session: Session) -> None:
    incident_id = _new_alarm(session, "ESC1")  # priority 2: steps at 60, 120 and 240 s
    received = _incident(session, incident_id).received_at

    def run(seconds: int) -> list[str]:
        escalation.run_due_escalations(session, now=received + timedelta(seconds=seconds))
        return _escalations(session, incident_id)

    assert run(59) == []
    # One desk carer on the demo's roster: no second handler to warn, so step 1 is recorded
    # as skipped and step 2 (the location's own staff) is taken at once.
    at_60 = run(60)
    assert len(at_60) == 2
    assert json.loads(at_60[0]) == {
        "step": 1, "target": "second_handler", "skipped": "no_second_desk"
    }  # fmt: skip
    staff = json.loads(at_60[1])
    assert staff["step"] == 2 and staff["target"] == "location_staff"
    assert staff["phone"].startswith("0") and "skipped" not in staff  # the location's phone
    assert len(run(61)) == 2  # a step is taken once, however often the worker runs
    assert len(run(239)) == 2
    assert json.loads(run(240)[2]) == {"step": 3, "target": "phone", "phone": "0522-000000"}
    assert len(run(10_000)) == 3
    incident = _incident(session, incident_id)
    assert incident.escalations_done == 3
    assert incident.next_escalation_at is None  # nothing left to do
    assert incident.state is S.RECEIVED  # escalating calls others; it answers nothing
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.object_id == str(incident_id),
                AuditEntry.action == "night.incident.escalated",
            )
        )
        == 3
    )


def test_an_alarm_that_was_answered_escalates_no_further(session: Session) -> None:
    incident_id = _new_alarm(session, "ESC2")
    received = _incident(session, incident_id).received_at
    escalation.run_due_escalations(session, now=received + timedelta(seconds=60))
    actions.acknowledge(session, actor_of(session, DESK), incident_id=incident_id)
    escalation.run_due_escalations(session, now=received + timedelta(seconds=10_000))
    assert len(_escalations(session, incident_id)) == 2  # step 1 skipped (one desk), step 2
    assert _incident(session, incident_id).next_escalation_at is None


# --- an incident from alarm to logbook --------------------------------------------------------


def test_a_visit_from_alarm_to_handover(session: Session, settings: Settings) -> None:
    desk = actor_of(session, DESK)
    meppel = actor_of(session, MOBILE_MEPPEL)
    incident_id = _new_alarm(session, "LIFE1")

    assert actions.acknowledge(session, desk, incident_id=incident_id) is S.ACKNOWLEDGED
    assert actions.acknowledge(session, desk, incident_id=incident_id) is S.ACKNOWLEDGED  # twice
    assert actions.triage(session, desk, incident_id=incident_id, data=TriageIn()) is S.TRIAGE
    visit = TriageIn(outcome=Outcome.VISIT_NEEDED, note="Valt telkens terug in bed")
    assert actions.triage(session, desk, incident_id=incident_id, data=visit) is S.VISIT_NEEDED

    # Both mobile carers are free; the one based in Meppel is nearer to this Meppel client.
    options = {
        o.name: o
        for o in incident_queries.carer_options(session, settings, _incident(session, incident_id))
    }
    assert len(options) == 2
    minutes = {o.user_id: o.travel_minutes for o in options.values()}
    hoogeveen = actor_of(session, MOBILE_HOOGEVEEN)
    nearer, further = minutes[str(meppel.user_id)], minutes[str(hoogeveen.user_id)]
    assert nearer is not None and further is not None
    assert nearer < further
    assert not any(o.busy for o in options.values())
    carer_id = actions.dispatch(session, desk, settings, incident_id=incident_id)
    assert carer_id == meppel.user_id
    assert list(incident_queries.tasks_of(session, meppel.user_id)) == [incident_id]

    assert actions.take_task(session, meppel, incident_id=incident_id) is S.EN_ROUTE
    assert actions.arrive(session, meppel, incident_id=incident_id) is S.ON_SITE
    assert actions.complete(session, meppel, incident_id=incident_id) is S.COMPLETED
    assert actions.close(session, meppel, incident_id=incident_id, data=HANDOVER) is S.CLOSED

    incident = _incident(session, incident_id)
    moments = [
        incident.received_at,
        incident.acknowledged_at,
        incident.triage_at,
        incident.outcome_at,
        incident.dispatched_at,
        incident.en_route_at,
        incident.on_site_at,
        incident.completed_at,
        incident.closed_at,
    ]
    stamped = [moment for moment in moments if moment is not None]
    assert stamped == sorted(stamped) and len(stamped) == len(moments)
    assert (incident.handler_id, incident.carer_id) == (desk.user_id, meppel.user_id)
    assert incident.outcome is Outcome.VISIT_NEEDED
    assert incident.intervention is InterventionType.TOILETING
    assert incident.handover_note == HANDOVER.handover_note
    assert _timeline(session, incident_id) == [
        "received",
        "acknowledged",
        "triage",
        "visit_needed",
        "dispatched",
        "en_route",
        "on_site",
        "completed",
        "closed",
    ]
    assert incident_id not in {row.id for row in queries.open_queue(session)}


def test_an_alarm_handled_from_a_distance_completes_without_a_visit(session: Session) -> None:
    desk = actor_of(session, DESK)
    incident_id = _acknowledged(session, "REMOTE1")
    done = TriageIn(outcome=Outcome.RESOLVED_REMOTELY, note="Gerustgesteld via beeldbellen")
    assert actions.triage(session, desk, incident_id=incident_id, data=done) is S.COMPLETED
    incident = _incident(session, incident_id)
    assert incident.triage_at is not None and incident.completed_at is not None
    assert incident.dispatched_at is None and incident.carer_id is None
    assert actions.close(session, desk, incident_id=incident_id, data=HANDOVER) is S.CLOSED


def test_a_call_taken_at_the_desk_is_in_contact_at_once(session: Session) -> None:
    desk = actor_of(session, DESK)
    client_id = _device(session).client_id
    incident_id = console.record_call(
        session, desk, call=CallIn(client_id=client_id, summary="Kan niet slapen, wil praten")
    )
    incident = _incident(session, incident_id)
    assert (incident.kind, incident.state) == (IncidentKind.CALL, S.TRIAGE)
    assert incident.handler_id == desk.user_id and incident.client_id == client_id
    assert not incident.unknown_sender
    assert incident.next_escalation_at is None  # already answered
    assert _timeline(session, incident_id) == ["received", "triage"]


def test_resolving_an_unknown_sender_makes_the_next_alarm_known(session: Session) -> None:
    desk = actor_of(session, DESK)
    platform = actor_of(session, PLATFORM)
    client_id = _device(session).client_id
    assert client_id is not None
    first = intake.receive_alarm(session, platform, message=alarm("NEWDEV1", MEPPEL, "D777"))
    assert first.incident_id is not None
    actions.acknowledge(session, desk, incident_id=first.incident_id)
    senders.resolve_sender(
        session, desk, incident_id=first.incident_id, client_id=client_id, remember_device=True
    )
    resolved = _incident(session, first.incident_id)
    assert not resolved.unknown_sender and resolved.client_id == client_id

    second = intake.receive_alarm(session, platform, message=alarm("NEWDEV2", MEPPEL, "D777"))
    known = _incident(session, second.incident_id)
    assert not known.unknown_sender and known.client_id == client_id


# --- refusals ---------------------------------------------------------------------------------


def test_a_night_carer_off_the_roster_cannot_acknowledge(session: Session) -> None:
    incident_id = _new_alarm(session, "OFF1")
    with pytest.raises(team.NotOnShiftError, match="niet op het nachtrooster"):
        actions.acknowledge(session, actor_of(session, PLATFORM), incident_id=incident_id)
    assert _incident(session, incident_id).state is S.RECEIVED


def test_a_second_handler_cannot_take_a_claimed_incident(session: Session) -> None:
    incident_id = _acknowledged(session, "CLAIM1")
    with pytest.raises(ConflictError, match="al opgepakt door") as refused:
        actions.acknowledge(session, actor_of(session, MOBILE_HOOGEVEEN), incident_id=incident_id)
    assert refused.value.params["name"]  # the console says who has it
    incident = _incident(session, incident_id)
    assert incident.handler_id == actor_of(session, DESK).user_id


def test_a_carer_who_was_not_sent_cannot_take_the_task(
    session: Session, settings: Settings
) -> None:
    incident_id = _dispatched(session, settings, "TASK1")
    with pytest.raises(ConflictError, match="aan een andere zorgverlener gegeven"):
        actions.take_task(session, actor_of(session, MOBILE_HOOGEVEEN), incident_id=incident_id)
    assert _incident(session, incident_id).state is S.DISPATCHED


def test_the_handler_may_take_the_carers_steps_on_their_behalf(
    session: Session, settings: Settings
) -> None:
    incident_id = _dispatched(session, settings, "BEHALF1")
    desk = actor_of(session, DESK)
    assert actions.arrive(session, desk, incident_id=incident_id) is S.ON_SITE
    detail = session.scalar(
        select(IncidentEvent.detail).where(
            IncidentEvent.incident_id == incident_id, IncidentEvent.kind == "on_site"
        )
    )
    assert detail == labels.ON_BEHALF  # shown as "namens de zorgverlener"


def test_a_clients_incident_does_not_close_without_a_handover(session: Session) -> None:
    desk = actor_of(session, DESK)
    incident_id = _acknowledged(session, "NOHAND1")
    actions.triage(
        session, desk, incident_id=incident_id, data=TriageIn(outcome=Outcome.FALSE_ALARM)
    )
    bare = CloseIn(intervention=InterventionType.NONE, notes="Vals alarm")
    with pytest.raises(DomainError, match="Schrijf een overdracht"):
        actions.close(session, desk, incident_id=incident_id, data=bare)
    assert _incident(session, incident_id).state is S.COMPLETED


def test_a_step_out_of_order_is_refused(session: Session, settings: Settings) -> None:
    incident_id = _acknowledged(session, "ORDER1")
    with pytest.raises(ConflictError, match="al verder of nog niet zo ver"):
        actions.close(session, actor_of(session, DESK), incident_id=incident_id, data=HANDOVER)
    with pytest.raises(ConflictError, match="al verder of nog niet zo ver"):
        actions.dispatch(session, actor_of(session, DESK), settings, incident_id=incident_id)


def test_a_client_not_enrolled_stays_hidden_from_the_shared_night_team(session: Session) -> None:
    device_id = _device_of_client_not_enrolled(session)
    received = intake.receive_alarm(
        session, actor_of(session, PLATFORM), message=alarm("NOTENR1", MEPPEL, device_id)
    )
    assert received.incident_id is not None
    # Lindehof's client: the Heidezicht carer on the shared team sees nothing of them.
    team = actor_of(session, MOBILE_HOOGEVEEN)
    detail = actions.view_incident(session, team, incident_id=received.incident_id)
    assert detail.unknown_sender and detail.client is None and detail.client_hidden
    assert _denied_card_reads(session, MOBILE_HOOGEVEEN, received.incident_id) == 1


# --- the client's card ------------------------------------------------------------------------


def _denied_card_reads(session: Session, email: str, incident_id: UUID) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.user_email == email,
                AuditEntry.action == "night.client.read",
                AuditEntry.object_id == str(incident_id),
                AuditEntry.outcome == "denied",
            )
        )
        or 0
    )


@pytest.mark.parametrize("email", [DESK, MOBILE_HOOGEVEEN])
def test_the_night_team_on_shift_sees_the_client_card(session: Session, email: str) -> None:
    device = _device(session)
    client = session.get(Client, device.client_id)
    assert client is not None
    incident_id = _new_alarm(session, "CARD1", device)
    detail = actions.view_incident(session, actor_of(session, email), incident_id=incident_id)
    assert detail.client is not None and not detail.client_hidden
    assert (detail.client.name, detail.client.room) == (client.name, device.room)
    assert detail.client.key_information.startswith("Sleutelkluis")
    read = session.scalar(
        select(AuditEntry.outcome).where(
            AuditEntry.user_email == email,
            AuditEntry.action == "night.client.read",
            AuditEntry.object_id == str(incident_id),
        )
    )
    assert read == "success"


def test_a_night_carer_off_the_roster_sees_no_client_card(session: Session) -> None:
    incident_id = _new_alarm(session, "CARD2")
    detail = actions.view_incident(session, actor_of(session, PLATFORM), incident_id=incident_id)
    assert detail.client is None and detail.client_hidden
    assert detail.summary == "" and detail.log_notes == "" and detail.handover_note == ""
    assert _denied_card_reads(session, PLATFORM, incident_id) == 1


def test_another_organisations_physician_sees_no_incident_at_all(session: Session) -> None:
    incident_id = _new_alarm(session, "CARD3")
    with pytest.raises(AccessDeniedError):
        actions.view_incident(
            session, actor_of(session, HEIDEZICHT_PHYSICIAN), incident_id=incident_id
        )
    denied = session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.user_email == HEIDEZICHT_PHYSICIAN, AuditEntry.outcome == "denied"
        )
    ).all()
    assert "night.handle" in denied
