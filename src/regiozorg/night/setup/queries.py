"""Read models for the set-up pages: taking part, roster, controllers, escalation, plans.

Each is scoped to what the reader sets up: the network admin sees the whole service, an
organisation's admin their own locations, controllers and carers.

Reads other features' tables: ``network`` (clients, locations, organisations) and ``accounts``
(users and memberships: the night carers to put on the roster)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from regiozorg.accounts.models import MembershipRow, User
from regiozorg.auth import Actor, Permission, Role, scope
from regiozorg.clock import utcnow
from regiozorg.network.models import Client, Location, Organisation
from regiozorg.night.models import (
    AlarmController,
    AlarmDevice,
    EscalationStepRow,
    NightLocation,
    NightPlan,
    NightShift,
)
from regiozorg.night.rules import DeskRole, EscalationTarget


@dataclass(frozen=True)
class LocationLine:
    id: UUID
    code: str
    name: str
    town: str
    organisation: str
    enrolled: bool
    answer_norm_seconds: int | None
    on_site_norm_minutes: int | None
    staff_phone: str | None
    clients_enrolled: int


@dataclass(frozen=True)
class ShiftLine:
    id: UUID
    carer: str
    email: str
    role: DeskRole
    base: str | None
    phone: str
    starts_at: datetime
    ends_at: datetime
    removable: bool


@dataclass(frozen=True)
class CarerChoice:
    id: UUID
    name: str
    email: str


@dataclass(frozen=True)
class DeviceLine:
    device_id: str
    device_type: str
    client_number: str | None
    room: str


@dataclass(frozen=True)
class ControllerLine:
    controller_id: str
    location: str | None
    heartbeat_interval_seconds: int
    last_heartbeat_at: datetime | None
    link_down: bool
    devices: list[DeviceLine] = field(default_factory=list)


@dataclass(frozen=True)
class StepLine:
    number: int
    after_seconds: int
    target: EscalationTarget
    phone: str | None


def locations(session: Session, actor: Actor) -> Sequence[LocationLine]:
    """Every location the reader sets up, enrolled ones first."""
    organisations = scope(actor, Permission.NIGHT_SETUP)
    enrolled_clients = (
        select(Client.location_id, func.count().label("n"))
        .join(NightPlan, NightPlan.client_id == Client.id)
        .where(NightPlan.enrolled.is_(True))
        .group_by(Client.location_id)
        .subquery()
    )
    query = (
        select(Location, Organisation.name, NightLocation, enrolled_clients.c.n)
        .join(Organisation, Organisation.id == Location.organisation_id)
        .outerjoin(NightLocation, NightLocation.location_id == Location.id)
        .outerjoin(enrolled_clients, enrolled_clients.c.location_id == Location.id)
        .order_by(Organisation.name, Location.town, Location.name)
    )
    if organisations is not None:
        query = query.where(Location.organisation_id.in_(organisations))
    lines = [
        LocationLine(
            id=location.id,
            code=location.code,
            name=location.name,
            town=location.town,
            organisation=organisation,
            enrolled=night is not None,
            answer_norm_seconds=night.answer_norm_seconds if night else None,
            on_site_norm_minutes=night.on_site_norm_minutes if night else None,
            staff_phone=night.staff_phone if night else None,
            clients_enrolled=count or 0,
        )
        for location, organisation, night, count in session.execute(query)
    ]
    return sorted(lines, key=lambda line: not line.enrolled)


def upcoming_shifts(session: Session, actor: Actor, *, limit: int = 200) -> Sequence[ShiftLine]:
    """The night roster from now on; everyone in the service sees all of it, since the team is
    shared, but only removes what they could have added."""
    organisations = scope(actor, Permission.NIGHT_SETUP)
    base = aliased(Location)
    rows = session.execute(
        select(NightShift, User.name, User.email, base.name, base.organisation_id)
        .join(User, User.id == NightShift.user_id)
        .outerjoin(base, base.id == NightShift.base_location_id)
        .where(NightShift.ends_at > utcnow())
        .order_by(NightShift.starts_at, User.name)
        .limit(limit)
    )
    return [
        ShiftLine(
            id=shift.id,
            carer=name,
            email=email,
            role=shift.role,
            base=base_name,
            phone=shift.phone,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            removable=organisations is None or base_organisation in organisations,
        )
        for shift, name, email, base_name, base_organisation in rows
    ]


def night_carers(session: Session, actor: Actor) -> Sequence[CarerChoice]:
    """Who can be put on the roster: active night carers of the reader's organisations."""
    organisations = scope(actor, Permission.NIGHT_SETUP)
    query = (
        select(User.id, User.name, User.email)
        .join(MembershipRow, MembershipRow.user_id == User.id)
        .where(MembershipRow.role == Role.NIGHT_CARER, User.active.is_(True))
        .distinct()
        .order_by(User.name)
    )
    if organisations is not None:
        query = query.where(MembershipRow.organisation_id.in_(organisations))
    return [CarerChoice(id=i, name=n, email=e) for i, n, e in session.execute(query)]


