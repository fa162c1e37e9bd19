"""Use cases of the network: each owns its transaction and audits itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from regiozorg import audit
from regiozorg.auth import AccessDeniedError, Actor, Decision, Permission, ensure_allowed
from regiozorg.errors import N_, ConflictError, DomainError, NotFoundError
from regiozorg.network.exchange import Batch, ImportRefusedError, Problem
from regiozorg.network.models import (
    Client,
    Location,
    Organisation,
    Region,
    StaffMember,
    TravelTime,
    Unit,
)
from regiozorg.network.schemas import (
    ClientIn,
    LocationIn,
    OrganisationIn,
    Record,
    StaffIn,
    TravelTimeIn,
    UnitIn,
)
from regiozorg.transaction import unit_of_work


def create_region(session: Session, actor: Actor, *, name: str) -> UUID:
    with unit_of_work(session):
        ensure_allowed(actor, Permission.NETWORK_MANAGE)
        region = Region(name=name)
        session.add(region)
        session.flush()
        audit.record(session, actor, "regions.create", obj=("region", region.id))
    return region.id


def create_organisation(
    session: Session, actor: Actor, *, region_id: UUID, record: OrganisationIn
) -> UUID:
    with unit_of_work(session):
        ensure_allowed(actor, Permission.NETWORK_MANAGE)
        organisation = _upsert_organisation(session, region_id, record)
        audit.record(
            session,
            actor,
            "organisations.create",
            obj=("organisation", organisation.id),
            organisation_id=organisation.id,
        )
    return organisation.id


def create_location(session: Session, actor: Actor, *, record: LocationIn) -> UUID:
    with unit_of_work(session):
        organisation = _organisation_named(session, record.organisation)
        ensure_allowed(actor, Permission.ORGANISATION_MANAGE, organisation.id)
        location = _upsert_location(session, organisation.id, record)
        audit.record(
            session,
            actor,
            "locations.create",
            obj=("location", location.id),
            organisation_id=organisation.id,
        )
    return location.id


def create_unit(session: Session, actor: Actor, *, record: UnitIn) -> UUID:
    with unit_of_work(session):
        location = _location_coded(session, record.location)
        ensure_allowed(actor, Permission.ORGANISATION_MANAGE, location.organisation_id)
        unit = _upsert_unit(session, location.id, record)
        audit.record(
            session,
            actor,
            "units.create",
            obj=("unit", unit.id),
            organisation_id=location.organisation_id,
        )
    return unit.id


def create_staff_member(session: Session, actor: Actor, *, record: StaffIn) -> UUID:
    with unit_of_work(session):
        organisation = _organisation_named(session, record.organisation)
        ensure_allowed(actor, Permission.ORGANISATION_MANAGE, organisation.id)
        base = _location_coded(session, record.base_location) if record.base_location else None
        if base is not None and base.organisation_id != organisation.id:
            raise DomainError("De standplaats hoort niet bij deze organisatie.")
        taken = session.scalar(
            select(StaffMember.id).where(
                StaffMember.organisation_id == organisation.id,
                StaffMember.staff_number == record.staff_number,
            )
        )
        if taken is not None:
            raise ConflictError("Personeelsnummer {number} bestaat al.", number=record.staff_number)
        member = StaffMember(
            organisation_id=organisation.id,
            staff_number=record.staff_number,
            name=record.name,
            profession=record.profession,
            fte=record.fte,
            base_location_id=base.id if base else None,
        )
        session.add(member)
        session.flush()
        audit.record(
            session,
            actor,
            "staff.create",
            obj=("staff_member", member.id),
            organisation_id=organisation.id,
        )
    return member.id


def create_client(
    session: Session, actor: Actor, *, organisation_id: UUID, record: ClientIn
) -> UUID:
    with unit_of_work(session):
        ensure_allowed(actor, Permission.CLIENTS_MANAGE, organisation_id)
        location = session.get(Location, record.location_id)
        if location is None or location.organisation_id != organisation_id:
            raise DomainError("Deze locatie hoort niet bij de organisatie van de cliënt.")
        duplicate = session.scalar(
            select(Client.id).where(
                Client.organisation_id == organisation_id,
                Client.client_number == record.client_number,
            )
        )
        if duplicate is not None:
            raise ConflictError("Cliëntnummer {number} bestaat al.", number=record.client_number)
        client = Client(
            organisation_id=organisation_id,
            location_id=location.id,
            client_number=record.client_number,
            name=record.name,
            birth_date=date.fromisoformat(record.birth_date),
        )
        session.add(client)
        session.flush()
        audit.record(
            session,
            actor,
            "clients.create",
            obj=("client", client.id),
            client=(client.id, organisation_id),
        )
    return client.id


@dataclass(frozen=True)
class ClientDetail:
    id: UUID
    organisation_id: UUID
    organisation: str
    location: str
    client_number: str
    name: str
    birth_date: date
    notes: str


def view_client(session: Session, actor: Actor, *, client_id: UUID) -> ClientDetail:
    """A client's personal details; the read itself is audited, also when it is refused."""
    with unit_of_work(session):
        # Asked first without the organisation, so that whoever may read no client data at all
        # gets the same 403 for every id and cannot probe which clients exist.
        ensure_allowed(actor, Permission.CLIENTS_READ)
        row = session.execute(
            select(Client, Organisation.name, Location.name)
            .join(Organisation, Organisation.id == Client.organisation_id)
            .join(Location, Location.id == Client.location_id)
            .where(Client.id == client_id)
        ).first()
        if row is None:
            # Exactly the refusal of another organisation's client, audited the same way: the
            # answer and its cost must not tell whether the client exists.
            raise AccessDeniedError(
                actor, Permission.CLIENTS_READ, Decision.NOT_FOUND, target=("client", client_id)
            )
        client, organisation, location = row
        ensure_allowed(actor, Permission.CLIENTS_READ, client.organisation_id, client_id=client.id)
        audit.record(
            session,
            actor,
            "clients.read",
            obj=("client", client.id),
            client=(client.id, client.organisation_id),
        )
        return ClientDetail(
            id=client.id,
            organisation_id=client.organisation_id,
            organisation=organisation,
            location=location,
            client_number=client.client_number,
            name=client.name,
            birth_date=client.birth_date,
            notes=client.notes,
        )


