"""bed board: a tally of beds per location, ward status and care type, kept by triggers

The national board counted 120,000 beds on every request (130-220 ms of CPU on SQLite). The
tally holds per location its beds, free beds and occupied beds, for all beds (care_type '')
and per care type, with the location's latest status change; triggers on ``beds`` and
``bed_care_types`` keep it in the same transaction as every write, whatever path makes it.

A bed's own delete adjusts its care-type rows BEFORE the row goes: the cascade that then
removes its ``bed_care_types`` rows finds no bed any more and adjusts nothing twice.

On SQLite a batch rebuild of ``beds`` or ``bed_care_types`` would drop these triggers with the
old table: a later migration of those tables uses plain ALTER statements or re-creates them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from regiozorg.db import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILL = """
INSERT INTO bed_tallies (care_type, location_id, beds, free, occupied, latest)
SELECT '', location_id, count(*), sum(CASE WHEN status = 'U' THEN 1 ELSE 0 END),
    sum(CASE WHEN status = 'O' THEN 1 ELSE 0 END), max(status_updated_at) FROM beds
GROUP BY location_id;
INSERT INTO bed_tallies (care_type, location_id, beds, free, occupied, latest)
SELECT t.care_type, b.location_id, count(*), sum(CASE WHEN status = 'U' THEN 1 ELSE 0 END),
    sum(CASE WHEN status = 'O' THEN 1 ELSE 0 END), NULL
FROM bed_care_types t JOIN beds b ON b.id = t.bed_id
GROUP BY t.care_type, b.location_id;
"""

# One statement adds ``n`` beds of a location, care type and status (n may be negative).
SQLITE_ADD = """
INSERT INTO bed_tallies (care_type, location_id, beds, free, occupied) {source}
ON CONFLICT (care_type, location_id) DO UPDATE SET beds = beds + excluded.beds,
    free = free + excluded.free, occupied = occupied + excluded.occupied;
"""
SQLITE_LATEST = """
UPDATE bed_tallies SET latest = (
    SELECT max(status_updated_at) FROM beds WHERE location_id = {location}
) WHERE location_id = {location} AND care_type = '';
"""


def _sqlite_add(location: str, care_type: str, status: str, n: int, where: str = "") -> str:
    # "WHERE true" keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
    free, occupied = (f"CASE WHEN {status} = '{code}' THEN {n} ELSE 0 END" for code in "UO")
    source = f"SELECT {care_type}, {location}, {n}, {free}, {occupied} {where or 'WHERE true'}"
    return SQLITE_ADD.format(source=source)


def _sqlite_bed_types(row: str, n: int) -> str:
    return _sqlite_add(
        f"{row}.location_id", "t.care_type", f"{row}.status", n,
        f"FROM bed_care_types t WHERE t.bed_id = {row}.id",
    )  # fmt: skip


def _sqlite_type_of_bed(row: str, n: int) -> str:
    return _sqlite_add(
        "b.location_id", f"{row}.care_type", "b.status", n, f"FROM beds b WHERE b.id = {row}.bed_id"
    )


SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER bed_tallies_bed_insert AFTER INSERT ON beds BEGIN
    {_sqlite_add("NEW.location_id", "''", "NEW.status", 1)}
    {SQLITE_LATEST.format(location="NEW.location_id")}
    END""",
    f"""CREATE TRIGGER bed_tallies_bed_update
    AFTER UPDATE OF status, location_id, status_updated_at ON beds BEGIN
    {_sqlite_add("OLD.location_id", "''", "OLD.status", -1)}
    {_sqlite_bed_types("OLD", -1)}
    {_sqlite_add("NEW.location_id", "''", "NEW.status", 1)}
    {_sqlite_bed_types("NEW", 1)}
    {SQLITE_LATEST.format(location="OLD.location_id")}
    {SQLITE_LATEST.format(location="NEW.location_id")}
    END""",
    f"""CREATE TRIGGER bed_tallies_bed_delete BEFORE DELETE ON beds BEGIN
    {_sqlite_add("OLD.location_id", "''", "OLD.status", -1)}
    {_sqlite_bed_types("OLD", -1)}
    END""",
    f"""CREATE TRIGGER bed_tallies_bed_deleted AFTER DELETE ON beds BEGIN
    {SQLITE_LATEST.format(location="OLD.location_id")}
    END""",
    f"""CREATE TRIGGER bed_tallies_type_insert AFTER INSERT ON bed_care_types BEGIN
    {_sqlite_type_of_bed("NEW", 1)}
    END""",
    f"""CREATE TRIGGER bed_tallies_type_delete AFTER DELETE ON bed_care_types BEGIN
    {_sqlite_type_of_bed("OLD", -1)}
    END""",
    f"""CREATE TRIGGER bed_tallies_type_update AFTER UPDATE ON bed_care_types BEGIN
    {_sqlite_type_of_bed("OLD", -1)}
    {_sqlite_type_of_bed("NEW", 1)}
    END""",
]
SQLITE_TRIGGER_NAMES = [
    "bed_tallies_bed_insert",
    "bed_tallies_bed_update",
    "bed_tallies_bed_delete",
    "bed_tallies_bed_deleted",
    "bed_tallies_type_insert",
    "bed_tallies_type_delete",
    "bed_tallies_type_update",
]