def controllers(session: Session, actor: Actor) -> Sequence[ControllerLine]:
    """Alarm controllers at the reader's locations with their devices. Devices name their
    client by number only: the set-up needs no more, and the network admin gets no client data."""
    organisations = scope(actor, Permission.NIGHT_SETUP)
    query = (
        select(AlarmController, Location.name)
        .outerjoin(Location, Location.id == AlarmController.location_id)
        .order_by(AlarmController.controller_id)
    )
    if organisations is not None:
        query = query.where(Location.organisation_id.in_(organisations))
    found = {
        controller.controller_id: ControllerLine(
            controller_id=controller.controller_id,
            location=location,
            heartbeat_interval_seconds=controller.heartbeat_interval_seconds,
            last_heartbeat_at=controller.last_heartbeat_at,
            link_down=controller.link_down,
        )
        for controller, location in session.execute(query)
    }
    devices = session.execute(
        select(AlarmDevice, Client.client_number)
        .outerjoin(Client, Client.id == AlarmDevice.client_id)
        .where(AlarmDevice.controller_id.in_(list(found)))
        .order_by(AlarmDevice.controller_id, AlarmDevice.device_id)
    )
    for device, client_number in devices:
        found[device.controller_id].devices.append(
            DeviceLine(
                device_id=device.device_id,
                device_type=device.device_type,
                client_number=client_number,
                room=device.room,
            )
        )
    return list(found.values())


def escalation_steps(session: Session) -> dict[int, list[StepLine]]:
    steps: dict[int, list[StepLine]] = {priority: [] for priority in range(1, 6)}
    for row in session.scalars(
        select(EscalationStepRow).order_by(EscalationStepRow.priority, EscalationStepRow.number)
    ):
        steps.setdefault(row.priority, []).append(
            StepLine(
                number=row.number,
                after_seconds=row.after_seconds,
                target=row.target,
                phone=row.phone,
            )
        )
    return steps


class Enrolment(StrEnum):
    ENROLLED = "enrolled"
    NOT_ENROLLED = "not_enrolled"
    NO_PLAN = "no_plan"


@dataclass(frozen=True)
class PlanLine:
    client_id: UUID
    client_number: str
    name: str
    location: str
    enrolment: Enrolment
    updated_at: datetime | None


def plans(session: Session, actor: Actor, *, limit: int = 1000) -> Sequence[PlanLine]:
    """The reader's own organisations' clients at locations in the night service, with where
    their night care plan stands."""
    organisations = scope(actor, Permission.NIGHT_PLANS)
    query = (
        select(Client, Location.name, NightPlan)
        .join(Location, Location.id == Client.location_id)
        .join(NightLocation, NightLocation.location_id == Location.id)
        .outerjoin(NightPlan, NightPlan.client_id == Client.id)
        .order_by(Location.name, Client.client_number)
        .limit(limit)
    )
    if organisations is not None:
        query = query.where(Client.organisation_id.in_(organisations))
    return [
        PlanLine(
            client_id=client.id,
            client_number=client.client_number,
            name=client.name,
            location=location,
            enrolment=Enrolment.NO_PLAN
            if plan is None
            else (Enrolment.ENROLLED if plan.enrolled else Enrolment.NOT_ENROLLED),
            updated_at=plan.updated_at if plan else None,
        )
        for client, location, plan in session.execute(query)
    ]