@dataclass(frozen=True)
class ClientLine:
    id: UUID
    client_number: str
    name: str
    birth_date: date
    location: str


def list_clients(session: Session, actor: Actor, *, organisation_id: UUID) -> list[ClientLine]:
    """The clients of one organisation; every name shown is an audited read of that client."""
    with unit_of_work(session):
        ensure_allowed(actor, Permission.CLIENTS_READ, organisation_id)
        rows = session.execute(
            select(Client.id, Client.client_number, Client.name, Client.birth_date, Location.name)
            .join(Location, Location.id == Client.location_id)
            .where(Client.organisation_id == organisation_id)
            .order_by(Client.name)
        ).all()
        lines = [ClientLine(*row) for row in rows]
        for line in lines:
            audit.record(
                session,
                actor,
                "clients.list",
                obj=("client", line.id),
                client=(line.id, organisation_id),
            )
    return lines


class UnknownRegionError(NotFoundError):
    """An import names a region that does not exist (and was not to be created)."""


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, per record kind: how many records it created, and by their keys
    (an organisation's name, a location's code ...) those it changed and those it skipped
    because they were there already, exactly as in the file."""

    created: dict[str, int]
    updated: dict[str, list[str]]
    skipped: dict[str, list[str]]

    @property
    def counts(self) -> dict[str, int]:
        """Records created per kind: what "imported" means to a reader."""
        return self.created


def import_network(
    session: Session, actor: Actor, *, batch: Batch, create_region: bool = False
) -> ImportSummary:
    """Create or update master data from a parsed file, all or nothing.

    Records are matched on their natural keys (organisation name within the region, location
    code, unit name within its location, staff number within the organisation), so importing the
    same file twice changes nothing, and the second time says so: every record skipped. The
    region a file names must exist, unless ``create_region`` (a typo must not start a region).
    """
    with unit_of_work(session):
        ensure_allowed(actor, Permission.NETWORK_MANAGE)
        region = _region(session, batch.region, create=create_region)
        problems: list[Problem] = []
        summary = ImportSummary({}, {}, {})
        with _FlushWatch(session) as watch:
            for kind, items in batch.items.items():
                summary.created[kind] = 0
                for line, record in items:
                    watch.reset()
                    try:
                        _import_record(session, region.id, record)
                        session.flush()
                    except DomainError as error:
                        where = _reference_field(record)
                        problems.append(Problem(line, where, error.message, error.params))
                        continue
                    except LookupError as error:
                        message = error.args[0] if error.args else str(error)
                        problems.append(Problem(line, _reference_field(record), message))
                        continue
                    if watch.created:
                        summary.created[kind] += 1
                    elif watch.changed:
                        summary.updated.setdefault(kind, []).append(_key(record))
                    else:
                        summary.skipped.setdefault(kind, []).append(_key(record))
        if problems:
            raise ImportRefusedError(problems)
        audit.record(
            session,
            actor,
            "network.import",
            obj=("region", region.id),
            # created per kind as before; changed records after, when there are any
            detail="; ".join(
                part
                for part in (
                    ", ".join(f"{k}: {n}" for k, n in summary.created.items() if n),
                    ", ".join(f"{k} updated: {len(v)}" for k, v in summary.updated.items()),
                )
                if part
            ),
        )
    return summary


class _FlushWatch:
    """Notes whether the flushes since :meth:`reset` inserted or changed a row: how an import
    tells a record it created from one it changed or found as it was, without a second copy
    of each kind's matching rules."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.created = self.changed = False

    def reset(self) -> None:
        self.created = self.changed = False

    def _before_flush(self, session: Session, *_: object) -> None:
        self.created = self.created or bool(session.new)
        self.changed = self.changed or any(session.is_modified(row) for row in session.dirty)

    def __enter__(self) -> _FlushWatch:
        event.listen(self.session, "before_flush", self._before_flush)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.session, "before_flush", self._before_flush)


