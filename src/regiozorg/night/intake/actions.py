"""Alarms, resets and heartbeats coming in: never dropped, never counted twice. A call taken
at the desk (``console.actions``) opens its incident here too.

Every message is stored once under (source, reference); a retry finds the incident its first
try opened. A message from an unknown controller, device or client still becomes an incident,
marked "unknown sender", for the handler to resolve.

Reads other features' tables: ``network`` (clients: whose device it is).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningUpdate

from regiozorg import audit, events
from regiozorg.auth import AccessDeniedError, Actor, Decision, Permission, ensure_allowed
from regiozorg.clock import utcnow
from regiozorg.db import Base
from regiozorg.errors import N_
from regiozorg.network.models import Client
from regiozorg.night import rules
from regiozorg.night.events import IncidentChanged
from regiozorg.night.intake.scaip import MessageType
from regiozorg.night.intake.schemas import AlarmIn
from regiozorg.night.models import (
    AlarmController,
    AlarmDevice,
    AlarmMessage,
    EscalationStepRow,
    Incident,
    IncidentEvent,
    NightPlan,
)
from regiozorg.night.rules import IncidentKind, IncidentState, Outcome, UnknownSender
from regiozorg.transaction import unit_of_work

NIGHT = IncidentChanged.topic


@dataclass(frozen=True)
class Intake:
    incident_id: UUID | None
    duplicate: bool


class InFlight:
    """Intake requests this process has received and not yet answered, by arrival moment.

    A heartbeat waiting in the thread pool behind a storm of others has arrived but is not yet
    in ``last_heartbeat_at``; the watchdog must not call its controller silent. So it judges
    only up to the oldest arrival still waiting (``settled_until``): every heartbeat that
    arrived before then is recorded. A request older than ``MAX_WAIT`` no longer holds the
    watchdog back, so one stuck request cannot silence it. One process's view: with several
    app processes each watchdog waits for its own process's requests only."""

    MAX_WAIT = timedelta(seconds=60)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._arrivals: Counter[datetime] = Counter()

    def arrive(self) -> datetime:
        moment = utcnow()
        with self._lock:
            self._arrivals[moment] += 1
        return moment

    def answered(self, arrival: datetime) -> None:
        with self._lock:
            self._arrivals[arrival] -= 1
            if self._arrivals[arrival] <= 0:
                del self._arrivals[arrival]

    def settled_until(self, moment: datetime) -> datetime:
        """The moment up to which every heartbeat that reached this process is recorded."""
        with self._lock:
            oldest = min(self._arrivals, default=moment)
        return max(min(oldest, moment), moment - self.MAX_WAIT)


in_flight = InFlight()


def source_of(actor: Actor, controller_id: str) -> str:
    """Whose reference space a message's reference lives in: the posting account's and the
    controller's (two platforms, or two controllers, may reuse each other's numbers)."""
    return f"{actor.user_id or actor.email}/{controller_id}"


def escalation_steps(session: Session, priority: int) -> list[rules.EscalationStep]:
    # Columns, not entities: read on every alarm, and nothing here is changed.
    rows = session.execute(
        select(
            EscalationStepRow.number,
            EscalationStepRow.after_seconds,
            EscalationStepRow.target,
            EscalationStepRow.phone,
        ).where(EscalationStepRow.priority == priority)
    ).all()
    return [rules.EscalationStep(*row) for row in rows]


def publish_change(
    session: Session, incident_id: UUID, state: str, priority: int | None = None
) -> None:
    events.publish(session, IncidentChanged(incident_id, state, priority))


