"""Snapshots read from the database equal those built from the frames that were stored, whole
(frames) or one enterprise at a time (the scalar derivations), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import text

from kejin.assessment.inputs.frames import snapshot_from_row
from kejin.assessment.inputs.snapshots import build_snapshots, snapshots_of
from kejin.assessment.inputs.sources import COUNTED_IP_STATUS, COUNTED_IP_TYPES, SnapshotSources
from kejin.assessment.repository import (
    id_ranges,
    iter_partitions,
    load_snapshot,
    load_snapshots,
    read_enterprise,
)
from kejin.bootstrap import Platform
from kejin.region.model import generate_region
from kejin.registry.bulk import upsert_frames
from kejin.registry.frames import RegistryFrames
from tests.unit.assessment.registry_rows import exact

ON = date(2026, 3, 31)
ENTERPRISES = 400


def stored_region(platform: Platform) -> tuple[RegistryFrames, pl.DataFrame]:
    """A demo region with the nullable columns null in its first rows (the SQLite reader must
    not type a column by them) and some firms without financials, stored; with the ids."""
    frames = generate_region(ENTERPRISES, seed=11, as_of=date(2025, 12, 31)).frames
    no_financials = frames.enterprises["uscc"].gather_every(37)
    ip = frames.ip_assets.with_row_index("n")
    awards = frames.awards.with_row_index("n")
    frames = RegistryFrames(
        **dict(frames.items())
        | {
            "financial_years": frames.financial_years.filter(
                ~pl.col("uscc").is_in(no_financials.implode())
            ),
            "ip_assets": ip.with_columns(
                pl.when(pl.col("n") >= 1_100).then(pl.col(name)).alias(name)
                for name in ("granted_on", "expires_on", "family_size")
            ).drop("n"),
            "awards": awards.with_columns(
                rank=pl.when(pl.col("n") % 2 == 0).then(pl.col("rank"))
            ).drop("n"),
        }
    )
    with platform.uow() as uow:
        upsert_frames(uow.session.connection(), frames)
        uow.commit()
    with platform.engine.connect() as conn:
        rows = conn.execute(text("SELECT uscc, id FROM enterprises")).all()
    ids = pl.DataFrame(rows, schema={"uscc": pl.String, "enterprise_id": pl.Int64}, orient="row")
    return frames, ids


@pytest.fixture
def region(platform: Platform) -> tuple[RegistryFrames, pl.DataFrame]:
    return stored_region(platform)


def test_the_database_gives_the_frame_built_from_the_stored_frames(
    platform: Platform, region: tuple[RegistryFrames, pl.DataFrame]
) -> None:
    frames, ids = region
    assert frames.ip_assets["family_size"].head(1_100).null_count() == 1_100
    expected = build_snapshots(frames, ON, ids).sort("enterprise_id")
    with platform.engine.connect() as conn:
        got = load_snapshots(conn, ON, size=97, workers=2)
    assert got.height == ENTERPRISES
    assert got["revenue"].null_count() > 0  # the firms without financials
    assert_frame_equal(got, expected)


def test_partitions_hold_every_enterprise_once_with_all_its_rows(
    platform: Platform, region: tuple[RegistryFrames, pl.DataFrame]
) -> None:
    frames, ids = region
    with platform.engine.connect() as conn:
        ranges = id_ranges(conn, 150)
        parts = list(iter_partitions(conn, 150))
    assert len(parts) == len(ranges) == 3
    whole = SnapshotSources.concat(parts)
    assert whole.enterprises["key"].is_unique().all()
    counted_ip = frames.ip_assets.filter(
        pl.col("main_product_related")
        & (pl.col("status") == COUNTED_IP_STATUS)
        & pl.col("ip_type").is_in(sorted(COUNTED_IP_TYPES))
    )
    assert 0 < whole.ip_assets.height == counted_ip.height < frames.ip_assets.height
    for table, frame in frames.items():
        if table != "ip_assets":
            assert getattr(whole, table).height == frame.height, table
    expected = build_snapshots(frames, ON, ids).sort("enterprise_id")
    assert_frame_equal(snapshots_of(whole, ON), expected)


def test_one_enterprise_read_agrees_with_the_whole_registry_read(
    platform: Platform, region: tuple[RegistryFrames, pl.DataFrame]
) -> None:
    _, ids = region
    with platform.engine.connect() as conn:
        whole = load_snapshots(conn, ON, size=1_000, workers=1)
        without_financials = whole.filter(pl.col("revenue").is_null())["enterprise_id"][0]
        chosen = [*ids["enterprise_id"].sort().gather([0, 1, 200, -1]), without_financials]
        for enterprise_id in chosen:
            one = load_snapshot(conn, enterprise_id, ON)
            row = whole.filter(pl.col("enterprise_id") == enterprise_id).row(0, named=True)
            assert one is not None
            assert exact(one) == exact(snapshot_from_row(row))


def test_an_unknown_enterprise_and_an_empty_registry_give_no_rows(platform: Platform) -> None:
    with platform.engine.connect() as conn:
        assert read_enterprise(conn, 12_345)["enterprises"] == []
        assert load_snapshot(conn, 12_345, ON) is None
        assert id_ranges(conn, 10) == []
        assert load_snapshots(conn, ON).is_empty()


def test_bulk_reads_leave_the_database_whole_for_the_applications_connections(
    platform: Platform, region: tuple[RegistryFrames, pl.DataFrame]
) -> None:
    """A second SQLite library in the process would delete the write-ahead log under the
    application's open connections when its own connection closes (sqlite.org, "How To
    Corrupt An SQLite Database File", 2.2.1); bulk reads must not do that."""
    frames, _ = region
    with platform.engine.connect() as conn:
        for _ in range(3):
            conn.execute(text("UPDATE enterprises SET version = version + 1"))
            conn.commit()
            load_snapshots(conn, ON, size=150, workers=2)
            conn.execute(text("UPDATE enterprises SET version = version + 1"))
            conn.commit()
    with platform.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        versions = conn.execute(text("SELECT min(version), max(version) FROM enterprises")).one()
    assert tuple(versions) == (7, 7)
    assert frames.enterprises.height == ENTERPRISES
