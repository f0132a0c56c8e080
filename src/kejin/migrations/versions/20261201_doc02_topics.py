"""topics

Revision ID: 20261201_doc02_topics
Revises: 20261201_doc01_deletions
Create Date: 2026-11-27 15:16:26

`topics` holds saved searches; `topic_documents` the documents each has collected, with when
it first saw them. A document deleted from the library leaves its topics (ON DELETE CASCADE).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261201_doc02_topics"
down_revision: str | None = "20261201_doc01_deletions"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("library_count", sa.Integer(), nullable=False),
        sa.Column("library_highest", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
        sa.UniqueConstraint("slug", name=op.f("uq_topics_slug")),
    )
    op.create_table(
        "topic_documents",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("best_score", sa.Float(), nullable=False),
        sa.Column("best_position", sa.Integer(), nullable=False),
        sa.Column("matched_paragraphs", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_topic_documents_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_topic_documents_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("topic_id", "document_id", name=op.f("pk_topic_documents")),
    )
    with op.batch_alter_table("topic_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_topic_documents_document_id"), ["document_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("topic_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_documents_document_id"))

    op.drop_table("topic_documents")
    op.drop_table("topics")
