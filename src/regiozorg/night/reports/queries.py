"""The night logbook as reports: figures per night, location and organisation (no client in
sight), and the handover report an organisation's own care staff read in the morning (with
client details, every client shown audited).

Reads other features' tables: ``network`` (clients, locations, organisations: the places and
clients counted or shown) and ``accounts`` (users: the carer's name)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from regiozorg import audit, csv_export
from regiozorg.accounts.models import User
from regiozorg.auth import Actor, Decision, Permission, decide, ensure_allowed, scope
from regiozorg.clock import utcnow
from regiozorg.errors import N_, DomainError, NotFoundError
from regiozorg.network.models import Client, Location, Organisation
from regiozorg.night import figures, periods
from regiozorg.night.figures import Figures, IncidentFacts, InterventionFigures, Norms
from regiozorg.night.models import AlarmDevice, Incident, IncidentEvent, NightLocation
from regiozorg.night.rules import IncidentState, night_of
from regiozorg.transaction import unit_of_work

MAX_NIGHTS = 366
UNKNOWN = "-"


@dataclass(frozen=True)
class Place:
    location_id: UUID | None
    location: str  # "-" for an alarm from a controller nobody knows
    organisation_id: UUID | None
    organisation: str
    norms: Norms


@dataclass(frozen=True)
class NightRow:
    night: date
    place: Place
    figures: Figures


@dataclass(frozen=True)
class OrganisationRow:
    organisation_id: UUID | None
    organisation: str
    figures: Figures


@dataclass(frozen=True)
class NightReport:
    first: date
    last: date
    rows: Sequence[NightRow]  # per night and location, nights in order
    nights: Sequence[tuple[date, Figures]]  # every night of the period, all locations together
    organisations: Sequence[OrganisationRow]  # over the whole period
    total: Figures
    interventions: Sequence[InterventionFigures]


def check_period(first: date, last: date) -> None:
    periods.check_day(first)
    periods.check_day(last)
    if first > last:
        raise DomainError(N_("De eerste nacht ligt na de laatste."))
    if (last - first).days >= MAX_NIGHTS:
        raise DomainError(N_("Kies een periode van hoogstens {nights} nachten."), nights=MAX_NIGHTS)


def requested_period(first: date | None, last: date | None) -> tuple[date, date]:
    """Missing ends default to the last fourteen nights, tonight included. Ends given are
    checked before the missing one is counted from them (9999-12-31 has no next night)."""
    for given in (first, last):
        if given is not None:
            periods.check_day(given)
    default_first, default_last = figures.default_period(utcnow())
    last = last or (first + timedelta(days=figures.DEFAULT_NIGHTS - 1) if first else default_last)
    return first or last - (default_last - default_first), last


def _facts(session: Session, actor: Actor, first: date, last: date) -> list[IncidentFacts]:
    """The period's incidents the actor may count, each for an organisation: the client's,
    or (a link failure, an unknown device) the location's."""
    start, end = figures.period_bounds(first, last)
    organisation = func.coalesce(Incident.organisation_id, Location.organisation_id)
    was_unknown = exists(
        select(IncidentEvent.id).where(
            IncidentEvent.incident_id == Incident.id, IncidentEvent.kind == "sender.resolved"
        )
    )
    query = (
        select(Incident, organisation, was_unknown)
        .outerjoin(Location, Location.id == Incident.location_id)
        .where(Incident.received_at >= start, Incident.received_at < end)
        .order_by(Incident.received_at)
    )
    visible = scope(actor, Permission.NIGHT_REPORTS)
    if visible is not None:
        query = query.where(organisation.in_(list(visible)))
    return [
        IncidentFacts(
            received_at=incident.received_at,
            organisation_id=organisation_id,
            location_id=incident.location_id,
            client_id=incident.client_id,
            outcome=incident.outcome,
            # A sender resolved later was still unknown when the alarm came in.
            unknown_sender=incident.unknown_sender or bool(resolved),
            escalations=incident.escalations_done,
            acknowledged_at=incident.acknowledged_at,
            on_site_at=incident.on_site_at,
            completed_at=incident.completed_at,
            closed_at=incident.closed_at,
            intervention=str(incident.intervention) if incident.intervention else None,
        )
        for incident, organisation_id, resolved in session.execute(query)
    ]


def _places(session: Session, location_ids: set[UUID]) -> dict[UUID, Place]:
    rows = session.execute(
        select(Location, Organisation.name, NightLocation)
        .join(Organisation, Organisation.id == Location.organisation_id)
        .outerjoin(NightLocation, NightLocation.location_id == Location.id)
        .where(Location.id.in_(list(location_ids)))
    )
    return {
        location.id: Place(
            location_id=location.id,
            location=location.name,
            organisation_id=location.organisation_id,
            organisation=organisation,
            norms=Norms(night.answer_norm_seconds, night.on_site_norm_minutes)
            if night
            else Norms(),
        )
        for location, organisation, night in rows
    }


