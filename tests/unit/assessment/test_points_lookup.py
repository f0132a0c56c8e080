"""The plain-Python lookups of a stored run's cohort and score tables: counts below a bucket
worked by hand, groups absent or of another configuration, and one firm at a time scored and
ranked through them exactly as the frame passes scored and ranked the whole population."""

from __future__ import annotations

import random

import polars as pl
import pytest

from kejin.assessment.inputs.frames import snapshot_from_row
from kejin.assessment.points.cohorts import cohort_table, pct_column
from kejin.assessment.points.config import load_points_config
from kejin.assessment.points.enterprise import points_for
from kejin.assessment.points.lookup import (
    EMPTY_HISTOGRAM,
    CohortLookup,
    Histogram,
    PointsLookup,
    ScoreLookup,
)
from kejin.assessment.points.rank import rank_for, score_enterprises, score_table

from .points_data import seeded_frame

CONFIG = load_points_config()


def test_a_histogram_counts_the_missing_bucket_below_every_known_one() -> None:
    histogram = Histogram.of({None: 2, 3: 4, 1: 1, 7: 5})
    assert [histogram.firms_below(bucket) for bucket in (None, 0, 1, 2, 3, 7, 9)] == [
        0,
        2,
        2,
        3,
        3,
        7,
        12,
    ]
    assert EMPTY_HISTOGRAM.firms_below(5) == 0


def test_groups_the_table_lacks_or_of_another_configuration_are_absent() -> None:
    frame = seeded_frame(200, 7)
    ranked = score_enterprises(frame, CONFIG)
    cohorts = cohort_table(frame, CONFIG)
    scores = score_table(ranked, CONFIG)
    lookup = PointsLookup.of(cohorts, scores, CONFIG)
    assert lookup.cohorts.stage("longwan", "growth") is not None
    assert lookup.scores.group("longwan", "growth") is not None
    assert lookup.cohorts.stage("nowhere", "growth") is None
    assert lookup.scores.group("longwan", "no-such-stage") is None
    other = pl.lit("1999").alias("config_version")
    assert CohortLookup(cohorts.with_columns(other), CONFIG).stage("longwan", "growth") is None
    assert ScoreLookup(scores.with_columns(other), CONFIG).group("longwan", "growth") is None


@pytest.mark.parametrize("seed", [1, 2])
def test_random_firms_score_and_rank_through_the_lookups_as_the_frame_passes_did(
    seed: int,
) -> None:
    frame = seeded_frame(3000, seed)
    ranked = score_enterprises(frame, CONFIG)
    lookup = PointsLookup.of(cohort_table(frame, CONFIG), score_table(ranked, CONFIG), CONFIG)
    rows = list(zip(frame.iter_rows(named=True), ranked.iter_rows(named=True), strict=True))
    for row, scored in random.Random(seed).sample(rows, 300):
        region, cluster = row["region"], row["cluster"]
        alone = points_for(
            snapshot_from_row(row), lookup.cohorts, CONFIG, region=region, cluster=cluster
        )
        assert alone.innovation_points == scored["innovation_points"]
        assert (alone.cohort_size, alone.cohort_pooled) == (
            scored["cohort_size"],
            scored["cohort_pooled"],
        )
        if alone.innovation_points is None:
            continue
        assert alone.percentiles == {i.id: scored[pct_column(i.id)] for i in CONFIG.indicators}
        assert [name for name, _ in alone.top] == scored["top_indicators"]
        assert alone.stage.stage is not None
        rank = rank_for(alone.innovation_points, region, alone.stage.stage, lookup.scores, CONFIG)
        assert rank is not None
        assert (rank.rank, rank.rank_pct, rank.band) == (
            scored["points_rank"],
            scored["points_rank_pct"],
            scored["points_band"],
        )
    # the case is not vacuous: both kinds of cohort, and every band
    assert set(ranked["cohort_pooled"].drop_nulls()) == {True, False}
    assert set(ranked["points_band"].drop_nulls()) == {band.id for band in CONFIG.bands}