def _key(record: Record) -> str:
    """How a reader recognises a record: its natural key."""
    match record:
        case OrganisationIn():
            return record.name
        case LocationIn():
            return record.code
        case UnitIn():
            return f"{record.location}/{record.name}"
        case StaffIn():
            return f"{record.organisation}/{record.staff_number}"
        case TravelTimeIn():
            return f"{record.origin}->{record.destination}"
        case _:
            return "-"


def _reference_field(record: Record) -> str:
    for name in ("organisation", "location", "base_location", "origin"):
        if name in type(record).model_fields:
            return name
    return "-"


def _import_record(session: Session, region_id: UUID, record: Record) -> None:
    match record:
        case OrganisationIn():
            _upsert_organisation(session, region_id, record)
        case LocationIn():
            organisation = _organisation_named(session, record.organisation, region_id)
            _upsert_location(session, organisation.id, record)
        case UnitIn():
            _upsert_unit(session, _location_coded(session, record.location).id, record)
        case StaffIn():
            _upsert_staff(session, region_id, record)
        case TravelTimeIn():
            _upsert_travel_time(session, record)
        case _:
            msg = f"unknown record {type(record).__name__}"
            raise TypeError(msg)


def _region(session: Session, name: str | None, *, create: bool) -> Region:
    regions: Sequence[Region] = session.scalars(select(Region).order_by(Region.name)).all()
    if name is None:
        if len(regions) == 1:
            return regions[0]
        raise DomainError("Geef de regio op: er zijn {n} regio's.", n=len(regions))
    found = next((r for r in regions if r.name == name), None)
    if found is None:
        if not create:
            raise UnknownRegionError(
                N_("Regio '{name}' bestaat niet; niets is ingelezen."), name=name
            )
        found = Region(name=name)
        session.add(found)
        session.flush()
    return found


