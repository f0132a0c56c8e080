"""Assessment use cases at demo scale: a registry run, and one enterprise's assessment over HTTP.

    PYTHONPATH=src python -m benchmarks.assessment_reads --enterprises 5000 --database both

Builds the demo region (`kejin demo`'s default seed) in a fresh SQLite file and/or a fresh
PostgreSQL database, then times `service.run_registry` (`--runs` times; each run is stored, as
the demo stores one) and `GET /api/v1/enterprises/{uscc}/assessment` through the application
(an in-process HTTP client, an API token of the demo's government analyst, whose office holds a
`policy_support` grant of each firm read, so each read also checks consent and writes an audit
entry): `--requests` requests without advice and as many with `advice=true`, over `--firms`
enterprises in turn, after one warm-up request each; then the use case alone
(`reads.enterprise_assessment` without advice, called in process as the route calls it) as many
times, so the difference is what HTTP, the token check and serialisation add. Prints a Markdown
table (median / 95th percentile / fastest, and the 1-minute load average when the reads ended:
other work on the machine moves every figure); no figure is asserted. `--profile N` runs the use
case once more under cProfile and prints its N functions of most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from kejin.assessment import reads, service
from kejin.bootstrap import Platform, bootstrap
from kejin.config import Settings
from kejin.consent import service as consent
from kejin.core.db import make_engine
from kejin.identity import demo as accounts
from kejin.identity.authentication import create_api_token
from kejin.identity.model import Principal, Role, TokenScope
from kejin.identity.schemas import ApiTokenCreate
from kejin.region import calibration
from kejin.region import service as region
from kejin.registry.orm import EnterpriseRow
from kejin.web.app import create_app

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
BENCH_DATABASE = "kejin_bench_assessment_reads"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=calibration.DEFAULT_ENTERPRISES)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--firms", type=int, default=50)
    parser.add_argument("--postgres-database", default=BENCH_DATABASE)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    rows, profiles = [], []
    for database in ("sqlite", "postgresql") if args.database == "both" else (args.database,):
        with tempfile.TemporaryDirectory() as workdir:
            platform = _platform(database, Path(workdir), args.postgres_database)
            row, profile = _measure(database, platform, args)
            rows.append(row)
            profiles.append(profile)
            platform.dispose()
    print(
        "| database | run_registry, s (each run) | API read, ms: median / p95 / fastest"
        " | with advice | use case alone | 1-min load |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for row in rows:
        print(row)
    for profile in profiles:
        print(profile)


def _platform(database: str, workdir: Path, postgres_database: str) -> Platform:
    if database == "sqlite":
        url = f"sqlite:///{workdir / 'kejin.db'}"
    else:
        admin = make_engine(f"{POSTGRES_SERVER}/postgres")
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{postgres_database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{postgres_database}"'))
        admin.dispose()
        url = f"{POSTGRES_SERVER}/{postgres_database}"
    platform = bootstrap(Settings(data_dir=workdir, database_url=url, env="test"))
    platform.migrate()
    return platform


def _measure(database: str, platform: Platform, args: argparse.Namespace) -> tuple[str, str]:
    region.build_demo_region(platform, args.enterprises, calibration.DEFAULT_SEED)
    runs = []
    for _ in range(args.runs):
        started = time.perf_counter()
        service.run_registry(platform.uow, date.today(), started_by="benchmark")  # noqa: DTZ011
        runs.append(time.perf_counter() - started)
    codes, headers, actor = _reader(platform, args.firms)
    path = "/api/v1/enterprises/{}/assessment?purpose=policy_support"
    with TestClient(create_app(platform)) as client:
        plain = _timed(lambda code: _get(client, path.format(code), headers), codes, args)
        url = path + "&advice=true"
        advised = _timed(lambda code: _get(client, url.format(code), headers), codes, args)

    def use_case(code: str) -> None:
        reads.enterprise_assessment(platform.uow, actor, code, "policy_support", advice=False)

    alone = _timed(use_case, codes, args)
    load = os.getloadavg()[0]
    times = ", ".join(f"{seconds:.1f}" for seconds in runs)
    row = f"| {database} | {times} | {plain} | {advised} | {alone} | {load:.1f} |"
    return row, _profile(database, use_case, codes, args) if args.profile else ""


def _get(client: TestClient, url: str, headers: dict[str, str]) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text


def _profile(
    database: str, call: Callable[[str], None], codes: list[str], args: argparse.Namespace
) -> str:
    """The use case's functions of most cumulative time over `--requests` calls."""
    profiler = cProfile.Profile()
    profiler.enable()
    for index in range(args.requests):
        call(codes[index % len(codes)])
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).sort_stats("cumulative")
    stats.print_stats(args.profile)
    return f"\n{database}, use case under cProfile ({args.requests} calls):\n{text.getvalue()}"


def _reader(platform: Platform, firms: int) -> tuple[list[str], dict[str, str], Principal]:
    """The first `firms` enterprises, each granting the demo office its assessment, and an
    API token of the office's analyst (and the analyst)."""
    with platform.uow() as work:
        found = work.session.execute(
            select(EnterpriseRow.id, EnterpriseRow.uscc).order_by(EnterpriseRow.id).limit(firms)
        ).all()
    seeded = accounts.seed_demo_accounts(platform.uow, [])
    users = {a.login: a for a in seeded.accounts}
    office = seeded.institution_ids[accounts.OFFICE]
    ids = [row.id for row in found]
    consent.seed_demo_policy_grants(platform.uow, ids, office, users["admin"].user_id)
    chen = users["chen"]
    actor = Principal(chen.user_id, chen.login, Role.GOVERNMENT_ANALYST, institution_id=office)
    form = ApiTokenCreate(name="benchmark", scopes=[TokenScope.CONSENT_READ], days=1)
    token = create_api_token(platform.uow, actor, form).token
    return [row.uscc for row in found], {"Authorization": f"Bearer {token}"}, actor


def _timed(call: Callable[[str], None], codes: list[str], args: argparse.Namespace) -> str:
    """Median, 95th percentile and fastest milliseconds of `--requests` calls over the codes in
    turn (one warm-up each)."""
    for code in codes:
        call(code)
    timings = []
    for index in range(args.requests):
        started = time.perf_counter()
        call(codes[index % len(codes)])
        timings.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(timings, n=20)[-1]
    return f"{statistics.median(timings):.1f} / {p95:.1f} / {min(timings):.1f}"


if __name__ == "__main__":
    main()
