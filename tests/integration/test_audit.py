"""The audit trail: written in the action's transaction, append-only, scoped per organisation."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from regiozorg import audit, audit_queries
from regiozorg.accounts import actions as accounts
from regiozorg.accounts.queries import signed_in, token_actor
from regiozorg.auth import SYSTEM, Actor, Role
from regiozorg.config import Settings
from regiozorg.network import actions as network
from tests.cast import HEIDEZICHT, LINDEHOF, ORG_ADMIN, PASSWORD, PHYSICIAN, first_client


def _actor(session: Session, settings: Settings, email: str) -> Actor:
    opened = accounts.log_in(session, settings, email=email, password=PASSWORD, address="10.0.0.1")
    who = signed_in(session, opened.token, address="192.0.2.10")
    assert who is not None
    return who.actor


def _count(session: Session) -> int:
    return session.scalar(select(func.count(audit.AuditEntry.id))) or 0


def test_reading_a_client_writes_who_what_when_where(session: Session, settings: Settings) -> None:
    physician = _actor(session, settings, PHYSICIAN)
    client = first_client(session, LINDEHOF)
    before = _count(session)
    detail = network.view_client(session, physician, client_id=client.id)
    assert detail.name == client.name
    entry = session.scalars(select(audit.AuditEntry).order_by(audit.AuditEntry.id.desc())).first()
    assert entry is not None
    assert _count(session) == before + 1
    assert (entry.action, entry.outcome, entry.client_id) == ("clients.read", "success", client.id)
    assert entry.user_email == PHYSICIAN
    assert entry.organisation_id == client.organisation_id
    assert entry.address == "192.0.2.10"
    assert entry.at is not None and entry.at.tzinfo is not None


def test_a_refused_read_is_still_audited(session: Session, settings: Settings) -> None:
    physician = _actor(session, settings, PHYSICIAN)
    other = first_client(session, HEIDEZICHT)
    with pytest.raises(Exception, match="may not"):
        network.view_client(session, physician, client_id=other.id)
    entry = session.scalars(select(audit.AuditEntry).order_by(audit.AuditEntry.id.desc())).first()
    assert entry is not None
    assert (entry.action, entry.outcome, entry.client_id) == ("clients.read", "denied", other.id)


def test_a_failed_action_leaves_no_audit_row_claiming_success(session: Session) -> None:
    before = _count(session)
    with pytest.raises(Exception, match="bestaat al"):
        accounts.create_user(
            session, SYSTEM, email=PHYSICIAN, name="Dubbel", password="long enough pass",
            memberships=[(first_client(session, LINDEHOF).organisation_id, Role.VIEWER)],
        )  # fmt: skip
    assert _count(session) == before


def test_org_admin_sees_entries_about_own_clients_only(
    session: Session, settings: Settings
) -> None:
    physician = _actor(session, settings, PHYSICIAN)
    network.view_client(session, physician, client_id=first_client(session, LINDEHOF).id)
    admin = _actor(session, settings, ORG_ADMIN)
    lindehof = first_client(session, LINDEHOF).organisation_id
    heidezicht = first_client(session, HEIDEZICHT).organisation_id
    rows = audit_queries.entries_for(admin, session)
    assert any(r.action == "clients.read" for r in rows)
    assert all(heidezicht != r.organisation_id or r.client_id is None for r in rows)
    assert {r.organisation_id for r in rows if r.client_id} <= {lindehof}
    csv_text = audit_queries.to_csv(rows)
    assert csv_text.splitlines()[0].startswith("id,at,user_email")


def test_api_tokens_are_stored_hashed_and_resolve_to_their_user(session: Session) -> None:
    token = accounts.create_api_token(session, SYSTEM, user_email=PHYSICIAN, name="alarmplatform")
    stored = session.execute(text("SELECT token_hash, prefix FROM api_tokens")).all()
    assert all(token not in (row[0], row[1]) for row in stored)
    actor = token_actor(session, token, address="127.0.0.1")
    assert actor is not None and actor.email == PHYSICIAN and actor.channel == "api"
    assert token_actor(session, token + "x", address=None) is None
