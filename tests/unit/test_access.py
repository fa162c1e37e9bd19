"""The access rules as pure functions, without a database."""

from __future__ import annotations

import uuid

import pytest

from regiozorg.auth import (
    REACHING_ROLES,
    SYSTEM,
    AccessDeniedError,
    Actor,
    Decision,
    Membership,
    Permission,
    Role,
    decide,
    decide_night_client_access,
    decide_patient_access,
    ensure_allowed,
    grant_permission,
    grantable_roles,
    scope,
)

OWN = uuid.UUID(int=1)
OTHER = uuid.UUID(int=2)


def actor(*roles: Role, organisation: uuid.UUID = OWN) -> Actor:
    return Actor(
        user_id=uuid.uuid4(),
        email="someone@example.org",
        memberships=frozenset(Membership(organisation, role) for role in roles),
    )


@pytest.mark.parametrize("role", list(Role))
def test_everyone_sees_the_network(role: Role) -> None:
    assert decide(actor(role), Permission.NETWORK_VIEW) is Decision.ALLOW


@pytest.mark.parametrize(
    "role", [Role.ORG_ADMIN, Role.COORDINATOR, Role.NIGHT_CARER, Role.PHYSICIAN]
)
def test_care_roles_read_their_own_clients_only(role: Role) -> None:
    assert decide(actor(role), Permission.CLIENTS_READ, OWN) is Decision.ALLOW
    assert decide(actor(role), Permission.CLIENTS_READ, OTHER) is Decision.NOT_FOUND


@pytest.mark.parametrize("role", [Role.NETWORK_ADMIN, Role.PLANNER, Role.VIEWER])
def test_roles_without_care_read_no_client_at_all(role: Role) -> None:
    assert decide(actor(role), Permission.CLIENTS_READ) is Decision.FORBIDDEN
    assert decide(actor(role), Permission.CLIENTS_READ, OWN) is Decision.FORBIDDEN


def test_org_admin_manages_only_its_own_organisation() -> None:
    admin = actor(Role.ORG_ADMIN)
    assert decide(admin, Permission.ORGANISATION_MANAGE, OWN) is Decision.ALLOW
    assert decide(admin, Permission.ORGANISATION_MANAGE, OTHER) is Decision.FORBIDDEN
    assert decide(admin, Permission.NETWORK_MANAGE) is Decision.FORBIDDEN


def test_network_admin_manages_every_organisation_but_reads_no_client() -> None:
    admin = actor(Role.NETWORK_ADMIN)
    assert decide(admin, Permission.ORGANISATION_MANAGE, OTHER) is Decision.ALLOW
    assert decide(admin, Permission.NETWORK_MANAGE) is Decision.ALLOW
    assert decide(admin, Permission.CLIENTS_READ, OWN) is Decision.FORBIDDEN


def test_a_role_in_one_organisation_does_not_carry_to_another() -> None:
    person = Actor(
        user_id=uuid.uuid4(),
        email="two-hats@example.org",
        memberships=frozenset({Membership(OWN, Role.VIEWER), Membership(OTHER, Role.PHYSICIAN)}),
    )
    assert decide(person, Permission.CLIENTS_READ, OTHER) is Decision.ALLOW
    assert decide(person, Permission.CLIENTS_READ, OWN) is Decision.NOT_FOUND


def test_scope_lists_the_organisations_a_permission_reaches() -> None:
    assert scope(actor(Role.ORG_ADMIN), Permission.AUDIT_VIEW) == frozenset({OWN})
    assert scope(actor(Role.NETWORK_ADMIN), Permission.AUDIT_VIEW) is None
    assert scope(actor(Role.VIEWER), Permission.CLIENTS_READ) == frozenset()
    assert scope(SYSTEM, Permission.CLIENTS_READ) is None


def test_ensure_allowed_raises_with_the_decision() -> None:
    with pytest.raises(AccessDeniedError) as refused:
        ensure_allowed(actor(Role.PHYSICIAN), Permission.CLIENTS_READ, OTHER)
    assert refused.value.decision is Decision.NOT_FOUND


def test_every_permission_has_a_rule() -> None:
    for permission in Permission:
        decide(actor(Role.VIEWER), permission)  # a missing rule would raise KeyError


# --- who may grant which role ----------------------------------------------------------------


def test_the_roles_with_reach_are_derived_from_the_rules_as_written_out_here() -> None:
    assert {
        Role.NETWORK_ADMIN,
        Role.COORDINATOR,
        Role.NIGHT_CARER,
        Role.PLANNER,
    } == REACHING_ROLES


@pytest.mark.parametrize("role", sorted(set(Role) - REACHING_ROLES))
def test_a_role_without_reach_opens_nothing_of_another_organisation(role: Role) -> None:
    someone = actor(role)
    open_elsewhere = {p for p in Permission if decide(someone, p, OTHER) is Decision.ALLOW}
    # seeing the network and the anonymous bed board, and referring a patient of one's own
    assert open_elsewhere <= {
        Permission.NETWORK_VIEW,
        Permission.BEDS_VIEW,
        Permission.BEDS_REQUEST,
    }
    assert (
        decide_patient_access(someone, referrer_user_id=uuid.uuid4(), offered_to=frozenset({OTHER}))
        is Decision.NOT_FOUND
    )
    assert (
        decide_night_client_access(
            someone, client_organisation_id=OTHER, enrolled=True, on_shift=True
        )
        is Decision.NOT_FOUND
    )


def test_an_org_admin_grants_the_own_organisation_roles_in_their_own_organisation_only() -> None:
    admin = actor(Role.ORG_ADMIN)
    assert grantable_roles(admin, OWN) == [Role.ORG_ADMIN, Role.PHYSICIAN, Role.VIEWER]
    assert grantable_roles(admin, OTHER) == []
    assert grantable_roles(actor(Role.NETWORK_ADMIN), OTHER) == list(Role)
    assert grantable_roles(actor(Role.COORDINATOR), OWN) == []


@pytest.mark.parametrize("role", sorted(REACHING_ROLES))
def test_granting_a_role_with_reach_takes_the_network_admin(role: Role) -> None:
    permission = grant_permission(role)
    assert decide(actor(Role.ORG_ADMIN), permission, OWN) is Decision.FORBIDDEN
    assert decide(actor(Role.NETWORK_ADMIN, organisation=OTHER), permission, OWN) is Decision.ALLOW
