"""The whole assessment of a snapshot frame: every public standard in force, the life-cycle stage
and innovation points — one pure function over frames, shared by files, the registry and Dask.

`Catalogue` is everything that decides an answer: the rule-set versions and the points/stage
configuration. `versions(on)` names exactly what a run used, so storing it makes a run
reproducible. The passes of innovation points need cohort statistics of the whole population;
`assess_snapshots` takes them from the frame itself (in-process engine), and the partitioned
engine passes merged statistics in instead (`assess_partition`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import polars as pl

from kejin.assessment.batch.verdicts import assess_frame
from kejin.assessment.points.bucketed import Bucketed, bucketed
from kejin.assessment.points.cohorts import (
    CohortIndex,
    cohort_index,
    cohort_table,
    innovation_points,
)
from kejin.assessment.points.config import PointsConfig, load_points_config
from kejin.assessment.points.rank import rank_points, score_table
from kejin.assessment.standards.catalogue import load_rulesets
from kejin.assessment.standards.rules import RuleSet

POINTS_SLICE = 100_000  # the fewest firms worth a thread of their own in pass 2
# Columns of pass 2 that ranking and the results read: all a partition keeps for pass 3.
RANKED_INPUTS = ("region", "stage", "innovation_points", "top_indicators")
# Columns of the points passes kept in a stored result (the rest is recomputed on demand).
SCORE_COLUMNS = (
    "stage",
    "innovation_points",
    "points_rank",
    "points_rank_pct",
    "points_band",
    "top_indicators",
)


@dataclasses.dataclass(frozen=True, slots=True)
class Catalogue:
    """Every version of every rule set, and one points configuration (with its stage rules)."""

    rulesets: tuple[RuleSet, ...]
    points: PointsConfig

    def in_force(self, on: dt.date) -> tuple[RuleSet, ...]:
        """The version of each standard in force on `on`; standards with none then are left out."""
        chosen: dict[str, RuleSet] = {}
        for ruleset in self.rulesets:
            if ruleset.version.in_force(on):
                chosen.setdefault(ruleset.version.code, ruleset)
        return tuple(chosen.values())

    def versions(self, on: dt.date) -> dict[str, Any]:
        """What a run on `on` uses: per standard its version, document and start date."""
        return {
            ruleset.version.code: {
                "version": ruleset.version.version,
                "doc_no": ruleset.version.doc_no,
                "effective_from": ruleset.version.effective_from.isoformat(),
            }
            for ruleset in self.in_force(on)
        }

    def config_versions(self) -> dict[str, str]:
        return {"innovation_points": self.points.version, "stages": self.points.stages.version}


def load_catalogue() -> Catalogue:
    """The rule sets and configuration shipped with Kejin."""
    return Catalogue(rulesets=load_rulesets(), points=load_points_config())


@dataclasses.dataclass(frozen=True, slots=True)
class Statistics:
    """Population statistics the points passes read: cohort histograms and the score table."""

    cohorts: pl.DataFrame
    scores: pl.DataFrame


def assess_snapshots(
    frame: pl.DataFrame, on: dt.date, catalogue: Catalogue
) -> tuple[pl.DataFrame, Statistics]:
    """Verdicts, stage and points of every row of `frame`, with the frame as the population."""
    firms = bucketed(frame, catalogue.points)  # stage and buckets once, for both passes
    cohorts = cohort_table(firms, catalogue.points)
    points = _points_in_slices(firms, cohort_index(cohorts, catalogue.points), catalogue.points)
    scores = score_table(points, catalogue.points)
    return assess_ranked(frame, on, catalogue, points, scores), Statistics(cohorts, scores)


def _points_in_slices(firms: Bucketed, index: CohortIndex, config: PointsConfig) -> pl.DataFrame:
    """Pass 2 over slices of at least `POINTS_SLICE` firms, one thread per core: the pass is
    row-local given the merged cohorts, and much of it is NumPy running one core at a time (a
    million firms: 2.4 s in one piece, 1.5 s in two slices on two cores)."""
    slices = max(1, min(os.cpu_count() or 1, firms.frame.height // POINTS_SLICE))
    if slices == 1:
        return innovation_points(firms, index, config)
    size = -(-firms.frame.height // slices)
    parts = [
        Bucketed(firms.config_version, firms.frame.slice(start, size))
        for start in range(0, firms.frame.height, size)
    ]
    with ThreadPoolExecutor(max_workers=slices) as pool:
        return pl.concat(list(pool.map(lambda part: innovation_points(part, index, config), parts)))


def assess_partition(
    frame: pl.DataFrame, on: dt.date, catalogue: Catalogue, statistics: Statistics
) -> pl.DataFrame:
    """The same answers for one partition, given the whole population's merged statistics."""
    return assess_against(frame, on, catalogue, statistics.cohorts, statistics.scores)


def assess_against(
    frame: pl.DataFrame,
    on: dt.date,
    catalogue: Catalogue,
    cohorts: pl.DataFrame | CohortIndex,
    scores: pl.DataFrame,
) -> pl.DataFrame:
    """`assess_partition` with the merged cohort table already prepared (`cohort_index`), so
    partitions share one index instead of each rebuilding it from the table."""
    points = innovation_points(frame, cohorts, catalogue.points)
    return assess_ranked(frame, on, catalogue, points, scores)


def assess_ranked(
    frame: pl.DataFrame,
    on: dt.date,
    catalogue: Catalogue,
    points: pl.DataFrame,
    scores: pl.DataFrame,
) -> pl.DataFrame:
    """`assess_against` with the partition's points already read against the merged cohorts
    (`innovation_points`, or at least its `RANKED_INPUTS`, row for row with `frame`)."""
    ranked = rank_points(points.select(RANKED_INPUTS), scores, catalogue.points)
    return _joined(frame, on, catalogue, ranked)


def _joined(
    frame: pl.DataFrame, on: dt.date, catalogue: Catalogue, ranked: pl.DataFrame
) -> pl.DataFrame:
    verdicts = assess_frame(catalogue.in_force(on), frame, on)
    scores = ranked.select(*SCORE_COLUMNS).with_columns(pl.col("stage").cast(pl.String))
    parts = [verdicts, frame.select("cluster"), scores]
    joined: pl.DataFrame = pl.concat(parts, how="horizontal")
    return joined


def summary_cells(results: pl.DataFrame, standards: tuple[str, ...]) -> list[dict[str, Any]]:
    """Enterprises per standard × stage × cluster × status: the region view of a run."""
    keyed = results.select("stage", "cluster", *(f"{code}.status" for code in standards))
    parts = [
        keyed.group_by("stage", "cluster", f"{code}.status")
        .len()
        .select(
            pl.lit(code).alias("standard"),
            "stage",
            "cluster",
            pl.col(f"{code}.status").alias("status"),
            pl.col("len").alias("count"),
        )
        for code in standards
    ]
    if not parts:
        return []
    return pl.concat(parts).sort("standard", "stage", "cluster", "status").to_dicts()
