"""document deletion log

Revision ID: 20261201_doc01_deletions
Revises: 20261201_fin04_credit_monitoring
Create Date: 2026-11-27 14:50:00

`document_deletions` records every deleted document in the deletion's transaction, so that a
reader following the documents by id (a search index) learns of deletions too.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261201_doc01_deletions"
down_revision: str | None = "20261201_fin04_credit_monitoring"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_deletions",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_document_deletions")),
    )
    op.create_index(
        op.f("ix_document_deletions_external_id"),
        "document_deletions",
        ["external_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_document_deletions_external_id"), table_name="document_deletions")
    op.drop_table("document_deletions")
