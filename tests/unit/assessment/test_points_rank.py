"""Ranks and bands within region × stage, from score histograms; and the whole pipeline run
partition by partition giving exactly what one frame gives."""

from __future__ import annotations

import itertools

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kejin.assessment.points.cohorts import (
    cohort_index,
    cohort_table,
    innovation_points,
    merge_cohorts,
)
from kejin.assessment.points.config import PointsConfig, load_points_config
from kejin.assessment.points.lookup import ScoreLookup
from kejin.assessment.points.rank import (
    Rank,
    merge_scores,
    rank_for,
    rank_points,
    score_enterprises,
    score_table,
)
from kejin.assessment.points.stage import STAGE_ENUM

from .points_data import frames, seeded_frame

CONFIG = load_points_config()
# Twenty growth firms of one region: one at 950, two at 900, three at 850, fourteen lower.
GROWTH_POINTS = [950, 900, 900, 850, 850, 850, 800, *range(400, 530, 10)]


def points_frame(rows: list[tuple[str, str | None, int | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"region": pl.String, "stage": STAGE_ENUM, "innovation_points": pl.Int64},
        orient="row",
    ).with_row_index("row")


FIRMS = points_frame(
    [("longwan", "growth", points) for points in GROWTH_POINTS]
    + [("longwan", "mature", 100), ("longwan", None, None), ("ouhai", "growth", 950)]
)


def test_ties_share_the_best_rank_and_the_band_it_reaches() -> None:
    ranked = rank_points(FIRMS, score_table(FIRMS, CONFIG), CONFIG)
    growth = ranked.filter(pl.col("region") == "longwan", pl.col("stage") == "growth")
    assert growth["points_rank"].to_list()[:8] == [1, 2, 2, 4, 4, 4, 7, 20]
    # of 20 firms: top 5 % is rank 1, top 10 % ranks ≤ 2, top 20 % ranks ≤ 4
    assert growth["points_band"].to_list()[:8] == [
        "top_5",
        "top_10",
        "top_10",
        "top_20",
        "top_20",
        "top_20",
        "rest",
        "rest",
    ]
    assert growth["points_rank_pct"].to_list()[:4] == [5.0, 10.0, 10.0, 20.0]


def test_each_region_and_stage_is_ranked_apart_and_unscored_firms_are_not() -> None:
    ranked = rank_points(FIRMS, score_table(FIRMS, CONFIG), CONFIG)
    others = ranked.filter(pl.col("row") >= len(GROWTH_POINTS))
    assert others["points_rank"].to_list() == [1, None, 1]
    assert others["points_rank_pct"].to_list() == [100.0, None, 100.0]
    assert others["points_band"].to_list() == ["rest", None, "rest"]


def test_the_rank_columns_follow_the_points() -> None:
    ranked = rank_points(FIRMS, score_table(FIRMS, CONFIG), CONFIG)
    assert ranked.columns == [
        "row",
        "region",
        "stage",
        "innovation_points",
        "points_rank",
        "points_rank_pct",
        "points_band",
    ]


def test_one_firm_ranks_alone_against_the_stored_scores() -> None:
    scores = ScoreLookup(score_table(FIRMS, CONFIG), CONFIG)
    assert rank_for(850, "longwan", "growth", scores, CONFIG) == Rank(4, 20.0, "top_20")
    assert rank_for(990, "longwan", "growth", scores, CONFIG) == Rank(1, 5.0, "top_5")
    # below all 20 stored firms: rank 21 among at least 21
    assert rank_for(0, "longwan", "growth", scores, CONFIG) == Rank(21, 100.0, "rest")
    assert rank_for(500, "longwan", "seed", scores, CONFIG) is None


@pytest.mark.parametrize("parts", [1, 2, 7])
def test_a_score_table_is_the_sum_of_its_partitions(parts: int) -> None:
    size = -(-FIRMS.height // parts)
    tables = [
        score_table(FIRMS.slice(start, size), CONFIG) for start in range(0, FIRMS.height, size)
    ]
    assert merge_scores(tables).equals(score_table(FIRMS, CONFIG))


def by_partitions(frame: pl.DataFrame, bounds: list[int], config: PointsConfig) -> pl.DataFrame:
    """The three passes run partition by partition, joined only through merged tables."""
    edges = [0, *sorted(bounds), frame.height]  # equal bounds make empty partitions
    parts = [frame[start:end] for start, end in itertools.pairwise(edges)]
    cohorts = merge_cohorts(cohort_table(part, config) for part in parts)
    index = cohort_index(cohorts, config)  # built once, shared by the partitions
    assert cohorts.equals(cohort_table(frame, config))
    points = [innovation_points(part, index, config) for part in parts]
    scores = merge_scores(score_table(part, config) for part in points)
    return pl.concat(rank_points(part, scores, config) for part in points)


@pytest.mark.parametrize(
    ("seed", "bounds"), [(1, [1000, 1500]), (2, [1, 2, 3, 2999]), (3, [700] * 2)]
)
def test_partitions_give_what_one_frame_gives(seed: int, bounds: list[int]) -> None:
    frame = seeded_frame(3000, seed)
    whole = score_enterprises(frame, CONFIG)
    assert by_partitions(frame, bounds, CONFIG).equals(whole)
    # the case is not vacuous: cohorts of both kinds, every band, and a spread of points
    assert set(whole["cohort_pooled"].drop_nulls()) == {True, False}
    assert set(whole["points_band"].drop_nulls()) == {band.id for band in CONFIG.bands}
    assert whole["innovation_points"].n_unique() > 100


@settings(max_examples=15, deadline=None)
@given(frames(max_size=40), st.lists(st.integers(0, 40), max_size=4))
def test_any_split_gives_what_one_frame_gives(frame: pl.DataFrame, bounds: list[int]) -> None:
    inside = [bound for bound in bounds if bound < frame.height]
    assert by_partitions(frame, inside, CONFIG).equals(score_enterprises(frame, CONFIG))


@settings(max_examples=25, deadline=None)
@given(frames(max_size=40))
def test_rank_points_agrees_with_rank_for(frame: pl.DataFrame) -> None:
    ranked = score_enterprises(frame, CONFIG)
    scores = ScoreLookup(score_table(ranked, CONFIG), CONFIG)
    for row in ranked.iter_rows(named=True):
        alone = None
        if row["innovation_points"] is not None:
            alone = rank_for(row["innovation_points"], row["region"], row["stage"], scores, CONFIG)
        expected = (alone.rank, alone.rank_pct, alone.band) if alone else (None, None, None)
        assert (row["points_rank"], row["points_rank_pct"], row["points_band"]) == expected
