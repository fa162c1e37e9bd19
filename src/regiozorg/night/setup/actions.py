"""Setting up the shared night service: which locations and clients take part, their night
care plans, the night roster, alarm controllers and devices, and the escalation steps.

Reads other features' tables for its checks, never writes them: ``network`` (clients and
locations: whose they are) and ``accounts`` (users and memberships: who is a night carer)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from regiozorg import audit
from regiozorg.accounts.models import MembershipRow, User
from regiozorg.auth import (
    AccessDeniedError,
    Actor,
    Decision,
    Permission,
    Role,
    decide,
    ensure_allowed,
    scope,
)
from regiozorg.clock import AMSTERDAM, utcnow
from regiozorg.errors import N_, DomainError, NotFoundError
from regiozorg.network.models import Client, Location
from regiozorg.night import periods, rules
from regiozorg.night.models import (
    AlarmController,
    AlarmDevice,
    EscalationStepRow,
    NightLocation,
    NightPlan,
    NightShift,
)
from regiozorg.night.rules import ContactMode, DeskRole, Risk
from regiozorg.transaction import unit_of_work

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
        if answer_norm_seconds <= 0 or on_site_norm_minutes <= 0:
            raise DomainError(N_("Normen moeten groter zijn dan nul."))
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


def unenrol_location(session: Session, actor: Actor, *, location_id: UUID) -> int:
    """Take a location out of the night service; its clients' plans stay but are no longer
    enrolled, so the night team stops seeing them. Returns how many plans were switched off."""
    with unit_of_work(session):
        location = session.get(Location, location_id)
        if location is None:
            raise NotFoundError("Locatie niet gevonden.")
        ensure_allowed(actor, Permission.NIGHT_SETUP, location.organisation_id)
        row = session.get(NightLocation, location_id)
        if row is None:
            raise DomainError(N_("Deze locatie doet niet mee aan de nachtzorg."))
        session.delete(row)
        plans = session.scalars(
            select(NightPlan)
            .join(Client, Client.id == NightPlan.client_id)
            .where(Client.location_id == location_id, NightPlan.enrolled.is_(True))
        ).all()
        for plan in plans:
            plan.enrolled = False
        audit.record(
            session,
            actor,
            "night.location.unenrol",
            obj=("location", location_id),
            organisation_id=location.organisation_id,
            detail=f"{len(plans)} plans no longer enrolled",
        )
        return len(plans)


def _no_such_client(actor: Actor, permission: Permission, client_id: UUID) -> AccessDeniedError:
    """The refusal for a client id that exists nowhere: the same as for another organisation's
    client (404 "Niet gevonden.", one denied audit row), so neither tells the other apart."""
    return AccessDeniedError(actor, permission, Decision.NOT_FOUND, target=("client", client_id))


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
            raise _no_such_client(actor, Permission.NIGHT_PLANS, client_id)
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


@dataclass(frozen=True)
class PlanView:
    """A client's night care plan as its own organisation reads and edits it."""

    client_id: UUID
    organisation_id: UUID
    client_number: str
    name: str
    location: str
    location_enrolled: bool
    exists: bool
    enrolled: bool
    instructions: str
    risks: tuple[Risk, ...]
    epilepsy_protocol: str
    monitoring_consent: bool
    contact_mode: ContactMode
    key_information: str
    updated_at: datetime | None


