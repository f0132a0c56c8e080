"""match rows per firm: on PostgreSQL, one LIST partition per run

Revision ID: 20261202_mat01_matches_by_run
Revises: 20261201_ass02_results_by_run
Create Date: 2026-11-27 22:30:00

A match run over a registry writes a row per firm and layer (`match_layer_results`) and per
policy listing (`policy_matches`): about ten million rows for a million firms, which pruning
the oldest run deleted one by one. On PostgreSQL both tables become partitioned by `run_id`, as
`enterprise_results` did (revision 20261201_ass02): each run's rows are a partition
`<table>_<run>`, filled bare, indexed once and attached, and dropped whole when the run is
pruned. Stored rows move into partitions of their runs, and back on downgrade. SQLite has no
partitions: nothing changes there.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from alembic import op

revision: str = "20261202_mat01_matches_by_run"
down_revision: str | None = "20261201_ass02_results_by_run"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


@dataclass(frozen=True)
class _Table:
    name: str
    key: str  # the primary key's columns
    index: str  # the index's name suffix after `ix_<table>_`
    indexed: str  # its columns
    columns: str


TABLES = (
    _Table(
        "match_layer_results",
        "run_id, enterprise_id, layer",
        "cell",
        "run_id, layer, stage",
        "run_id, enterprise_id, layer, stage, cluster, met, review, unknown, best_product,"
        " status, amount_high",
    ),
    _Table(
        "policy_matches",
        "run_id, policy, enterprise_id",
        "enterprise",
        "run_id, enterprise_id",
        'run_id, policy, enterprise_id, status, "list", benefit_high',
    ),
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in TABLES:
        old = f"{table.name}_unpartitioned"
        _set_aside(table, old)
        op.execute(
            f"CREATE TABLE {table.name} (LIKE {old} INCLUDING DEFAULTS) PARTITION BY LIST (run_id)"
        )
        _key_and_index(table)
        runs = bind.execute(sa.text(f"SELECT DISTINCT run_id FROM {old} ORDER BY run_id"))
        for run_id in list(runs.scalars()):
            op.execute(
                f"CREATE TABLE {table.name}_{int(run_id)} PARTITION OF {table.name}"
                f" FOR VALUES IN ({int(run_id)})"
            )
        op.execute(f"INSERT INTO {table.name} ({table.columns}) SELECT {table.columns} FROM {old}")
        op.execute(f"DROP TABLE {old}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        old = f"{table.name}_partitioned"
        _set_aside(table, old)
        op.execute(f"CREATE TABLE {table.name} (LIKE {old} INCLUDING DEFAULTS)")
        _key_and_index(table)
        op.execute(f"INSERT INTO {table.name} ({table.columns}) SELECT {table.columns} FROM {old}")
        op.execute(f"DROP TABLE {old}")  # and its partitions


def _set_aside(table: _Table, name: str) -> None:
    """Rename the table, its primary key and its index out of the way of the new table's."""
    op.execute(f"ALTER TABLE {table.name} RENAME TO {name}")
    op.execute(f"ALTER TABLE {name} RENAME CONSTRAINT pk_{table.name} TO pk_{name}")
    op.execute(f"ALTER INDEX ix_{table.name}_{table.index} RENAME TO ix_{name}_{table.index}")


def _key_and_index(table: _Table) -> None:
    op.execute(f"ALTER TABLE {table.name} ADD CONSTRAINT pk_{table.name} PRIMARY KEY ({table.key})")
    op.execute(f"CREATE INDEX ix_{table.name}_{table.index} ON {table.name} ({table.indexed})")