def _organisation_names(session: Session, ids: set[UUID]) -> dict[UUID, str]:
    query = select(Organisation.id, Organisation.name).where(Organisation.id.in_(list(ids)))
    return {row.id: row.name for row in session.execute(query)}


def night_report(
    session: Session, actor: Actor, *, first: date, last: date, now: datetime | None = None
) -> NightReport:
    """The figures of nights ``first`` to ``last`` (both included), scoped to what the actor
    may see: all organisations for the network and planners, its own for an organisation."""
    ensure_allowed(actor, Permission.NIGHT_REPORTS)
    check_period(first, last)
    moment = now or utcnow()
    rows = _facts(session, actor, first, last)
    places = _places(session, {f.location_id for f in rows if f.location_id})
    names = _organisation_names(session, {f.organisation_id for f in rows if f.organisation_id})

    def norms(location_id: UUID | None) -> Norms:
        place = places.get(location_id) if location_id else None
        return place.norms if place else Norms()

    def organisation_name(organisation_id: UUID | None) -> str:
        return names.get(organisation_id, UNKNOWN) if organisation_id else UNKNOWN

    def place_of(location_id: UUID | None, organisation_id: UUID | None) -> Place:
        found = places.get(location_id) if location_id else None
        return found or Place(
            None, UNKNOWN, organisation_id, organisation_name(organisation_id), Norms()
        )

    per_place = figures.grouped(rows, lambda f: (f.night, f.location_id, f.organisation_id))
    night_rows = [
        NightRow(night, place_of(location, organisation), figures.summarise(group, norms, moment))
        for (night, location, organisation), group in per_place.items()
    ]
    night_rows.sort(key=lambda r: (r.night, r.place.organisation, r.place.location))
    per_night = figures.grouped(rows, lambda f: f.night)
    per_organisation = figures.grouped(rows, lambda f: f.organisation_id)
    organisations = [
        OrganisationRow(org, organisation_name(org), figures.summarise(group, norms, moment))
        for org, group in per_organisation.items()
    ]
    organisations.sort(key=lambda r: r.organisation)
    return NightReport(
        first=first,
        last=last,
        rows=night_rows,
        nights=[
            (night, figures.summarise(per_night.get(night, []), norms, moment))
            for night in figures.nights_in(first, last)
        ],
        organisations=organisations,
        total=figures.summarise(rows, norms, moment),
        interventions=figures.by_intervention(rows),
    )


# --- CSV -----------------------------------------------------------------------------------

CSV_COLUMNS = (
    "night",
    "organisation",
    "location",
    "incidents",
    "contacts_per_client",
    "false_alarm",
    "resolved_remotely",
    "visit",
    "emergency_112",
    "reset_at_source",
    "undecided",
    "false_alarm_share",
    "remote_share",
    "visit_share",
    "answer_norm_seconds",
    "answer_p50_seconds",
    "answer_p90_seconds",
    "answer_within_norm",
    "answer_counted",
    "answer_share",
    "answer_norm_met",
    "on_site_norm_minutes",
    "on_site_p50_minutes",
    "on_site_p90_minutes",
    "on_site_within_norm",
    "on_site_counted",
    "on_site_share",
    "unknown_sender",
    "escalated",
    "escalation_steps",
)


def _number(value: float | bool | None, digits: int = 3) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(round(value, digits))


def to_csv(report: NightReport) -> str:
    """One line per night and location, in English column names and plain numbers (shares as
    fractions), for a spreadsheet or the capacity planning."""
    lines: list[list[object]] = []
    for row in report.rows:
        f = row.figures
        lines.append(
            [
                row.night.isoformat(),
                row.place.organisation,
                row.place.location,
                f.incidents,
                _number(f.contacts_per_client),
                f.false_alarm,
                f.resolved_remotely,
                f.visit,
                f.emergency_112,
                f.reset_at_source,
                f.undecided,
                _number(f.false_alarm_share),
                _number(f.remote_share),
                _number(f.visit_share),
                row.place.norms.answer_seconds,
                _number(f.answer_p50_seconds, 1),
                _number(f.answer_p90_seconds, 1),
                f.answer_within,
                f.answer_counted,
                _number(f.answer_share),
                _number(f.answer_norm_met),
                row.place.norms.on_site_minutes,
                _number(f.on_site_p50_minutes, 1),
                _number(f.on_site_p90_minutes, 1),
                f.on_site_within,
                f.on_site_counted,
                _number(f.on_site_share),
                f.unknown_sender,
                f.escalated,
                f.escalation_steps,
            ]
        )
    return csv_export.to_csv(CSV_COLUMNS, lines)


