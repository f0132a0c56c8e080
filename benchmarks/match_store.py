"""Storing and pruning match runs' rows per firm on PostgreSQL: a partition per run against one
table, on the same server.

    PYTHONPATH=src python -m benchmarks.match_store --firms 1000000

Synthetic rows of the sizes a registry run writes (`kejin.matching.store`): five
`match_layer_results` rows per firm and `--listings` `policy_matches` rows per firm on average.
In a fresh database migrated to head (tables partitioned by run), `--runs` runs are stored and
the oldest pruned as `store.prune` does once more than `KEEP_RUNS` are stored, two ways:

- **partitions** (what a run does): each run's rows fill a bare partition (layer rows in the
  cell index's order), indexed once and attached (`partition_loader`); pruning drops the
  oldest run's partitions;
- **one table**: the same rows copied into the table with its primary key and index kept up to
  date (a partition made and attached first, empty, as one big table's rows would go), pruning
  by `DELETE … WHERE run_id = …`, as before the partitions.

Prints a Markdown table of the seconds per run stored and per run pruned (medians); no figure
is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import polars as pl
from sqlalchemy import Connection, Table, text

from benchmarks.assessment_load import POSTGRES_SERVER, platform_for, recreate_postgres_database
from kejin.core.bulk import delete_partitions, insert_frame, partition_loader, partition_name
from kejin.matching.model import PolicyList
from kejin.matching.orm import MatchLayerResultRow, PolicyMatchRow
from kejin.matching.service import KEEP_RUNS
from kejin.matching.store import CELL_ORDER
from kejin.products.model import Layer
from kejin.registry.model import IndustryCluster, Stage

BENCH_DATABASE = "kejin_bench_match_store"
LAYERS: Table = MatchLayerResultRow.__table__  # type: ignore[assignment]
POLICIES: Table = PolicyMatchRow.__table__  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--listings", type=float, default=4.5, help="policy rows per firm")
    parser.add_argument("--runs", type=int, default=KEEP_RUNS + 2)
    args = parser.parse_args()
    rows = {LAYERS: _layer_rows(args.firms), POLICIES: _policy_rows(args.firms, args.listings)}
    recreate_postgres_database(BENCH_DATABASE)
    platform = platform_for(f"{POSTGRES_SERVER}/{BENCH_DATABASE}")
    figures = {}
    for way, store, prune in (
        ("partitions", _store_partitioned, _drop),
        ("one table", _store_indexed, _delete),
    ):
        stored, pruned = [], []
        for run_id in range(1, args.runs + 1):
            with platform.engine.begin() as conn:
                started = time.perf_counter()
                for table, frame in rows.items():
                    store(conn, table, frame.with_columns(run_id=pl.lit(run_id)))
                stored.append(time.perf_counter() - started)
            if run_id <= KEEP_RUNS:
                continue
            with platform.engine.begin() as conn:
                started = time.perf_counter()
                for table in rows:
                    prune(conn, table, run_id - KEEP_RUNS)
                pruned.append(time.perf_counter() - started)
        figures[way] = (statistics.median(stored), statistics.median(pruned))
        with platform.engine.begin() as conn:  # the runs still kept, before the next way
            for table in rows:
                delete_partitions(conn, table, "run_id", range(1, args.runs + 1))
    platform.dispose()
    total = sum(frame.height for frame in rows.values())
    print(f"\n{args.firms:,} firms, {total:,} rows per run, load {os.getloadavg()[0]:.1f}\n")
    print("| way | store a run (s) | prune a run (s) |\n|---|---:|---:|")
    for way, (stored_s, pruned_s) in figures.items():
        print(f"| {way} | {stored_s:.2f} | {pruned_s:.2f} |")


def _store_partitioned(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    order = CELL_ORDER if table is LAYERS else ()  # as `store.store_rows` copies them
    with partition_loader(conn, table, "run_id", int(frame["run_id"][0]), order) as write:
        write(frame)


def _store_indexed(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    run_id = int(frame["run_id"][0])
    conn.exec_driver_sql(
        f'CREATE TABLE "{partition_name(table, run_id)}" PARTITION OF "{table.name}"'
        f" FOR VALUES IN ({run_id})"
    )
    insert_frame(conn, table, frame)


def _drop(conn: Connection, table: Table, run_id: int) -> None:
    delete_partitions(conn, table, "run_id", [run_id])  # as `store.prune` does


def _delete(conn: Connection, table: Table, run_id: int) -> None:
    conn.execute(text(f'DELETE FROM "{table.name}" WHERE run_id = :run'), {"run": run_id})
    conn.exec_driver_sql(f'DROP TABLE "{partition_name(table, run_id)}"')  # empty by now


def _layer_rows(firms: int) -> pl.DataFrame:
    rng = np.random.default_rng(7)
    layers = [layer.value for layer in Layer]
    size = firms * len(layers)
    return pl.DataFrame(
        {
            "enterprise_id": np.tile(np.arange(1, firms + 1), len(layers)),
            "layer": np.repeat(layers, firms),
            "stage": rng.choice([stage.value for stage in Stage], size),
            "cluster": rng.choice([cluster.value for cluster in IndustryCluster], size),
            "met": rng.integers(0, 20, size),
            "review": rng.integers(0, 5, size),
            "unknown": rng.integers(0, 5, size),
            "best_product": rng.choice([f"bank.product_{n}" for n in range(60)], size),
            "status": rng.choice(["met", "manual_review", "unknown", "unmet"], size),
            "amount_high": rng.integers(0, 500_000_000, size),
        }
    )


def _policy_rows(firms: int, listings: float) -> pl.DataFrame:
    rng = np.random.default_rng(8)
    policies = 12
    listed = rng.random((policies, firms)) < listings / policies
    policy, firm = np.nonzero(listed)
    return pl.DataFrame(
        {
            "policy": np.array([f"policy_{n}" for n in range(policies)])[policy],
            "enterprise_id": firm + 1,
            "status": rng.choice(["met", "manual_review"], len(firm)),
            "list": rng.choice([PolicyList.AUTOMATIC.value, PolicyList.APPLY.value], len(firm)),
            "benefit_high": rng.integers(0, 10_000_000, len(firm)),
        }
    )


if __name__ == "__main__":
    main()
