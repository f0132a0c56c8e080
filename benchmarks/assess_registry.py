"""Registry assessment end to end from the database: read, assess, store (`kejin assess --all`).

    PYTHONPATH=src python -m benchmarks.assess_registry --enterprises 1000000 --database both

The demo region is stored into a fresh SQLite file and a fresh PostgreSQL database by
`benchmarks/assessment_load.py`'s store phase; then, per database and engine, in a child process
of its own, `service.run_registry` runs as the command does and the seconds of each step are
taken from its progress calls: read (snapshots of every enterprise), assess (verdicts of every
standard in force, stage, innovation points and ranks), store (results and statistics written,
older runs pruned, committed). The Dask engine overlaps reading and assessing in its passes, so
its read and assess show together. Peak memory is this process's and the whole process tree's
(Dask workers and reading processes included).

The scalar path is `engine.assess` of every standard in force, one enterprise at a time, over
the first `--scalar-sample` enterprises (`snapshot_from_row` included), extrapolated to the
registry; the speed-up compares it with the assess step and with the whole run.

`--url URL` measures an existing database instead (nothing is built or dropped). Prints one JSON
line per phase on stderr and a Markdown table on stdout. No figure is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.assessment_load import (
    ON,
    POSTGRES_SERVER,
    child_phase,
    platform_for,
    recreate_postgres_database,
    since,
)
from benchmarks.process_memory import TreePeak

BENCH_DATABASE = "kejin_bench_assess_registry"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--engines", default="polars,dask", help="comma-separated")
    parser.add_argument("--partition", type=int, default=250_000, help="ids per Dask partition")
    parser.add_argument("--scalar-sample", type=int, default=2_000)
    parser.add_argument("--workdir", type=Path, help="where the SQLite database goes")
    parser.add_argument("--url", help="measure this existing database; build nothing")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(_run_phase(args)))
        return
    if args.url:
        _measure(args, args.url)
        return
    with tempfile.TemporaryDirectory(dir=args.workdir) as scratch:
        targets = {
            "sqlite": f"sqlite:///{Path(scratch) / 'bench.db'}",
            "postgresql": f"{POSTGRES_SERVER}/{BENCH_DATABASE}",
        }
        for name, url in targets.items():
            if args.database in (name, "both"):
                if name == "postgresql":
                    recreate_postgres_database(BENCH_DATABASE)
                store = argparse.Namespace(
                    enterprises=args.enterprises, partition=args.partition, workers=2, repeat=1
                )
                child_phase(store, "store", url)
                _measure(args, url)


def _measure(args: argparse.Namespace, url: str) -> None:
    figures = [_child(args, f"run-{engine}", url) for engine in args.engines.split(",")]
    scalar = _child(args, "scalar", url)
    _print_table(url.split(":", 1)[0], figures, scalar)


def _child(args: argparse.Namespace, phase: str, url: str) -> dict[str, object]:
    command = [sys.executable, "-m", "benchmarks.assess_registry", "--phase", phase, "--url", url]
    command += ["--partition", str(args.partition), "--scalar-sample", str(args.scalar_sample)]
    print(f"running {phase} {url} …", file=sys.stderr, flush=True)
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    figures: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    print(json.dumps(figures), file=sys.stderr, flush=True)
    return figures


def _run_phase(args: argparse.Namespace) -> dict[str, object]:
    if args.phase == "scalar":
        return _scalar(args.url, args.scalar_sample)
    return _run(args.url, args.phase.removeprefix("run-"), args.partition)


def _run(url: str, engine: str, partition: int) -> dict[str, object]:
    from kejin.assessment import service

    platform = platform_for(url)
    marks: dict[str, float] = {}
    started = time.perf_counter()
    with TreePeak() as tree:
        run = service.run_registry(
            platform.uow,
            ON,
            started_by="benchmark",
            engine=service.Engine(engine),
            partition_size=partition,
            progress=lambda step, _done, _total: marks.setdefault(step, time.perf_counter()),
        )
    total = since(started)
    platform.dispose()
    return {
        "engine": engine,
        "enterprises": run.enterprises,
        "read": round(marks["read"] - started, 2),
        "assess": round(marks["assess"] - marks["read"], 2),
        "store": round(marks["store"] - marks["assess"], 2),
        "total": total,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "tree_peak_mb": tree.mb,
        "load": round(os.getloadavg()[0], 1),
    }


def _scalar(url: str, sample: int) -> dict[str, object]:
    from sqlalchemy import text

    from kejin.assessment.inputs.frames import snapshot_from_row
    from kejin.assessment.repository import IdRange, build_partition
    from kejin.assessment.runs.pipeline import load_catalogue
    from kejin.assessment.standards.engine import assess

    platform = platform_for(url)
    with platform.engine.connect() as conn:
        first = conn.execute(text("SELECT min(id) FROM enterprises")).scalar_one()
        enterprises = conn.execute(text("SELECT count(*) FROM enterprises")).scalar_one()
    platform.dispose()
    frame = build_partition(url, IdRange(first, first + sample - 1), ON)
    rulesets = load_catalogue().in_force(ON)
    started = time.perf_counter()
    for row in frame.iter_rows(named=True):
        snapshot = snapshot_from_row(row)
        for ruleset in rulesets:
            assess(ruleset, snapshot, ON)
    seconds = time.perf_counter() - started
    return {
        "sample": frame.height,
        "standards": len(rulesets),
        "per_enterprise_ms": round(1000 * seconds / frame.height, 3),
        "extrapolated_s": round(seconds / frame.height * enterprises, 1),
        "load": round(os.getloadavg()[0], 1),
    }


def _print_table(
    database: str, figures: list[dict[str, object]], scalar: dict[str, object]
) -> None:
    extrapolated = float(scalar["extrapolated_s"])  # type: ignore[arg-type]
    print(f"\n{database}, evaluated on {ON}, {date.today()}")  # noqa: DTZ011 - a label
    print(
        "| engine | enterprises | read (s) | assess (s) | store (s) | total (s) "
        "| speed-up vs scalar: assess / total | peak RSS (MB) | process tree peak (MB) | load |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for row in figures:
        assess, total = float(row["assess"]), float(row["total"])  # type: ignore[arg-type]
        if row["engine"] == "dask":
            read, assess_cell = "–", f"{float(row['read']) + assess:.2f} (read + assess)"  # type: ignore[arg-type]
            speed = f"– / {extrapolated / total:,.0f}×"
        else:
            read, assess_cell = str(row["read"]), str(row["assess"])
            speed = f"{extrapolated / assess:,.0f}× / {extrapolated / total:,.0f}×"
        print(
            f"| {row['engine']} | {row['enterprises']:,} | {read} | {assess_cell} "
            f"| {row['store']} | {total} | {speed} | {row['peak_rss_mb']:,} "
            f"| {row['tree_peak_mb']:,} | {row['load']} |"
        )
    print(
        f"\nscalar path: {scalar['per_enterprise_ms']} ms per enterprise "
        f"({scalar['standards']} standards, sample of {scalar['sample']:,}), "
        f"extrapolated {extrapolated:,.0f} s"
    )


if __name__ == "__main__":
    main()