# --- the handover report -------------------------------------------------------------------


@dataclass(frozen=True)
class HandoverIncident:
    id: UUID
    received_at: datetime
    closed_at: datetime | None
    kind: str
    outcome: str | None
    intervention: str | None
    room: str
    carer: str | None
    log_notes: str
    handover_note: str


@dataclass(frozen=True)
class HandoverClient:
    client_id: UUID
    name: str
    client_number: str
    location: str
    incidents: Sequence[HandoverIncident]


@dataclass(frozen=True)
class Handover:
    organisation_id: UUID
    organisation: str
    night: date
    clients: Sequence[HandoverClient]


def handover(
    session: Session, actor: Actor, *, organisation_id: UUID | None, night: date | None = None
) -> Handover:
    """The closed incidents of the organisation's clients in that night, for the client's own
    day team. Only the organisation's own care staff read it (others learn nothing: 404), and
    every client shown is one audit row, in the same transaction as the read. Without an
    organisation it is the reader's own (the first, when more); without a night, the night
    that ended this morning."""
    organisation_id = organisation_id or own_organisation(actor)
    night = night or periods.night_just_ended(utcnow())
    with unit_of_work(session):
        ensure_allowed(actor, Permission.NIGHT_HISTORY, organisation_id)
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFoundError("Organisatie niet gevonden.")
        periods.check_day(night)
        start, end = figures.period_bounds(night, night)
        carer = aliased(User)
        rows = session.execute(
            select(Incident, Client, Location.name, AlarmDevice.room, carer.name)
            .join(Client, Client.id == Incident.client_id)
            .join(Location, Location.id == Client.location_id)
            .outerjoin(
                AlarmDevice,
                (AlarmDevice.controller_id == Incident.controller_id)
                & (AlarmDevice.device_id == Incident.device_id),
            )
            .outerjoin(carer, carer.id == Incident.carer_id)
            .where(
                Incident.organisation_id == organisation_id,
                Client.organisation_id == organisation_id,
                Incident.state == IncidentState.CLOSED,
                Incident.received_at >= start,
                Incident.received_at < end,
            )
            .order_by(Location.name, Client.client_number, Incident.received_at)
        ).all()
        clients: dict[UUID, tuple[Client, str, list[HandoverIncident]]] = {}
        for incident, client, location, room, carer_name in rows:
            if night_of(incident.received_at) != night:
                continue
            entry = clients.setdefault(client.id, (client, location, []))
            entry[2].append(
                HandoverIncident(
                    id=incident.id,
                    received_at=incident.received_at,
                    closed_at=incident.closed_at,
                    kind=str(incident.kind),
                    outcome=str(incident.outcome) if incident.outcome else None,
                    intervention=str(incident.intervention) if incident.intervention else None,
                    room=room or "",
                    carer=carer_name,
                    log_notes=incident.log_notes,
                    handover_note=incident.handover_note,
                )
            )
        for client, _, incidents in clients.values():
            audit.record(
                session,
                actor,
                "night.handover.read",
                obj=("night", night.isoformat()),
                client=(client.id, organisation_id),
                detail=f"{len(incidents)} incident(s)",
            )
        return Handover(
            organisation_id=organisation_id,
            organisation=organisation.name,
            night=night,
            clients=[
                HandoverClient(client.id, client.name, client.client_number, location, incidents)
                for client, location, incidents in clients.values()
            ],
        )


def own_organisation(actor: Actor) -> UUID:
    """The organisation whose handover a reader opens on: the first of their own."""
    own = scope(actor, Permission.NIGHT_HISTORY) or frozenset()
    if not own:
        ensure_allowed(actor, Permission.NIGHT_HISTORY)  # refuses anyone without an own one
        raise NotFoundError("Organisatie niet gevonden.")  # the system account: none of its own
    return min(own, key=str)


def handover_choices(session: Session, actor: Actor) -> list[tuple[str, UUID]]:
    """The reader's own organisations by name, to switch the handover between."""
    own = scope(actor, Permission.NIGHT_HISTORY) or frozenset()
    return sorted(
        (name, organisation_id)
        for organisation_id, name in session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(list(own)))
        )
    )


def handover_readable(actor: Actor, report: NightReport) -> set[UUID]:
    """The organisations in the report whose handover the reader may open (a link each)."""
    return {
        row.organisation_id
        for row in report.organisations
        if row.organisation_id
        and decide(actor, Permission.NIGHT_HISTORY, row.organisation_id) is Decision.ALLOW
    }
