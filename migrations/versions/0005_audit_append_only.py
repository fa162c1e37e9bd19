"""audit trail append-only on SQLite too

PostgreSQL has refused changes to audit_entries by trigger since 0001 (and in production the
app's role lacks the rights as well: see regiozorg.migrate). SQLite now refuses them the same
way. It has no TRUNCATE: a DELETE without WHERE is a DELETE, and the delete trigger refuses it
(SQLite skips its truncate shortcut on a table with triggers).

A batch migration that rebuilds audit_entries on SQLite drops these triggers with the old
table: it must create them again (test_audit_append_only notices if it does not).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 00:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Same names and message as the PostgreSQL trigger of 0001.
SQLITE_REFUSAL = """
CREATE TRIGGER audit_entries_no_{name} BEFORE {operation} ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit_entries is append-only: {operation} refused');
END
"""
OPERATIONS = ("UPDATE", "DELETE")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for operation in OPERATIONS:
            op.execute(SQLITE_REFUSAL.format(operation=operation, name=operation.lower()))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for operation in OPERATIONS:
            op.execute(f"DROP TRIGGER audit_entries_no_{operation.lower()}")
