"""audit entries append-only on PostgreSQL

A row trigger refuses UPDATE and DELETE on audit_entries, so even a bug or a careless query
through the application's role cannot rewrite history; the hash chain and anchors still catch
anyone who switches the trigger off. (TRUNCATE is not covered: row triggers don't fire for it;
revoke TRUNCATE from the application's role in production.) SQLite has no equivalent that tests
could switch off cleanly, so there the chain alone is the guarantee.

Revision ID: e3b22ea808db
Revises: 398648b49acb
Create Date: 2026-11-27 03:53:25.273410
"""

from collections.abc import Sequence

from alembic import op

revision: str = "e3b22ea808db"
down_revision: str | None = "398648b49acb"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_entries is append-only'
                USING ERRCODE = 'insufficient_privilege';
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
            FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER audit_entries_append_only ON audit_entries")
    op.execute("DROP FUNCTION audit_entries_append_only()")
