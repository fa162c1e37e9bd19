"""Who may grant which role: an organisation admin cannot give anyone (themself included)
reach into other organisations; the network admin can. Every granting path is tried."""

from __future__ import annotations

import contextlib
import re
from uuid import UUID

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from regiozorg.accounts import actions
from regiozorg.accounts.models import MembershipRow, User
from regiozorg.audit import AuditEntry
from regiozorg.auth import REACHING_ROLES, SYSTEM, AccessDeniedError, Permission, Role
from regiozorg.errors import DomainError
from regiozorg.network.models import Organisation
from regiozorg.night.intake import actions as intake
from regiozorg.night.models import Incident
from tests.cast import (
    HEIDEZICHT,
    HEIDEZICHT_ADMIN,
    LINDEHOF,
    NETWORK_ADMIN,
    OFFICE,
    ORG_ADMIN,
    PHYSICIAN,
    VIEWER,
)
from tests.night_cast import PLATFORM, actor_of, alarm
from tests.web.conftest import Login
from tests.web.test_beds_pages import _new_request


def organisation_id(session: Session, name: str) -> UUID:
    return session.scalars(select(Organisation.id).where(Organisation.name == name)).one()


def roles_of(session: Session, email: str) -> set[tuple[UUID, str]]:
    session.expire_all()
    return {
        (org, str(role))
        for org, role in session.execute(
            select(MembershipRow.organisation_id, MembershipRow.role)
            .join(User, User.id == MembershipRow.user_id)
            .where(User.email == email)
        )
    }


def test_an_org_admin_who_grants_themself_coordinator_or_night_carer_reads_no_other_org(
    login: Login, session: Session
) -> None:
    """The attack of the issue, end to end: Heidezicht's admin tries to become coordinator and
    night carer, then opens a Lindehof referral and a Lindehof night incident."""
    referral = _new_request(login(PHYSICIAN), session)
    received = intake.receive_alarm(
        session, actor_of(session, PLATFORM), message=alarm("GRANT-ATTACK")
    )
    incident = session.get(Incident, received.incident_id)
    assert incident is not None
    heidezicht = organisation_id(session, HEIDEZICHT)
    admin = login(HEIDEZICHT_ADMIN)
    admin.page("/admin/users")
    for role in ("coordinator", "night_carer"):
        response = admin.submit(
            "/admin/users/memberships",
            {"email": HEIDEZICHT_ADMIN, "organisation_id": str(heidezicht), "role": role},
        )
        assert response.status_code == 403
    assert roles_of(session, HEIDEZICHT_ADMIN) == {(heidezicht, "org_admin")}
    fresh = login(HEIDEZICHT_ADMIN)
    assert fresh.get(f"/beds/requests/{referral}").status_code == 404
    assert fresh.get(f"/night/incidents/{incident.id}").status_code == 403
    refusals = session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.user_email == HEIDEZICHT_ADMIN, AuditEntry.outcome == "denied")
    )
    assert refusals and refusals >= 2


# --- every granting path x every role with reach x who grants -------------------------------

GRANTERS = {
    "org admin, own organisation": ORG_ADMIN,
    "org admin, another organisation": HEIDEZICHT_ADMIN,
    "network admin": NETWORK_ADMIN,
}
MAY_GRANT_REACH = {NETWORK_ADMIN}


def _grant_by_action_create(session: Session, login: Login, granter: str, role: Role) -> str:
    email = f"new.{role}@example.org"
    with contextlib.suppress(AccessDeniedError):
        actions.create_user(
            session,
            actor_of(session, granter),
            email=email,
            name="Nieuwe Collega",
            password="a long enough password",
            memberships=[(organisation_id(session, LINDEHOF), role)],
        )
    return email


def _grant_by_action_membership(session: Session, login: Login, granter: str, role: Role) -> str:
    with contextlib.suppress(AccessDeniedError):
        actions.add_membership(
            session,
            actor_of(session, granter),
            email=VIEWER,
            organisation_id=organisation_id(session, LINDEHOF),
            role=role,
        )
    return VIEWER


def _grant_by_page_create(session: Session, login: Login, granter: str, role: Role) -> str:
    email = f"new.{role}@example.org"
    browser = login(granter)
    browser.page("/admin/users")
    browser.submit(
        "/admin/users",
        {
            "email": email,
            "name": "Nieuwe Collega",
            "password": "a long enough password",
            "organisation_id": str(organisation_id(session, LINDEHOF)),
            "role": str(role),
        },
    )
    return email


