"""bed flows: undoable bed changes, declines with a reason, intake in words

Plain ADD/DROP COLUMN rather than batch operations: a batch rebuild of bed_assignments on
SQLite would drop its no-overlap triggers (migration 0002) with the old table.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 22:04:11
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from regiozorg.db import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _bed_status(name: str) -> sa.Enum:
    return sa.Enum(
        "U", "O", "C", "H", "I", "K",
        name=name, native_enum=False, create_constraint=True, length=32,
    )  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "bed_status_changes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("bed_id", sa.Uuid(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("by_user_id", sa.Uuid(), nullable=True),
        sa.Column("from_status", _bed_status("from_bedstatus"), nullable=False),
        sa.Column("to_status", _bed_status("to_bedstatus"), nullable=False),
        sa.Column("from_expected_free_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("from_status_updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("ended_stay_id", sa.Uuid(), nullable=True),
        sa.Column("ended_stay_ends_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("undo_until", UTCDateTime(timezone=True), nullable=False),
        sa.Column("undone_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["bed_id"], ["beds.id"], name=op.f("fk_bed_status_changes_bed_id_beds")
        ),
        sa.ForeignKeyConstraint(
            ["ended_stay_id"],
            ["bed_assignments.id"],
            name=op.f("fk_bed_status_changes_ended_stay_id_bed_assignments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bed_status_changes")),
    )
    op.create_index(
        op.f("ix_bed_status_changes_bed_id"), "bed_status_changes", ["bed_id"], unique=False
    )
    op.add_column(
        "bed_assignments", sa.Column("decline_reason", sa.String(length=500), nullable=True)
    )
    op.add_column("bed_requests", sa.Column("patient_birth_date", sa.Date(), nullable=True))
    op.add_column("bed_requests", sa.Column("medical_reason", sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column("bed_requests", "medical_reason")
    op.drop_column("bed_requests", "patient_birth_date")
    op.drop_column("bed_assignments", "decline_reason")
    op.drop_index(op.f("ix_bed_status_changes_bed_id"), table_name="bed_status_changes")
    op.drop_table("bed_status_changes")
