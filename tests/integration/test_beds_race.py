"""The race for the last bed, with real threads and real commits on both databases: however
many coordinators press "reserve" at the same moment, one patient gets the bed and everyone
else is told it was just taken. The same for two referrals of one patient at once.

These tests commit, so they add their own bed and requests and remove them afterwards (audit
rows stay: the trail is append-only).
"""

from __future__ import annotations

import random
import string
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from uuid import UUID

import pytest
from sqlalchemy import Engine, delete, func, or_, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from regiozorg.accounts.models import MembershipRow, User
from regiozorg.auth import Actor, Membership
from regiozorg.beds import actions
from regiozorg.beds.models import Bed, BedAssignment, BedCareType, BedRequest, BedRequestEvent
from regiozorg.beds.rules import (
    OCCUPYING,
    AssignmentStatus,
    BedStatus,
    CareType,
    RequestStatus,
)
from regiozorg.beds.schemas import BedRequestIn
from regiozorg.db import make_sessionmaker
from regiozorg.errors import ConflictError
from regiozorg.network.models import Organisation
from tests.cast import COORDINATOR, LINDEHOF
from tests.integration.race import all_at_once

CONTENDERS = 16


@dataclass
class Created:
    """What a race test added to the committed database, to remove again afterwards."""

    sessions: sessionmaker[Session]
    tag: str
    bed_id: UUID
    spare_bed_id: UUID
    coordinator: Actor
    patients: list[str] = field(default_factory=list)

    def request(self, initials: str) -> UUID:
        with self.sessions() as session:
            request = actions.request_bed(session, self.coordinator, data=_data(initials))
            return request.id


def _data(initials: str) -> BedRequestIn:
    return BedRequestIn(
        care_type=CareType.ELV_LOW,
        patient_initials=initials,
        patient_birth_year=1940,
        patient_sex="M",
        patient_postcode="7941 CD",
        referrer_kind="gp",
        referrer_name="Huisarts Brinkzicht",
        referrer_phone="0522-654321",
    )


def _coordinator(session: Session) -> Actor:
    user = session.scalars(select(User).where(User.email == COORDINATOR)).one()
    memberships = frozenset(
        Membership(organisation_id, role)
        for organisation_id, role in session.execute(
            select(MembershipRow.organisation_id, MembershipRow.role).where(
                MembershipRow.user_id == user.id
            )
        )
    )
    return Actor(user_id=user.id, email=user.email, memberships=memberships)


@pytest.fixture
def created(engine: Engine) -> Iterator[Created]:
    """Two fresh free ELV beds at Lindehof that nobody else's test knows about."""
    sessions = make_sessionmaker(engine)
    tag = "".join(random.choices(string.ascii_uppercase, k=6))
    with sessions() as session, session.begin():
        coordinator = _coordinator(session)
        template = session.scalars(
            select(Bed)
            .join(Organisation, Organisation.id == Bed.organisation_id)
            .where(Organisation.name == LINDEHOF)
            .order_by(Bed.label)
            .limit(1)
        ).one()
        beds = [
            Bed(
                unit_id=template.unit_id,
                location_id=template.location_id,
                organisation_id=template.organisation_id,
                label=f"Race {tag} {number}",
                status=BedStatus.FREE,
                capabilities=[],
            )
            for number in (1, 2)
        ]
        session.add_all(beds)
        session.flush()
        session.add_all(BedCareType(bed_id=bed.id, care_type=CareType.ELV_LOW) for bed in beds)
        bed_ids = [bed.id for bed in beds]
    yield Created(sessions, tag, bed_ids[0], bed_ids[1], coordinator)
    with sessions() as session, session.begin():
        requests = select(BedRequest.id).where(BedRequest.patient_initials.startswith(tag))
        session.execute(delete(BedRequestEvent).where(BedRequestEvent.request_id.in_(requests)))
        session.execute(
            delete(BedAssignment).where(
                or_(BedAssignment.bed_id.in_(bed_ids), BedAssignment.request_id.in_(requests))
            )
        )
        session.execute(delete(BedRequest).where(BedRequest.patient_initials.startswith(tag)))
        session.execute(delete(BedCareType).where(BedCareType.bed_id.in_(bed_ids)))
        session.execute(delete(Bed).where(Bed.id.in_(bed_ids)))


