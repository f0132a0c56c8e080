"""Synthetic firms through the Dask engine: many more than one process could hold.

    PYTHONPATH=src python -m benchmarks.assess_dask --firms 10000000 --partition 200000

Every partition is a demo region of its own (`kejin.region.model.generate_region` with seed
`--seed` + partition number, ids following on from the partition before), generated and built
into snapshots inside a Dask worker, so no frame of all firms exists anywhere. The three passes
of `kejin.assessment.dask_engine.assess_on_dask` run on a local cluster (`--workers` processes,
`--memory-limit` each, built partitions kept in a scratch directory between passes), and the
results are aggregated partition by partition into the region view, as a run stores them.

Prints the seconds of passes 1–2 (build, cohorts, points, scores) and of pass 3 (verdicts,
points, ranks, fetched and aggregated), the merged tables' sizes, and the peak resident memory
of the whole process tree (this process, the scheduler, nannies and workers: the sum of their
RSS, sampled every 0.1 s) and of this process. No figure is asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

from benchmarks.process_memory import TreePeak
from kejin.assessment.dask_engine import assess_on_dask, dask_client
from kejin.assessment.inputs.snapshots import build_snapshots
from kejin.assessment.runs.partitioned import Scratch, SummaryCounter
from kejin.assessment.runs.pipeline import load_catalogue
from kejin.region.model import generate_region

AS_OF = date(2025, 12, 31)
ON = date(2026, 6, 30)


@dataclasses.dataclass(frozen=True, slots=True)
class SyntheticPartition:
    """Partition `number` of `size` generated firms, built where it is used."""

    seed: int
    number: int
    size: int

    @property
    def key(self) -> str:
        return f"synthetic-{self.seed}-{self.number}"

    def snapshots(self, on: date) -> pl.DataFrame:
        frames = generate_region(self.size, seed=self.seed + self.number, as_of=AS_OF).frames
        first = self.number * self.size + 1
        ids = pl.DataFrame(
            {
                "uscc": frames.enterprises["uscc"],
                "enterprise_id": pl.int_range(first, first + self.size, eager=True),
            }
        )
        return build_snapshots(frames, on, ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--partition", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="3GiB", help="per worker process")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--scratch", type=Path, help="where built partitions wait (a temp dir)")
    args = parser.parse_args()
    figures = _run(args)
    print(json.dumps(figures), file=sys.stderr)
    _print_row(figures)


def _run(args: argparse.Namespace) -> dict[str, object]:
    parts = [
        SyntheticPartition(args.seed, number, min(args.partition, args.firms - start))
        for number, start in enumerate(range(0, args.firms, args.partition))
    ]
    catalogue = load_catalogue()
    counter = SummaryCounter(tuple(catalogue.versions(ON)))
    with (
        TreePeak() as tree,
        tempfile.TemporaryDirectory(dir=args.scratch) as directory,
        dask_client(workers=args.workers, memory_limit=args.memory_limit) as client,
    ):
        started = time.perf_counter()
        run = assess_on_dask(client, parts, ON, catalogue, scratch=Scratch(Path(directory)))
        merged = time.perf_counter()
        points = 0
        for results in run.results:
            counter.add(results)
            points += int(results["innovation_points"].sum() or 0)
        finished = time.perf_counter()
    return {
        "firms": counter.enterprises,
        "partitions": len(parts),
        "partition": args.partition,
        "workers": args.workers,
        "memory_limit": args.memory_limit,
        "passes_1_2_s": round(merged - started, 1),
        "pass_3_s": round(finished - merged, 1),
        "total_s": round(finished - started, 1),
        "firms_per_s": round(counter.enterprises / (finished - started)),
        "cohort_rows": run.statistics.cohorts.height,
        "score_rows": run.statistics.scores.height,
        "points_sum": points,
        "summary_cells": len(counter.cells()),
        "tree_peak_mb": tree.mb,
        "tree_processes": tree.processes,
        "driver_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load": round(os.getloadavg()[0], 1),
    }


def _print_row(row: dict[str, object]) -> None:
    print(
        "| firms | partitions × size | passes 1–2 (s) | pass 3 (s) | total (s) | firms/s "
        "| cohort-table rows | process tree peak (MB) | this process's peak (MB) | load |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {row['firms']:,} | {row['partitions']} × {row['partition']:,} "
        f"| {row['passes_1_2_s']} | {row['pass_3_s']} | {row['total_s']} "
        f"| {row['firms_per_s']:,} | {row['cohort_rows']:,} | {row['tree_peak_mb']:,} "
        f"| {row['driver_peak_mb']:,} | {row['load']} |"
    )


if __name__ == "__main__":
    main()
