"""The named cast of the tests: the demo region Zuidwest-Drenthe and its demo logins."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.demo import DEMO_PASSWORD, HOME_ORGANISATION, NETWORK_OFFICE, demo_email
from regiozorg.network.models import Client, Organisation

PASSWORD = DEMO_PASSWORD
LINDEHOF = HOME_ORGANISATION  # the demo users' own organisation
HEIDEZICHT = "Stichting Heidezicht"  # another organisation: its clients stay private
OFFICE = NETWORK_OFFICE

NETWORK_ADMIN = demo_email("networkadmin")
ORG_ADMIN = demo_email("orgadmin")
COORDINATOR = demo_email("coordinator")
NIGHT_CARER = demo_email("nightcarer")
PHYSICIAN = demo_email("physician")
PLANNER = demo_email("planner")
VIEWER = demo_email("viewer")
HEIDEZICHT_ADMIN = demo_email("orgadmin.heidezicht")
HEIDEZICHT_PHYSICIAN = demo_email("physician.heidezicht")

ROLES = {
    "network_admin": NETWORK_ADMIN,
    "org_admin": ORG_ADMIN,
    "coordinator": COORDINATOR,
    "night_carer": NIGHT_CARER,
    "physician": PHYSICIAN,
    "planner": PLANNER,
    "viewer": VIEWER,
}


def first_client(session: Session, organisation: str) -> Client:
    """The organisation's client with the lowest client number: one of its own people, the
    same one in every test."""
    found = session.scalars(
        select(Client)
        .join(Organisation, Organisation.id == Client.organisation_id)
        .where(Organisation.name == organisation)
        .order_by(Client.client_number)
        .limit(1)
    ).first()
    assert found is not None, f"{organisation} has no clients"
    return found
