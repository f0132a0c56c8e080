"""credit monitoring runs

Revision ID: 20261201_fin04_credit_monitoring
Revises: 20261201_fin03_matching
Create Date: 2026-11-27 14:40:00.000000

Stored population-stability runs of the credit model in service (docs/credit.md, Monitoring).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261201_fin04_credit_monitoring"
down_revision: str | None = "20261201_fin03_matching"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "credit_monitoring_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(length=32), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("score_psi", sa.Float(), nullable=False),
        sa.Column(
            "band",
            sa.Enum(
                "stable", "shift", "significant", name="stability", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("distribution", sa.JSON(), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_monitoring_runs")),
    )
    with op.batch_alter_table("credit_monitoring_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_credit_monitoring_runs_model", ["model_version", "as_of"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("credit_monitoring_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_credit_monitoring_runs_model")

    op.drop_table("credit_monitoring_runs")
