"""Bringing a database to the latest schema with Alembic (the same migrations for both), and on
PostgreSQL giving the app's own role exactly the rights it needs on that schema.

Two roles in production: the *owner* runs the migrations and owns every table; the *app role*
the web app connects as owns nothing, so it cannot alter, drop or truncate a table, nor switch
off the audit trail's trigger. It may read and write the rows of ordinary tables, but only read
and add audit entries.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, make_url

from regiozorg.config import PROJECT_ROOT, Settings
from regiozorg.db import make_engine

# Tables whose rows the app may read and add but never change or remove.
APPEND_ONLY_TABLES = ("audit_entries",)
# Alembic's bookkeeping belongs to the migrations alone.
READ_ONLY_TABLES = ("alembic_version",)


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    if database_url.startswith("sqlite:///"):
        (PROJECT_ROOT / "var").mkdir(exist_ok=True)
    command.upgrade(alembic_config(database_url), revision)


def upgrade_database(settings: Settings) -> str | None:
    """``regiozorg db upgrade``: migrate as the owner, then grant the app role its rights when
    the app connects as a role of its own. The app role granted, if any.

    Granting again on every upgrade is harmless and keeps the rights right for tables a new
    migration created, also when default privileges did not cover them.
    """
    owner_url = settings.migration_database_url or settings.database_url
    upgrade(owner_url)
    role = separate_app_role(settings)
    if role is not None:
        grant_app_role(owner_url, role)
    return role


def separate_app_role(settings: Settings) -> str | None:
    """The PostgreSQL role the app connects as, when it is not the owner migrations run as."""
    if not settings.migration_database_url:
        return None
    app, owner = make_url(settings.database_url), make_url(settings.migration_database_url)
    if app.get_backend_name() != "postgresql" or owner.get_backend_name() != "postgresql":
        return None
    if app.username is None or app.username == owner.username:
        return None
    return app.username


def grant_app_role(owner_url: str, role: str) -> None:
    """Give ``role`` the app's rights on the schema, as its owner (the role of ``owner_url``),
    now and, by default privileges, on the tables and sequences later migrations create."""
    engine = make_engine(owner_url)
    try:
        with engine.begin() as connection:
            for statement in app_role_grants(connection, role):
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def app_role_grants(connection: Connection, role: str) -> list[str]:
    """The statements, in order: broad rights first, then what the app may not do taken back.

    No TRUNCATE, REFERENCES or TRIGGER anywhere: the app never needs them. ALTER, DROP and
    DISABLE TRIGGER need ownership, which no grant gives.
    """
    quote = connection.dialect.identifier_preparer.quote
    who = quote(role)
    schema = quote(connection.exec_driver_sql("SELECT current_schema()").scalar_one())
    rows = "SELECT, INSERT, UPDATE, DELETE"
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {who}",
        f"GRANT {rows} ON ALL TABLES IN SCHEMA {schema} TO {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {rows} ON TABLES TO {who}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {who}",
    ]
    statements += [
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {quote(table)} FROM {who}"
        for table in APPEND_ONLY_TABLES
    ]
    statements += [
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {quote(table)} FROM {who}"
        for table in READ_ONLY_TABLES
    ]
    return statements
