"""Login throttling on a real database: an attacker hammering one account from one address
slows that account down, but locks out neither the colleague behind the same address nor, for
good, the account's owner."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.accounts import actions
from regiozorg.accounts.models import LoginFailure
from regiozorg.accounts.rules import address_key, email_key
from regiozorg.audit import AuditEntry
from regiozorg.clock import utcnow
from regiozorg.config import Settings
from regiozorg.errors import DomainError, TooManyAttemptsError
from tests.cast import PASSWORD, PHYSICIAN, VIEWER

ATTACKER = "198.51.100.7"  # also the hospital's NAT address the physician works behind
ELSEWHERE = "203.0.113.5"


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(actions, "utcnow", clock)
    return clock


@pytest.fixture
def throttled(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "login_max_failures": 5,
            "login_backoff_seconds": 2.0,
            "login_backoff_max_seconds": 900.0,
            "login_max_failures_per_ip": 10,
            "login_window_minutes": 60,
        }
    )


def attempt(session: Session, settings: Settings, email: str, password: str, address: str) -> str:
    try:
        actions.log_in(session, settings, email=email, password=password, address=address)
    except TooManyAttemptsError:
        return "wait"
    except DomainError:
        return "refused"
    return "in"


def test_an_attack_on_one_account_slows_it_down_but_locks_out_nobody_for_good(
    session: Session, throttled: Settings, clock: Clock
) -> None:
    # the attacker guesses the viewer's password from one address, as fast as allowed
    answers = [attempt(session, throttled, VIEWER, f"guess-{n:04d}", ATTACKER) for n in range(40)]
    assert answers[:5] == ["refused"] * 5
    assert set(answers[5:]) == {"wait"}  # unchecked, even a lucky guess would not tell
    # ... and sprays other addresses from it until the address itself is over its limit
    for n in range(10):
        assert attempt(session, throttled, f"x{n}@example.org", "guess", ATTACKER) == "refused"

    # a colleague behind the same address, whose account nobody attacked, gets in at once
    assert attempt(session, throttled, PHYSICIAN, PASSWORD, ATTACKER) == "in"

    # the viewer, elsewhere, with the right password: delayed by the backoff, not locked out
    assert attempt(session, throttled, VIEWER, PASSWORD, ELSEWHERE) == "wait"
    clock.advance(2)
    assert attempt(session, throttled, VIEWER, PASSWORD, ELSEWHERE) == "in"


def test_the_backoff_doubles_and_the_owner_gets_in_after_it(
    session: Session, throttled: Settings, clock: Clock
) -> None:
    waited = []
    for n in range(9):
        while attempt(session, throttled, VIEWER, f"guess-{n:04d}", ELSEWHERE) == "wait":
            clock.advance(1)
            waited.append(n)
    per_failure = [waited.count(n) for n in range(9)]
    assert per_failure == [0, 0, 0, 0, 0, 2, 4, 8, 16]
    assert attempt(session, throttled, VIEWER, PASSWORD, ELSEWHERE) == "wait"
    clock.advance(32)
    assert attempt(session, throttled, VIEWER, PASSWORD, ELSEWHERE) == "in"


def test_an_account_attacked_from_a_busy_address_is_held_there_only_until_forgotten(
    session: Session, throttled: Settings, clock: Clock
) -> None:
    assert attempt(session, throttled, VIEWER, "one-wrong-guess", ATTACKER) == "refused"
    for n in range(10):
        attempt(session, throttled, f"x{n}@example.org", "guess", ATTACKER)
    assert attempt(session, throttled, VIEWER, PASSWORD, ATTACKER) == "wait"
    assert attempt(session, throttled, VIEWER, "another-wrong-one", ATTACKER) == "wait"
    clock.advance(60 * 60 - 10)
    assert attempt(session, throttled, VIEWER, PASSWORD, ATTACKER) == "wait"
    clock.advance(60 * 60 + 1)
    assert attempt(session, throttled, VIEWER, PASSWORD, ATTACKER) == "in"


def test_throttled_attempts_are_audited_with_one_answer_for_known_and_unknown_accounts(
    session: Session, throttled: Settings, clock: Clock
) -> None:
    for email in (VIEWER, "nobody@example.org"):
        answers = [attempt(session, throttled, email, "wrong-guess", ELSEWHERE) for _ in range(6)]
        assert answers == ["refused"] * 5 + ["wait"]
    outcomes = session.scalars(
        select(AuditEntry.detail).where(
            AuditEntry.action == "auth.login", AuditEntry.outcome == "denied"
        )
    ).all()
    assert outcomes.count("throttled") >= 2


def test_forgotten_failures_are_deleted_by_the_next_failure(
    session: Session, throttled: Settings, clock: Clock
) -> None:
    for n in range(3):
        attempt(session, throttled, f"x{n}@example.org", "guess", ATTACKER)
    clock.advance(60 * 60 + 1)
    attempt(session, throttled, VIEWER, "guess", ELSEWHERE)
    stored = session.scalars(select(LoginFailure.key)).all()
    assert sorted(stored) == sorted([email_key(VIEWER), address_key(ELSEWHERE)])
