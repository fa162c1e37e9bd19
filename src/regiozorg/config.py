"""All settings, read from the environment (prefix ``REGIOZORG_``) in this one place."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, IPvAnyNetwork
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REGIOZORG_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'regiozorg.sqlite3'}"
    # Browsers treat http://localhost as a secure context, so Secure cookies work for the demo too.
    cookie_secure: bool = True
    session_hours: int = 12
    default_locale: str = "nl"
    # Login throttling (see accounts.rules.login_wait): failures per account that cost nothing,
    # then a wait doubling from login_backoff_seconds up to login_backoff_max_seconds; failures
    # per client address after which that address is refused for accounts that failed; failures
    # older than the window are forgotten.
    login_max_failures: int = 5
    login_backoff_seconds: float = 2.0
    login_backoff_max_seconds: float = 900.0
    login_max_failures_per_ip: int = 30
    login_window_minutes: int = 60
    # Reverse proxies (IP addresses or CIDR networks) whose X-Forwarded-For is believed; the
    # client is the right-most address in it that is not itself a trusted proxy. Empty: the
    # direct peer is the client. In the environment a JSON list: '["10.0.0.0/8"]'.
    trusted_proxies: list[IPvAnyNetwork] = Field(default_factory=list)
    # Travel-time estimate from coordinates: great-circle km x detour factor / speed.
    travel_detour_factor: float = 1.3
    travel_speed_kmh: float = 60.0
    # Bed coordination: how long a hold lasts, and when a location's bed data counts as stale.
    bed_hold_minutes: int = 15
    bed_stale_hours: int = 12
    # Night service: how often the worker runs due escalation steps and heartbeat checks;
    # 0 switches the worker off (tests that take those steps themselves).
    night_worker_seconds: float = 2.0
    # Beds: how often held beds whose time ran out are given back, also when no screen looks.
    bed_hold_expiry_seconds: float = 30.0
    static_vendor_dir: Path = PROJECT_ROOT / "node_modules"
    # The Curtois & Qu rostering benchmark's instances (`regiozorg roster nrp`, the roster tests).
    nrp_dir: Path = PROJECT_ROOT / "data" / "nrp"
    # The tables' owner, for `regiozorg db upgrade`: migrations run as the owner, the app
    # (database_url) as a role that may only read and write rows. Unset: the app's own URL.
    migration_database_url: str | None = None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
