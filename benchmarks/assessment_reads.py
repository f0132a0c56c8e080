"""Assessment use cases at demo scale: a registry run, and one enterprise's assessment over HTTP.

    PYTHONPATH=src python -m benchmarks.assessment_reads --enterprises 5000 --database both

Builds the demo region (`kejin demo`'s default seed) in a fresh SQLite file and/or a fresh
PostgreSQL database, then times `service.run_registry` (`--runs` times; each run is stored, as
the demo stores one) and `GET /api/v1/enterprises/{uscc}/assessment` through the application
(an in-process HTTP client, an API token of the demo's government analyst, whose office holds a
`policy_support` grant of each firm read, so each read also checks consent and writes an audit
entry): `--requests` requests without advice and as many with `advice=true`, over `--firms`
enterprises in turn, after one warm-up request each. Prints a Markdown table; no figure is
asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from kejin.assessment import service
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
    args = parser.parse_args()
    rows = []
    for database in ("sqlite", "postgresql") if args.database == "both" else (args.database,):
        with tempfile.TemporaryDirectory() as workdir:
            platform = _platform(database, Path(workdir), args.postgres_database)
            rows.append(_measure(database, platform, args))
            platform.dispose()
    print("| database | run_registry, s (each run) | API read, ms: median / p95 | with advice |")
    print("|---|---|---:|---:|")
    for row in rows:
        print(row)


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


def _measure(database: str, platform: Platform, args: argparse.Namespace) -> str:
    region.build_demo_region(platform, args.enterprises, calibration.DEFAULT_SEED)
    runs = []
    for _ in range(args.runs):
        started = time.perf_counter()
        service.run_registry(platform.uow, date.today(), started_by="benchmark")  # noqa: DTZ011
        runs.append(time.perf_counter() - started)
    codes, headers = _reader(platform, args.firms)
    path = "/api/v1/enterprises/{}/assessment?purpose=policy_support"
    with TestClient(create_app(platform)) as client:
        plain = _median(client, codes, headers, path, args)
        advised = _median(client, codes, headers, path + "&advice=true", args)
    times = ", ".join(f"{seconds:.1f}" for seconds in runs)
    return f"| {database} | {times} | {plain} | {advised} |"


def _reader(platform: Platform, firms: int) -> tuple[list[str], dict[str, str]]:
    """The first `firms` enterprises, each granting the demo office its assessment, and an
    API token of the office's analyst."""
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
    return [row.uscc for row in found], {"Authorization": f"Bearer {token}"}


def _median(
    client: TestClient,
    codes: list[str],
    headers: dict[str, str],
    path: str,
    args: argparse.Namespace,
) -> str:
    """Median and 95th percentile milliseconds of `--requests` requests over the codes in turn
    (one warm-up each)."""
    for code in codes:
        assert client.get(path.format(code), headers=headers).status_code == 200
    timings = []
    for index in range(args.requests):
        url = path.format(codes[index % len(codes)])
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
    p95 = statistics.quantiles(timings, n=20)[-1]
    return f"{statistics.median(timings):.0f} / {p95:.0f}"


if __name__ == "__main__":
    main()
