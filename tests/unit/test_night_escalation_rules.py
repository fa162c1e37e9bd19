"""An escalation step records what really happened: whom it warned on the console, which
number it put there to ring, or why it reached nobody (and then the next step is taken at
once). Pure rules on plain data; the worker feeds them the roster and the location."""

from __future__ import annotations

from regiozorg.night import rules
from regiozorg.night.rules import EscalationStep, EscalationTarget, Reachable, SkipReason

SECOND = EscalationStep(1, 60, EscalationTarget.SECOND_HANDLER)
STAFF = EscalationStep(2, 120, EscalationTarget.LOCATION_STAFF)
FALLBACK = EscalationStep(3, 240, EscalationTarget.PHONE, "0800-0000001")
STEPS = (FALLBACK, SECOND, STAFF)
ONE_DESK = Reachable(desk=("Nina Nacht",), location="Lindehof Meppel", location_phone="085-1111111")
TWO_DESKS = Reachable(
    desk=("Nina Nacht", "Pim Post"), location="Lindehof Meppel", location_phone="085-1111111"
)


def test_a_second_handler_needs_a_second_desk_carer_on_the_roster() -> None:
    assert rules.take_step(SECOND, ONE_DESK).skipped is SkipReason.NO_SECOND_DESK
    assert rules.take_step(SECOND, Reachable()).skipped is SkipReason.NO_SECOND_DESK
    taken = rules.take_step(SECOND, TWO_DESKS)
    assert taken.skipped is None
    assert taken.notified == ("Nina Nacht", "Pim Post")


def test_the_location_staff_need_a_known_location_with_a_night_phone() -> None:
    unknown_sender = Reachable(desk=("Nina Nacht",))
    assert rules.take_step(STAFF, unknown_sender).skipped is SkipReason.NO_LOCATION
    no_phone = Reachable(desk=("Nina Nacht",), location="Lindehof Havelte")
    taken = rules.take_step(STAFF, no_phone)
    assert (taken.skipped, taken.location) == (SkipReason.NO_STAFF_PHONE, "Lindehof Havelte")
    taken = rules.take_step(STAFF, ONE_DESK)
    assert (taken.skipped, taken.phone, taken.location) == (
        None,
        "085-1111111",
        "Lindehof Meppel",
    )


def test_forwarding_needs_a_number() -> None:
    assert rules.take_step(FALLBACK, Reachable()).phone == "0800-0000001"
    without = EscalationStep(3, 240, EscalationTarget.PHONE, None)
    assert rules.take_step(without, Reachable()).skipped is SkipReason.NO_PHONE


def test_a_step_with_nobody_to_reach_goes_on_to_the_next_at_once() -> None:
    taken = rules.steps_to_take(STEPS, 0, ONE_DESK)
    assert [(t.step.number, t.skipped) for t in taken] == [
        (1, SkipReason.NO_SECOND_DESK),
        (2, None),
    ]
    # An unknown sender without a location, one desk: straight to the fallback number.
    taken = rules.steps_to_take(STEPS, 0, Reachable(desk=("Nina Nacht",)))
    assert [(t.step.number, t.skipped) for t in taken] == [
        (1, SkipReason.NO_SECOND_DESK),
        (2, SkipReason.NO_LOCATION),
        (3, None),
    ]
    assert taken[-1].phone == "0800-0000001"


def test_a_step_that_reaches_someone_is_taken_alone() -> None:
    assert [t.step.number for t in rules.steps_to_take(STEPS, 0, TWO_DESKS)] == [1]
    assert [t.step.number for t in rules.steps_to_take(STEPS, 1, TWO_DESKS)] == [2]
    assert rules.steps_to_take(STEPS, 3, TWO_DESKS) == []


def test_when_every_remaining_step_reaches_nobody_all_are_recorded_as_skipped() -> None:
    steps = (SECOND, STAFF)
    taken = rules.steps_to_take(steps, 0, Reachable())
    assert [t.skipped for t in taken] == [SkipReason.NO_SECOND_DESK, SkipReason.NO_LOCATION]
