"""Innovation points of one enterprise (创新积分), scored alone against a stored cohort table.

Plain Python over the same grids and the same merged table as the frame passes of `points` (read
through a `CohortLookup`), so it gives exactly what `innovation_points` gives for the
enterprise's row: the reference the vectorised pass is tested against, and the way to score a
single enterprise on request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from kejin.assessment.model import EnterpriseSnapshot
from kejin.assessment.points.cohorts import TOP_INDICATORS
from kejin.assessment.points.config import PointsConfig
from kejin.assessment.points.lookup import EMPTY_COHORT, EMPTY_HISTOGRAM, Cohort, CohortLookup
from kejin.assessment.points.stage import StageDecision, stage_of


@dataclasses.dataclass(frozen=True, slots=True)
class EnterprisePoints:
    """One enterprise's points, as `innovation_points` gives them for its frame row."""

    stage: StageDecision
    points_stage: str | None
    cohort_size: int | None
    cohort_pooled: bool | None
    innovation_points: int | None
    percentiles: Mapping[str, float]  # per indicator; empty when not scored
    top: tuple[tuple[str, float], ...]  # (indicator, points) of the top indicators
    missing: tuple[str, ...]


def points_for(
    snapshot: EnterpriseSnapshot,
    cohorts: CohortLookup,
    config: PointsConfig,
    *,
    region: str | None,
    cluster: str | None,
) -> EnterprisePoints:
    """The points of one snapshot against stored (merged) cohort statistics."""
    decision = stage_of(snapshot, config.stages)
    buckets = {indicator.id: indicator.bucket_of(snapshot) for indicator in config.indicators}
    missing = tuple(name for name, bucket in buckets.items() if bucket is None)
    points_stage = None if decision.stage is None else config.stage_map[decision.stage]
    chosen = (
        None
        if decision.stage is None
        else _cohort_of(cohorts, config, region, cluster, decision.stage.value)
    )
    if points_stage is None or chosen is None:
        return EnterprisePoints(decision, points_stage, None, None, None, {}, (), missing)
    cohort, pooled = chosen
    size = cohort.size
    percentiles: dict[str, float] = {}
    total = 0
    given: list[tuple[int, int, str]] = []  # (−weighted, order, indicator) of those above someone
    for number, indicator in enumerate(config.indicators):
        bucket = indicator.counted_of(buckets[indicator.id])
        histogram = cohort.histograms.get(indicator.id, EMPTY_HISTOGRAM)
        below = histogram.firms_below(bucket)
        twice = 0 if bucket is None else 2 * below + histogram.counts.get(bucket, 0)
        percentiles[indicator.id] = 100 * twice / (2 * size)
        weighted = indicator.weights[points_stage] * twice
        total += weighted
        if below > 0 and weighted > 0:
            given.append((-weighted, number, indicator.id))
    return EnterprisePoints(
        stage=decision,
        points_stage=points_stage,
        cohort_size=size,
        cohort_pooled=pooled,
        innovation_points=(total + size) // (2 * size),
        percentiles=percentiles,
        top=tuple((name, -value / (2 * size)) for value, _, name in sorted(given)[:TOP_INDICATORS]),
        missing=missing,
    )


def _cohort_of(
    cohorts: CohortLookup,
    config: PointsConfig,
    region: str | None,
    cluster: str | None,
    stage: str,
) -> tuple[Cohort, bool] | None:
    """The firm's cluster cohort, or the region × stage pool when that is smaller than allowed
    (with whether it was pooled)."""
    found = cohorts.stage(region, stage)
    if found is None:
        return None
    own = found.clusters.get(cluster, EMPTY_COHORT)
    if own.size >= config.min_cohort_size:
        return own, False
    return (found.pool, True) if found.pool.size else None
