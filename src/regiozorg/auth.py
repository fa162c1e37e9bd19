"""Who may do what: the one place access is decided, as pure functions.

Every route and action asks ``ensure_allowed`` (or ``decide``) with a permission and, where the
target belongs to an organisation, that organisation. A refusal is either 403 (the thing is not
secret, you just may not do this) or 404 (for client data of an organisation you have no part in,
whose very existence is not yours to learn).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID


class Role(StrEnum):
    NETWORK_ADMIN = "network_admin"
    ORG_ADMIN = "org_admin"
    COORDINATOR = "coordinator"
    NIGHT_CARER = "night_carer"
    PHYSICIAN = "physician"
    PLANNER = "planner"
    VIEWER = "viewer"


class Permission(StrEnum):
    NETWORK_VIEW = "network.view"
    NETWORK_MANAGE = "network.manage"
    ORGANISATION_MANAGE = "organisation.manage"
    CLIENTS_READ = "clients.read"
    CLIENTS_MANAGE = "clients.manage"
    USERS_MANAGE = "users.manage"
    AUDIT_VIEW = "audit.view"
    BEDS_VIEW = "beds.view"
    BEDS_REQUEST = "beds.request"
    BEDS_COORDINATE = "beds.coordinate"
    BEDS_PROVIDE = "beds.provide"
    BEDS_REPORTS = "beds.reports"
    NIGHT_INTAKE = "night.intake"
    NIGHT_HANDLE = "night.handle"
    NIGHT_SETUP = "night.setup"
    NIGHT_PLANS = "night.plans"
    NIGHT_HISTORY = "night.history"
    NIGHT_REPORTS = "night.reports"
    # Granting or removing a role that reaches beyond its own organisation (see REACHING_ROLES).
    ROLES_GRANT_REACHING = "roles.grant_reaching"


class Decision(StrEnum):
    ALLOW = "allow"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"


ALL_ROLES = frozenset(Role)
CARE_ROLES = frozenset({Role.ORG_ADMIN, Role.COORDINATOR, Role.NIGHT_CARER, Role.PHYSICIAN})
# The regional bed coordinator works for the whole network, whichever organisation employs them.
BED_COORDINATORS = frozenset({Role.COORDINATOR})
NIGHT_TEAM = frozenset({Role.NIGHT_CARER})


@dataclass(frozen=True)
class Rule:
    """``anywhere``: roles that grant the permission whichever organisation they hold it in.
    ``own``: roles that grant it only for the organisation they are held in.
    ``hidden``: refusals about another organisation's things are answered as "not found".
    ``reach``: the roles in ``anywhere`` see or act on other organisations' clients, people,
    coordination or figures through this permission, so they are roles with reach (only the
    network admin grants them). Permissions everyone holds anyway (seeing the network and the
    anonymous bed board) and the physician's referring (they see only their own referrals)
    do not reach."""

    anywhere: frozenset[Role] = frozenset()
    own: frozenset[Role] = frozenset()
    hidden: bool = False
    reach: bool = False


RULES: dict[Permission, Rule] = {
    Permission.NETWORK_VIEW: Rule(anywhere=ALL_ROLES),
    Permission.NETWORK_MANAGE: Rule(anywhere=frozenset({Role.NETWORK_ADMIN}), reach=True),
    Permission.ORGANISATION_MANAGE: Rule(
        anywhere=frozenset({Role.NETWORK_ADMIN}), own=frozenset({Role.ORG_ADMIN}), reach=True
    ),
    # Client details stay inside the client's own organisation; the network admin runs the
    # network, not the care, and gets no client data from that role alone.
    Permission.CLIENTS_READ: Rule(own=CARE_ROLES, hidden=True),
    Permission.CLIENTS_MANAGE: Rule(own=frozenset({Role.ORG_ADMIN}), hidden=True),
    Permission.USERS_MANAGE: Rule(
        anywhere=frozenset({Role.NETWORK_ADMIN}), own=frozenset({Role.ORG_ADMIN}), reach=True
    ),
    Permission.AUDIT_VIEW: Rule(
        anywhere=frozenset({Role.NETWORK_ADMIN}), own=frozenset({Role.ORG_ADMIN}), reach=True
    ),
    # Everyone sees the bed board: free, held and occupied counts, no patient in sight.
    Permission.BEDS_VIEW: Rule(anywhere=ALL_ROLES),
    # GPs and hospital physicians refer; the coordination point takes requests by phone too.
    Permission.BEDS_REQUEST: Rule(anywhere=BED_COORDINATORS | {Role.PHYSICIAN}),
    Permission.BEDS_COORDINATE: Rule(anywhere=BED_COORDINATORS, reach=True),
    # The people of the organisation that owns a bed keep it up to date and accept offers.
    Permission.BEDS_PROVIDE: Rule(own=CARE_ROLES),
    Permission.BEDS_REPORTS: Rule(
        anywhere=BED_COORDINATORS | {Role.NETWORK_ADMIN, Role.PLANNER}, reach=True
    ),
    # The shared night team works for every organisation in the service: alarm platforms post
    # with a night carer's (or an integration's) token, and the team works one queue.
    Permission.NIGHT_INTAKE: Rule(anywhere=NIGHT_TEAM, reach=True),
    Permission.NIGHT_HANDLE: Rule(anywhere=NIGHT_TEAM, reach=True),
    # Which locations take part, norms, the night roster, controllers and escalation steps.
    Permission.NIGHT_SETUP: Rule(
        anywhere=frozenset({Role.NETWORK_ADMIN}), own=frozenset({Role.ORG_ADMIN}), reach=True
    ),
    # A client's night care plan is written by the client's own organisation.
    Permission.NIGHT_PLANS: Rule(own=frozenset({Role.ORG_ADMIN, Role.COORDINATOR}), hidden=True),
    # An organisation sees its own clients' night history, nobody else's.
    Permission.NIGHT_HISTORY: Rule(own=CARE_ROLES, hidden=True),
    # Figures without names: the network, planners, and each organisation for its own.
    Permission.NIGHT_REPORTS: Rule(
        anywhere=frozenset({Role.NETWORK_ADMIN, Role.PLANNER}),
        own=frozenset({Role.ORG_ADMIN}),
        reach=True,
    ),
    Permission.ROLES_GRANT_REACHING: Rule(anywhere=frozenset({Role.NETWORK_ADMIN}), reach=True),
}

# Roles whose holder reaches beyond the organisation the role is held in, derived from the
# rules above and from the two decisions below that open other organisations' clients (the bed
# coordinator's referrals, the night team's incidents). Today: network admin, coordinator,
# night carer, planner. The planner reaches only figures without names (bed and night reports
# of every organisation), yet those are other organisations' figures, in a small region
# sometimes small enough to point at people, and an organisation's own figures are already
# open to its own admin: so the planner is granted by the network admin too.
REACHING_ROLES: frozenset[Role] = (
    frozenset(role for rule in RULES.values() if rule.reach for role in rule.anywhere)
    | BED_COORDINATORS
    | NIGHT_TEAM
)


@dataclass(frozen=True)
class Membership:
    organisation_id: UUID
    role: Role


@dataclass(frozen=True)
class Actor:
    """Whoever asks: a signed-in person, an API token's owner, or the command line."""

    user_id: UUID | None
    email: str
    memberships: frozenset[Membership] = field(default_factory=frozenset)
    channel: str = "web"
    address: str | None = None
    locale: str = "nl"

    def roles(self) -> frozenset[Role]:
        return frozenset(m.role for m in self.memberships)

    def roles_in(self, organisation_id: UUID) -> frozenset[Role]:
        return frozenset(m.role for m in self.memberships if m.organisation_id == organisation_id)

    def organisation_ids(self) -> frozenset[UUID]:
        return frozenset(m.organisation_id for m in self.memberships)

    def acting_organisation(self, target: UUID | None = None) -> UUID | None:
        """The organisation on whose behalf this actor acts on ``target``, for the audit trail."""
        if target is not None and target in self.organisation_ids():
            return target
        ids = sorted(self.organisation_ids(), key=str)
        return ids[0] if ids else None