def receive_alarm(
    session: Session,
    actor: Actor,
    *,
    message: AlarmIn,
    cleaned: Sequence[str] = (),
    as_sent: Mapping[str, str] | None = None,
    arrived_at: datetime | None = None,
) -> Intake:
    """One message of an alarm platform: an alarm or information opens an incident, a reset
    closes what its alarm opened, a heartbeat keeps the link watched.

    ``cleaned`` names the fields whose text the edge cleaned (control characters removed,
    broken characters replaced); ``as_sent`` holds values the intake could not use as they
    came (a SCAIP priority of 12, say), by tag. Both are stored with the message and shown on
    the incident's timeline: the alarm is taken in either way, and the handler sees why its
    text or priority may differ from what the device sent. ``arrived_at`` is when the request
    reached this process (see ``InFlight``): a heartbeat proves the link as of then."""
    marks = _Marks(tuple(cleaned), dict(as_sent or {}), message.cut)
    if message.message_type is MessageType.HEARTBEAT:
        with unit_of_work(session):
            ensure_allowed(actor, Permission.NIGHT_INTAKE)
            _heartbeat(session, actor, message.controller_id, arrived_at or utcnow())
        return Intake(None, duplicate=False)
    source = source_of(actor, message.controller_id)
    with unit_of_work(session):
        ensure_allowed(actor, Permission.NIGHT_INTAKE)
        if message.message_type is MessageType.RESET:
            incident_id = _reset(session, actor, message)
        else:
            incident_id = _open_incident(session, actor, message)
            _mark(session, actor, incident_id, marks)
        stored = _store_message(session, source, message, incident_id, marks)
        if not stored:
            # The unique (source, reference) is the one duplicate check: a retry, or another
            # request with the same reference that committed first (PostgreSQL waits for it on
            # the key), finds its message there. Undo ours and answer with the first one's.
            session.rollback()
            known = _known_message(session, source, message.reference)
            session.rollback()
            return Intake(known, duplicate=True)
        if incident_id is not None:
            publish_change(session, incident_id, "received")
    return Intake(incident_id, duplicate=False)


def _known_message(session: Session, source: str, reference: str) -> UUID | None:
    row = session.execute(
        select(AlarmMessage.incident_id).where(
            AlarmMessage.source == source, AlarmMessage.reference == reference
        )
    ).first()
    # A stored reset that closed nothing has no incident: still a duplicate, with no id.
    return row[0] if row is not None else None


class _Marks(NamedTuple):
    cleaned: tuple[str, ...]
    as_sent: dict[str, str]
    cut: tuple[str, ...]


CLEANED = "input.cleaned"
"""The timeline step of an alarm whose text was cleaned; its detail names the fields."""
AS_SENT = "input.as_sent"
"""The timeline step of an alarm with values kept as sent; its detail is "tag=value; ..."."""
CUT = "input.cut"
"""The timeline step of an alarm whose text was cut to its length; its detail names fields."""


def _mark(session: Session, actor: Actor, incident_id: UUID, marks: _Marks) -> None:
    """The incident's timeline says where its text or values differ from what was sent."""
    now = utcnow()
    details = {
        CLEANED: ", ".join(marks.cleaned),
        CUT: ", ".join(marks.cut),
        AS_SENT: "; ".join(f"{tag}={value}" for tag, value in marks.as_sent.items()),
    }
    for kind, detail in details.items():
        if detail:
            session.add(
                IncidentEvent(
                    incident_id=incident_id,
                    at=now,
                    kind=kind,
                    by_user_id=actor.user_id,
                    detail=detail[:500],
                )
            )


def _store_message(
    session: Session, source: str, message: AlarmIn, incident_id: UUID | None, marks: _Marks
) -> bool:
    """Insert the message unless its (source, reference) is there already; True if inserted."""
    payload = message.model_dump(mode="json")
    if marks.cleaned:
        payload["cleaned"] = list(marks.cleaned)
    if marks.as_sent:
        payload["as_sent"] = marks.as_sent
    if marks.cut:
        payload["cut"] = list(marks.cut)
    values: dict[str, Any] = {
        "source": source,
        "reference": message.reference,
        "message_type": str(message.message_type),
        "received_at": utcnow(),
        "incident_id": incident_id,
        "payload": payload,
    }
    return _insert_once(session, AlarmMessage, values, key=["source", "reference"])


def _insert_once(
    session: Session, model: type[Base], values: dict[str, Any], *, key: list[str]
) -> bool:
    """Insert a row unless one with the same ``key`` exists or is being inserted by a
    concurrent request: whether this call inserted it. The database's unique key decides, so
    two requests at the same moment never both insert, and neither fails."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**values).on_conflict_do_nothing(index_elements=key)
    session.flush()
    return session.execute(statement.returning(*model.__table__.primary_key)).first() is not None


class ClientRef(NamedTuple):
    id: UUID
    organisation_id: UUID
    location_id: UUID | None


class _Sender(NamedTuple):
    """What an alarm's intake needs to know of its sender; None where the chain breaks."""

    controller_location_id: UUID | None
    known_controller: bool
    known_device: bool
    room: str
    client: ClientRef | None
    enrolled: bool
    risks: list[str]


