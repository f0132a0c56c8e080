"""Monitoring the credit model in service on the registry at demo scale.

    PYTHONPATH=src:. python -m benchmarks.credit_monitor --enterprises 5000 --database both

Builds the demo region (`kejin demo`'s default seed) in a fresh SQLite file and/or a fresh
PostgreSQL database, assesses it once (so stage and innovation points are known), fits the
tech-aware scorecard of `kejin credit compare` on the region's loans and puts it in service,
then times `stability.monitor_registry` — the registry's population on one day read in one
pass, scored, compared with the training data and stored, as `kejin credit monitor
--registry` does — `--runs` times, and once over `--quarters` quarter ends in one command.
Prints a Markdown table and the 1-minute load average; no figure is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.assessment_reads import BENCH_DATABASE, _platform
from kejin.assessment import service as assessment
from kejin.bootstrap import Platform
from kejin.credit import lending, service, stability
from kejin.credit.monitoring import quarter_ends
from kejin.region import calibration
from kejin.region import service as region


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=calibration.DEFAULT_ENTERPRISES)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quarters", type=int, default=4)
    parser.add_argument("--postgres-database", default=f"{BENCH_DATABASE}_credit_monitor")
    args = parser.parse_args()
    rows = []
    for database in ("sqlite", "postgresql") if args.database == "both" else (args.database,):
        with tempfile.TemporaryDirectory() as workdir:
            platform = _platform(database, Path(workdir), args.postgres_database)
            rows.append(_measure(database, platform, Path(workdir), args))
            platform.dispose()
    print(
        "| database | firms scored | one day, s (each run) | quarter ends in one command, s "
        "| 1-min load |"
    )
    print("|---|---:|---|---:|---:|")
    for row in rows:
        print(row)


def _measure(database: str, platform: Platform, data_dir: Path, args: argparse.Namespace) -> str:
    as_of = calibration.DEFAULT_AS_OF
    region.build_demo_region(platform, args.enterprises, calibration.DEFAULT_SEED, as_of)
    assessment.run_registry(platform.uow, as_of, started_by="benchmark")
    service.compare_on_region(platform, data_dir / "compare", calibration.DEFAULT_SEED)
    shutil.copytree(data_dir / "compare" / "tech", lending.models_folder(data_dir) / "tech")
    runs, rows = [], 0
    for _ in range(args.runs):
        started = time.perf_counter()
        (run,) = stability.monitor_registry(platform.uow, data_dir, [as_of], "benchmark")
        runs.append(time.perf_counter() - started)
        rows = run.result.rows
    days = quarter_ends(as_of, args.quarters)
    started = time.perf_counter()
    stability.monitor_registry(platform.uow, data_dir, days, "benchmark")
    quarters = time.perf_counter() - started
    load = os.getloadavg()[0]
    times = ", ".join(f"{seconds:.2f}" for seconds in runs)
    return f"| {database} | {rows:,} | {times} | {args.quarters}: {quarters:.2f} | {load:.1f} |"


if __name__ == "__main__":
    main()