SYSTEM = Actor(user_id=None, email="system", channel="cli")


class AccessDeniedError(Exception):
    """Raised by ``ensure_allowed``; the web layer maps it to 403 or 404, once."""

    def __init__(
        self,
        actor: Actor,
        permission: Permission,
        decision: Decision,
        *,
        organisation_id: UUID | None = None,
        client_id: UUID | None = None,
        target: tuple[str, object] | None = None,
    ) -> None:
        super().__init__(f"{actor.email} may not {permission} ({decision})")
        self.target = target
        self.actor = actor
        self.permission = permission
        self.decision = decision
        self.organisation_id = organisation_id
        self.client_id = client_id


def decide(actor: Actor, permission: Permission, organisation_id: UUID | None = None) -> Decision:
    """May ``actor`` do ``permission``, on a thing of ``organisation_id`` if one is named?

    Without an organisation the question is "anywhere at all" (a list the query then scopes).
    """
    if actor is SYSTEM:
        return Decision.ALLOW
    rule = RULES[permission]
    if actor.roles() & rule.anywhere:
        return Decision.ALLOW
    if organisation_id is None:
        if actor.roles() & rule.own:
            return Decision.ALLOW
    elif actor.roles_in(organisation_id) & rule.own:
        return Decision.ALLOW
    if rule.hidden and organisation_id is not None and actor.roles() & rule.own:
        return Decision.NOT_FOUND
    return Decision.FORBIDDEN


