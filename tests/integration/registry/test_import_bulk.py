"""The set-based upsert of registry frames, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from sqlalchemy import Connection, text

from kejin.bootstrap import Platform
from kejin.registry.bulk import UpsertCounts, refresh_registry_statistics, upsert_frames
from kejin.registry.frames import SCHEMAS, RegistryFrames
from kejin.registry.model import credit_code_with_check

AS_OF = date(2025, 12, 31)


def _frames(codes: list[str], revenue: int = 100_000_00, staff_years: int = 2) -> RegistryFrames:
    enterprises = pl.DataFrame(
        {
            "uscc": codes,
            "name": [f"测试科技有限公司{i}" for i in range(len(codes))],
            "region": ["330300"] * len(codes),
            "industry_code": ["6513"] * len(codes),
            "cluster": ["software"] * len(codes),
            "emerging_industry": ["next_gen_it"] * len(codes),
            "founded_on": [date(2018, 5, 1)] * len(codes),
            "source": ["test"] * len(codes),
            "as_of": [AS_OF] * len(codes),
        },
        schema=SCHEMAS["enterprises"],
    )
    staff = pl.DataFrame(
        [
            (code, 2023 + year, 20, 8, 5, "test", AS_OF)
            for code in codes
            for year in range(staff_years)
        ],
        schema=SCHEMAS["staff_years"],
        orient="row",
    )
    money = [revenue, revenue, revenue // 2, revenue, revenue // 10]
    financial = pl.DataFrame(
        [
            (code, 2024, *money, 9000, revenue, revenue // 3, revenue // 20, "test", AS_OF)
            for code in codes
        ],
        schema=SCHEMAS["financial_years"],
        orient="row",
    )
    empty = RegistryFrames.empty()
    return RegistryFrames(
        **dict(empty.items())
        | {"enterprises": enterprises, "staff_years": staff, "financial_years": financial}
    )


def _codes(n: int) -> list[str]:
    return [credit_code_with_check(f"91330300MA2{i:06d}") for i in range(n)]


def _count(platform: Platform, table: str) -> int:
    with platform.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_upsert_inserts_then_skips_unchanged_then_updates_changed(platform: Platform) -> None:
    codes = _codes(5)
    with platform.engine.begin() as conn:
        assert upsert_frames(conn, _frames(codes)) == UpsertCounts(inserted=5)
    assert _count(platform, "staff_years") == 10
    with platform.engine.begin() as conn:
        assert upsert_frames(conn, _frames(codes)) == UpsertCounts(unchanged=5)
    changed = _frames(codes[:2] + _codes(7)[5:], revenue=200_000_00, staff_years=1)
    with platform.engine.begin() as conn:
        assert upsert_frames(conn, changed) == UpsertCounts(inserted=2, updated=2)
    assert _count(platform, "enterprises") == 7
    assert _count(platform, "staff_years") == 3 * 2 + 4 * 1
    with platform.engine.connect() as conn:
        versions = dict(conn.execute(text("SELECT uscc, version FROM enterprises")).all())
    assert versions[codes[0]] == 2
    assert versions[codes[4]] == 1


def test_a_bulk_load_refreshes_the_planner_statistics_on_postgresql(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a load of at least `BULK_LOAD_ROWS` enterprises PostgreSQL's statistics count the
    new rows (in the loading transaction); a smaller load leaves them to autovacuum."""
    if platform.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's plans for the registry reads do not improve with statistics")
    codes = _codes(60)

    def estimated(conn: Connection) -> float:
        return float(
            conn.execute(
                text("SELECT reltuples FROM pg_class WHERE relname = 'staff_years'")
            ).scalar_one()
        )

    with platform.engine.connect() as conn, conn.begin() as transaction:
        before = estimated(conn)
        counts = upsert_frames(conn, _frames(codes))
        refresh_registry_statistics(conn, counts)
        assert estimated(conn) == before
        monkeypatch.setattr("kejin.registry.bulk.BULK_LOAD_ROWS", len(codes))
        refresh_registry_statistics(conn, counts)
        assert estimated(conn) == 2 * len(codes)  # two staff years each
        transaction.rollback()
