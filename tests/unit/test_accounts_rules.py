"""Pure account rules: secrets are hashed, passwords are argon2, throttling counts both keys."""

from __future__ import annotations

import pytest

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


def test_throttle_counts_per_address_and_per_client() -> None:
    assert not rules.login_blocked(4, 0, per_email=5, per_address=30)
    assert rules.login_blocked(5, 0, per_email=5, per_address=30)
    assert rules.login_blocked(0, 30, per_email=5, per_address=30)
    assert rules.email_key("A@x.nl ") == rules.email_key("a@x.nl")