def ensure_allowed(
    actor: Actor,
    permission: Permission,
    organisation_id: UUID | None = None,
    *,
    client_id: UUID | None = None,
) -> None:
    decision = decide(actor, permission, organisation_id)
    if decision is not Decision.ALLOW:
        raise AccessDeniedError(
            actor, permission, decision, organisation_id=organisation_id, client_id=client_id
        )


def grant_permission(role: Role) -> Permission:
    """What granting (or removing) ``role`` takes.

    An organisation admin is trusted with their own organisation only. A role with reach
    (``REACHING_ROLES``) would let them give themself or their staff other organisations'
    referrals, night incidents, people or figures, so only the network admin grants those. The
    own-organisation roles (organisation admin, physician, viewer) the organisation admin grants
    in their own organisation, as before; asked with that organisation, ``decide`` keeps them
    out of any other one.
    """
    return Permission.ROLES_GRANT_REACHING if role in REACHING_ROLES else Permission.USERS_MANAGE


def grantable_roles(actor: Actor, organisation_id: UUID | None = None) -> list[Role]:
    """The roles ``actor`` may grant (in ``organisation_id``, or in some organisation), for
    the choices a form offers; the action decides again."""
    return [
        role
        for role in Role
        if decide(actor, grant_permission(role), organisation_id) is Decision.ALLOW
    ]


def scope(actor: Actor, permission: Permission) -> frozenset[UUID] | None:
    """The organisations whose things ``actor`` may see under ``permission``; None means all."""
    if actor is SYSTEM or actor.roles() & RULES[permission].anywhere:
        return None
    own = RULES[permission].own
    return frozenset(m.organisation_id for m in actor.memberships if m.role in own)


def decide_patient_access(
    actor: Actor, *, referrer_user_id: UUID | None, offered_to: frozenset[UUID]
) -> Decision:
    """A bed request's patient details: for the coordinator, the referrer, and the people of
    the organisation a bed was offered to; every other organisation sees anonymous demand."""
    if actor is SYSTEM or actor.roles() & BED_COORDINATORS:
        return Decision.ALLOW
    if actor.user_id is not None and actor.user_id == referrer_user_id:
        return Decision.ALLOW
    if any(actor.roles_in(organisation) & CARE_ROLES for organisation in offered_to):
        return Decision.ALLOW
    return Decision.NOT_FOUND


def decide_night_client_access(
    actor: Actor, *, client_organisation_id: UUID, enrolled: bool, on_shift: bool
) -> Decision:
    """A client's details on the night console: for the shared night team only while on shift
    and only for clients enrolled in the service; the client's own care staff always. Others
    learn nothing, not even that the client exists."""
    if actor is SYSTEM or actor.roles_in(client_organisation_id) & CARE_ROLES:
        return Decision.ALLOW
    if actor.roles() & NIGHT_TEAM and enrolled and on_shift:
        return Decision.ALLOW
    return Decision.NOT_FOUND