def read_plan(session: Session, actor: Actor, *, client_id: UUID) -> PlanView:
    """A client's night care plan; it holds client details, so the read is audited."""
    with unit_of_work(session):
        # Asked first without the organisation: whoever may read no plans at all gets the same
        # 403 for every id and cannot probe which clients exist.
        ensure_allowed(actor, Permission.NIGHT_PLANS)
        row = session.execute(
            select(Client, Location.name)
            .join(Location, Location.id == Client.location_id)
            .where(Client.id == client_id)
        ).first()
        if row is None:
            raise _no_such_client(actor, Permission.NIGHT_PLANS, client_id)
        client, location = row
        ensure_allowed(actor, Permission.NIGHT_PLANS, client.organisation_id, client_id=client.id)
        plan = session.get(NightPlan, client_id)
        audit.record(
            session,
            actor,
            "night.plan.read",
            obj=("night_plan", client_id),
            client=(client.id, client.organisation_id),
        )
        return PlanView(
            client_id=client.id,
            organisation_id=client.organisation_id,
            client_number=client.client_number,
            name=client.name,
            location=location,
            location_enrolled=session.get(NightLocation, client.location_id) is not None,
            exists=plan is not None,
            enrolled=plan.enrolled if plan else False,
            instructions=plan.instructions if plan else "",
            risks=tuple(Risk(r) for r in plan.risks if r in Risk.__members__.values())
            if plan
            else (),
            epilepsy_protocol=plan.epilepsy_protocol if plan else "",
            monitoring_consent=plan.monitoring_consent if plan else False,
            contact_mode=plan.contact_mode if plan else ContactMode.PHONE,
            key_information=plan.key_information if plan else "",
            updated_at=plan.updated_at if plan else None,
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
    """Put someone on the night roster, at the desk or as mobile carer. An organisation's admin
    rosters from their own locations; a shift without a base location is the network's."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.NIGHT_SETUP)
        if base_location_id is None:
            _ensure_network_wide(actor)
        else:
            base = session.get(Location, base_location_id)
            if base is None:
                raise NotFoundError("Locatie niet gevonden.")
            ensure_allowed(actor, Permission.NIGHT_SETUP, base.organisation_id)
        refusal = rules.shift_refusal(starts_at, ends_at)
        if refusal is not None:
            raise DomainError(refusal)
        night_carer = session.scalar(
            select(MembershipRow.id)
            .join(User, User.id == MembershipRow.user_id)
            .where(
                MembershipRow.user_id == user_id,
                MembershipRow.role == Role.NIGHT_CARER,
                User.active.is_(True),
            )
            .limit(1)
        )
        if night_carer is None:
            raise DomainError(N_("Alleen nachtzorgmedewerkers kunnen op het nachtrooster."))
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


def remove_shift(session: Session, actor: Actor, *, shift_id: UUID) -> None:
    """Take a shift off the night roster, by whoever could have put it there."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.NIGHT_SETUP)
        shift = session.get(NightShift, shift_id)
        if shift is None:
            raise NotFoundError("Dienst niet gevonden.")
        base = session.get(Location, shift.base_location_id) if shift.base_location_id else None
        if base is None:
            _ensure_network_wide(actor)
        else:
            ensure_allowed(actor, Permission.NIGHT_SETUP, base.organisation_id)
        session.delete(shift)
        audit.record(session, actor, "night.shift.remove", obj=("night_shift", shift_id))


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
    """Tell the service which client a sensor or call button belongs to. An organisation's
    admin registers devices only on its own locations' controllers and for its own clients."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.NIGHT_SETUP)
        if not (controller_id.isdigit() and len(controller_id) <= 32):
            raise DomainError(N_("Een controller-id bestaat uit cijfers."))
        if not (len(device_type) == 4 and device_type.isdigit()):
            raise DomainError(N_("Een apparaattype is een code van vier cijfers, zoals 0003."))
        controller = session.get(AlarmController, controller_id)
        owner_location = controller.location_id if controller is not None else location_id
        location = session.get(Location, owner_location) if owner_location else None
        if location is None:
            _ensure_network_wide(actor)
        else:
            ensure_allowed(actor, Permission.NIGHT_SETUP, location.organisation_id)
        if client_id is not None:
            client = session.get(Client, client_id)
            # Setting up is not secret, but whose client is: another organisation's client
            # reads exactly as one that does not exist.
            if client is None or (
                decide(actor, Permission.NIGHT_SETUP, client.organisation_id) is not Decision.ALLOW
            ):
                raise _no_such_client(actor, Permission.NIGHT_SETUP, client_id)
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


def client_by_number(session: Session, actor: Actor, client_number: str) -> UUID:
    """The client with this number among the organisations ``actor`` sets up the night service
    for; a number of another organisation is simply not found."""
    organisations = scope(actor, Permission.NIGHT_SETUP)
    query = select(Client.id).where(Client.client_number == client_number.strip())
    if organisations is not None:
        query = query.where(Client.organisation_id.in_(organisations))
    found = session.scalars(query.limit(2)).all()
    if not found:
        raise NotFoundError("Geen cliënt met nummer {number}.", number=client_number)
    if len(found) > 1:
        raise DomainError(
            N_("Cliëntnummer {number} komt bij meer organisaties voor."), number=client_number
        )
    return found[0]


def location_by_code(session: Session, code: str) -> UUID:
    found = session.scalar(select(Location.id).where(Location.code == code.strip()))
    if found is None:
        raise NotFoundError("Geen locatie met code {code}.", code=code)
    return found


def user_by_email(session: Session, email: str) -> UUID:
    found = session.scalar(select(User.id).where(User.email == email.strip().lower()))
    if found is None:
        raise NotFoundError("Geen gebruiker met e-mailadres {email}.", email=email)
    return found


def set_escalation_steps(
    session: Session,
    actor: Actor,
    *,
    priority: int,
    steps: Sequence[tuple[int, rules.EscalationTarget, str | None]],
) -> None:
    """Replace the escalation steps of one priority: (seconds after the alarm, target, phone).
    The steps hold for every location in the service, so only the network sets them."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.NIGHT_SETUP)
        _ensure_network_wide(actor)
        if not rules.HIGHEST_PRIORITY <= priority <= rules.LOWEST_PRIORITY:
            raise DomainError(N_("Kies een prioriteit van 1 tot en met 5."))
        if not steps:
            raise DomainError(N_("Geef minstens één escalatiestap op."))
        if any(seconds <= 0 for seconds, _, _ in steps):
            raise DomainError(N_("Een escalatiestap moet na minstens één seconde komen."))
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
                    phone=phone or None,
                )
            )
        audit.record(
            session,
            actor,
            "night.escalation.set",
            obj=("priority", priority),
            detail=", ".join(f"{s}s {t}" for s, t, _ in steps),
        )


def _ensure_network_wide(actor: Actor) -> None:
    """What belongs to the whole service, not to one organisation, is for the network admin."""
    if scope(actor, Permission.NIGHT_SETUP) is not None:
        raise AccessDeniedError(actor, Permission.NIGHT_SETUP, Decision.FORBIDDEN)


def parse_local_time(text: str) -> datetime:
    """A moment typed as people read the clock in the Netherlands ("2026-03-28T23:00"), in UTC.
    An ISO time with an offset is taken as it is; a wall-clock time that does not exist (the
    hour skipped when summer time starts) is refused rather than guessed."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise DomainError(N_("Vul een geldige datum en tijd in.")) from None
    periods.check_moment(moment)  # before converting: that overflows at the calendar's ends
    if moment.tzinfo is None:
        wall = moment
        moment = moment.replace(tzinfo=AMSTERDAM)
        if moment.astimezone(UTC).astimezone(AMSTERDAM).replace(tzinfo=None) != wall:
            raise DomainError(N_("Dit tijdstip bestaat niet: de klok gaat dan een uur vooruit."))
    return moment.astimezone(UTC)
