"""The financing map at demo scale: a match run, and one enterprise's map over HTTP.

    PYTHONPATH=src python -m benchmarks.match_reads --enterprises 5000 --database both

Builds the demo region (`kejin demo`'s default seed) in a fresh SQLite file and/or a fresh
PostgreSQL database, runs the assessment once and loads the shipped catalogue, then times
`matching.service.run_all` (`--runs` times; each run is stored, as `kejin match --all` stores
it) and `GET /api/v1/enterprises/{uscc}/financing` through the application (an in-process HTTP
client with an API token of the demo's government analyst, whose office holds a
`policy_support` grant of each firm read, so each read checks consent and writes an audit
entry): `--requests` requests over `--firms` enterprises in turn, after one warm-up each; then
as many requests for the financing path. Prints a Markdown table (median / 95th percentile /
fastest, and the 1-minute load average when the reads ended); no figure is asserted.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from benchmarks.assessment_reads import BENCH_DATABASE, _get, _platform, _reader, _timed
from kejin.assessment import service as assessment
from kejin.bootstrap import Platform
from kejin.matching import service
from kejin.products import demo
from kejin.region import calibration
from kejin.region import service as region
from kejin.web.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=calibration.DEFAULT_ENTERPRISES)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--firms", type=int, default=50)
    parser.add_argument("--postgres-database", default=f"{BENCH_DATABASE}_match")
    args = parser.parse_args()
    rows = []
    for database in ("sqlite", "postgresql") if args.database == "both" else (args.database,):
        with tempfile.TemporaryDirectory() as workdir:
            platform = _platform(database, Path(workdir), args.postgres_database)
            rows.append(_measure(database, platform, args))
            platform.dispose()
    print(
        "| database | match run, s (each run) | map over the API, ms: median / p95 / fastest"
        " | path | 1-min load |"
    )
    print("|---|---|---:|---:|---:|")
    for row in rows:
        print(row)


def _measure(database: str, platform: Platform, args: argparse.Namespace) -> str:
    region.build_demo_region(platform, args.enterprises, calibration.DEFAULT_SEED)
    assessment.run_registry(platform.uow, date.today(), started_by="benchmark")  # noqa: DTZ011
    demo.seed_catalogue(platform.uow)
    runs = []
    for _ in range(args.runs):
        started = time.perf_counter()
        service.run_all(platform.uow, started_by="benchmark")
        runs.append(time.perf_counter() - started)
    codes, headers, _ = _reader(platform, args.firms)
    path = "/api/v1/enterprises/{}/financing{}?purpose=policy_support"
    with TestClient(create_app(platform)) as client:
        maps = _timed(lambda code: _get(client, path.format(code, ""), headers), codes, args)
        paths = _timed(lambda code: _get(client, path.format(code, "/path"), headers), codes, args)
    load = os.getloadavg()[0]
    times = ", ".join(f"{seconds:.1f}" for seconds in runs)
    return f"| {database} | {times} | {maps} | {paths} | {load:.1f} |"


if __name__ == "__main__":
    main()
