"""Shared fixtures: a migrated database per test session (SQLite by default, PostgreSQL when
`KEJIN_TEST_DATABASE_URL` is set), emptied after every test that used it."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import make_url

from kejin.bootstrap import Platform, bootstrap
from kejin.config import Settings
from kejin.core.db import make_engine
from tests.databases import empty_database

CHECKOUT = Path(__file__).resolve().parents[1]
SHARED_DIR = CHECKOUT.parent / "shared"

# Speed belongs in benchmarks, not tests: no per-example deadline, so a busy machine cannot turn
# a property test red.
hypothesis_settings.register_profile("kejin", deadline=None)
hypothesis_settings.load_profile("kejin")


def _postgres_url(worker: str) -> str | None:
    """A fresh database per checkout and xdist worker on the server of
    `KEJIN_TEST_DATABASE_URL`: two checkouts testing at once on one server never share one."""
    base = os.environ.get("KEJIN_TEST_DATABASE_URL")
    if not base:
        return None
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    checkout = hashlib.blake2s(str(CHECKOUT).encode(), digest_size=4).hexdigest()
    name = f"{url.database}_{checkout}_{worker}"
    admin = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Settings:
    data_dir = tmp_path_factory.mktemp("kejin-data")
    url = _postgres_url(worker_id) or f"sqlite:///{data_dir / 'kejin.db'}"
    return Settings(
        data_dir=data_dir,
        database_url=url,
        env="test",
        shared_dir=SHARED_DIR if SHARED_DIR.is_dir() else None,
    )


@pytest.fixture(scope="session")
def migrated(settings: Settings) -> Iterator[Platform]:
    platform = bootstrap(settings)
    platform.migrate()
    yield platform
    platform.dispose()


@pytest.fixture
def platform(migrated: Platform) -> Iterator[Platform]:
    """A migrated, empty database; everything the test wrote is removed afterwards."""
    yield migrated
    empty_database(migrated)


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    """The xdist worker name (`gw0`…), or `main` without xdist."""
    return str(getattr(request.config, "workerinput", {}).get("workerid", "main"))
