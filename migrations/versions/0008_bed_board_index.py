"""bed board: an index that answers a bed's status by its id

The board and the reports count beds per care type by joining ``bed_care_types`` to ``beds``:
on SQLite each of the 230,000 care-type rows of the national demo looks up its bed, and with
(id, status) in one index that lookup never reads the wide bed row.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 22:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_beds_id_status", "beds", ["id", "status"])


def downgrade() -> None:
    op.drop_index("ix_beds_id_status", table_name="beds")