def _sender_of(session: Session, controller_id: str, device_id: str | None) -> _Sender:
    """The controller, its device (the sensor's own row, else the controller's own "" row),
    the device's client and the client's night plan, in one query of plain columns: every
    alarm asks, so no entities are loaded."""
    row = session.execute(
        select(
            AlarmController.location_id,
            AlarmDevice.id,
            AlarmDevice.room,
            Client.id,
            Client.organisation_id,
            Client.location_id,
            NightPlan.enrolled,
            NightPlan.risks,
        )
        .outerjoin(
            AlarmDevice,
            and_(
                AlarmDevice.controller_id == AlarmController.controller_id,
                AlarmDevice.device_id.in_([device_id or "", ""]),
            ),
        )
        .outerjoin(Client, Client.id == AlarmDevice.client_id)
        .outerjoin(NightPlan, NightPlan.client_id == Client.id)
        .where(AlarmController.controller_id == controller_id)
        .order_by(AlarmDevice.device_id.desc())
        .limit(1)
    ).first()
    if row is None:
        return _Sender(None, False, False, "", None, False, [])
    location, device, room, client, organisation, client_location, enrolled, risks = row
    return _Sender(
        controller_location_id=location,
        known_controller=True,
        known_device=device is not None,
        room=room or "",
        client=ClientRef(client, organisation, client_location) if client else None,
        enrolled=bool(enrolled),
        risks=list(risks or ()),
    )


def _open_incident(session: Session, actor: Actor, message: AlarmIn) -> UUID:
    sender = _sender_of(session, message.controller_id, message.device_id)
    kind = (
        IncidentKind.TECHNICAL if message.message_type is MessageType.INFO else (IncidentKind.ALARM)
    )
    priority = rules.priority_for(kind, message.device_type, message.priority, sender.risks)
    unknown = _unknown_reason(sender)
    summary = " · ".join(
        part
        for part in (
            message.text,
            message.location_text or sender.room,
            f"tel. {message.callback}" if message.callback else "",  # read in any language
        )
        if part
    )
    client = sender.client
    return create_incident(
        session,
        actor,
        kind=kind,
        priority=priority,
        client=client,
        location_id=client.location_id if client else sender.controller_location_id,
        unknown=unknown,
        summary=summary,
        controller_id=message.controller_id,
        device_id=message.device_id,
        device_type=message.device_type,
        status_code=message.status_code,
    )


def _unknown_reason(sender: _Sender) -> UnknownSender | None:
    if not sender.known_controller:
        return UnknownSender.CONTROLLER
    if not sender.known_device:
        return UnknownSender.DEVICE
    if sender.client is None:
        return UnknownSender.NO_CLIENT
    if not sender.enrolled:
        return UnknownSender.NOT_ENROLLED
    return None


def create_incident(
    session: Session,
    actor: Actor,
    *,
    kind: IncidentKind,
    priority: int,
    client: Client | ClientRef | None,
    location_id: UUID | None,
    unknown: UnknownSender | None,
    organisation_id: UUID | None = None,
    summary: str,
    controller_id: str | None = None,
    device_id: str | None = None,
    device_type: str | None = None,
    status_code: str | None = None,
    received_at: datetime | None = None,
) -> UUID:
    now = received_at or utcnow()
    incident = Incident(
        id=uuid.uuid4(),
        kind=kind,
        state=IncidentState.RECEIVED,
        priority=priority,
        unknown_sender=unknown is not None,
        client_id=client.id if client else None,
        organisation_id=client.organisation_id if client else organisation_id,
        location_id=location_id,
        controller_id=controller_id,
        device_id=device_id,
        device_type=device_type,
        status_code=status_code,
        summary=summary[:500],
        received_at=now,
        escalations_done=0,
        next_escalation_at=rules.escalation_deadline(now, escalation_steps(session, priority), 0),
    )
    session.add(incident)
    session.add(
        IncidentEvent(
            incident_id=incident.id,
            at=now,
            kind="received",
            by_user_id=actor.user_id,
            detail=unknown or "",  # the code: the timeline says it in the reader's words
        )
    )
    audit.record(
        session,
        actor,
        f"night.{kind}",
        obj=("incident", incident.id),
        client=(client.id, client.organisation_id) if client else None,
        detail=f"priority {priority}" + (f"; unknown sender: {unknown}" if unknown else ""),
    )
    return incident.id