def _grant_by_page_membership(session: Session, login: Login, granter: str, role: Role) -> str:
    browser = login(granter)
    browser.page("/admin/users")
    browser.submit(
        "/admin/users/memberships",
        {"email": VIEWER, "organisation_id": str(organisation_id(session, LINDEHOF)), "role": role},
    )
    return VIEWER


GRANTING_PATHS = {
    "actions.create_user": _grant_by_action_create,
    "actions.add_membership": _grant_by_action_membership,
    "page: new user": _grant_by_page_create,
    "page: role for existing user": _grant_by_page_membership,
}


def _denials(session: Session, email: str) -> int:
    session.expire_all()
    return (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.user_email == email,
                AuditEntry.outcome == "denied",
                AuditEntry.action == str(Permission.ROLES_GRANT_REACHING),
            )
        )
        or 0
    )


@pytest.mark.parametrize("granter", sorted(GRANTERS))
@pytest.mark.parametrize("role", sorted(REACHING_ROLES))
@pytest.mark.parametrize("path", sorted(GRANTING_PATHS))
def test_only_the_network_admin_grants_a_role_with_reach(
    login: Login, session: Session, path: str, role: Role, granter: str
) -> None:
    email = GRANTERS[granter]
    lindehof = organisation_id(session, LINDEHOF)
    denied_before = _denials(session, email)
    target = GRANTING_PATHS[path](session, login, email, role)
    granted = (lindehof, str(role)) in roles_of(session, target)
    assert granted is (email in MAY_GRANT_REACH)
    assert _denials(session, email) == denied_before + (0 if granted else 1)


def _remove_by_action(session: Session, login: Login, granter: str, role: Role) -> None:
    with contextlib.suppress(AccessDeniedError):
        actions.remove_membership(
            session,
            actor_of(session, granter),
            user_id=_user_id(session, VIEWER),
            organisation_id=organisation_id(session, LINDEHOF),
            role=role,
        )


def _remove_by_page(session: Session, login: Login, granter: str, role: Role) -> None:
    browser = login(granter)
    browser.page("/admin/users")
    browser.submit(
        f"/admin/users/{_user_id(session, VIEWER)}/memberships/remove",
        {"organisation_id": str(organisation_id(session, LINDEHOF)), "role": str(role)},
    )


REMOVING_PATHS = {"actions.remove_membership": _remove_by_action, "page": _remove_by_page}


@pytest.mark.parametrize("granter", sorted(GRANTERS))
@pytest.mark.parametrize("role", sorted(REACHING_ROLES))
@pytest.mark.parametrize("path", sorted(REMOVING_PATHS))
def test_only_the_network_admin_removes_a_role_with_reach(
    login: Login, session: Session, path: str, role: Role, granter: str
) -> None:
    email = GRANTERS[granter]
    lindehof = organisation_id(session, LINDEHOF)
    actions.add_membership(session, SYSTEM, email=VIEWER, organisation_id=lindehof, role=role)
    denied_before = _denials(session, email)
    REMOVING_PATHS[path](session, login, email, role)
    removed = (lindehof, str(role)) not in roles_of(session, VIEWER)
    assert removed is (email in MAY_GRANT_REACH)
    assert _denials(session, email) == denied_before + (0 if removed else 1)


def _user_id(session: Session, email: str) -> UUID:
    return session.scalars(select(User.id).where(User.email == email)).one()


# --- the own-organisation roles stay with the organisation admin -----------------------------


