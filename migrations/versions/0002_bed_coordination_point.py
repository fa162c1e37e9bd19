"""bed coordination point

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 18:51:17.349288
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


OPEN_REQUEST = (
    "status IN ('received', 'triage', 'searching', 'on_hold', 'offered', 'accepted', 'confirmed')"
)
OCCUPYING = "('held', 'accepted', 'admitted')"
# PostgreSQL: no two occupying assignments of one bed may overlap in time.
NO_DOUBLE_BOOKING_PG = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bed_assignments ADD CONSTRAINT ex_bed_assignments_no_overlap
    EXCLUDE USING gist (bed_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status IN {OCCUPYING});
"""
# SQLite has one writer at a time, so a trigger's check and the write it guards are serialised.
SQLITE_GUARD = """
CREATE TRIGGER bed_assignments_no_overlap_{op} BEFORE {op} ON bed_assignments
WHEN NEW.status IN {occupying}
BEGIN
    SELECT RAISE(ABORT, 'bed_assignments_no_overlap: bed already taken for this period')
    WHERE EXISTS (
        SELECT 1 FROM bed_assignments AS other
        WHERE other.bed_id = NEW.bed_id AND other.id != NEW.id
          AND other.status IN {occupying}
          AND other.starts_at < NEW.ends_at AND NEW.starts_at < other.ends_at
    );
END;
"""


