"""Setting up the shared night service: which locations and clients take part, their night
care plans, the night roster, alarm controllers and devices, and the escalation steps."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from regiozorg import audit
from regiozorg.auth import Actor, Permission, ensure_allowed
from regiozorg.clock import utcnow
from regiozorg.db import unit_of_work
from regiozorg.errors import N_, DomainError, NotFoundError
from regiozorg.network.models import Client, Location
from regiozorg.night import rules
from regiozorg.night.models import (
    AlarmController,
    AlarmDevice,
    EscalationStepRow,
    NightLocation,
    NightPlan,
    NightShift,
)
from regiozorg.night.rules import ContactMode, DeskRole, Risk

# Used until a network sets its own: answer within 60 s (the alarm-centre norm), then a second
# handler; after 2 minutes the client's own location; after 4 the configured fallback number.
DEFAULT_STEPS = (
    (60, rules.EscalationTarget.SECOND_HANDLER),
    (120, rules.EscalationTarget.LOCATION_STAFF),
    (240, rules.EscalationTarget.PHONE),
)


def enrol_location(
    session: Session,
    actor: Actor,
    *,
    location_id: UUID,
    answer_norm_seconds: int = 60,
    on_site_norm_minutes: int = 30,
    staff_phone: str | None = None,
) -> None:
    """Let a location take part in the night service, or change its norms."""
    with unit_of_work(session):
        location = session.get(Location, location_id)
        if location is None:
            raise NotFoundError("Locatie niet gevonden.")
        ensure_allowed(actor, Permission.NIGHT_SETUP, location.organisation_id)
        row = session.get(NightLocation, location_id) or NightLocation(location_id=location_id)
        row.answer_norm_seconds = answer_norm_seconds
        row.on_site_norm_minutes = on_site_norm_minutes
        row.staff_phone = staff_phone
        session.add(row)
        audit.record(
            session,
            actor,
            "night.location.enrol",
            obj=("location", location_id),
            organisation_id=location.organisation_id,
            detail=f"answer {answer_norm_seconds}s, on site {on_site_norm_minutes}min",
        )


def set_plan(
    session: Session,
    actor: Actor,
    *,
    client_id: UUID,
    enrolled: bool = True,
    instructions: str = "",
    risks: Sequence[Risk] = (),
    epilepsy_protocol: str = "",
    monitoring_consent: bool = False,
    contact_mode: ContactMode = ContactMode.PHONE,
    key_information: str = "",
) -> None:
    """Write a client's night care plan; only the client's own organisation may."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.NIGHT_PLANS)
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError("Cliënt niet gevonden.")
        ensure_allowed(actor, Permission.NIGHT_PLANS, client.organisation_id, client_id=client.id)
        if enrolled and session.get(NightLocation, client.location_id) is None:
            raise DomainError(N_("De locatie van deze cliënt doet niet mee aan de nachtzorg."))
        if Risk.EPILEPSY in risks and not epilepsy_protocol:
            raise DomainError(N_("Bij epilepsie hoort een epilepsieprotocol."))
        plan = session.get(NightPlan, client_id) or NightPlan(client_id=client_id)
        plan.enrolled = enrolled
        plan.instructions = instructions
        plan.risks = sorted({str(r) for r in risks})
        plan.epilepsy_protocol = epilepsy_protocol
        plan.monitoring_consent = monitoring_consent
        plan.contact_mode = contact_mode
        plan.key_information = key_information
        plan.updated_at = utcnow()
        session.add(plan)
        audit.record(
            session,
            actor,
            "night.plan.write",
            obj=("night_plan", client_id),
            client=(client.id, client.organisation_id),
        )


def add_shift(
    session: Session,
    actor: Actor,
    *,
    user_id: UUID,
    role: DeskRole,
    starts_at: datetime,
    ends_at: datetime,
    base_location_id: UUID | None = None,
    phone: str = "",
) -> UUID:
    """Put someone on the night roster, at the desk or as mobile carer."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.NIGHT_SETUP)
        if ends_at <= starts_at:
            raise DomainError(N_("Een dienst moet eindigen na het begin."))
        shift = NightShift(
            id=uuid.uuid4(),
            user_id=user_id,
            role=role,
            starts_at=starts_at,
            ends_at=ends_at,
            base_location_id=base_location_id,
            phone=phone,
        )
        session.add(shift)
        audit.record(session, actor, "night.shift.add", obj=("night_shift", shift.id))
        return shift.id


def register_device(
    session: Session,
    actor: Actor,
    *,
    controller_id: str,
    device_id: str,
    device_type: str,
    client_id: UUID | None,
    location_id: UUID | None,
    room: str = "",
    heartbeat_interval_seconds: int = 300,
) -> None:
    """Tell the service which client a sensor or call button belongs to."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.NIGHT_SETUP)
        controller = session.get(AlarmController, controller_id)
        if controller is None:
            controller = AlarmController(
                controller_id=controller_id,
                location_id=location_id,
                heartbeat_interval_seconds=heartbeat_interval_seconds,
                link_down=False,
            )
            session.add(controller)
            session.flush()
        device = session.scalar(
            select(AlarmDevice).where(
                AlarmDevice.controller_id == controller_id, AlarmDevice.device_id == device_id
            )
        ) or AlarmDevice(controller_id=controller_id, device_id=device_id)
        device.device_type = device_type
        device.client_id = client_id
        device.room = room
        session.add(device)
        audit.record(
            session,
            actor,
            "night.device.register",
            obj=("controller", controller_id),
            detail=f"device {device_id or '-'}",
        )


def set_escalation_steps(
    session: Session,
    actor: Actor,
    *,
    priority: int,
    steps: Sequence[tuple[int, rules.EscalationTarget, str | None]],
) -> None:
    """Replace the escalation steps of one priority: (seconds after the alarm, target, phone)."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.NIGHT_SETUP)
        if any(target is rules.EscalationTarget.PHONE and not phone for _, target, phone in steps):
            raise DomainError(N_("Een doorschakelstap heeft een telefoonnummer nodig."))
        session.execute(delete(EscalationStepRow).where(EscalationStepRow.priority == priority))
        for number, (seconds, target, phone) in enumerate(sorted(steps, key=lambda s: s[0]), 1):
            session.add(
                EscalationStepRow(
                    priority=priority,
                    number=number,
                    after_seconds=seconds,
                    target=target,
                    phone=phone,
                )
            )
        audit.record(
            session,
            actor,
            "night.escalation.set",
            obj=("priority", priority),
            detail=", ".join(f"{s}s {t}" for s, t, _ in steps),
        )


def default_steps(fallback_phone: str) -> list[tuple[int, rules.EscalationTarget, str | None]]:
    return [
        (seconds, target, fallback_phone if target is rules.EscalationTarget.PHONE else None)
        for seconds, target in DEFAULT_STEPS
    ]


def enrolled_location_ids(session: Session) -> list[UUID]:
    return list(session.scalars(select(NightLocation.location_id)))
