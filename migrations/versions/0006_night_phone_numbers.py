"""night care plan: the client's own phone and contact persons to call

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("night_plans") as batch:
        batch.add_column(
            sa.Column("phone", sa.String(length=32), server_default="", nullable=False)
        )
    op.create_table(
        "night_contacts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("relation", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.CheckConstraint("phone <> ''", name=op.f("ck_night_contacts_phone")),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["night_plans.client_id"],
            name=op.f("fk_night_contacts_client_id_night_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_night_contacts")),
        sa.UniqueConstraint("client_id", "position", name=op.f("uq_night_contacts_client_id")),
    )
    op.create_index(
        op.f("ix_night_contacts_client_id"), "night_contacts", ["client_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_night_contacts_client_id"), table_name="night_contacts")
    op.drop_table("night_contacts")
    with op.batch_alter_table("night_plans") as batch:
        batch.drop_column("phone")
