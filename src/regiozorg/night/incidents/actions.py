"""An incident's steps, from acknowledging to the logbook: each one transaction, with its
timestamp, its timeline entry and its audit row; the console hears of it after commit. Linking
an unknown sender is a step too, in ``night.senders``, which takes the incident the same way
(``for_step``, ``ensure_handler``).

Reads other features' tables (never writes them): ``network`` (clients and locations: the
client card) and ``accounts`` (users: the names of the handler and the carer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg import audit
from regiozorg.accounts.models import User
from regiozorg.auth import (
    SYSTEM,
    Actor,
    Decision,
    Permission,
    decide_night_client_access,
    ensure_allowed,
)
from regiozorg.clock import utcnow
from regiozorg.config import Settings
from regiozorg.errors import N_, ConflictError, DomainError, NotFoundError
from regiozorg.network.models import Client, Location
from regiozorg.night import labels, rules
from regiozorg.night.incidents import queries
from regiozorg.night.incidents.schemas import (
    ClientCardOut,
    CloseIn,
    IncidentOut,
    TimelineEntryOut,
    TriageIn,
)
from regiozorg.night.intake.actions import publish_change
from regiozorg.night.models import (
    AlarmDevice,
    EscalationStepRow,
    Incident,
    IncidentEvent,
    NightContact,
    NightLocation,
    NightPlan,
)
from regiozorg.night.rules import DeskRole, IncidentState, Outcome
from regiozorg.night.team import ensure_on_shift, on_shift
from regiozorg.transaction import unit_of_work

NOT_YOUR_INCIDENT = N_("Deze melding is al opgepakt door {name}.")
NOT_YOUR_TASK = N_("Deze taak is aan een andere zorgverlener gegeven.")


def _locked(session: Session, incident_id: UUID) -> Incident:
    incident = session.get(Incident, incident_id, with_for_update=True)
    if incident is None:
        raise NotFoundError("Melding niet gevonden.")
    return incident


def for_step(session: Session, actor: Actor, incident_id: UUID) -> Incident:
    """The incident, locked, for a step by someone on the night roster now (on SQLite the
    action's transaction holds the write lock from its start: see ``transaction.unit_of_work``)."""
    ensure_on_shift(session, actor)
    return _locked(session, incident_id)


def _move(
    session: Session,
    actor: Actor,
    incident: Incident,
    target: IncidentState,
    detail: str = "",
) -> datetime:
    refusal = rules.transition_refusal(incident.state, target)
    if refusal is not None:
        raise ConflictError(refusal)
    now = utcnow()
    incident.state = target
    session.add(
        IncidentEvent(
            incident_id=incident.id,
            at=now,
            kind=str(target),
            by_user_id=actor.user_id,
            detail=detail[:500],
        )
    )
    audit.record(
        session,
        actor,
        f"night.incident.{target}",
        obj=("incident", incident.id),
        client=incident.audited_client,
        # The trail names what was done, never what was typed about the person.
        detail=rules.event_detail_without_text(detail)[:500] or None,
    )
    return now


def _name(session: Session, user_id: UUID | None) -> str:
    return (session.scalar(select(User.name).where(User.id == user_id)) or "?") if user_id else "?"


def ensure_handler(session: Session, actor: Actor, incident: Incident) -> None:
    if incident.handler_id != actor.user_id:
        raise ConflictError(NOT_YOUR_INCIDENT, name=_name(session, incident.handler_id))


def _ensure_carer_or_handler(actor: Actor, incident: Incident) -> None:
    """The carer's steps are the carer's, or the handler's on the carer's behalf."""
    if actor.user_id not in (incident.carer_id, incident.handler_id):
        raise ConflictError(NOT_YOUR_TASK)


def acknowledge(session: Session, actor: Actor, *, incident_id: UUID) -> IncidentState:
    """Claim the incident: exactly one handler, everyone sees who. Claiming it twice is fine."""
    with unit_of_work(session):
        incident = for_step(session, actor, incident_id)
        if incident.state is not IncidentState.RECEIVED:
            ensure_handler(session, actor, incident)
            return incident.state
        incident.acknowledged_at = _move(session, actor, incident, IncidentState.ACKNOWLEDGED)
        incident.handler_id = actor.user_id
        incident.next_escalation_at = None  # answered: the escalation stops here
        publish_change(session, incident_id, IncidentState.ACKNOWLEDGED, incident.priority)
    return IncidentState.ACKNOWLEDGED


def triage(session: Session, actor: Actor, *, incident_id: UUID, data: TriageIn) -> IncidentState:
    """Remote contact, and its outcome once known: handled from a distance, a false alarm, a
    visit, or 112 (a visit too: the carer goes while the ambulance comes)."""
    with unit_of_work(session):
        incident = for_step(session, actor, incident_id)
        ensure_handler(session, actor, incident)
        if incident.state is IncidentState.ACKNOWLEDGED and (
            data.outcome is None or data.contact_mode is not rules.ContactMode.NONE
        ):
            incident.triage_at = _move(
                session, actor, incident, IncidentState.TRIAGE, data.contact_mode
            )
            incident.contact_mode = data.contact_mode
        elif data.outcome is None:
            raise ConflictError(
                rules.transition_refusal(incident.state, IncidentState.TRIAGE)
                or N_("Het contact loopt al.")
            )
        if data.outcome is not None:
            if data.outcome is Outcome.RESET_AT_SOURCE:
                raise ConflictError(N_("Alleen het apparaat zelf kan een alarm resetten."))
            target = rules.state_after_outcome(data.outcome)
            incident.outcome_at = _move(
                session, actor, incident, target, labels.outcome_detail(data.outcome, data.note)
            )
            incident.outcome = data.outcome
            if target is IncidentState.COMPLETED:
                incident.completed_at = incident.outcome_at
        state = incident.state
        publish_change(session, incident_id, state, incident.priority)
    return state


def dispatch(
    session: Session,
    actor: Actor,
    settings: Settings,
    *,
    incident_id: UUID,
    carer_id: UUID | None = None,
) -> UUID:
    """Send a mobile carer: the handler's choice, or the nearest free one."""
    with unit_of_work(session):
        incident = for_step(session, actor, incident_id)
        ensure_handler(session, actor, incident)
        if carer_id is None:
            best = rules.suggested_carer(queries.carer_options(session, settings, incident))
            if best is None:
                raise ConflictError(N_("Er is nu geen vrije mobiele zorgverlener."))
            carer_id = UUID(best.user_id)
        elif not on_shift(session, carer_id, role=DeskRole.MOBILE):
            raise ConflictError(N_("Deze zorgverlener staat nu niet als mobiel op het rooster."))
        if incident.state is IncidentState.DISPATCHED and incident.carer_id == carer_id:
            return carer_id
        incident.dispatched_at = _move(
            session, actor, incident, IncidentState.DISPATCHED, _name(session, carer_id)
        )
        incident.carer_id = carer_id
        incident.en_route_at = None
        publish_change(session, incident_id, IncidentState.DISPATCHED, incident.priority)
    return carer_id


def _carer_step(
    session: Session, actor: Actor, incident_id: UUID, target: IncidentState
) -> IncidentState:
    """The carer's own steps; the handler may take them on the carer's behalf."""
    with unit_of_work(session):
        incident = for_step(session, actor, incident_id)
        _ensure_carer_or_handler(actor, incident)
        if incident.state is target:
            return target
        behalf = "" if actor.user_id == incident.carer_id else labels.ON_BEHALF
        moment = _move(session, actor, incident, target, behalf)
        if target is IncidentState.EN_ROUTE:
            incident.en_route_at = moment
        elif target is IncidentState.ON_SITE:
            incident.on_site_at = moment
        else:
            incident.completed_at = moment
        publish_change(session, incident_id, target, incident.priority)
    return target


def take_task(session: Session, actor: Actor, *, incident_id: UUID) -> IncidentState:
    """ "Ik ga": the carer confirms they are on the way."""
    return _carer_step(session, actor, incident_id, IncidentState.EN_ROUTE)


def arrive(session: Session, actor: Actor, *, incident_id: UUID) -> IncidentState:
    """ "Aanwezig": the carer is with the client."""
    return _carer_step(session, actor, incident_id, IncidentState.ON_SITE)


def complete(session: Session, actor: Actor, *, incident_id: UUID) -> IncidentState:
    """ "Klaar": the visit is done; the logbook entry closes the incident."""
    return _carer_step(session, actor, incident_id, IncidentState.COMPLETED)


def close(session: Session, actor: Actor, *, incident_id: UUID, data: CloseIn) -> IncidentState:
    """The logbook entry and the handover note for the client's own day team. The handover is
    not optional for a client's incident (the inspectorate found it missing in night care)."""
    with unit_of_work(session):
        incident = for_step(session, actor, incident_id)
        _ensure_carer_or_handler(actor, incident)
        if incident.client_id is not None and not data.handover_note:
            raise DomainError(N_("Schrijf een overdracht voor het dagteam van de cliënt."))
        incident.closed_at = _move(
            session, actor, incident, IncidentState.CLOSED, data.intervention
        )
        incident.intervention = data.intervention
        incident.log_notes = data.notes
        incident.handover_note = data.handover_note
        publish_change(session, incident_id, IncidentState.CLOSED, incident.priority)
    return IncidentState.CLOSED


# --- reading an incident -----------------------------------------------------------------


@dataclass(frozen=True)
class ContactPerson:
    name: str
    relation: str
    phone: str


class ClientCard(ClientCardOut):
    """The client card on the pages: the API's, with the numbers to call at night."""

    phone: str = ""  # the client's own number at night
    contacts: tuple[ContactPerson, ...] = ()


class IncidentDetail(IncidentOut):
    """One incident as its reader sees it: the API's answer (``IncidentOut``), with the
    numbers the pages show beside it and the reader's part in the incident."""

    client: ClientCard | None  # None: no client known, or not yours to see
    # Numbers of the service, not of the person: shown whoever reads the incident.
    location_phone: str | None = None  # the night phone of the staff of the own location
    fallback_phones: tuple[str, ...] = ()  # the escalation's fallback numbers (priority)
    role: rules.IncidentRole = rules.IncidentRole.NONE  # what the reader is to the incident


def view_incident(session: Session, actor: Actor, *, incident_id: UUID) -> IncidentDetail:
    """The incident with its client card when the reader may see it; reading the card is
    audited, and so is a refusal. Every screen and API answer of one incident comes from
    here, so the free text is blanked in one place (``without_clinical_text``)."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.NIGHT_HANDLE)
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise NotFoundError("Melding niet gevonden.")
        rostered = actor is SYSTEM or on_shift(session, actor.user_id)
        card, hidden = _card(session, actor, incident, rostered)
        location, location_phone = (
            session.execute(
                select(Location.name, NightLocation.staff_phone)
                .outerjoin(NightLocation, NightLocation.location_id == Location.id)
                .where(Location.id == incident.location_id)
            ).one()
            if incident.location_id
            else (None, None)
        )
        fallback_phones = tuple(
            dict.fromkeys(  # each number once, in the order the steps ring them
                phone
                for phone in session.scalars(
                    select(EscalationStepRow.phone)
                    .where(
                        EscalationStepRow.priority == incident.priority,
                        EscalationStepRow.target == rules.EscalationTarget.PHONE,
                        EscalationStepRow.phone.is_not(None),
                    )
                    .order_by(EscalationStepRow.after_seconds, EscalationStepRow.number)
                )
                if phone
            )
        )
        timeline = [
            TimelineEntryOut(at=event.at, kind=event.kind, by=name or "", detail=event.detail)
            for event, name in session.execute(
                select(IncidentEvent, User.name)
                .outerjoin(User, User.id == IncidentEvent.by_user_id)
                .where(IncidentEvent.incident_id == incident.id)
                .order_by(IncidentEvent.at, IncidentEvent.id)
            )
        ]
        role = rules.incident_role(
            actor.user_id, handler_id=incident.handler_id, carer_id=incident.carer_id
        )
        detail = IncidentDetail(
            id=incident.id,
            kind=incident.kind,
            state=incident.state,
            outcome=incident.outcome,
            priority=incident.priority,
            unknown_sender=incident.unknown_sender,
            summary=incident.summary,
            device_type=incident.device_type,
            received_at=incident.received_at,
            handler=_name(session, incident.handler_id) if incident.handler_id else None,
            handler_id=incident.handler_id,
            carer=_name(session, incident.carer_id) if incident.carer_id else None,
            carer_id=incident.carer_id,
            location=location,
            client=card,
            client_hidden=hidden,
            text_hidden=False,
            timeline=timeline,
            intervention=incident.intervention,
            log_notes=incident.log_notes,
            handover_note=incident.handover_note,
            location_phone=location_phone or None,
            fallback_phones=fallback_phones,
            role=role,
            next_steps=list(rules.next_steps(incident.state, role)),
        )
        visible = rules.clinical_text_visible(
            client_known=incident.audited_client is not None,
            card_allowed=not hidden,
            on_shift=rostered,
        )
        return detail if visible else without_clinical_text(detail)


def without_clinical_text(detail: IncidentDetail) -> IncidentDetail:
    """The incident as a reader sees it who may not see the person: the steps, codes, times
    and names of the night team stay; the card and everything typed about the person (the
    summary, the triage note in the timeline, the logbook entry, the handover note) go."""
    return detail.model_copy(
        update={
            "client": None,
            "text_hidden": True,
            "summary": "",
            "log_notes": "",
            "handover_note": "",
            "timeline": [
                entry.model_copy(update={"detail": rules.event_detail_without_text(entry.detail)})
                for entry in detail.timeline
            ],
        }
    )


def _card(
    session: Session, actor: Actor, incident: Incident, rostered: bool
) -> tuple[ClientCard | None, bool]:
    if incident.client_id is None or incident.organisation_id is None:
        return None, False
    plan = session.get(NightPlan, incident.client_id)
    decision = decide_night_client_access(
        actor,
        client_organisation_id=incident.organisation_id,
        enrolled=plan is not None and plan.enrolled,
        on_shift=rostered,
    )
    if decision is not Decision.ALLOW:
        audit.record(
            session,
            actor,
            "night.client.read",
            obj=("incident", incident.id),
            client=(incident.client_id, incident.organisation_id),
            outcome=audit.Outcome.DENIED,
            detail=str(decision),
        )
        return None, True
    row = session.execute(
        select(Client, Location.name)
        .join(Location, Location.id == Client.location_id)
        .where(Client.id == incident.client_id)
    ).one()
    client, location = row
    room = (
        session.scalar(select(AlarmDevice.room).where(AlarmDevice.client_id == client.id).limit(1))
        or ""
    )
    audit.record(
        session,
        actor,
        "night.client.read",
        obj=("incident", incident.id),
        client=(client.id, client.organisation_id),
    )
    return (
        ClientCard(
            id=client.id,
            name=client.name,
            birth_date=client.birth_date,
            client_number=client.client_number,
            organisation_id=client.organisation_id,
            location=location,
            room=room,
            instructions=plan.instructions if plan else "",
            risks=list(plan.risks) if plan else [],
            epilepsy_protocol=plan.epilepsy_protocol if plan else "",
            monitoring_consent=plan.monitoring_consent if plan else False,
            contact_mode=plan.contact_mode if plan else "",
            key_information=plan.key_information if plan else "",
            phone=plan.phone if plan else "",
            contacts=tuple(
                ContactPerson(name, relation, phone)
                for name, relation, phone in session.execute(
                    select(NightContact.name, NightContact.relation, NightContact.phone)
                    .where(NightContact.client_id == client.id)
                    .order_by(NightContact.position)
                )
            ),
        ),
        False,
    )
