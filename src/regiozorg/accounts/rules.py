"""Pure rules for accounts: secrets, password policy, login throttling."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from regiozorg.errors import DomainError

PASSWORDS = PasswordHasher()
# Verified against when the e-mail address is unknown, so a wrong address costs the same time
# as a wrong password and timing does not tell which one was wrong.
DUMMY_HASH = PASSWORDS.hash("no user has this password")
TOKEN_PREFIX = "rz_"  # noqa: S105 - a prefix, not a secret
MIN_PASSWORD_LENGTH = 12
LOCALES = ("nl", "en")


def hash_password(password: str) -> str:
    return PASSWORDS.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    try:
        return PASSWORDS.verify(password_hash or DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            "Het wachtwoord moet minstens {n} tekens lang zijn.", n=MIN_PASSWORD_LENGTH
        )


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 of a long random secret: what is stored instead of the secret itself."""
    return hashlib.sha256(secret.encode()).hexdigest()


def email_key(email: str) -> str:
    return "email:" + digest(email.strip().lower())[:40]


def address_key(address: str | None) -> str:
    return "addr:" + digest(address or "unknown")[:40]


def login_blocked(
    failures_for_email: int, failures_for_address: int, *, per_email: int, per_address: int
) -> bool:
    """Too many recent failures for this address or from this client: refuse without checking.

    Counting per e-mail stops guessing one account's password; counting per client address
    stops trying one common password on many accounts.
    """
    return failures_for_email >= per_email or failures_for_address >= per_address
