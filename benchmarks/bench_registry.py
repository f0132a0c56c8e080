"""Registry benchmark: generate the demo region, write it as JSON Lines, import it.

    PYTHONPATH=src python benchmarks/bench_registry.py --enterprises 1000000 --database both

Each phase runs in a child process of its own, so its peak memory is its own: the child reports
its maximum resident set size and that of its worker processes (import workers). Phases:

1. generate the region in memory (seconds, enterprises/s, peak RSS), then write the JSONL file;
2. first import of the file into a fresh SQLite and/or PostgreSQL database (dropped and
   created again), with the real import path (`kejin.registry.imports.import_enterprises`);
3. re-import of the unchanged file (everything unchanged).

Prints a Markdown table of the figures (see docs/benchmarks.md). No figure is asserted.
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
from pathlib import Path

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
BENCH_DATABASE = "kejin_bench"
SEED = 2024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--workdir", type=Path, help="where the file and SQLite database go")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _run_phase(args)
        return
    with tempfile.TemporaryDirectory(dir=args.workdir) as scratch:
        _benchmark(args.enterprises, args.database, Path(scratch))


def _benchmark(enterprises: int, database: str, scratch: Path) -> None:
    path = scratch / "region.jsonl"
    figures = [_child("generate", enterprises, path)]
    print(f"JSON Lines file: {path.stat().st_size / 1e6:,.0f} MB", flush=True)
    targets = {
        "sqlite": f"sqlite:///{scratch / 'bench.db'}",
        "postgresql": f"{POSTGRES_SERVER}/{BENCH_DATABASE}",
    }
    for name, url in targets.items():
        if database not in (name, "both"):
            continue
        if name == "postgresql":
            _recreate_postgres_database()
        figures.append(_child("import", enterprises, path, url, f"{name}: first import"))
        figures.append(_child("import", enterprises, path, url, f"{name}: re-import"))
    _print_table(figures)


def _child(
    phase: str, enterprises: int, path: Path, url: str = "", label: str = ""
) -> dict[str, object]:
    command = [sys.executable, __file__, "--phase", phase, "--path", str(path)]
    command += ["--enterprises", str(enterprises), "--url", url]
    print(f"running {label or phase} …", file=sys.stderr, flush=True)
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    figures: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    figures["label"] = label or "generate (in memory) + write JSONL"
    print(json.dumps(figures), file=sys.stderr, flush=True)
    return figures


def _recreate_postgres_database() -> None:
    import psycopg  # only needed when PostgreSQL is benchmarked

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        conn.execute(f"CREATE DATABASE {BENCH_DATABASE}")


def _run_phase(args: argparse.Namespace) -> None:
    if args.phase == "generate":
        figures = _generate(args.enterprises, args.path)
    else:
        figures = _import(args.path, args.url)
    figures["peak_rss_mb"] = _peak_mb(resource.RUSAGE_SELF)
    figures["workers_peak_rss_mb"] = _peak_mb(resource.RUSAGE_CHILDREN)
    figures["load"] = round(os.getloadavg()[0], 1)  # the machine is shared: say how busy it was
    print(json.dumps(figures))


def _generate(enterprises: int, path: Path) -> dict[str, object]:
    from kejin.region import calibration
    from kejin.region.jsonl import write_jsonl
    from kejin.region.model import generate_region

    started = time.perf_counter()
    region = generate_region(enterprises, SEED, calibration.DEFAULT_AS_OF)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    write_jsonl(region.frames, path)
    written = time.perf_counter() - started
    return {
        "seconds": round(generated, 1),
        "per_second": round(enterprises / generated),
        "write_seconds": round(written, 1),
    }


def _import(path: Path, url: str) -> dict[str, object]:
    from kejin.bootstrap import bootstrap
    from kejin.config import load_settings
    from kejin.registry.imports import import_enterprises

    platform = bootstrap(load_settings({"KEJIN_DATABASE_URL": url, "KEJIN_DATA_DIR": "."}))
    platform.migrate()
    started = time.perf_counter()
    report = import_enterprises(platform.uow(), path)
    seconds = time.perf_counter() - started
    platform.dispose()
    done = report.inserted + report.updated + report.unchanged + report.rejected
    return {
        "seconds": round(seconds, 1),
        "per_second": round(done / seconds),
        "inserted": report.inserted,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
    }


def _peak_mb(who: int) -> int:
    return round(resource.getrusage(who).ru_maxrss / 1024)  # Linux reports KiB


def _print_table(figures: list[dict[str, object]]) -> None:
    print(
        "| phase | seconds | enterprises/s | peak RSS (MB) | workers' peak RSS (MB) "
        "| load (1 min) | notes |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for row in figures:
        notes = (
            f"write JSONL {row['write_seconds']} s"
            if "write_seconds" in row
            else f"inserted {row['inserted']:,}, unchanged {row['unchanged']:,}, "
            f"rejected {row['rejected']:,}"
        )
        print(
            f"| {row['label']} | {row['seconds']} | {row['per_second']:,} | "
            f"{row['peak_rss_mb']:,} | {row['workers_peak_rss_mb']:,} | {row['load']} | {notes} |"
        )


if __name__ == "__main__":
    main()
