"""points cohorts: one row per cohort × indicator, its buckets in one `histogram` field

Revision ID: 20261201_ass01_cohort_histograms
Revises: 20261201_doc02_topics
Create Date: 2026-11-27 17:40:00

A run of a million enterprises wrote about 1.26 million cohort rows, one per bucket, most of
the time it spent storing its statistics. Each cohort × indicator becomes one row whose
`histogram` lists its buckets as `bucket:count` pairs in ascending order, a missing measure's
bucket empty and first (`:12,40:3,41:7`), as `kejin.assessment.store.histogram_rows` writes
them. Stored rows are carried over both ways.
"""

import itertools
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261201_ass01_cohort_histograms"
down_revision: str | None = "20261201_doc02_topics"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_GROUP = ("run_id", "region", "cluster", "stage", "indicator")


def upgrade() -> None:
    op.add_column("points_cohorts", sa.Column("histogram", sa.Text(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            f"SELECT id, {', '.join(_GROUP)}, bucket, count FROM points_cohorts"
            f" ORDER BY {', '.join(_GROUP)}, bucket IS NOT NULL, bucket"
        )
    )
    kept = []
    for _, group in itertools.groupby(rows, key=lambda row: tuple(row[1:6])):
        members = list(group)
        pairs = ",".join(f"{'' if row[6] is None else row[6]}:{row[7]}" for row in members)
        kept.append({"id": members[0][0], "histogram": pairs})
    if kept:
        bind.execute(
            sa.text("UPDATE points_cohorts SET histogram = :histogram WHERE id = :id"), kept
        )
    bind.execute(sa.text("DELETE FROM points_cohorts WHERE histogram IS NULL"))
    with op.batch_alter_table("points_cohorts", schema=None) as batch_op:
        batch_op.drop_column("bucket")
        batch_op.drop_column("count")
        batch_op.alter_column("histogram", existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("points_cohorts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bucket", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("count", sa.Integer(), nullable=True))
    bind = op.get_bind()
    found = bind.execute(
        sa.text(f"SELECT {', '.join(_GROUP)}, histogram FROM points_cohorts")
    ).all()
    expanded = []
    for *keys, histogram in found:
        for pair in histogram.split(","):
            bucket, count = pair.split(":")
            expanded.append(
                dict(zip(_GROUP, keys, strict=True))
                | {"bucket": int(bucket) if bucket else None, "count": int(count), "h": "-"}
            )
    bind.execute(sa.text("DELETE FROM points_cohorts"))
    if expanded:
        bind.execute(
            sa.text(
                f"INSERT INTO points_cohorts ({', '.join(_GROUP)}, bucket, count, histogram)"
                f" VALUES ({', '.join(':' + name for name in _GROUP)}, :bucket, :count, :h)"
            ),
            expanded,
        )
    with op.batch_alter_table("points_cohorts", schema=None) as batch_op:
        batch_op.drop_column("histogram")
        batch_op.alter_column("count", existing_type=sa.Integer(), nullable=False)