POSTGRES_FUNCTIONS = """
CREATE FUNCTION bed_tallies_add(loc uuid, kind varchar, state varchar, n integer)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO bed_tallies (care_type, location_id, beds, free, occupied)
    VALUES (kind, loc, n, CASE WHEN state = 'U' THEN n ELSE 0 END,
            CASE WHEN state = 'O' THEN n ELSE 0 END)
    ON CONFLICT (care_type, location_id) DO UPDATE SET beds = bed_tallies.beds + excluded.beds,
        free = bed_tallies.free + excluded.free, occupied = bed_tallies.occupied + excluded.occupied
$$;

CREATE FUNCTION bed_tallies_latest(loc uuid) RETURNS void LANGUAGE sql AS $$
    UPDATE bed_tallies
    SET latest = (SELECT max(status_updated_at) FROM beds WHERE location_id = loc)
    WHERE location_id = loc AND care_type = ''
$$;

CREATE FUNCTION bed_tallies_bed(row_ beds, n integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bed_tallies_add(row_.location_id, '', row_.status, n);
    PERFORM bed_tallies_add(row_.location_id, t.care_type, row_.status, n)
    FROM bed_care_types t WHERE t.bed_id = row_.id;
END $$;

CREATE FUNCTION bed_tallies_on_bed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF TG_WHEN = 'BEFORE' THEN
            PERFORM bed_tallies_bed(OLD, -1);
            RETURN OLD;
        END IF;
        PERFORM bed_tallies_latest(OLD.location_id);
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM bed_tallies_bed(OLD, -1);
    END IF;
    PERFORM bed_tallies_bed(NEW, 1);
    IF TG_OP = 'UPDATE' AND OLD.location_id <> NEW.location_id THEN
        PERFORM bed_tallies_latest(OLD.location_id);
    END IF;
    PERFORM bed_tallies_latest(NEW.location_id);
    RETURN NULL;
END $$;

CREATE FUNCTION bed_tallies_on_type() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM bed_tallies_add(b.location_id, OLD.care_type, b.status, -1)
        FROM beds b WHERE b.id = OLD.bed_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM bed_tallies_add(b.location_id, NEW.care_type, b.status, 1)
        FROM beds b WHERE b.id = NEW.bed_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER bed_tallies_bed_delete BEFORE DELETE ON beds
    FOR EACH ROW EXECUTE FUNCTION bed_tallies_on_bed();
CREATE TRIGGER bed_tallies_bed_change
    AFTER INSERT OR DELETE OR UPDATE OF status, location_id, status_updated_at ON beds
    FOR EACH ROW EXECUTE FUNCTION bed_tallies_on_bed();
CREATE TRIGGER bed_tallies_type_change AFTER INSERT OR UPDATE OR DELETE ON bed_care_types
    FOR EACH ROW EXECUTE FUNCTION bed_tallies_on_type();
"""

POSTGRES_DROP = """
DROP TRIGGER IF EXISTS bed_tallies_type_change ON bed_care_types;
DROP TRIGGER IF EXISTS bed_tallies_bed_change ON beds;
DROP TRIGGER IF EXISTS bed_tallies_bed_delete ON beds;
DROP FUNCTION IF EXISTS bed_tallies_on_type();
DROP FUNCTION IF EXISTS bed_tallies_on_bed();
DROP FUNCTION IF EXISTS bed_tallies_bed(beds, integer);
DROP FUNCTION IF EXISTS bed_tallies_latest(uuid);
DROP FUNCTION IF EXISTS bed_tallies_add(uuid, varchar, varchar, integer);
"""


def upgrade() -> None:
    op.create_table(
        "bed_tallies",
        sa.Column("care_type", sa.String(length=32), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("beds", sa.Integer(), nullable=False),
        sa.Column("free", sa.Integer(), nullable=False),
        sa.Column("occupied", sa.Integer(), nullable=False),
        sa.Column("latest", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_bed_tallies_location_id_locations")
        ),
        sa.PrimaryKeyConstraint("care_type", "location_id", name=op.f("pk_bed_tallies")),
    )
    for statement in FILL.split(";"):
        if statement.strip():
            op.execute(statement)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTIONS)
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_DROP)
    else:
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("bed_tallies")
