"""provider acceptance rules

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 20:51:25.308800
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bed_acceptance_rules",
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
            nullable=True,
        ),
        sa.Column("max_age", sa.Integer(), nullable=True),
        sa.Column("admits_from_hour", sa.Integer(), nullable=True),
        sa.Column("admits_until_hour", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_bed_acceptance_rules_location_id_locations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bed_acceptance_rules")),
    )
    with op.batch_alter_table("bed_acceptance_rules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bed_acceptance_rules_location_id"), ["location_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("bed_acceptance_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bed_acceptance_rules_location_id"))

    op.drop_table("bed_acceptance_rules")
