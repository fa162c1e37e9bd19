"""The bed board and the occupancy report count each bed once, as the database does: a bed that
serves three care types with one hold on it is one reserved bed, not three. The board opens on
the reader's region; other regions are summarised and open on demand."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from regiozorg.auth import SYSTEM
from regiozorg.beds import actions
from regiozorg.beds.models import Bed, BedAssignment, BedCareType
from regiozorg.beds.rules import AssignmentStatus, BedStatus, CareType
from regiozorg.beds.schemas import BedRequestIn
from regiozorg.clock import utcnow
from regiozorg.network.models import Location, Organisation, Region, Unit
from regiozorg.network.rules import OrganisationKind, WardType
from tests.cast import COORDINATOR, LINDEHOF, PLANNER
from tests.web.conftest import Login

TOTAL = re.compile(r'id="(total-free|total-held|total-occupied|total-beds)">(\d+)<')
REPORT = re.compile(r'id="(report-occupied|report-beds)">(\d+)<')


def _totals(html: str) -> dict[str, int]:
    return {name: int(value) for name, value in TOTAL.findall(html)}


def _region_of(session: Session, organisation: str) -> UUID:
    region = session.scalar(select(Organisation.region_id).where(Organisation.name == organisation))
    assert region is not None
    return region


def _reserved() -> ColumnElement[bool]:
    """Straight from the assignments: a running hold or an accepted bed."""
    return Bed.id.in_(
        select(BedAssignment.bed_id).where(
            or_(
                and_(
                    BedAssignment.status == AssignmentStatus.HELD,
                    BedAssignment.hold_expires_at > utcnow(),
                ),
                BedAssignment.status == AssignmentStatus.ACCEPTED,
            )
        )
    )


def _database_counts(session: Session, region_id: UUID | None) -> dict[str, int]:
    """COUNT(*) over beds, each bed once, in one region (or all)."""

    def count(*conditions: ColumnElement[bool]) -> int:
        query = (
            select(func.count(Bed.id))
            .join(Location, Location.id == Bed.location_id)
            .join(Organisation, Organisation.id == Location.organisation_id)
            .where(*conditions)
        )
        if region_id is not None:
            query = query.where(Organisation.region_id == region_id)
        return int(session.scalar(query) or 0)

    return {
        "total-free": count(Bed.status == BedStatus.FREE, ~_reserved()),
        "total-held": count(_reserved()),
        "total-occupied": count(Bed.status == BedStatus.OCCUPIED, ~_reserved()),
        "total-beds": count(),
    }


def _three_type_bed(session: Session) -> Bed:
    """A free bed that serves three care types (an ELV ward bed: low, high, palliative)."""
    three = (
        select(BedCareType.bed_id)
        .group_by(BedCareType.bed_id)
        .having(func.count() == 3)
        .order_by(BedCareType.bed_id)
        .limit(1)
    )
    bed = session.scalars(select(Bed).where(Bed.id.in_(three))).one()
    actions.set_bed_status(session, SYSTEM, bed_id=bed.id, status=BedStatus.FREE)
    return bed


def _hold(session: Session, bed: Bed) -> None:
    care = session.scalars(
        select(BedCareType.care_type).where(BedCareType.bed_id == bed.id)
    ).first()
    assert care is not None
    request = actions.request_bed(
        session,
        SYSTEM,
        data=BedRequestIn.model_validate(
            {
                "care_type": care,
                "patient_initials": "T.C.",
                "patient_birth_year": 1940,
                "patient_sex": "F",
                "patient_postcode": "7901 AB",
                "expects_return_home": True,
                "consents_outside_region": True,
                "referrer_kind": "coordinator",
                "referrer_name": "Test",
                "referrer_phone": "0528-123456",
            }
        ),
    )
    actions.hold_bed(
        session, SYSTEM, request_id=request.id, bed_id=bed.id, ttl=timedelta(minutes=30)
    )


def test_a_hold_on_a_bed_of_three_care_types_counts_once_and_totals_equal_the_database(
    login: Login, session: Session
) -> None:
    bed = _three_type_bed(session)
    region = _region_of(session, LINDEHOF)
    coordinator = login(COORDINATOR)
    before = _totals(coordinator.page("/beds"))
    assert before == _database_counts(session, region)

    _hold(session, bed)
    after = _totals(coordinator.page("/beds"))
    assert after == _database_counts(session, region)
    assert after["total-held"] == before["total-held"] + 1
    assert after["total-free"] == before["total-free"] - 1
    # the live fragment says the same
    assert _totals(coordinator.page("/beds/board")) == after

    # filtered by one of its care types the bed is still one bed
    filtered = _totals(coordinator.page("/beds?care_type=ELV_HIGH"))
    served = Bed.id.in_(
        select(BedCareType.bed_id).where(BedCareType.care_type == CareType.ELV_HIGH)
    )
    held_high = session.scalar(select(func.count(Bed.id)).where(served, _reserved()))
    assert filtered["total-held"] == held_high


def test_the_occupancy_report_counts_each_bed_once_and_the_care_types_apart(
    login: Login, session: Session
) -> None:
    _hold(session, _three_type_bed(session))
    html = login(PLANNER).page("/beds/reports")
    figures = {name: int(value) for name, value in REPORT.findall(html)}
    everything = _database_counts(session, None)
    assert figures == {
        "report-beds": everything["total-beds"],
        "report-occupied": everything["total-held"] + everything["total-occupied"],
    }
    # per care type a bed counts in every type it serves: said on the page, and so it is
    rows = html.split('id="occupancy-by-care-type"', 1)[1].split("</table>", 1)[0]
    per_type = [int(n) for n in re.findall(r'(\d+)</td><td class="numeric">\d+%', rows)]
    assert sum(per_type) == session.scalar(select(func.count()).select_from(BedCareType))
    assert sum(per_type) > everything["total-beds"]
    assert "telt dan bij elk daarvan mee" in html


def _other_region(session: Session) -> tuple[UUID, UUID]:
    """A second region with one location of three beds: two free, one occupied."""
    region = Region(name="Testregio Twente")
    session.add(region)
    session.flush()
    organisation = Organisation(
        region_id=region.id, name="Zorggroep Twente", kind=OrganisationKind.VVT
    )
    session.add(organisation)
    session.flush()
    location = Location(
        organisation_id=organisation.id,
        code="TW-1",
        name="Huize Twente",
        address="Markt 1",
        postcode="7511 AA",
        town="Enschede",
        latitude=52.22,
        longitude=6.89,
        care_offered=[],
    )
    session.add(location)
    session.flush()
    unit = Unit(location_id=location.id, name="Afdeling 1", ward_type=WardType.ELV)
    session.add(unit)
    session.flush()
    for number, status in enumerate((BedStatus.FREE, BedStatus.FREE, BedStatus.OCCUPIED)):
        bed = Bed(
            unit_id=unit.id,
            location_id=location.id,
            organisation_id=organisation.id,
            label=f"T {number}",
            status=status,
            capabilities=[],
        )
        session.add(bed)
        session.flush()
        session.add(BedCareType(bed_id=bed.id, care_type=CareType.ELV_LOW))
    session.flush()
    return region.id, location.id


def test_the_board_opens_on_the_readers_region_and_other_regions_on_demand(
    login: Login, session: Session
) -> None:
    other, location = _other_region(session)
    home = _region_of(session, LINDEHOF)
    coordinator = login(COORDINATOR)
    html = coordinator.page("/beds")
    assert _totals(html) == _database_counts(session, home)
    assert "Huize Twente" not in html  # not listed among the home region's locations
    summary = html.split("Andere regio", 1)[1]
    assert f"region={other}" in summary and "Testregio Twente" in summary

    opened = coordinator.page(f"/beds?region={other}")
    assert _totals(opened) == {
        "total-free": 2,
        "total-held": 0,
        "total-occupied": 1,
        "total-beds": 3,
    }
    assert f'id="free-{location}">2<' in opened


def test_the_board_filters_by_place_and_pages_its_locations(login: Login, session: Session) -> None:
    coordinator = login(COORDINATOR)
    home = _region_of(session, LINDEHOF)
    html = coordinator.page("/beds?place=Hoogeveen")
    in_place = (
        select(func.count(Bed.id))
        .join(Location, Location.id == Bed.location_id)
        .join(Organisation, Organisation.id == Location.organisation_id)
        .where(Organisation.region_id == home, Location.town == "Hoogeveen")
    )
    assert _totals(html)["total-beds"] == session.scalar(in_place)
    listed = re.findall(r'<small class="muted line-place">([^<·]+) ·', html)
    assert listed and {town.strip() for town in listed} == {"Hoogeveen"}
