"""Naming a client: the enrolled client the handler names by organisation and client number,
for a call taken at the desk or an incident's unknown sender.

Reads other features' tables: ``network`` (clients: an enrolled client by number)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.auth import Actor
from regiozorg.errors import N_, DomainError
from regiozorg.network.models import Client
from regiozorg.night.models import NightPlan
from regiozorg.night.team import ensure_on_shift

CLIENT_NOT_FOUND = N_("Geen deelnemende cliënt met dit cliëntnummer bij deze organisatie.")


def enrolled_client(
    session: Session, actor: Actor, *, organisation_id: str, client_number: str
) -> UUID:
    """The enrolled client the handler names by organisation and client number, as typed on a
    form. Only someone on the night roster may ask, so the form cannot be used to probe client
    numbers; the access check comes before anything typed is read."""
    ensure_on_shift(session, actor)
    try:
        organisation = UUID(organisation_id)
    except ValueError:
        raise DomainError(CLIENT_NOT_FOUND) from None
    found = session.scalar(
        select(Client.id)
        .join(NightPlan, NightPlan.client_id == Client.id)
        .where(
            Client.organisation_id == organisation,
            Client.client_number == client_number.strip(),
            NightPlan.enrolled.is_(True),
        )
    )
    session.rollback()  # ends the read: the action that links the client begins its own
    if found is None:
        raise DomainError(CLIENT_NOT_FOUND)
    return found
