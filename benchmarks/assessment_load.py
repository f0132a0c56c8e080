"""Assessment-input benchmark: snapshot frames of a whole region, read from the database.

    PYTHONPATH=src python benchmarks/assessment_load.py --enterprises 100000 --database both

The demo region (`kejin.region`) is generated and stored into a fresh SQLite file and/or a
fresh PostgreSQL database (as `kejin region generate` does, with `upsert_frames`); then, each
in a child process of its own so that its peak memory is its own:

1. `build_snapshots` over the region's frames in memory (no database): the derivations alone,
   run `--repeat` times;
2. per database, `kejin.assessment.repository.load_snapshots`: read every partition and build
   its snapshots — the whole-registry path — run `--repeat` times (the best is reported, the
   machine being shared), and the reading alone (`iter_partitions`, no build).

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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kejin.bootstrap import Platform

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
BENCH_DATABASE = "kejin_bench_assessment"
SEED = 2024
AS_OF = date(2025, 12, 31)
ON = date(2026, 6, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument(
        "--database", choices=["sqlite", "postgresql", "both", "none"], default="both"
    )
    parser.add_argument("--partition", type=int, default=250_000, help="enterprises per read")
    parser.add_argument("--workers", type=int, default=2, help="partitions read at once")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="where the SQLite database goes")
    parser.add_argument("--url", help="measure this existing database; build nothing")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(_run_phase(args) | resources()))
        return
    if args.url:
        _print_table([child_phase(args, "load", args.url)])
        return
    with tempfile.TemporaryDirectory(dir=args.workdir) as scratch:
        _benchmark(args, Path(scratch))


def _benchmark(args: argparse.Namespace, scratch: Path) -> None:
    figures = [child_phase(args, "frames")]
    targets = {
        "sqlite": f"sqlite:///{scratch / 'bench.db'}",
        "postgresql": f"{POSTGRES_SERVER}/{BENCH_DATABASE}",
    }
    for name, url in targets.items():
        if args.database not in (name, "both"):
            continue
        if name == "postgresql":
            recreate_postgres_database()
        child_phase(args, "store", url)
        figures.append(child_phase(args, "load", url))
    _print_table(figures)


def child_phase(args: argparse.Namespace, phase: str, url: str = "") -> dict[str, object]:
    command = [sys.executable, __file__, "--phase", phase, "--url", url]
    for option in ("enterprises", "partition", "workers", "repeat"):
        command += [f"--{option}", str(getattr(args, option))]
    print(f"running {phase} {url} …", file=sys.stderr, flush=True)
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    figures: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    figures["label"] = f"{phase}: {url.split(':', 1)[0]}" if url else "build from frames"
    print(json.dumps(figures), file=sys.stderr, flush=True)
    return figures


def recreate_postgres_database(name: str = BENCH_DATABASE) -> None:
    import psycopg  # only needed when PostgreSQL is benchmarked

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def _run_phase(args: argparse.Namespace) -> dict[str, object]:
    if args.phase == "frames":
        return _build_from_frames(args.enterprises, args.repeat)
    if args.phase == "store":
        return _store(args.enterprises, args.url)
    return _load(args.url, args.partition, args.workers, args.repeat)


def _build_from_frames(enterprises: int, repeat: int) -> dict[str, object]:
    from kejin.assessment.inputs.snapshots import build_snapshots
    from kejin.region.model import generate_region

    frames = generate_region(enterprises, SEED, AS_OF).frames
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        snapshots = build_snapshots(frames, ON)
        runs.append(since(started))
    return {"seconds": min(runs), "runs": runs, "enterprises": snapshots.height}


def _store(enterprises: int, url: str) -> dict[str, object]:
    from kejin.region.service import build_demo_region

    platform = platform_for(url)
    started = time.perf_counter()
    build_demo_region(platform, enterprises, SEED, AS_OF)
    platform.dispose()
    return {"seconds": since(started)}


def _load(url: str, partition: int, workers: int, repeat: int) -> dict[str, object]:
    from kejin.assessment.inputs.sources import SOURCE_COLUMNS
    from kejin.assessment.repository import iter_partitions, load_snapshots

    platform = platform_for(url)
    runs = []
    with platform.engine.connect() as conn:
        for _ in range(repeat):
            started = time.perf_counter()
            snapshots = load_snapshots(conn, ON, partition, workers)
            runs.append(since(started))
        started = time.perf_counter()
        rows = sum(
            getattr(part, table).height
            for part in iter_partitions(conn, partition)
            for table in SOURCE_COLUMNS
        )
        read = since(started)
    platform.dispose()
    return {
        "seconds": min(runs),
        "runs": runs,
        "read_seconds_one_worker": read,
        "source_rows": rows,
        "enterprises": snapshots.height,
    }


def platform_for(url: str) -> Platform:
    from kejin.bootstrap import bootstrap
    from kejin.config import load_settings

    platform = bootstrap(load_settings({"KEJIN_DATABASE_URL": url, "KEJIN_DATA_DIR": "."}))
    platform.migrate()
    return platform


def since(started: float) -> float:
    return round(time.perf_counter() - started, 2)


def resources() -> dict[str, object]:
    """Peak memory of this process and of its largest worker process (SQLite reads), in MB
    (Linux reports KiB), and how busy the shared machine was."""
    return {
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "workers_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "load": round(os.getloadavg()[0], 1),
    }


def _print_table(figures: list[dict[str, object]]) -> None:
    print(
        "| phase | enterprises | seconds (best) | all runs | read alone, 1 worker "
        "| peak RSS (MB) | a worker's peak RSS (MB) | load (1 min) |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for row in figures:
        runs = ", ".join(str(run) for run in row.get("runs", [row["seconds"]]))  # type: ignore[union-attr]
        read = row.get("read_seconds_one_worker", "–")
        print(
            f"| {row['label']} | {row['enterprises']:,} | {row['seconds']} | {runs} "
            f"| {read} | {row['peak_rss_mb']:,} | {row['workers_peak_rss_mb']:,} | {row['load']} |"
        )


if __name__ == "__main__":
    main()
