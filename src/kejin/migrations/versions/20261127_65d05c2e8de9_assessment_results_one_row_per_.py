"""assessment results: one row per enterprise and run, verdicts encoded, no foreign keys

The cohort and score tables lose their foreign key to the run too.

Revision ID: 65d05c2e8de9
Revises: 9839f9b4d818
Create Date: 2026-11-27 08:41:25.514719

`standard_results` (one row per enterprise × standard) and `enterprise_scores` (one per
enterprise) become `enterprise_results`: one row per enterprise, its verdicts encoded as
`kejin.assessment.store` describes. Stored results are carried over; a downgrade drops them
(the run rows stay; a new run stores results again).
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "65d05c2e8de9"
down_revision: str | None = "9839f9b4d818"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# As `kejin.assessment.store.LETTERS` had them when this revision was written.
LETTERS = {"met": "m", "unmet": "u", "unknown": "k", "manual_review": "r", "not_applicable": "n"}
CLUSTERS = (
    "brain_science",
    "ai",
    "biomedicine",
    "semiconductors",
    "new_materials",
    "new_energy",
    "software",
    "high_end_equipment",
)
STAGES = ("seed", "start_up", "growth", "expansion", "mature")


def upgrade() -> None:
    op.create_table(
        "enterprise_results",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column(
            "cluster",
            sa.Enum(*CLUSTERS, name="industrycluster", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "stage", sa.Enum(*STAGES, name="stage", native_enum=False, length=32), nullable=True
        ),
        sa.Column("verdicts", sa.String(length=64), nullable=False),
        sa.Column("points", sa.Text(), nullable=False),
        sa.Column("innovation_points", sa.Integer(), nullable=True),
        sa.Column("points_rank", sa.Integer(), nullable=True),
        sa.Column("band", sa.String(length=16), nullable=True),
        sa.Column("top_indicators", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "enterprise_id", name=op.f("pk_enterprise_results")),
    )
    _carry_results_over()
    with op.batch_alter_table("enterprise_results", schema=None) as batch_op:
        batch_op.create_index(
            "ix_enterprise_results_run_cell",
            ["run_id", "stage", "cluster", "verdicts"],
            unique=False,
        )
    with op.batch_alter_table("standard_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standard_results_run_standard"))
    op.drop_table("standard_results")
    with op.batch_alter_table("enterprise_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprise_scores_run_stage"))
    op.drop_table("enterprise_scores")
    for table in ("points_cohorts", "points_scores"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_run_id_assessment_runs"), type_="foreignkey"
            )


def _carry_results_over() -> None:
    """Each stored run's rows in the new layout, one run at a time."""
    bind = op.get_bind()
    runs = bind.execute(sa.text("SELECT DISTINCT run_id FROM enterprise_scores")).scalars()
    columns = (
        "run_id, enterprise_id, cluster, stage, verdicts, points,"
        " innovation_points, points_rank, band, top_indicators"
    )
    # JSON travels as text both ways (PostgreSQL's driver would otherwise parse it).
    as_json = (
        "CAST(:top_indicators AS json)" if bind.dialect.name == "postgresql" else ":top_indicators"
    )
    insert = sa.text(
        f"INSERT INTO enterprise_results ({columns}) VALUES"
        " (:run_id, :enterprise_id, :cluster, :stage, :verdicts, :points,"
        f" :innovation_points, :points_rank, :band, {as_json})"
    )
    for run_id in list(runs):
        rows = _run_rows(bind, run_id)
        if rows:
            bind.execute(insert, rows)


def _run_rows(bind: sa.Connection, run_id: int) -> list[dict[str, Any]]:
    verdicts: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)
    found = bind.execute(
        sa.text(
            "SELECT enterprise_id, standard, status, points_low, points_high"
            " FROM standard_results WHERE run_id = :run"
        ),
        {"run": run_id},
    )
    for enterprise_id, standard, status, low, high in found:
        points = "" if low is None else f"{low}/{high}"
        verdicts[enterprise_id][standard] = (LETTERS[status], points)
    codes = sorted({code for by_code in verdicts.values() for code in by_code})
    scores = bind.execute(
        sa.text(
            "SELECT enterprise_id, cluster, stage, innovation_points, points_rank, band,"
            " CAST(top_indicators AS TEXT) AS top_indicators"
            " FROM enterprise_scores WHERE run_id = :run"
        ),
        {"run": run_id},
    )
    rows = []
    for score in scores.mappings():
        by_code = verdicts[score["enterprise_id"]]
        encoded = [by_code[code] for code in codes]
        rows.append(
            {
                **score,
                "run_id": run_id,
                "verdicts": "".join(letter for letter, _ in encoded),
                "points": ",".join(points for _, points in encoded),
            }
        )
    return rows


def downgrade() -> None:
    for table in ("points_cohorts", "points_scores"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_run_id_assessment_runs"),
                "assessment_runs",
                ["run_id"],
                ["id"],
                ondelete="CASCADE",
            )
    op.create_table(
        "enterprise_scores",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("cluster", sa.String(length=32), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=True),
        sa.Column("innovation_points", sa.Integer(), nullable=True),
        sa.Column("points_rank", sa.Integer(), nullable=True),
        sa.Column("band", sa.String(length=16), nullable=True),
        sa.Column("top_indicators", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_enterprise_scores_enterprise_id_enterprises"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["assessment_runs.id"],
            name=op.f("fk_enterprise_scores_run_id_assessment_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "enterprise_id", name=op.f("pk_enterprise_scores")),
    )
    with op.batch_alter_table("enterprise_scores", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enterprise_scores_run_stage"),
            ["run_id", "stage", "innovation_points"],
            unique=False,
        )
    op.create_table(
        "standard_results",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("standard", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("points_low", sa.BigInteger(), nullable=True),
        sa.Column("points_high", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_standard_results_enterprise_id_enterprises"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["assessment_runs.id"],
            name=op.f("fk_standard_results_run_id_assessment_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "run_id", "enterprise_id", "standard", name=op.f("pk_standard_results")
        ),
    )
    with op.batch_alter_table("standard_results", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_standard_results_run_standard"),
            ["run_id", "standard", "status"],
            unique=False,
        )
    with op.batch_alter_table("enterprise_results", schema=None) as batch_op:
        batch_op.drop_index("ix_enterprise_results_run_cell")
    op.drop_table("enterprise_results")