def _reset(session: Session, actor: Actor, message: AlarmIn) -> UUID | None:
    """Close the newest open alarm of this device while nobody has been sent; once a carer is
    on the way, only note the reset: the carer decides on site."""
    incident = session.scalar(
        select(Incident)
        .where(
            Incident.controller_id == message.controller_id,
            Incident.device_id.is_(None)
            if message.device_id is None
            else Incident.device_id == message.device_id,
            Incident.kind == IncidentKind.ALARM,
            Incident.state.in_(list(rules.OPEN_STATES)),
        )
        .order_by(Incident.received_at.desc())
        .limit(1)
        .with_for_update()
    )
    if incident is None:
        return None
    now = utcnow()
    incident.reset_at = now
    if rules.reset_closes(incident.state):
        incident.state = IncidentState.CLOSED
        incident.outcome = Outcome.RESET_AT_SOURCE
        incident.completed_at = incident.closed_at = now
        incident.next_escalation_at = None
        incident.log_notes = "Alarm door het apparaat gereset voordat iemand ging."
        kind = "reset.closed"
    else:
        kind = "reset.noted"
    session.add(IncidentEvent(incident_id=incident.id, at=now, kind=kind, by_user_id=actor.user_id))
    audit.record(
        session,
        actor,
        "night.reset",
        obj=("incident", incident.id),
        client=incident.audited_client,
        detail=kind,
    )
    return incident.id


def _heartbeat(session: Session, actor: Actor, controller_id: str, now: datetime) -> None:
    """A heartbeat proves the link; one after a link failure says it is back.

    One UPDATE of the controller's row in the usual case (it locks the row as the watchdog's
    check does). A heartbeat carries no client data and changes nothing anyone acts on, so it
    writes no audit row; what it changes that matters does: a controller seen for the first
    time, and a link restored. ``now`` is when the heartbeat arrived; two of one controller
    recorded out of order leave the later arrival."""
    row = session.execute(_beat(controller_id, now)).first()
    if row is None:
        # Watch it from now on: a controller that starts sending and then falls silent is a
        # failure too, even before anyone configured it. After a power cut its first
        # heartbeats can come twice at once: one of them registers it.
        values = {"controller_id": controller_id, "last_heartbeat_at": now}
        if _insert_once(session, AlarmController, values, key=["controller_id"]):
            audit.record(session, actor, "night.controller.seen", obj=("controller", controller_id))
            return
        # The concurrent request's row, now committed: update it as if it had been there.
        row = session.execute(_beat(controller_id, now)).one()
    if row.link_down:
        _restore_link(session, actor, controller_id, now)


def _beat(controller_id: str, arrived: datetime) -> ReturningUpdate[bool]:
    last = AlarmController.last_heartbeat_at
    return (
        update(AlarmController)
        .where(AlarmController.controller_id == controller_id)
        .values(last_heartbeat_at=case((or_(last.is_(None), last < arrived), arrived), else_=last))
        .returning(AlarmController.link_down)
        .execution_options(synchronize_session=False)
    )


def _restore_link(session: Session, actor: Actor, controller_id: str, now: datetime) -> None:
    session.execute(
        update(AlarmController)
        .where(AlarmController.controller_id == controller_id)
        .values(link_down=False)
        .execution_options(synchronize_session=False)
    )
    failures = session.scalars(
        select(Incident).where(
            Incident.controller_id == controller_id,
            Incident.kind == IncidentKind.TECHNICAL,
            Incident.state.in_(list(rules.OPEN_STATES)),
        )
    ).all()
    for failure in failures:
        # The link is back: nobody needs waking for it any more. The incident stays in the
        # queue, because alarms sent while it was down may have been lost: the desk
        # checks and closes it.
        failure.next_escalation_at = None
        session.add(
            IncidentEvent(
                incident_id=failure.id, at=now, kind="link.restored", by_user_id=actor.user_id
            )
        )
    audit.record(session, actor, "night.link.restored", obj=("controller", controller_id))


PLACE_MISMATCH = N_("Deze cliënt of locatie hoort niet bij de gekozen organisatie of locatie.")
NOT_IN_NIGHT_SERVICE = N_("Deze organisatie of locatie doet niet mee aan de nachtzorg.")


def no_such_client(actor: Actor, client_id: UUID) -> AccessDeniedError:
    """The night desk's refusal of a client it may not see, the same as for an id that exists
    nowhere and as elsewhere in the project: 404 "Niet gevonden.", one denied audit row."""
    return AccessDeniedError(
        actor, Permission.NIGHT_HANDLE, Decision.NOT_FOUND, target=("client", client_id)
    )
