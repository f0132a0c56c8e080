"""enterprise results: on PostgreSQL, one LIST partition per run

Revision ID: 20261201_ass02_results_by_run
Revises: 20261201_ass01_cohort_histograms
Create Date: 2026-11-27 18:05:00

A run writes a million rows into `enterprise_results` and pruning the oldest run deleted a
million (4.4 s on PostgreSQL, the table bloating until vacuumed). On PostgreSQL the table
becomes partitioned by `run_id`: each run's rows are a partition `enterprise_results_<run>`,
filled bare, indexed once and attached, and dropped whole when the run is pruned
(`kejin.core.bulk.partition_loader`, `delete_partitions`). Stored rows move into partitions
of their runs, and back on downgrade. SQLite has no partitions: nothing changes there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261201_ass02_results_by_run"
down_revision: str | None = "20261201_ass01_cohort_histograms"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

COLUMNS = (
    "run_id, enterprise_id, cluster, stage, verdicts, points, innovation_points, points_rank,"
    " band, top_indicators"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    _set_aside("enterprise_results_unpartitioned")
    op.execute(
        "CREATE TABLE enterprise_results (LIKE enterprise_results_unpartitioned"
        " INCLUDING DEFAULTS) PARTITION BY LIST (run_id)"
    )
    _key_and_index()
    runs = bind.execute(
        sa.text("SELECT DISTINCT run_id FROM enterprise_results_unpartitioned ORDER BY run_id")
    ).scalars()
    for run_id in list(runs):
        op.execute(
            f"CREATE TABLE enterprise_results_{int(run_id)} PARTITION OF enterprise_results"
            f" FOR VALUES IN ({int(run_id)})"
        )
    op.execute(
        f"INSERT INTO enterprise_results ({COLUMNS})"
        f" SELECT {COLUMNS} FROM enterprise_results_unpartitioned"
    )
    op.execute("DROP TABLE enterprise_results_unpartitioned")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _set_aside("enterprise_results_partitioned")
    op.execute(
        "CREATE TABLE enterprise_results (LIKE enterprise_results_partitioned INCLUDING DEFAULTS)"
    )
    _key_and_index()
    op.execute(
        f"INSERT INTO enterprise_results ({COLUMNS})"
        f" SELECT {COLUMNS} FROM enterprise_results_partitioned"
    )
    op.execute("DROP TABLE enterprise_results_partitioned")  # and its partitions


def _set_aside(name: str) -> None:
    """Rename the table, its primary key and its index out of the way of the new table's."""
    op.execute(f"ALTER TABLE enterprise_results RENAME TO {name}")
    op.execute(f"ALTER TABLE {name} RENAME CONSTRAINT pk_enterprise_results TO pk_{name}")
    op.execute(f"ALTER INDEX ix_enterprise_results_run_cell RENAME TO ix_{name}_run_cell")


def _key_and_index() -> None:
    op.execute(
        "ALTER TABLE enterprise_results"
        " ADD CONSTRAINT pk_enterprise_results PRIMARY KEY (run_id, enterprise_id)"
    )
    op.execute(
        "CREATE INDEX ix_enterprise_results_run_cell"
        " ON enterprise_results (run_id, stage, cluster, verdicts)"
    )
