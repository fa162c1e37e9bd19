"""Which role `regiozorg db upgrade` grants the app's rights to: the app's own, when it has one."""

from __future__ import annotations

from regiozorg.config import Settings
from regiozorg.migrate import separate_app_role

OWNER = "postgresql+psycopg://regiozorg_owner:secret@db.example.org/regiozorg"
APP = "postgresql+psycopg://regiozorg_app:secret@db.example.org/regiozorg"


def _settings(app: str, owner: str | None) -> Settings:
    return Settings(database_url=app, migration_database_url=owner)


def test_the_app_role_is_the_user_of_the_app_url_when_migrations_run_as_another() -> None:
    assert separate_app_role(_settings(APP, OWNER)) == "regiozorg_app"


def test_one_role_for_both_grants_nothing() -> None:
    assert separate_app_role(_settings(OWNER, None)) is None
    assert separate_app_role(_settings(OWNER, OWNER)) is None


def test_sqlite_has_no_roles() -> None:
    assert separate_app_role(_settings("sqlite:///var/x.sqlite3", OWNER)) is None