@pytest.mark.parametrize(
    ("admin", "own", "other"),
    [(ORG_ADMIN, LINDEHOF, HEIDEZICHT), (HEIDEZICHT_ADMIN, HEIDEZICHT, LINDEHOF)],
)
def test_an_org_admin_manages_the_ordinary_roles_of_their_own_people_only(
    login: Login, session: Session, admin: str, own: str, other: str
) -> None:
    own_id, other_id = organisation_id(session, own), organisation_id(session, other)
    browser = login(admin)
    page = browser.page("/admin/users")
    # the form offers only what this admin may grant, in their own organisation
    assert 'value="physician"' in page and 'value="coordinator"' not in page
    assert str(own_id) in page and str(other_id) not in page

    def new_user(email: str, organisation: UUID) -> int:
        return browser.submit(
            "/admin/users",
            {
                "email": email,
                "name": "Nieuwe Arts",
                "password": "a long enough password",
                "organisation_id": str(organisation),
                "role": "physician",
            },
        ).status_code

    assert new_user("arts.eigen@example.org", own_id) == 303
    assert new_user("arts.ander@example.org", other_id) == 403
    assert roles_of(session, "arts.eigen@example.org") == {(own_id, "physician")}
    assert roles_of(session, "arts.ander@example.org") == set()

    def grant(role: str, organisation: UUID) -> int:
        return browser.submit(
            "/admin/users/memberships",
            {"email": "arts.eigen@example.org", "organisation_id": str(organisation), "role": role},
        ).status_code

    assert grant("viewer", own_id) == 303
    assert grant("org_admin", own_id) == 303
    assert grant("viewer", other_id) == 403
    user = _user_id(session, "arts.eigen@example.org")

    def remove(role: str, organisation: UUID) -> int:
        browser.page("/admin/users")
        return browser.submit(
            f"/admin/users/{user}/memberships/remove",
            {"organisation_id": str(organisation), "role": role},
        ).status_code

    assert remove("viewer", own_id) == 303
    assert remove("org_admin", own_id) == 303
    assert roles_of(session, "arts.eigen@example.org") == {(own_id, "physician")}
    # the last role stays: the account is switched off instead
    assert remove("physician", own_id) == 422
    assert roles_of(session, "arts.eigen@example.org") == {(own_id, "physician")}


def test_removing_a_role_needs_the_csrf_token(login: Login, session: Session) -> None:
    lindehof = organisation_id(session, LINDEHOF)
    actions.add_membership(
        session, SYSTEM, email=VIEWER, organisation_id=lindehof, role=Role.PHYSICIAN
    )
    browser = login(ORG_ADMIN)
    response = browser.post(
        f"/admin/users/{_user_id(session, VIEWER)}/memberships/remove",
        data={"organisation_id": str(lindehof), "role": "physician"},
    )
    assert response.status_code == 403
    assert (lindehof, "physician") in roles_of(session, VIEWER)


def test_the_users_page_offers_a_remove_button_only_where_it_would_work(
    login: Login, session: Session
) -> None:
    lindehof = organisation_id(session, LINDEHOF)
    actions.add_membership(
        session, SYSTEM, email=VIEWER, organisation_id=lindehof, role=Role.PHYSICIAN
    )
    actions.add_membership(
        session, SYSTEM, email=VIEWER, organisation_id=lindehof, role=Role.COORDINATOR
    )
    viewer = _user_id(session, VIEWER)

    def buttons(page: str) -> set[str]:
        return set(
            re.findall(
                rf'action="/admin/users/{viewer}/memberships/remove".*?name="role" value="(\w+)"',
                page,
                re.S,
            )
        )

    assert buttons(login(ORG_ADMIN).page("/admin/users")) == {"physician", "viewer"}
    assert buttons(login(NETWORK_ADMIN).page("/admin/users")) == {
        "coordinator",
        "physician",
        "viewer",
    }
    # a role in another organisation counts too: the Lindehof role is then not the last one
    actions.remove_membership(
        session, SYSTEM, user_id=viewer, organisation_id=lindehof, role=Role.PHYSICIAN
    )
    actions.remove_membership(
        session, SYSTEM, user_id=viewer, organisation_id=lindehof, role=Role.COORDINATOR
    )
    assert buttons(login(ORG_ADMIN).page("/admin/users")) == set()
    heidezicht = organisation_id(session, HEIDEZICHT)
    actions.add_membership(
        session, SYSTEM, email=VIEWER, organisation_id=heidezicht, role=Role.PHYSICIAN
    )
    assert buttons(login(ORG_ADMIN).page("/admin/users")) == {"viewer"}


def test_the_last_network_admin_keeps_the_role(session: Session) -> None:
    office = organisation_id(session, OFFICE)
    admin = _user_id(session, NETWORK_ADMIN)
    actions.add_membership(
        session, SYSTEM, email=NETWORK_ADMIN, organisation_id=office, role=Role.VIEWER
    )
    with pytest.raises(DomainError, match="netwerkbeheerder"):
        actions.remove_membership(
            session, SYSTEM, user_id=admin, organisation_id=office, role=Role.NETWORK_ADMIN
        )
    actions.add_membership(
        session, SYSTEM, email=VIEWER, organisation_id=office, role=Role.NETWORK_ADMIN
    )
    actions.remove_membership(
        session, SYSTEM, user_id=admin, organisation_id=office, role=Role.NETWORK_ADMIN
    )
    assert (office, "network_admin") not in roles_of(session, NETWORK_ADMIN)
