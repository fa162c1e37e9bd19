"""API tokens on the admin page: listed without their secret, revoked with one button, and a
revoked token answers 401 from the next request on."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from regiozorg.accounts import actions, queries
from regiozorg.accounts.models import ApiToken
from regiozorg.audit import AuditEntry
from regiozorg.auth import SYSTEM
from regiozorg.clock import utcnow
from regiozorg.demo import demo_email
from tests.cast import HEIDEZICHT_ADMIN, NETWORK_ADMIN, ORG_ADMIN, PHYSICIAN, VIEWER
from tests.web.conftest import Browser, Login

PLATFORM = demo_email("alarmplatform")  # works for the network office, not for Lindehof


@pytest.fixture
def tokens(session: Session) -> dict[str, str]:
    return {
        email: actions.create_api_token(session, SYSTEM, user_email=email, name=f"koppeling {n}")
        for n, email in enumerate((PHYSICIAN, PLATFORM))
    }


def test_the_network_admin_sees_every_token_by_its_prefix_never_its_secret(
    login: Login, tokens: dict[str, str]
) -> None:
    page = login(NETWORK_ADMIN).page("/admin/tokens")
    for email, token in tokens.items():
        assert token[:10] in page and email in page
        assert token not in page
    assert "koppeling 0" in page and "nooit" in page


def test_an_org_admin_sees_the_tokens_of_their_own_people_only(
    login: Login, tokens: dict[str, str]
) -> None:
    own = login(ORG_ADMIN).page("/admin/tokens")
    assert tokens[PHYSICIAN][:10] in own and tokens[PLATFORM][:10] not in own
    other = login(HEIDEZICHT_ADMIN).page("/admin/tokens")
    assert tokens[PHYSICIAN][:10] not in other
    assert login(VIEWER).get("/admin/tokens").status_code == 403


def test_a_revoked_token_answers_401_at_once_and_the_revocation_is_audited(
    login: Login, session: Session, app_client: Browser, tokens: dict[str, str]
) -> None:
    bearer = {"Authorization": f"Bearer {tokens[PHYSICIAN]}"}
    assert app_client.get("/api/v1/organisations", headers=bearer).status_code == 200
    token_id = session.scalars(
        select(ApiToken.id).where(ApiToken.prefix == tokens[PHYSICIAN][:10])
    ).one()
    admin = login(ORG_ADMIN)
    admin.page("/admin/tokens")
    # without the CSRF token nothing happens
    assert admin.post(f"/admin/tokens/{token_id}/revoke").status_code == 403
    assert app_client.get("/api/v1/organisations", headers=bearer).status_code == 200
    assert admin.submit(f"/admin/tokens/{token_id}/revoke", {}).status_code == 303
    assert app_client.get("/api/v1/organisations", headers=bearer).status_code == 401
    page = admin.page("/admin/tokens")
    assert f"/admin/tokens/{token_id}/revoke" not in page
    session.expire_all()
    revocation = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "tokens.revoke")
    ).one()
    assert (revocation.user_email, revocation.object_id) == (ORG_ADMIN, str(token_id))


def test_another_organisations_admin_cannot_revoke_it(
    login: Login, session: Session, app_client: Browser, tokens: dict[str, str]
) -> None:
    token_id = session.scalars(
        select(ApiToken.id).where(ApiToken.prefix == tokens[PHYSICIAN][:10])
    ).one()
    outsider = login(HEIDEZICHT_ADMIN)
    outsider.page("/admin/tokens")
    assert outsider.submit(f"/admin/tokens/{token_id}/revoke", {}).status_code == 403
    bearer = {"Authorization": f"Bearer {tokens[PHYSICIAN]}"}
    assert app_client.get("/api/v1/organisations", headers=bearer).status_code == 200


def test_a_deactivated_account_s_token_answers_401_at_once(
    session: Session, app_client: Browser, tokens: dict[str, str]
) -> None:
    bearer = {"Authorization": f"Bearer {tokens[PHYSICIAN]}"}
    assert app_client.get("/api/v1/organisations", headers=bearer).status_code == 200  # cached
    physician = queries.user_id(session, PHYSICIAN)
    assert physician is not None
    actions.set_active(session, SYSTEM, user_id=physician, active=False)
    assert app_client.get("/api/v1/organisations", headers=bearer).status_code == 401


def test_a_revocation_committed_by_another_process_ends_access_within_the_cache_time(
    session: Session, app_client: Browser, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bearer = {"Authorization": f"Bearer {tokens[PHYSICIAN]}"}
    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    assert app_client.get("/api/v1/organisations", headers=bearer).status_code == 200
    # A plain UPDATE, as another app process or the command line would commit it: this
    # process's ORM sees nothing of it, so only the cache's time limit ends the token here.
    session.execute(
        update(ApiToken)
        .where(ApiToken.prefix == tokens[PHYSICIAN][:10])
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    clock[0] += queries.TOKEN_CACHE_SECONDS / 2
    assert app_client.get("/api/v1/organisations", headers=bearer).status_code == 200
    clock[0] += queries.TOKEN_CACHE_SECONDS / 2 + 0.01
    assert app_client.get("/api/v1/organisations", headers=bearer).status_code == 401
