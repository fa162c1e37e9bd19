"""Pure rules for accounts: secrets, password policy, login throttling."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from regiozorg import edge_text
from regiozorg.errors import DomainError

PASSWORDS = PasswordHasher()
# Verified against when the e-mail address is unknown, so a wrong address costs the same time
# as a wrong password and timing does not tell which one was wrong.
DUMMY_HASH = PASSWORDS.hash("no user has this password")
TOKEN_PREFIX = "rz_"  # noqa: S105 - a prefix, not a secret
MIN_PASSWORD_LENGTH = 12
LOCALES = ("nl", "en")


def _as_typed(password: str) -> str:
    """A password as every channel delivers it: the web cleans text at the edge (NFC, no
    control characters), so the command line must hash and check the same form, or a password
    set there with an "é" typed as two code points would never match on the web."""
    return edge_text.clean(password)[0]


def hash_password(password: str) -> str:
    return PASSWORDS.hash(_as_typed(password))


def password_matches(password_hash: str | None, password: str) -> bool:
    try:
        valid = PASSWORDS.verify(password_hash or DUMMY_HASH, _as_typed(password))
        return valid and bool(password_hash)
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


@dataclass(frozen=True)
class Failures:
    """Recent failed logins under one key (an account or a client address)."""

    count: int = 0
    last: datetime | None = None


@dataclass(frozen=True)
class Throttle:
    """How hard guessing is made. ``free_per_account`` failures cost nothing (people mistype);
    after that each failure doubles the wait, from ``backoff_seconds`` up to ``max_seconds``.
    ``per_address`` failures from one client address within ``window`` make that address
    suspect. Failures older than ``window`` are forgotten."""

    free_per_account: int
    backoff_seconds: float
    max_seconds: float
    per_address: int
    window: timedelta


def account_backoff(failures: int, throttle: Throttle) -> float:
    """Seconds an account waits after its latest failure before a password is checked again."""
    over = failures - throttle.free_per_account
    if over < 0:
        return 0.0
    # the exponent is bounded so a huge count cannot overflow the float
    return min(throttle.max_seconds, throttle.backoff_seconds * 2.0 ** min(over, 64))


def login_wait(account: Failures, address: Failures, *, now: datetime, throttle: Throttle) -> float:
    """Seconds before this attempt's password may be checked; 0.0: check it now.

    Per account, exponential backoff: guessing one account's password gets slower and slower,
    while its owner is only ever delayed, never locked out for good. Per address, a client that
    failed too often is refused unchecked, but only for accounts that themselves failed
    recently: a colleague behind the same NAT address whose account nobody attacked still gets
    in with the right password. (An attacker spraying one guess per account from that address
    therefore still gets that one guess per account per window; refusing it would lock out the
    colleague too.) The wait depends on the keys only, never on whether the account exists.
    """
    if account.last is None or account.count <= 0:
        return 0.0
    since = (now - account.last).total_seconds()
    wait = account_backoff(account.count, throttle) - since
    if address.count >= throttle.per_address:
        # refused until this account's own failures are forgotten
        wait = max(wait, throttle.window.total_seconds() - since)
    return max(wait, 0.0)
