"""Read models of the network for screens, the API and export. Nothing personal here:
client details are read through ``actions.view_client`` so that the read is audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from regiozorg.config import Settings
from regiozorg.network.models import (
    Client,
    Location,
    Organisation,
    PostcodeArea,
    Region,
    StaffMember,
    TravelTime,
    Unit,
)
from regiozorg.network.rules import OrganisationKind, estimated_travel_minutes
from regiozorg.network.schemas import (
    LocationIn,
    NetworkDocument,
    OrganisationIn,
    StaffIn,
    TravelTimeIn,
    UnitIn,
)


@dataclass(frozen=True)
class OrganisationSummary:
    id: UUID
    name: str
    kind: OrganisationKind
    agb_code: str | None
    locations: int
    staff: int
    clients: int


@dataclass(frozen=True)
class LocationRow:
    id: UUID
    organisation_id: UUID
    organisation: str
    code: str
    name: str
    address: str
    postcode: str
    town: str
    latitude: float
    longitude: float
    units: int
    staff: int


@dataclass(frozen=True)
class UnitRow:
    id: UUID
    location: str
    organisation_id: UUID
    name: str
    ward_type: str


@dataclass(frozen=True)
class StaffRow:
    id: UUID
    organisation_id: UUID
    organisation: str
    staff_number: str
    name: str
    profession: str
    fte: float
    base_location: str | None


@dataclass(frozen=True)
class Overview:
    region: str
    organisations: Sequence[OrganisationSummary]
    towns: Sequence[tuple[str, int]]
    location_count: int
    staff_count: int


def _count_by(
    session: Session, column: InstrumentedAttribute[Any], group: InstrumentedAttribute[Any]
) -> dict[UUID, int]:
    rows = session.execute(select(group, func.count(column)).group_by(group)).all()
    return {key: count for key, count in rows if key is not None}


def region_id(session: Session) -> UUID | None:
    """The region this installation serves (the first, should there be several)."""
    return session.scalar(select(Region.id).order_by(Region.name).limit(1))


def organisations(session: Session) -> Sequence[OrganisationSummary]:
    locations = _count_by(session, Location.id, Location.organisation_id)
    staff = _count_by(session, StaffMember.id, StaffMember.organisation_id)
    clients = _count_by(session, Client.id, Client.organisation_id)
    return [
        OrganisationSummary(
            id=o.id,
            name=o.name,
            kind=o.kind,
            agb_code=o.agb_code,
            locations=locations.get(o.id, 0),
            staff=staff.get(o.id, 0),
            clients=clients.get(o.id, 0),
        )
        for o in session.scalars(select(Organisation).order_by(Organisation.name))
    ]


def overview(session: Session) -> Overview:
    regions = session.scalars(select(Region.name).order_by(Region.name)).all()
    towns = session.execute(
        select(Location.town, func.count(Location.id))
        .group_by(Location.town)
        .order_by(func.count(Location.id).desc(), Location.town)
        .limit(40)
    ).all()
    return Overview(
        region=", ".join(regions),
        organisations=organisations(session),
        towns=list(towns),
        location_count=session.scalar(select(func.count(Location.id))) or 0,
        staff_count=session.scalar(select(func.count(StaffMember.id))) or 0,
    )


def locations(
    session: Session, *, organisation_id: UUID | None = None, limit: int = 500
) -> Sequence[LocationRow]:
    units = _count_by(session, Unit.id, Unit.location_id)
    staff = _count_by(session, StaffMember.id, StaffMember.base_location_id)
    query = (
        select(Location, Organisation.name)
        .join(Organisation, Organisation.id == Location.organisation_id)
        .order_by(Location.town, Location.name)
        .limit(limit)
    )
    if organisation_id is not None:
        query = query.where(Location.organisation_id == organisation_id)
    return [
        LocationRow(
            id=loc.id,
            organisation_id=loc.organisation_id,
            organisation=org,
            code=loc.code,
            name=loc.name,
            address=loc.address,
            postcode=loc.postcode,
            town=loc.town,
            latitude=loc.latitude,
            longitude=loc.longitude,
            units=units.get(loc.id, 0),
            staff=staff.get(loc.id, 0),
        )
        for loc, org in session.execute(query).all()
    ]


def units(session: Session, *, limit: int = 500) -> Sequence[UnitRow]:
    query = (
        select(Unit, Location.name, Location.organisation_id)
        .join(Location, Location.id == Unit.location_id)
        .order_by(Location.name, Unit.name)
        .limit(limit)
    )
    return [
        UnitRow(id=u.id, location=loc, organisation_id=org, name=u.name, ward_type=u.ward_type)
        for u, loc, org in session.execute(query).all()
    ]


def staff(session: Session, *, limit: int = 500) -> Sequence[StaffRow]:
    query = (
        select(StaffMember, Organisation.name, Location.code)
        .join(Organisation, Organisation.id == StaffMember.organisation_id)
        .outerjoin(Location, Location.id == StaffMember.base_location_id)
        .order_by(Organisation.name, StaffMember.name)
        .limit(limit)
    )
    return [
        StaffRow(
            id=s.id,
            organisation_id=s.organisation_id,
            organisation=org,
            staff_number=s.staff_number,
            name=s.name,
            profession=s.profession,
            fte=s.fte,
            base_location=base,
        )
        for s, org, base in session.execute(query).all()
    ]


def travel_minutes(
    session: Session, settings: Settings, *, origin: str, destination: str
) -> int | None:
    """Minutes from a location code or four-digit postcode area to a location code.

    An imported travel time wins; otherwise the estimate from coordinates. None when either
    end is unknown.
    """
    imported = session.get(TravelTime, (origin, destination))
    if imported is not None:
        return imported.minutes
    target = session.execute(
        select(Location.latitude, Location.longitude).where(Location.code == destination)
    ).first()
    if origin.isdigit():
        start = session.execute(
            select(PostcodeArea.latitude, PostcodeArea.longitude).where(
                PostcodeArea.postcode == origin[:4]
            )
        ).first()
    else:
        start = session.execute(
            select(Location.latitude, Location.longitude).where(Location.code == origin)
        ).first()
    if target is None or start is None:
        return None
    return estimated_travel_minutes(
        (start[0], start[1]),
        (target[0], target[1]),
        detour_factor=settings.travel_detour_factor,
        speed_kmh=settings.travel_speed_kmh,
    )


def export_document(session: Session) -> NetworkDocument:
    """All master data as one document that ``import`` reads back unchanged."""
    org_names = dict(session.execute(select(Organisation.id, Organisation.name)).all())
    codes = dict(session.execute(select(Location.id, Location.code)).all())
    orgs = session.scalars(select(Organisation).order_by(Organisation.name)).all()
    locs = session.scalars(select(Location).order_by(Location.code)).all()
    unit_rows = session.scalars(select(Unit).order_by(Unit.location_id, Unit.name)).all()
    members = session.scalars(
        select(StaffMember).order_by(StaffMember.organisation_id, StaffMember.staff_number)
    ).all()
    travel = session.scalars(
        select(TravelTime).order_by(TravelTime.origin, TravelTime.destination)
    ).all()
    regions = session.scalars(select(Region.name).order_by(Region.name)).all()
    return NetworkDocument(
        region=regions[0] if regions else "-",
        organisations=[OrganisationIn(name=o.name, kind=o.kind, agb_code=o.agb_code) for o in orgs],
        locations=[
            LocationIn(
                organisation=org_names[loc.organisation_id],
                code=loc.code,
                name=loc.name,
                address=loc.address,
                postcode=loc.postcode,
                town=loc.town,
                latitude=loc.latitude,
                longitude=loc.longitude,
                care_offered=list(loc.care_offered),
            )
            for loc in locs
        ],
        units=[
            UnitIn(location=codes[u.location_id], name=u.name, ward_type=u.ward_type)
            for u in unit_rows
        ],
        staff=[
            StaffIn(
                organisation=org_names[m.organisation_id],
                staff_number=m.staff_number,
                name=m.name,
                profession=m.profession,
                fte=m.fte,
                base_location=codes.get(m.base_location_id) if m.base_location_id else None,
            )
            for m in members
        ],
        travel_times=[
            TravelTimeIn(origin=t.origin, destination=t.destination, minutes=t.minutes)
            for t in travel
        ],
    )