def _letters(number: int) -> str:
    return string.ascii_uppercase[number // 26] + string.ascii_uppercase[number % 26]


def test_sixteen_coordinators_race_for_the_last_bed_and_one_wins(created: Created) -> None:
    requests = [created.request(f"{created.tag}{_letters(i)}") for i in range(CONTENDERS)]

    def hold(request_id: UUID) -> Callable[[], actions.Hold]:
        def attempt() -> actions.Hold:
            with created.sessions() as session:
                return actions.hold_bed(
                    session, created.coordinator, request_id=request_id, bed_id=created.bed_id
                )

        return attempt

    outcomes = all_at_once([hold(request_id) for request_id in requests])

    won = [o for o in outcomes if isinstance(o, actions.Hold)]
    lost = [o for o in outcomes if not isinstance(o, actions.Hold)]
    assert len(won) == 1, outcomes
    assert all(isinstance(o, ConflictError) for o in lost), lost
    assert {str(o) for o in lost} == {
        "Dit bed is net door een ander bezet of gereserveerd. Kies een ander bed."
    }
    with created.sessions() as session:
        occupying = session.scalars(
            select(BedAssignment).where(
                BedAssignment.bed_id == created.bed_id, BedAssignment.status.in_(OCCUPYING)
            )
        ).all()
        assert [(a.id, a.request_id) for a in occupying] == [(won[0].hold_id, won[0].request_id)]
        statuses = dict(
            session.execute(
                select(BedRequest.id, BedRequest.status).where(BedRequest.id.in_(requests))
            ).all()
        )
    assert statuses.pop(won[0].request_id) is RequestStatus.OFFERED
    assert set(statuses.values()) == {RequestStatus.SEARCHING}


def test_two_coordinators_holding_two_beds_for_one_request_give_it_one_bed(
    created: Created,
) -> None:
    request_id = created.request(f"{created.tag}QA")

    def hold(bed_id: UUID) -> Callable[[], actions.Hold]:
        def attempt() -> actions.Hold:
            with created.sessions() as session:
                return actions.hold_bed(
                    session, created.coordinator, request_id=request_id, bed_id=bed_id
                )

        return attempt

    outcomes = all_at_once([hold(created.bed_id), hold(created.spare_bed_id)])

    won = [o for o in outcomes if isinstance(o, actions.Hold)]
    lost = [o for o in outcomes if not isinstance(o, actions.Hold)]
    assert len(won) == 1, outcomes
    assert len(lost) == 1 and isinstance(lost[0], ConflictError), lost
    assert str(lost[0]) == "Een aanvraag met status 'offered' kan niet naar 'offered'."
    with created.sessions() as session:
        held = session.scalars(
            select(BedAssignment.bed_id).where(
                BedAssignment.request_id == request_id, BedAssignment.status.in_(OCCUPYING)
            )
        ).all()
    assert held == [won[0].bed_id]


@pytest.mark.parametrize("round_", range(3))
def test_two_referrals_of_one_patient_at_once_make_one_request(
    created: Created, round_: int
) -> None:
    initials = f"{created.tag}P{string.ascii_uppercase[round_]}"
    outcomes = all_at_once([lambda: created.request(initials)] * 2)

    won = [o for o in outcomes if isinstance(o, UUID)]
    lost = [o for o in outcomes if not isinstance(o, UUID)]
    assert len(won) == 1, outcomes
    assert len(lost) == 1 and isinstance(lost[0], ConflictError), lost
    assert str(lost[0]) == "Voor deze patiënt loopt al een aanvraag."
    with created.sessions() as session:
        count = session.scalar(
            select(func.count(BedRequest.id)).where(BedRequest.patient_initials == initials)
        )
    assert count == 1


def _wait_until_blocked(engine: Engine) -> None:
    """Until another connection waits for a row lock (PostgreSQL); SQLite's second writer
    waits for the write lock at BEGIN IMMEDIATE, which a short pause lets it reach."""
    if engine.dialect.name != "postgresql":
        time.sleep(0.3)
        return
    deadline = time.monotonic() + 10
    with engine.connect() as probe:
        while time.monotonic() < deadline:
            waiting = probe.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            if waiting:
                return
            probe.rollback()
            time.sleep(0.01)
    pytest.fail("the second coordinator never waited for the lock")


def test_a_hold_that_waited_while_the_provider_declined_gets_the_freed_bed(
    created: Created,
) -> None:
    """The provider declines (the request's row locked, its hold on the bed cancelled) while
    the coordinator holds the same bed for the same request again: the hold waits for the
    decline's commit and then gets the bed, which is free by then, instead of being told it
    was just taken."""
    request_id = created.request(f"{created.tag}WA")
    with created.sessions() as session:
        first = actions.hold_bed(
            session, created.coordinator, request_id=request_id, bed_id=created.bed_id
        )
    outcome: list[actions.Hold | BaseException] = []

    def hold_again() -> None:
        try:
            with created.sessions() as session:
                outcome.append(
                    actions.hold_bed(
                        session, created.coordinator, request_id=request_id, bed_id=created.bed_id
                    )
                )
        except BaseException as error:  # reported by the assertion below
            outcome.append(error)

    with created.sessions() as declining, declining.begin():
        # what a decline does, paused before its commit
        declining.execute(
            select(BedRequest.id).where(BedRequest.id == request_id).with_for_update()
        )
        declining.execute(
            update(BedAssignment)
            .where(BedAssignment.id == first.hold_id)
            .values(status=AssignmentStatus.CANCELLED)
        )
        declining.execute(
            update(BedRequest)
            .where(BedRequest.id == request_id)
            .values(status=RequestStatus.SEARCHING)
        )
        contender = threading.Thread(target=hold_again)
        contender.start()
        bind = declining.get_bind()
        assert isinstance(bind, Engine)
        _wait_until_blocked(bind)
    contender.join(timeout=60)

    assert len(outcome) == 1 and isinstance(outcome[0], actions.Hold), outcome
    with created.sessions() as session:
        held = session.scalars(
            select(BedAssignment.id).where(
                BedAssignment.bed_id == created.bed_id, BedAssignment.status.in_(OCCUPYING)
            )
        ).all()
    assert held == [outcome[0].hold_id]
