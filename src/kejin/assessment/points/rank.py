"""Ranking of innovation points within region × life-cycle stage (pass 3), from mergeable counts.

Points are whole numbers 0–1000, so a histogram of points per ranking group is exact: pass 3a,
`score_table(points_partition)`, counts firms per (region, stage, points); tables of partitions
merge by adding counts (`merge_scores`); pass 3b, `rank_points(points_partition, merged)`, reads a
firm's rank from the merged table alone. `score_enterprises` runs the three passes in process.

Rank rule (competition ranking, "1224"): rank = 1 + the number of firms of the group with more
points; ties share the best rank. `points_rank_pct` = 100 · rank / N. A firm is in the first band
whose `up_to_pct` holds 100 · rank ≤ up_to_pct · N (exact integers), so ties share a band.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import numpy as np
import polars as pl

from kejin.assessment.points.bucketed import bucketed
from kejin.assessment.points.cohorts import cohort_table, innovation_points, merge_counts
from kejin.assessment.points.config import PointsConfig
from kejin.assessment.points.lookup import ScoreLookup
from kejin.assessment.points.stage import STAGE_ENUM

RANK_KEYS = ("region", "stage")
SCORE_SCHEMA: dict[str, pl.DataType] = {
    "config_version": pl.String(),
    "region": pl.String(),
    "stage": STAGE_ENUM,
    "innovation_points": pl.Int64(),
    "count": pl.Int64(),
}
_POINTS_BITS = 11  # points 0–1000 fit in 11 bits of the lookup keys


@dataclasses.dataclass(frozen=True, slots=True)
class Rank:
    """A firm's place in its ranking group."""

    rank: int
    rank_pct: float
    band: str


def score_table(points: pl.DataFrame, config: PointsConfig) -> pl.DataFrame:
    """Firms per region × stage × points of an `innovation_points` frame (or partition)."""
    counts = (
        points.filter(pl.col("innovation_points").is_not_null())
        .group_by(*RANK_KEYS, "innovation_points")
        .len()
        .with_columns(config_version=pl.lit(config.version), count=pl.col("len"))
    )
    return merge_counts([counts], SCORE_SCHEMA)


def merge_scores(tables: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """The score table of the union of the partitions whose tables are given."""
    return merge_counts(tables, SCORE_SCHEMA)


def rank_points(points: pl.DataFrame, scores: pl.DataFrame, config: PointsConfig) -> pl.DataFrame:
    """`points` with `points_rank` (Int64), `points_rank_pct` (Float64, 0–100) and `points_band`
    added after `innovation_points`; null for firms without points."""
    versions = set(scores["config_version"].unique().to_list())
    if versions - {config.version}:
        raise ValueError(f"score table of configuration {versions}, not {config.version}")
    groups = (
        scores.group_by(*RANK_KEYS)
        .agg(pl.col("count").sum().alias("_group_size"))
        .sort(*RANK_KEYS)
        .with_row_index("_group")
        .with_columns(pl.col("_group").cast(pl.Int64))
    )
    table = scores.join(groups, on=RANK_KEYS, nulls_equal=True)
    keys = _keys(table["_group"], table["innovation_points"])
    order = np.argsort(keys, kind="stable")
    sorted_keys, counts = keys[order], table["count"].to_numpy()[order]
    running = np.concatenate(([0], np.cumsum(counts)))
    firms = points.join(
        groups, on=RANK_KEYS, how="left", nulls_equal=True, maintain_order="left"
    ).with_columns(
        _known=pl.col("innovation_points").is_not_null() & pl.col("_group").is_not_null()
    )
    known = firms["_known"].to_numpy()
    group = firms["_group"].filter(known)
    key = _keys(group, firms["innovation_points"].filter(known))
    end = np.searchsorted(sorted_keys, (group.to_numpy() + 1) << _POINTS_BITS, side="left")
    higher = running[end] - running[np.searchsorted(sorted_keys, key, side="right")]
    rank = np.zeros(firms.height, dtype=np.int64)
    rank[known] = higher + 1
    size = np.maximum(firms["_group_size"].fill_null(0).to_numpy(), rank)
    ranked = firms.with_columns(
        points_rank=pl.when(pl.Series(known)).then(pl.Series(rank)),
        points_rank_pct=pl.when(pl.Series(known)).then(
            pl.Series(100 * rank) / pl.Series(np.maximum(size, 1))
        ),
        points_band=pl.when(pl.Series(known)).then(_band_expr(rank, size, config)),
    )
    columns = list(points.columns)
    place = columns.index("innovation_points") + 1
    ordered = [*columns[:place], "points_rank", "points_rank_pct", "points_band", *columns[place:]]
    return ranked.select(ordered)


def _keys(group: pl.Series, points: pl.Series) -> np.ndarray:
    return np.asarray((group.to_numpy() << _POINTS_BITS) + points.to_numpy(), dtype=np.int64)


def _band_expr(rank: np.ndarray, size: np.ndarray, config: PointsConfig) -> pl.Expr:
    """The first band each rank reaches; the last band (100 %) holds every rank ≤ size."""
    bounds = np.asarray([item.up_to_pct for item in config.bands], dtype=np.int64)
    reached = 100 * rank[:, np.newaxis] <= bounds[np.newaxis, :] * size[:, np.newaxis]
    names = {number: item.id for number, item in enumerate(config.bands)}
    return pl.lit(pl.Series(np.argmax(reached, axis=1)).replace_strict(names))


def rank_for(
    points: int, region: str | None, stage: str, scores: ScoreLookup, config: PointsConfig
) -> Rank | None:
    """The rank of one firm's points against a stored score table; None if its group is absent."""
    group = scores.group(region, stage)
    if group is None or not group.size:
        return None
    rank = 1 + group.firms_above(points)
    size = max(group.size, rank)
    band = next(item.id for item in config.bands if 100 * rank <= item.up_to_pct * size)
    return Rank(rank=rank, rank_pct=100 * rank / size, band=band)


def score_enterprises(frame: pl.DataFrame, config: PointsConfig) -> pl.DataFrame:
    """The in-process engine: the three passes over one frame, ranked within it."""
    firms = bucketed(frame, config)  # stage and buckets once, for both passes
    cohorts = cohort_table(firms, config)
    points = innovation_points(firms, cohorts, config)
    return rank_points(points, score_table(points, config), config)
