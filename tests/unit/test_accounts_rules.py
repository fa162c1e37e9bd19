"""Pure account rules: secrets are hashed, passwords are argon2, login throttling backs off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regiozorg.accounts import rules
from regiozorg.errors import DomainError


def test_passwords_are_argon2_and_verify() -> None:
    hashed = rules.hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert rules.password_matches(hashed, "correct horse battery")
    assert not rules.password_matches(hashed, "correct horse battery!")


def test_an_unknown_user_never_matches() -> None:
    assert not rules.password_matches(None, "no user has this password")


def test_short_passwords_are_refused() -> None:
    with pytest.raises(DomainError):
        rules.check_password_policy("short")
    rules.check_password_policy("long enough pass")


def test_tokens_are_long_random_and_stored_as_digests() -> None:
    token = rules.new_api_token()
    assert token.startswith("rz_")
    assert len(token) > 40
    assert rules.new_api_token() != token
    assert rules.digest(token) != token
    assert len(rules.digest(token)) == 64


THROTTLE = rules.Throttle(
    free_per_account=5,
    backoff_seconds=2.0,
    max_seconds=900.0,
    per_address=30,
    window=timedelta(minutes=60),
)
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def failed(count: int, seconds_ago: float = 0.0) -> rules.Failures:
    return rules.Failures(count, NOW - timedelta(seconds=seconds_ago) if count else None)


def test_the_first_failures_cost_nothing_then_the_wait_doubles_up_to_a_cap() -> None:
    waits = [rules.account_backoff(n, THROTTLE) for n in range(4, 16)]
    assert waits == [0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]


def test_an_account_that_failed_waits_its_backoff_and_then_is_checked_again() -> None:
    assert rules.login_wait(failed(4), failed(4), now=NOW, throttle=THROTTLE) == 0
    assert rules.login_wait(failed(7), failed(7), now=NOW, throttle=THROTTLE) == 8
    assert rules.login_wait(failed(7, 5), failed(7), now=NOW, throttle=THROTTLE) == 3
    assert rules.login_wait(failed(7, 8), failed(7), now=NOW, throttle=THROTTLE) == 0


def test_a_busy_address_never_holds_back_an_account_that_did_not_fail() -> None:
    assert rules.login_wait(failed(0), failed(10_000), now=NOW, throttle=THROTTLE) == 0


def test_a_busy_address_holds_back_failed_accounts_until_their_failures_are_forgotten() -> None:
    assert rules.login_wait(failed(1, 600), failed(30), now=NOW, throttle=THROTTLE) == 3000
    assert rules.login_wait(failed(1, 600), failed(29), now=NOW, throttle=THROTTLE) == 0


@given(
    account=st.integers(min_value=0, max_value=10_000),
    address=st.integers(min_value=0, max_value=10_000),
    ago=st.floats(min_value=0, max_value=3600),
)
def test_the_wait_is_bounded_and_never_applies_to_an_account_without_failures(
    account: int, address: int, ago: float
) -> None:
    wait = rules.login_wait(failed(account, ago), failed(address), now=NOW, throttle=THROTTLE)
    assert 0 <= wait <= max(THROTTLE.max_seconds, THROTTLE.window.total_seconds())
    if account == 0:
        assert wait == 0
    if address < THROTTLE.per_address:
        assert wait <= THROTTLE.max_seconds


@given(failures=st.integers(min_value=0, max_value=10_000))
def test_more_failures_never_shorten_the_backoff(failures: int) -> None:
    assert rules.account_backoff(failures, THROTTLE) <= rules.account_backoff(
        failures + 1, THROTTLE
    )


def test_the_keys_ignore_case_and_spaces_and_do_not_store_the_address() -> None:
    assert rules.email_key("A@x.nl ") == rules.email_key("a@x.nl")
    assert "192.0.2.1" not in rules.address_key("192.0.2.1")


def test_a_password_matches_however_its_accents_were_typed() -> None:
    # "é" as one code point (a web form after NFC) and as e + combining accent (a terminal).
    composed, decomposed = "wachtwoord-caf\u00e9-2026", "wachtwoord-cafe\u0301-2026"
    assert rules.password_matches(rules.hash_password(decomposed), composed)
    assert rules.password_matches(rules.hash_password(composed), decomposed)
    assert not rules.password_matches(rules.hash_password(composed), "wachtwoord-cafe-2026")
