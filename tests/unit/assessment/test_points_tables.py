"""The cohort table counted against plain Python over snapshots, and the bucketed form of a frame
(stage and buckets computed once for both passes) giving exactly what the frame gives."""

from __future__ import annotations

import dataclasses
from collections import Counter

import polars as pl
import pytest
from hypothesis import given, settings

from kejin.assessment.inputs.frames import SNAPSHOT_SCHEMA, snapshot_from_row
from kejin.assessment.points.bucketed import bucketed
from kejin.assessment.points.cohorts import COHORT_SCHEMA, cohort_table, innovation_points
from kejin.assessment.points.config import load_points_config
from kejin.assessment.points.stage import stage_of

from .points_data import frames

CONFIG = load_points_config()


def counted_by_hand(frame: pl.DataFrame) -> pl.DataFrame:
    """Firms per (region, cluster, stage, indicator, bucket), one snapshot at a time, sorted with
    nulls first — what `cohort_table` must give."""
    cells: Counter[tuple[object, ...]] = Counter()
    for row in frame.iter_rows(named=True):
        snapshot = snapshot_from_row(row)
        stage = stage_of(snapshot, CONFIG.stages).stage
        if stage is None:
            continue
        for indicator in CONFIG.indicators:
            bucket = indicator.counted_of(indicator.bucket_of(snapshot))
            cells[(row["region"], row["cluster"], stage.value, indicator.id, bucket)] += 1
    rows = [(CONFIG.version, *cell, count) for cell, count in cells.items()]
    table = pl.DataFrame(rows, schema=COHORT_SCHEMA, orient="row")
    keys = [name for name in COHORT_SCHEMA if name != "count"]
    # the stage sorts in life-cycle order (its enum), the other keys as text or numbers
    return table.sort(keys, nulls_last=False)


@settings(max_examples=40, deadline=None)
@given(frames())
def test_the_cohort_table_counts_what_the_snapshots_hold(frame: pl.DataFrame) -> None:
    assert cohort_table(frame, CONFIG).equals(counted_by_hand(frame))


@settings(max_examples=25, deadline=None)
@given(frames())
def test_a_bucketed_frame_gives_what_the_frame_gives(frame: pl.DataFrame) -> None:
    config = dataclasses.replace(CONFIG, min_cohort_size=2)
    firms = bucketed(frame, config)
    cohorts = cohort_table(frame, config)
    assert cohort_table(firms, config).equals(cohorts)
    assert innovation_points(firms, cohorts, config).equals(
        innovation_points(frame, cohorts, config)
    )


def test_buckets_of_another_configuration_are_refused() -> None:
    empty = bucketed(pl.DataFrame(schema=SNAPSHOT_SCHEMA), CONFIG)
    firms = dataclasses.replace(empty, config_version="1999")
    with pytest.raises(ValueError, match="1999"):
        cohort_table(firms, CONFIG)
