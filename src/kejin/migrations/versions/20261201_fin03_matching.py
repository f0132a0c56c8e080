"""match runs

Revision ID: 20261201_fin03_matching
Revises: 20261201_fin02_needs
Create Date: 2026-11-27 12:01:09.460826
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261201_fin03_matching"
down_revision: str | None = "20261201_fin02_needs"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_layer_results",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column(
            "layer",
            sa.Enum(
                "government",
                "equity",
                "bank",
                "guarantee_insurance",
                "capital_market",
                name="layer",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "stage",
            sa.Enum(
                "seed",
                "start_up",
                "growth",
                "expansion",
                "mature",
                name="stage",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "cluster",
            sa.Enum(
                "brain_science",
                "ai",
                "biomedicine",
                "semiconductors",
                "new_materials",
                "new_energy",
                "software",
                "high_end_equipment",
                name="industrycluster",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("met", sa.Integer(), nullable=False),
        sa.Column("review", sa.Integer(), nullable=False),
        sa.Column("unknown", sa.Integer(), nullable=False),
        sa.Column("best_product", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("amount_high", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint(
            "run_id", "enterprise_id", "layer", name=op.f("pk_match_layer_results")
        ),
    )
    with op.batch_alter_table("match_layer_results", schema=None) as batch_op:
        batch_op.create_index(
            "ix_match_layer_results_cell", ["run_id", "layer", "stage"], unique=False
        )

    op.create_table(
        "match_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("assessment_run_id", sa.Integer(), nullable=False),
        sa.Column("catalogue_revision", sa.Integer(), nullable=False),
        sa.Column("product_versions", sa.JSON(), nullable=False),
        sa.Column("policy_versions", sa.JSON(), nullable=False),
        sa.Column("enterprises", sa.Integer(), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_runs")),
    )
    op.create_table(
        "policy_matches",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("policy", sa.String(length=80), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "list",
            sa.Enum("automatic", "apply", "none", name="policylist", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("benefit_high", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint(
            "run_id", "policy", "enterprise_id", name=op.f("pk_policy_matches")
        ),
    )
    with op.batch_alter_table("policy_matches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_policy_matches_enterprise", ["run_id", "enterprise_id"], unique=False
        )

    op.create_table(
        "product_reach",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("firms", sa.Integer(), nullable=False),
        sa.Column("amount_high_sum", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint(
            "run_id", "product", "stage", "status", name=op.f("pk_product_reach")
        ),
    )


def downgrade() -> None:
    op.drop_table("product_reach")
    with op.batch_alter_table("policy_matches", schema=None) as batch_op:
        batch_op.drop_index("ix_policy_matches_enterprise")

    op.drop_table("policy_matches")
    op.drop_table("match_runs")
    with op.batch_alter_table("match_layer_results", schema=None) as batch_op:
        batch_op.drop_index("ix_match_layer_results_cell")

    op.drop_table("match_layer_results")