def upgrade() -> None:
    op.create_table(
        "bed_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "care_type",
            sa.Enum(
                "ELV_LOW",
                "ELV_HIGH",
                "ELV_PALLIATIVE",
                "WLZ_CRISIS_VV",
                "WLZ_CRISIS_GZ",
                "WLZ_RESPITE",
                "GRZ",
                name="caretype",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "received",
                "triage",
                "not_eligible",
                "searching",
                "on_hold",
                "offered",
                "accepted",
                "confirmed",
                "admitted",
                "cancelled",
                "expired",
                name="requeststatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("wanted_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("patient_key", sa.String(length=80), nullable=False),
        sa.Column("patient_initials", sa.String(length=12), nullable=False),
        sa.Column("patient_birth_year", sa.Integer(), nullable=False),
        sa.Column("patient_sex", sa.String(length=1), nullable=False),
        sa.Column("patient_postcode", sa.String(length=7), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("has_wlz_indication", sa.Boolean(), nullable=False),
        sa.Column("life_expectancy_under_3_months", sa.Boolean(), nullable=False),
        sa.Column("consents_outside_region", sa.Boolean(), nullable=False),
        sa.Column("expects_return_home", sa.Boolean(), nullable=False),
        sa.Column("preferred_location_id", sa.Uuid(), nullable=True),
        sa.Column("referrer_kind", sa.String(length=24), nullable=False),
        sa.Column("referrer_name", sa.String(length=160), nullable=False),
        sa.Column("referrer_phone", sa.String(length=40), nullable=False),
        sa.Column("referrer_user_id", sa.Uuid(), nullable=True),
        sa.Column("referrer_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("outcome_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["preferred_location_id"],
            ["locations.id"],
            name=op.f("fk_bed_requests_preferred_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["referrer_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_bed_requests_referrer_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["referrer_user_id"], ["users.id"], name=op.f("fk_bed_requests_referrer_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bed_requests")),
    )
    with op.batch_alter_table("bed_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bed_requests_status_created", ["status", "created_at"], unique=False
        )
        batch_op.create_index(
            "uq_bed_requests_open_patient",
            ["patient_key"],
            unique=True,
            sqlite_where=sa.text(OPEN_REQUEST),
            postgresql_where=sa.text(OPEN_REQUEST),
        )

    op.create_table(
        "capacity_snapshots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column(
            "care_type",
            sa.Enum(
                "ELV_LOW",
                "ELV_HIGH",
                "ELV_PALLIATIVE",
                "WLZ_CRISIS_VV",
                "WLZ_CRISIS_GZ",
                "WLZ_RESPITE",
                "GRZ",
                name="caretype",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("occupied", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_capacity_snapshots_location_id_locations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_snapshots")),
    )
    with op.batch_alter_table("capacity_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_capacity_snapshots_latest", ["location_id", "care_type", "at"], unique=False
        )

    op.create_table(
        "bed_request_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("by_user_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["bed_requests.id"],
            name=op.f("fk_bed_request_events_request_id_bed_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bed_request_events")),
    )
    with op.batch_alter_table("bed_request_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bed_request_events_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "beds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "U",
                "O",
                "C",
                "H",
                "I",
                "K",
                name="bedstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("capabilities", sa.JSON(), nullable=False),
        sa.Column("expected_free_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_beds_location_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_beds_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_beds_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beds")),
    )
    with op.batch_alter_table("beds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_beds_location_id"), ["location_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_beds_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_beds_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "bed_assignments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("bed_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "held",
                "accepted",
                "admitted",
                "completed",
                "cancelled",
                "expired",
                name="assignmentstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hold_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["bed_id"], ["beds.id"], name=op.f("fk_bed_assignments_bed_id_beds")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["bed_requests.id"],
            name=op.f("fk_bed_assignments_request_id_bed_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bed_assignments")),
    )
    with op.batch_alter_table("bed_assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bed_assignments_bed_period", ["bed_id", "starts_at", "ends_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bed_assignments_request_id"), ["request_id"], unique=False
        )
        batch_op.create_index(
            "ix_bed_assignments_status_expiry", ["status", "hold_expires_at"], unique=False
        )

    op.create_table(
        "bed_care_types",
        sa.Column("bed_id", sa.Uuid(), nullable=False),
        sa.Column(
            "care_type",
            sa.Enum(
                "ELV_LOW",
                "ELV_HIGH",
                "ELV_PALLIATIVE",
                "WLZ_CRISIS_VV",
                "WLZ_CRISIS_GZ",
                "WLZ_RESPITE",
                "GRZ",
                name="caretype",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["bed_id"], ["beds.id"], name=op.f("fk_bed_care_types_bed_id_beds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("bed_id", "care_type", name=op.f("pk_bed_care_types")),
    )
    with op.batch_alter_table("bed_care_types", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bed_care_types_care_type_bed", ["care_type", "bed_id"], unique=False
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(NO_DOUBLE_BOOKING_PG)
    else:
        for operation in ("INSERT", "UPDATE"):
            op.execute(SQLITE_GUARD.format(op=operation, occupying=OCCUPYING))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE bed_assignments DROP CONSTRAINT ex_bed_assignments_no_overlap")
    else:
        for operation in ("INSERT", "UPDATE"):
            op.execute(f"DROP TRIGGER bed_assignments_no_overlap_{operation}")
    with op.batch_alter_table("bed_care_types", schema=None) as batch_op:
        batch_op.drop_index("ix_bed_care_types_care_type_bed")

    op.drop_table("bed_care_types")
    with op.batch_alter_table("bed_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_bed_assignments_status_expiry")
        batch_op.drop_index(batch_op.f("ix_bed_assignments_request_id"))
        batch_op.drop_index("ix_bed_assignments_bed_period")

    op.drop_table("bed_assignments")
    with op.batch_alter_table("beds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_beds_unit_id"))
        batch_op.drop_index(batch_op.f("ix_beds_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_beds_location_id"))

    op.drop_table("beds")
    with op.batch_alter_table("bed_request_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bed_request_events_request_id"))

    op.drop_table("bed_request_events")
    with op.batch_alter_table("capacity_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_capacity_snapshots_latest")

    op.drop_table("capacity_snapshots")
    with op.batch_alter_table("bed_requests", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_bed_requests_open_patient",
            sqlite_where=sa.text(OPEN_REQUEST),
            postgresql_where=sa.text(OPEN_REQUEST),
        )
        batch_op.drop_index("ix_bed_requests_status_created")

    op.drop_table("bed_requests")
