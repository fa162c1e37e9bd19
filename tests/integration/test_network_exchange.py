"""Importing and exporting the network, and the audited client actions, on real databases."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
from sqlalchemy import func, inspect, select, table
from sqlalchemy.orm import Session

from regiozorg.accounts.models import MembershipRow, User
from regiozorg.audit import AuditEntry
from regiozorg.auth import SYSTEM, AccessDeniedError, Actor, Decision, Membership
from regiozorg.config import Settings
from regiozorg.network import actions, queries
from regiozorg.network.exchange import ImportRefusedError, parse_csv, parse_json, to_json
from regiozorg.network.models import Client, Location, Organisation
from regiozorg.network.rules import OrganisationKind, WardType, estimated_travel_minutes
from regiozorg.network.schemas import ClientIn, LocationIn, NetworkDocument, OrganisationIn, UnitIn
from tests.cast import HEIDEZICHT, HEIDEZICHT_PHYSICIAN, LINDEHOF, ORG_ADMIN

NEW_ORGANISATION = "Zorggroep Nieuwe Weide"


def actor(session: Session, email: str) -> Actor:
    """A demo user as the web layer would see them after signing in."""
    user = session.scalars(select(User).where(User.email == email)).one()
    rows = session.execute(
        select(MembershipRow.organisation_id, MembershipRow.role).where(
            MembershipRow.user_id == user.id
        )
    )
    return Actor(
        user_id=user.id,
        email=user.email,
        memberships=frozenset(Membership(org, role) for org, role in rows),
    )


def organisation_id(session: Session, name: str) -> UUID:
    return session.scalars(select(Organisation.id).where(Organisation.name == name)).one()


def location_of(session: Session, name: str) -> Location:
    return session.scalars(
        select(Location)
        .join(Organisation, Organisation.id == Location.organisation_id)
        .where(Organisation.name == name)
        .order_by(Location.code)
        .limit(1)
    ).one()


def row_counts(session: Session) -> dict[str, int]:
    names = inspect(session.connection()).get_table_names()
    return {
        name: session.scalar(select(func.count()).select_from(table(name))) or 0 for name in names
    }


def audit_rows(session: Session, action: str) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


# --- import and export ---------------------------------------------------------------------


def test_importing_the_exported_region_changes_nothing(session: Session) -> None:
    exported = queries.export_document(session)
    assert exported.region == "Zuidwest-Drenthe (demo)"
    assert len(exported.organisations) == 10
    before = row_counts(session)

    summary = actions.import_network(session, SYSTEM, batch=parse_json(to_json(exported)))

    assert summary.created == dict.fromkeys(summary.created, 0)  # nothing new: none counted
    assert summary.updated == {}
    assert len(summary.skipped["locations"]) == len(exported.locations)
    after = row_counts(session)
    assert after.pop("audit_entries") == before.pop("audit_entries") + 1
    assert after == before
    again = queries.export_document(session)
    for kind in ("organisations", "locations", "units", "travel_times"):
        assert getattr(again, kind) == getattr(exported, kind), kind


def test_importing_the_exported_region_leaves_every_staff_member_as_it_was(
    session: Session,
) -> None:
    exported = queries.export_document(session)

    actions.import_network(session, SYSTEM, batch=parse_json(to_json(exported)))

    # compared as a multiset: the export's order among namesakes is not defined
    def people(document: NetworkDocument) -> list[str]:
        return sorted(member.model_dump_json() for member in document.staff)

    assert people(queries.export_document(session)) == people(exported)


def test_one_bad_reference_refuses_the_whole_document(session: Session) -> None:
    document = NetworkDocument(
        region="Zuidwest-Drenthe (demo)",
        organisations=[OrganisationIn(name=NEW_ORGANISATION, kind=OrganisationKind.VVT)],
        locations=[
            LocationIn(
                organisation=NEW_ORGANISATION,
                code="ZNW-MEPP-1",
                name="Nieuwe Weide Meppel",
                address="Weideweg 1",
                postcode="7941 XY",
                town="Meppel",
                latitude=52.70,
                longitude=6.20,
            )
        ],
        units=[
            UnitIn(location="ZNW-MEPP-1", name="PG Nieuwe Weide", ward_type=WardType.PG),
            UnitIn(location="BESTAAT-NIET", name="PG Nergens", ward_type=WardType.PG),
        ],
    )
    before = row_counts(session)

    with pytest.raises(ImportRefusedError) as raised:
        actions.import_network(session, SYSTEM, batch=parse_json(to_json(document)))

    assert [(p.line, p.field) for p in raised.value.problems] == [("units[1]", "location")]
    assert "BESTAAT-NIET" in str(raised.value.problems[0])
    assert session.scalar(select(Organisation).where(Organisation.name == NEW_ORGANISATION)) is None
    assert session.scalar(select(Location).where(Location.code == "ZNW-MEPP-1")) is None
    assert row_counts(session) == before  # not even an audit row: it stood or fell with the import


def test_an_imported_travel_time_wins_over_the_estimate(
    session: Session, settings: Settings
) -> None:
    meppel = location_of(session, LINDEHOF)
    hoogeveen = location_of(session, HEIDEZICHT)
    estimate = estimated_travel_minutes(
        (meppel.latitude, meppel.longitude),
        (hoogeveen.latitude, hoogeveen.longitude),
        detour_factor=settings.travel_detour_factor,
        speed_kmh=settings.travel_speed_kmh,
    )
    assert estimate == pytest.approx(25, abs=3)  # Meppel to Hoogeveen, about 19 km
    assert (
        queries.travel_minutes(session, settings, origin=meppel.code, destination=hoogeveen.code)
        == estimate
    )

    batch = parse_csv(
        "travel_times", f"origin,destination,minutes\n{meppel.code},{hoogeveen.code},47\n"
    )
    actions.import_network(session, SYSTEM, batch=batch)

    assert (
        queries.travel_minutes(session, settings, origin=meppel.code, destination=hoogeveen.code)
        == 47
    )
    # only that direction was imported: the way back is still estimated
    assert (
        queries.travel_minutes(session, settings, origin=hoogeveen.code, destination=meppel.code)
        == estimate
    )


def test_without_an_imported_time_the_estimate_is_used_also_from_a_postcode_area(
    session: Session, settings: Settings
) -> None:
    hoogeveen = location_of(session, HEIDEZICHT)
    meppel_centre = (52.6958, 6.1944)  # the demo's centroid of postcode area 7941
    estimate = estimated_travel_minutes(
        meppel_centre,
        (hoogeveen.latitude, hoogeveen.longitude),
        detour_factor=settings.travel_detour_factor,
        speed_kmh=settings.travel_speed_kmh,
    )
    assert queries.travel_minutes(session, settings, origin="7941", destination=hoogeveen.code) == (
        estimate
    )

    batch = parse_csv("travel_times", f"origin,destination,minutes\n7941,{hoogeveen.code},31\n")
    actions.import_network(session, SYSTEM, batch=batch)
    assert (
        queries.travel_minutes(session, settings, origin="7941", destination=hoogeveen.code) == 31
    )
    # an unknown end has no estimate at all
    assert (
        queries.travel_minutes(session, settings, origin="9999", destination=hoogeveen.code) is None
    )


def test_an_import_writes_exactly_one_audit_row(session: Session) -> None:
    before = row_counts(session)["audit_entries"]
    batch = parse_csv("organisations", f"name,kind\n{NEW_ORGANISATION},vvt\n")

    actions.import_network(session, SYSTEM, batch=batch)

    assert row_counts(session)["audit_entries"] == before + 1
    [entry] = audit_rows(session, "network.import")
    assert entry.outcome == "success"
    assert entry.user_email == "system"
    assert entry.detail == "organisations: 1"
    new_kind = select(Organisation.kind).where(Organisation.name == NEW_ORGANISATION)
    assert session.scalar(new_kind) == OrganisationKind.VVT


def test_an_organisation_admin_may_not_import_and_the_refusal_is_audited(
    session: Session,
) -> None:
    org_admin = actor(session, ORG_ADMIN)
    batch = parse_csv("organisations", f"name,kind\n{NEW_ORGANISATION},vvt\n")

    with pytest.raises(AccessDeniedError) as raised:
        actions.import_network(session, org_admin, batch=batch)

    assert raised.value.decision is Decision.FORBIDDEN
    assert session.scalar(select(Organisation).where(Organisation.name == NEW_ORGANISATION)) is None
    assert audit_rows(session, "network.import") == []
    [denied] = audit_rows(session, "network.manage")
    assert (denied.outcome, denied.detail, denied.user_email) == ("denied", "forbidden", ORG_ADMIN)


# --- clients -------------------------------------------------------------------------------


def test_the_organisation_admin_registers_a_client_and_it_is_audited(session: Session) -> None:
    org_admin = actor(session, ORG_ADMIN)
    lindehof = organisation_id(session, LINDEHOF)
    location = location_of(session, LINDEHOF)
    record = ClientIn(
        location_id=location.id,
        client_number="ZL-TEST-001",
        name="Geesje Postma",
        birth_date="1938-04-12",
    )

    client_id = actions.create_client(session, org_admin, organisation_id=lindehof, record=record)

    detail = actions.view_client(session, org_admin, client_id=client_id)
    assert (detail.name, detail.birth_date, detail.location) == (
        "Geesje Postma",
        date(1938, 4, 12),
        location.name,
    )
    [created] = audit_rows(session, "clients.create")
    assert created.client_id == client_id
    assert created.client_organisation_id == lindehof
    assert (created.user_email, created.outcome) == (ORG_ADMIN, "success")


def test_another_organisations_physician_cannot_learn_a_client_exists(session: Session) -> None:
    lindehof = organisation_id(session, LINDEHOF)
    client_id = session.scalars(
        select(Client.id).where(Client.organisation_id == lindehof).limit(1)
    ).one()
    stranger = actor(session, HEIDEZICHT_PHYSICIAN)

    with pytest.raises(AccessDeniedError) as raised:
        actions.view_client(session, stranger, client_id=client_id)

    assert raised.value.decision is Decision.NOT_FOUND
    # the refusal outlives the action's rollback; no successful read is recorded
    [entry] = audit_rows(session, "clients.read")
    assert (entry.outcome, entry.detail) == ("denied", "not_found")
    assert (entry.user_email, entry.client_id) == (HEIDEZICHT_PHYSICIAN, client_id)


def test_every_client_in_a_list_is_an_audited_read(session: Session) -> None:
    org_admin = actor(session, ORG_ADMIN)
    lindehof = organisation_id(session, LINDEHOF)

    lines = actions.list_clients(session, org_admin, organisation_id=lindehof)

    in_database = session.scalar(
        select(func.count(Client.id)).where(Client.organisation_id == lindehof)
    )
    assert len(lines) == in_database
    assert len(lines) >= 6  # the demo gives every care location six to twelve clients
    listed = audit_rows(session, "clients.list")
    assert sorted(str(e.client_id) for e in listed) == sorted(str(line.id) for line in lines)
    assert {(e.user_email, e.client_organisation_id) for e in listed} == {(ORG_ADMIN, lindehof)}
