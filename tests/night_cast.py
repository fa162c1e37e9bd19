"""The night service's cast: demo accounts as signed-in actors, and alarms from the demo's
controllers ("7100" Lindehof Meppel, "7101" Lindehof Havelte, "7102" Heidezicht Hoogeveen,
"7103" Eikenrode Hoogeveen; devices "D001".. per client in client-number order)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.accounts.models import MembershipRow, User
from regiozorg.auth import Actor, Membership
from regiozorg.demo import demo_email
from regiozorg.night.intake.schemas import AlarmIn

DESK = demo_email("nightcarer")  # on the roster at the desk
MOBILE_MEPPEL = demo_email("mobiel.meppel")
MOBILE_HOOGEVEEN = demo_email("mobiel.hoogeveen")
PLATFORM = demo_email("alarmplatform")  # night-carer role, posts alarms, not on the roster
MEPPEL = "7100"
HOOGEVEEN_HEIDEZICHT = "7102"


def actor_of(session: Session, email: str) -> Actor:
    """The demo user as signed in: their memberships as stored."""
    user = session.scalars(select(User).where(User.email == email)).one()
    memberships = frozenset(
        Membership(organisation_id, role)
        for organisation_id, role in session.execute(
            select(MembershipRow.organisation_id, MembershipRow.role).where(
                MembershipRow.user_id == user.id
            )
        )
    )
    return Actor(user_id=user.id, email=user.email, memberships=memberships, address="192.0.2.20")


def alarm(
    reference: str, controller: str = MEPPEL, device: str | None = "D001", **fields: object
) -> AlarmIn:
    return AlarmIn.model_validate(
        {"reference": reference, "controller_id": controller, "device_id": device} | fields
    )
