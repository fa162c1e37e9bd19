"""Tables of the shared night service. Night care plans and incidents hold client details:
read them through ``night.actions`` so that every read is audited."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from regiozorg.clock import utcnow
from regiozorg.db import Base, UTCDateTime, string_enum
from regiozorg.night.rules import (
    ContactMode,
    DeskRole,
    EscalationTarget,
    IncidentKind,
    IncidentState,
    InterventionType,
    Outcome,
)


class NightLocation(Base):
    """A location whose clients take part in the shared night service, with its own norms."""

    __tablename__ = "night_locations"
    __table_args__ = (
        CheckConstraint("answer_norm_seconds > 0", name="answer_norm"),
        CheckConstraint("on_site_norm_minutes > 0", name="on_site_norm"),
    )

    location_id: Mapped[UUID] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answer_norm_seconds: Mapped[int] = mapped_column(Integer, default=60)
    on_site_norm_minutes: Mapped[int] = mapped_column(Integer, default=30)
    # Who the escalation's "on-site staff" step calls: the location's own night phone.
    staff_phone: Mapped[str | None] = mapped_column(String(32))


class NightPlan(Base):
    """A client's night care plan (nachtzorgplan); enrolment in the shared service is part of it."""

    __tablename__ = "night_plans"

    client_id: Mapped[UUID] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    enrolled: Mapped[bool] = mapped_column(Boolean, default=True)
    instructions: Mapped[str] = mapped_column(String(2000), default="")
    risks: Mapped[list[str]] = mapped_column(JSON, default=list)
    epilepsy_protocol: Mapped[str] = mapped_column(String(2000), default="")
    monitoring_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_mode: Mapped[ContactMode] = mapped_column(
        string_enum(ContactMode), default=ContactMode.PHONE
    )
    key_information: Mapped[str] = mapped_column(String(1000), default="")
    # The client's own number at night (the phone in the room or at home), to call back.
    phone: Mapped[str] = mapped_column(String(32), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NightContact(Base):
    """Someone to call about a client at night (family, a neighbour with a key), in the order
    the night care plan wants them called."""

    __tablename__ = "night_contacts"
    __table_args__ = (
        UniqueConstraint("client_id", "position"),
        CheckConstraint("phone <> ''", name="phone"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    client_id: Mapped[UUID] = mapped_column(ForeignKey("night_plans.client_id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(160))
    relation: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(32))


class NightShift(Base):
    """One person on the night roster: at the remote desk or as mobile carer."""

    __tablename__ = "night_shifts"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="period"),
        Index("ix_night_shifts_period", "starts_at", "ends_at"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[DeskRole] = mapped_column(string_enum(DeskRole))
    base_location_id: Mapped[UUID | None] = mapped_column(ForeignKey("locations.id"))
    phone: Mapped[str] = mapped_column(String(32), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AlarmController(Base):
    """An alarm controller (SCAIP ``cid``) at a location; its heartbeats prove the link works."""

    __tablename__ = "alarm_controllers"

    controller_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    location_id: Mapped[UUID | None] = mapped_column(ForeignKey("locations.id"))
    heartbeat_interval_seconds: Mapped[int] = mapped_column(Integer, default=300)
    last_heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    link_down: Mapped[bool] = mapped_column(Boolean, default=False)


class AlarmDevice(Base):
    """A sensor or call button behind a controller, and the client it belongs to."""

    __tablename__ = "alarm_devices"
    __table_args__ = (UniqueConstraint("controller_id", "device_id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    controller_id: Mapped[str] = mapped_column(ForeignKey("alarm_controllers.controller_id"))
    device_id: Mapped[str] = mapped_column(String(32), default="")  # "" for the controller's own
    device_type: Mapped[str] = mapped_column(String(4))
    client_id: Mapped[UUID | None] = mapped_column(ForeignKey("clients.id"), index=True)
    room: Mapped[str] = mapped_column(String(60), default="")


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint("priority BETWEEN 1 AND 5", name="priority"),
        Index("ix_incidents_open_queue", "state", "priority", "received_at"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[IncidentKind] = mapped_column(string_enum(IncidentKind))
    state: Mapped[IncidentState] = mapped_column(string_enum(IncidentState))
    outcome: Mapped[Outcome | None] = mapped_column(string_enum(Outcome))
    priority: Mapped[int] = mapped_column(Integer)
    unknown_sender: Mapped[bool] = mapped_column(Boolean, default=False)
    client_id: Mapped[UUID | None] = mapped_column(ForeignKey("clients.id"), index=True)
    organisation_id: Mapped[UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    location_id: Mapped[UUID | None] = mapped_column(ForeignKey("locations.id"), index=True)
    controller_id: Mapped[str | None] = mapped_column(String(32))
    device_id: Mapped[str | None] = mapped_column(String(32))
    device_type: Mapped[str | None] = mapped_column(String(4))
    status_code: Mapped[str | None] = mapped_column(String(8))
    summary: Mapped[str] = mapped_column(String(500), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handler_id: Mapped[UUID | None] = mapped_column(ForeignKey("users.id"))
    triage_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contact_mode: Mapped[ContactMode | None] = mapped_column(string_enum(ContactMode))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    carer_id: Mapped[UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    en_route_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    on_site_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    intervention: Mapped[InterventionType | None] = mapped_column(string_enum(InterventionType))
    log_notes: Mapped[str] = mapped_column(String(4000), default="")
    handover_note: Mapped[str] = mapped_column(String(4000), default="")
    reset_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalations_done: Mapped[int] = mapped_column(Integer, default=0)
    # The next escalation step is due then; a worker runs due steps, so a restart loses none.
    next_escalation_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    @property
    def audited_client(self) -> tuple[UUID, UUID] | None:
        """The client and its organisation, as an audit row names them; None while unknown."""
        if self.client_id and self.organisation_id:
            return (self.client_id, self.organisation_id)
        return None


class IncidentEvent(Base):
    """The incident's timeline, every step with its time and who took it."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    incident_id: Mapped[UUID] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    by_user_id: Mapped[UUID | None] = mapped_column(ForeignKey("users.id"))
    detail: Mapped[str] = mapped_column(String(500), default="")


class AlarmMessage(Base):
    """Every message an alarm platform sent, once: the unique (source, reference) is what makes
    a retried alarm find its first incident instead of opening a second one."""

    __tablename__ = "alarm_messages"
    __table_args__ = (UniqueConstraint("source", "reference"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    source: Mapped[str] = mapped_column(String(120))
    reference: Mapped[str] = mapped_column(String(64))
    message_type: Mapped[str] = mapped_column(String(4))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    incident_id: Mapped[UUID | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class EscalationStepRow(Base):
    """Per priority, what happens when nobody acknowledges an alarm in time."""

    __tablename__ = "escalation_steps"
    __table_args__ = (
        UniqueConstraint("priority", "number"),
        CheckConstraint("after_seconds > 0", name="after"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    priority: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    after_seconds: Mapped[int] = mapped_column(Integer)
    target: Mapped[EscalationTarget] = mapped_column(string_enum(EscalationTarget))
    phone: Mapped[str | None] = mapped_column(String(32))