def _organisation_named(session: Session, name: str, region_id: UUID | None = None) -> Organisation:
    query = select(Organisation).where(Organisation.name == name)
    if region_id is not None:
        query = query.where(Organisation.region_id == region_id)
    organisation = session.scalar(query)
    if organisation is None:
        raise NotFoundError("Organisatie '{name}' bestaat niet.", name=name)
    return organisation


def _location_coded(session: Session, code: str) -> Location:
    location = session.scalar(select(Location).where(Location.code == code))
    if location is None:
        raise NotFoundError("Locatie met code '{code}' bestaat niet.", code=code)
    return location


def _upsert_organisation(session: Session, region_id: UUID, record: OrganisationIn) -> Organisation:
    organisation = session.scalar(
        select(Organisation).where(
            Organisation.region_id == region_id, Organisation.name == record.name
        )
    )
    if organisation is None:
        organisation = Organisation(region_id=region_id, name=record.name, kind=record.kind)
        session.add(organisation)
    if record.agb_code and record.agb_code != organisation.agb_code:
        taken = session.scalar(
            select(Organisation.id).where(Organisation.agb_code == record.agb_code)
        )
        if taken is not None:
            raise ConflictError("AGB-code {code} is al in gebruik.", code=record.agb_code)
    organisation.kind = record.kind
    organisation.agb_code = record.agb_code
    session.flush()
    return organisation


def _upsert_location(session: Session, organisation_id: UUID, record: LocationIn) -> Location:
    location = session.scalar(select(Location).where(Location.code == record.code))
    if location is None:
        location = Location(organisation_id=organisation_id, code=record.code)
        session.add(location)
    elif location.organisation_id != organisation_id:
        raise ConflictError(
            "Locatiecode {code} hoort bij een andere organisatie.", code=record.code
        )
    location.name = record.name
    location.address = record.address
    location.postcode = record.postcode
    location.town = record.town
    location.latitude = record.latitude
    location.longitude = record.longitude
    location.care_offered = list(record.care_offered)
    session.flush()
    return location


def _upsert_unit(session: Session, location_id: UUID, record: UnitIn) -> Unit:
    unit = session.scalar(
        select(Unit).where(Unit.location_id == location_id, Unit.name == record.name)
    )
    if unit is None:
        unit = Unit(location_id=location_id, name=record.name, ward_type=record.ward_type)
        session.add(unit)
    unit.ward_type = record.ward_type
    session.flush()
    return unit


def _upsert_staff(session: Session, region_id: UUID, record: StaffIn) -> StaffMember:
    organisation = _organisation_named(session, record.organisation, region_id)
    base = _location_coded(session, record.base_location) if record.base_location else None
    member = session.scalar(
        select(StaffMember).where(
            StaffMember.organisation_id == organisation.id,
            StaffMember.staff_number == record.staff_number,
        )
    )
    if member is None:
        member = StaffMember(organisation_id=organisation.id, staff_number=record.staff_number)
        session.add(member)
    member.name = record.name
    member.profession = record.profession
    member.fte = record.fte
    member.base_location_id = base.id if base else None
    session.flush()
    return member


def _upsert_travel_time(session: Session, record: TravelTimeIn) -> None:
    _location_coded(session, record.destination)
    if not record.origin.isdigit():
        _location_coded(session, record.origin)
    row = session.get(TravelTime, (record.origin, record.destination))
    if row is None:
        session.add(
            TravelTime(origin=record.origin, destination=record.destination, minutes=record.minutes)
        )
    else:
        row.minutes = record.minutes
