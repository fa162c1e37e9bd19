"""The demo's night roster keeps the desk and both mobile carers on shift at every hour of the
two weeks after seeding, in back-to-back shifts no longer than a shift may be."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.accounts.models import User
from regiozorg.audit import AuditEntry
from regiozorg.demo import demo_email
from regiozorg.night.demo import NIGHT_ROSTER
from regiozorg.night.models import NightShift
from regiozorg.night.rules import MAX_SHIFT, DeskRole
from regiozorg.night.team import on_shift

TWO_WEEKS = timedelta(weeks=2)
THIRTEEN_HOURS = timedelta(hours=13)  # the brief's bound; the roster's own is MAX_SHIFT


def test_desk_and_mobile_carers_are_on_shift_every_hour_of_two_weeks(session: Session) -> None:
    seeded = session.scalar(select(AuditEntry.at).where(AuditEntry.action == "demo.seed"))
    assert seeded is not None
    people = {
        handle: session.scalar(select(User.id).where(User.email == demo_email(handle)))
        for handle, _role, _town in NIGHT_ROSTER
    }
    assert set(people) == {"nightcarer", "mobiel.meppel", "mobiel.hoogeveen"}
    roles = {handle: role for handle, role, _town in NIGHT_ROSTER}
    assert roles["nightcarer"] is DeskRole.DESK
    moments = [seeded + timedelta(hours=hour) for hour in range(14 * 24 + 1)]
    moments.append(seeded + TWO_WEEKS - timedelta(seconds=1))
    for handle, user_id in people.items():
        missing = [
            moment
            for moment in moments
            if not on_shift(session, user_id, role=roles[handle], at=moment)
        ]
        assert missing == [], f"{handle} is off the roster at {missing[:3]}"


def test_demo_shifts_are_bounded_and_back_to_back(session: Session) -> None:
    for handle, _role, _town in NIGHT_ROSTER:
        shifts = session.execute(
            select(NightShift.starts_at, NightShift.ends_at)
            .join(User, User.id == NightShift.user_id)
            .where(User.email == demo_email(handle))
            .order_by(NightShift.starts_at)
        ).all()
        assert shifts, handle
        lengths = {end - start for start, end in shifts}
        assert all(timedelta(0) < length <= MAX_SHIFT <= THIRTEEN_HOURS for length in lengths)
        for (_, previous_end), (next_start, _) in pairwise(shifts):
            assert next_start == previous_end, f"{handle}: a gap or overlap at {previous_end}"
