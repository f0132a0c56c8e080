"""Registry runs on the Dask engine store exactly the rows of the in-process engine, on SQLite
and PostgreSQL; the Dask passes over frames equal the whole frame's assessment.

Marked `dask`: the module starts a local cluster of two worker processes once (a few seconds)
and one test lets the run start its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import polars as pl
import pytest
from distributed import LocalCluster
from polars.testing import assert_frame_equal
from sqlalchemy import create_engine, text

from kejin.assessment import service
from kejin.assessment.dask_engine import assess_on_dask, dask_client, registry_partitions
from kejin.assessment.repository import load_snapshots
from kejin.assessment.runs.partitioned import frame_partitions
from kejin.assessment.runs.pipeline import assess_snapshots, load_catalogue
from kejin.bootstrap import Platform
from kejin.core.errors import InvalidInput
from kejin.region.model import generate_region
from kejin.registry.bulk import upsert_frames

pytestmark = [pytest.mark.dask, pytest.mark.slow]

ON = date(2026, 6, 30)
ENTERPRISES = 500
PARTITION = 120  # ids per partition: five partitions, the last one short
# The stored columns compared, in a stable order (surrogate ids and run ids left out).
STORED = {
    "enterprise_results": (
        "enterprise_id, cluster, stage, verdicts, points, innovation_points, points_rank, band,"
        " top_indicators",
        "1",
    ),
    "points_cohorts": ("region, cluster, stage, indicator, histogram", "1, 2, 3, 4"),
    "points_scores": ("region, stage, innovation_points, count", "1, 2, 3"),
}


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A local cluster shared by the module, given to the runs as a scheduler's address."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as running:
        yield running.scheduler_address


@pytest.fixture
def region(platform: Platform) -> Platform:
    frames = generate_region(ENTERPRISES, seed=17, as_of=date(2025, 12, 31)).frames
    with platform.uow() as uow:
        upsert_frames(uow.session.connection(), frames)
        uow.commit()
    return platform


def stored(platform: Platform, run_id: int) -> dict[str, list[Any]]:
    with platform.engine.connect() as conn:
        return {
            table: [
                tuple(row)
                for row in conn.execute(
                    text(f"SELECT {columns} FROM {table} WHERE run_id = :run ORDER BY {order}"),
                    {"run": run_id},
                )
            ]
            for table, (columns, order) in STORED.items()
        }


def run_row(platform: Platform, run_id: int) -> dict[str, Any]:
    with platform.engine.connect() as conn:
        row = conn.execute(
            text("SELECT * FROM assessment_runs WHERE id = :run"), {"run": run_id}
        ).one()
    return dict(row._mapping)


def assert_same_runs(platform: Platform, polars_run: int, dask_run: int) -> None:
    expected, got = stored(platform, polars_run), stored(platform, dask_run)
    assert len(expected["enterprise_results"]) == ENTERPRISES
    for table in STORED:
        assert expected[table], table
        assert got[table] == expected[table], table
    first, second = run_row(platform, polars_run), run_row(platform, dask_run)
    assert (first["engine"], second["engine"]) == ("polars", "dask")
    for column in ("evaluated_on", "enterprises", "rule_versions", "config_versions", "summary"):
        assert second[column] == first[column], column
    assert second["finished_at"] is not None


def test_a_dask_run_stores_the_rows_of_an_in_process_run(region: Platform, cluster: str) -> None:
    polars_run = service.run_registry(region.uow, ON, started_by="test")
    steps: list[str] = []
    dask_run = service.run_registry(
        region.uow,
        ON,
        started_by="test",
        engine=service.Engine.DASK,
        scheduler=cluster,
        partition_size=PARTITION,
        progress=lambda step, _done, _total: steps.append(step),
    )
    assert steps == list(service.RUN_STEPS)
    assert dask_run.enterprises == ENTERPRISES
    assert_same_runs(region, polars_run.id, dask_run.id)


def test_a_run_on_its_own_local_cluster_keeps_partitions_between_passes(
    region: Platform,
) -> None:
    polars_run = service.run_registry(region.uow, ON, started_by="test")
    dask_run = service.run_registry(
        region.uow, ON, started_by="test", engine=service.Engine.DASK, partition_size=PARTITION
    )
    assert_same_runs(region, polars_run.id, dask_run.id)


def test_the_dask_passes_over_frames_equal_the_whole_frame(region: Platform, cluster: str) -> None:
    catalogue = load_catalogue()
    with region.engine.connect() as conn:
        frame = load_snapshots(conn, ON)
    expected, statistics = assess_snapshots(frame, ON, catalogue)
    with dask_client(cluster) as client:
        run = assess_on_dask(client, frame_partitions(frame, 90), ON, catalogue, window=1)
        got = pl.concat(list(run.results))
    assert_frame_equal(got, expected)
    assert_frame_equal(run.statistics.cohorts, statistics.cohorts)
    assert_frame_equal(run.statistics.scores, statistics.scores)


def test_workers_cannot_read_an_in_memory_database() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn, pytest.raises(InvalidInput, match="in-memory"):
        registry_partitions(conn, 100)
    engine.dispose()
