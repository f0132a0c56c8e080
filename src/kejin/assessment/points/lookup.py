"""A stored run's cohort and score tables as plain-Python lookups, for scoring one firm at a time.

A Polars filter costs about a millisecond whatever the table's size, and more under load; one
enterprise's points need only the rows of its region × life-cycle stage. `CohortLookup` and
`ScoreLookup` cut their table by region × stage once, and turn a group into dicts and sorted
lists the first time a firm of that group asks (`points_for` and `rank_for` then do dict look-ups
and bisections). Only groups that are asked for are built, so a run of a million firms costs
nothing up front beyond the cut. Both answer exactly what a filter of the table would.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import threading
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

import polars as pl

from kejin.assessment.points.config import PointsConfig

GroupKey = tuple[str | None, str]  # (region, stage)
T = TypeVar("T")


@dataclasses.dataclass(frozen=True, slots=True)
class Histogram:
    """Firms per bucket of one indicator within one cohort, with the counts below each bucket."""

    missing: int  # firms whose measure is missing (bucket null: below every known bucket)
    buckets: tuple[int, ...]  # the known buckets, ascending
    below: tuple[int, ...]  # firms in the known buckets before each, plus the missing ones
    counts: dict[int | None, int]

    @classmethod
    def of(cls, counts: dict[int | None, int]) -> Histogram:
        buckets = tuple(sorted(bucket for bucket in counts if bucket is not None))
        missing = counts.get(None, 0)
        running = itertools.accumulate((counts[bucket] for bucket in buckets), initial=missing)
        return cls(missing, buckets, tuple(running), counts)

    def firms_below(self, bucket: int | None) -> int:
        """Firms in a lower bucket than `bucket`; none lie below the missing bucket."""
        if bucket is None:
            return 0
        return self.below[bisect.bisect_left(self.buckets, bucket)]


EMPTY_HISTOGRAM = Histogram.of({})


@dataclasses.dataclass(frozen=True, slots=True)
class Cohort:
    """The histograms of one cohort (or of a pooled one) by indicator, and its size."""

    histograms: dict[str, Histogram]
    size: int


EMPTY_COHORT = Cohort({}, 0)


@dataclasses.dataclass(frozen=True, slots=True)
class StageCohorts:
    """One region × stage: the cohort of each cluster and all of them pooled."""

    clusters: dict[str | None, Cohort]
    pool: Cohort


@dataclasses.dataclass(frozen=True, slots=True)
class Ranking:
    """Firms per points of one ranking group: the pairs in table order, and for ranking the
    points ascending with the firms at or below each."""

    pairs: tuple[tuple[int, int], ...]  # (points, firms)
    points: tuple[int, ...]
    at_or_below: tuple[int, ...]
    size: int

    def firms_above(self, points: int) -> int:
        return self.size - self.at_or_below[bisect.bisect_right(self.points, points)]


class _Groups(Generic[T]):
    """A table cut by region × stage, each group built into `T` once, on first use."""

    def __init__(
        self, table: pl.DataFrame, config: PointsConfig, build: Callable[[pl.DataFrame], T]
    ) -> None:
        own = table.filter(
            pl.col("config_version") == config.version, pl.col("stage").is_not_null()
        )
        cut = own.with_columns(pl.col("stage").cast(pl.String)).partition_by(
            "region", "stage", as_dict=True, maintain_order=True
        )
        self._parts: dict[GroupKey, pl.DataFrame] = {
            (region, stage): part for (region, stage), part in _typed_keys(cut)
        }
        self._build = build
        self._built: dict[GroupKey, T] = {}
        self._lock = threading.Lock()

    def get(self, region: str | None, stage: str) -> T | None:
        key = (region, stage)
        found = self._built.get(key)
        if found is not None or key not in self._parts:
            return found
        with self._lock:  # concurrent requests build a group once
            if key not in self._built:
                self._built[key] = self._build(self._parts[key])
            return self._built[key]


def _typed_keys(
    cut: dict[tuple[Any, ...], pl.DataFrame],
) -> Iterable[tuple[tuple[str | None, str], pl.DataFrame]]:
    for (region, stage), part in cut.items():
        yield (None if region is None else str(region), str(stage)), part


class CohortLookup:
    """A merged cohort table (`cohort_table`, `merge_cohorts`) of one configuration, by
    region × stage."""

    def __init__(self, table: pl.DataFrame, config: PointsConfig) -> None:
        first = config.indicators[0].id
        self._groups = _Groups(table, config, lambda part: _stage_cohorts(part, first))

    def stage(self, region: str | None, stage: str) -> StageCohorts | None:
        """The cohorts of a region × stage; None where the table has none."""
        return self._groups.get(region, stage)


def _stage_cohorts(part: pl.DataFrame, first: str) -> StageCohorts:
    own: dict[str | None, dict[str, dict[int | None, int]]] = {}
    pool: dict[str, dict[int | None, int]] = {}
    for cluster, indicator, bucket, count in part.select(
        "cluster", "indicator", "bucket", "count"
    ).iter_rows():
        for histograms in (own.setdefault(cluster, {}), pool):
            histogram = histograms.setdefault(indicator, {})
            histogram[bucket] = histogram.get(bucket, 0) + count
    return StageCohorts(
        clusters={cluster: _cohort(found, first) for cluster, found in own.items()},
        pool=_cohort(pool, first),
    )


def _cohort(histograms: dict[str, dict[int | None, int]], first: str) -> Cohort:
    """The cohort's size is the firms counted under its first indicator (every firm of a
    cohort is counted once under each indicator)."""
    return Cohort(
        histograms={name: Histogram.of(counts) for name, counts in histograms.items()},
        size=sum(histograms.get(first, {}).values()),
    )


class ScoreLookup:
    """A merged score table (`score_table`, `merge_scores`) of one configuration, by
    region × stage."""

    def __init__(self, table: pl.DataFrame, config: PointsConfig) -> None:
        self._groups = _Groups(table, config, _ranking)

    def group(self, region: str | None, stage: str) -> Ranking | None:
        """The ranking group of a region × stage; None where the table has none."""
        return self._groups.get(region, stage)


def _ranking(part: pl.DataFrame) -> Ranking:
    pairs = tuple(part.select("innovation_points", "count").iter_rows())
    ordered = sorted(pairs)
    running = itertools.accumulate((count for _, count in ordered), initial=0)
    return Ranking(
        pairs=pairs,
        points=tuple(points for points, _ in ordered),
        at_or_below=tuple(running),
        size=sum(count for _, count in pairs),
    )


@dataclasses.dataclass(frozen=True, slots=True)
class PointsLookup:
    """A stored run's cohort and score lookups."""

    cohorts: CohortLookup
    scores: ScoreLookup

    @classmethod
    def of(cls, cohorts: pl.DataFrame, scores: pl.DataFrame, config: PointsConfig) -> PointsLookup:
        return cls(CohortLookup(cohorts, config), ScoreLookup(scores, config))
