"""Matching respects the providers' acceptance rules; only a location's own people set them."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import Session

from regiozorg.auth import SYSTEM, AccessDeniedError, Actor, Membership, Role
from regiozorg.beds import actions, queries
from regiozorg.beds.schemas import AcceptanceRuleIn, BedRequestIn
from regiozorg.config import Settings

STRANGER_ORG = uuid.UUID(int=42)  # an organisation that owns no location


def _request(session: Session, birth_year: int) -> uuid.UUID:
    return actions.request_bed(
        session,
        SYSTEM,
        data=BedRequestIn(
            care_type="WLZ_RESPITE",
            patient_initials="AR",
            patient_birth_year=birth_year,
            patient_sex="F",
            patient_postcode="7941 AB",
            has_wlz_indication=True,
            referrer_kind="gp",
            referrer_name="Huisarts Test",
            referrer_phone="0522-000000",
        ),
    ).id


def test_a_location_that_refuses_the_patient_is_left_out(
    session: Session, settings: Settings
) -> None:
    request_id = _request(session, birth_year=1935)
    before = queries.matches(session, settings, request_id=request_id)
    assert before
    first = before[0].location_id
    actions.set_acceptance_rules(
        session, SYSTEM, location_id=first, terms=[AcceptanceRuleIn(max_age=70)]
    )
    after = queries.matches(session, settings, request_id=request_id)
    assert first not in {m.location_id for m in after}
    assert after  # other providers still offer beds
    actions.set_acceptance_rules(
        session,
        SYSTEM,
        location_id=first,
        terms=[AcceptanceRuleIn(care_type="GRZ", max_age=70)],
    )
    again = queries.matches(session, settings, request_id=request_id)
    assert first in {m.location_id for m in again}  # a rule for another care type does not apply


def test_only_the_locations_own_people_set_its_rules(session: Session, settings: Settings) -> None:
    request_id = _request(session, birth_year=1940)
    location = queries.matches(session, settings, request_id=request_id)[0]
    stranger = Actor(
        user_id=None,
        email="x@example.org",
        memberships=frozenset({Membership(STRANGER_ORG, Role.ORG_ADMIN)}),
    )
    with pytest.raises(AccessDeniedError):
        actions.set_acceptance_rules(
            session,
            stranger,
            location_id=location.location_id,
            terms=[AcceptanceRuleIn(max_age=1)],
        )
    assert queries.acceptance_terms(session, location.location_id) == []
