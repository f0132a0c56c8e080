"""Innovation-points benchmark: stage, cohort pass, points pass and ranking on a synthetic frame.

    PYTHONPATH=src python benchmarks/innovation_points.py --enterprises 1000000 --partitions 8

The snapshot frame is synthesised column by column with NumPy (log-normal money, Poisson counts,
about one input in ten missing), in the `SNAPSHOT_SCHEMA` types. Prints seconds per pass and the
peak resident set size (after synthesis, and at the end). With `--partitions N` it runs the passes
again over N partitions joined only through merged tables, and checks the result is identical to
the one-frame result. No figure is asserted.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import polars as pl

from kejin.assessment.inputs.frames import SNAPSHOT_SCHEMA
from kejin.assessment.model import CERTIFICATIONS
from kejin.assessment.points.bucketed import bucketed
from kejin.assessment.points.cohorts import (
    cohort_index,
    cohort_table,
    innovation_points,
    merge_cohorts,
)
from kejin.assessment.points.config import PointsConfig, load_points_config
from kejin.assessment.points.rank import merge_scores, rank_points, score_table
from kejin.registry.model import FundingStage, IndustryCluster

SEED = 2024
MISSING = 0.1
T = TypeVar("T")


def synthetic_frame(size: int, seed: int = SEED) -> pl.DataFrame:
    """A snapshot frame of `size` firms over three regions and every industry cluster."""
    rng = np.random.default_rng(seed)

    def money(median: float, sigma: float = 1.5) -> pl.Series:
        values = np.round(rng.lognormal(np.log(median), sigma, size))
        return _with_missing(rng, pl.Series(values.astype(np.int64)))

    def count(mean: float) -> pl.Series:
        return _with_missing(rng, pl.Series(rng.poisson(mean, size).astype(np.int64)))

    staff = rng.integers(1, 500, size)
    revenue = money(8e6)
    columns: dict[str, pl.Series] = {
        "enterprise_id": pl.Series(np.arange(size, dtype=np.int64)),
        "region": pl.Series(rng.choice(["longwan", "ouhai", "lucheng"], size)),
        "cluster": pl.Series(rng.choice([c.value for c in IndustryCluster], size)),
        "staff": pl.Series(staff),
        "rd_staff": _with_missing(rng, pl.Series(rng.binomial(staff, 0.15))),
        "tech_staff": _with_missing(rng, pl.Series(rng.binomial(staff, 0.25))),
        "revenue": revenue,
        "rd_expense": money(4e5),
        "high_tech_revenue": (revenue * pl.Series(rng.uniform(0, 1, size))).round(),
        "net_profit": money(5e5) * pl.Series(rng.choice([-1, 1, 1, 1], size)),
        "equity_raised_3y": money(1e7) * pl.Series(rng.random(size) < 0.2).cast(pl.Int64),
        "equity_raised_total": money(2e7),
        "invention_patents_main": count(2),
        "class_i_ip_main": count(3),
        "class_ii_ip_main": count(5),
        "standards_led": count(0.3),
        "conversions_per_year": count(1.5),
        "age_days": pl.Series(rng.integers(0, 9000, size)),
        "latest_funding_stage": _with_missing(
            rng, pl.Series(rng.choice([s.value for s in FundingStage], size)), share=0.6
        ),
        "sales_history": _history(rng, size, 8e6),
        "rd_expense_history": _history(rng, size, 4e5),
        "certifications": _tokens(rng, size, sorted(CERTIFICATIONS)),
        "awards": _tokens(rng, size, ["st_award_3y", "national_st_award"], chance=0.05),
        "rd_institutions": _tokens(rng, size, ["municipal", "provincial"], chance=0.1),
    }
    frame = pl.DataFrame(columns)
    return frame.select(
        pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
        for name, dtype in SNAPSHOT_SCHEMA.items()
    ).with_columns(uscc=pl.format("SYN{}", pl.col("enterprise_id")))


def _with_missing(rng: np.random.Generator, series: pl.Series, share: float = MISSING) -> pl.Series:
    return series.set(pl.Series(rng.random(len(series)) < share), None)


def _history(rng: np.random.Generator, size: int, median: float) -> pl.Series:
    years = [np.round(rng.lognormal(np.log(median), 1.2, size)).astype(np.int64) for _ in range(3)]
    lengths = rng.integers(0, 4, size)
    frame = pl.DataFrame({f"y{k}": year for k, year in enumerate(years)}).with_columns(
        length=pl.Series(lengths)
    )
    history = frame.select(
        pl.concat_list("y0", "y1", "y2").list.head(pl.col("length")).alias("history")
    ).to_series()
    return _with_missing(rng, history)


def _tokens(
    rng: np.random.Generator, size: int, vocabulary: list[str], chance: float = 0.2
) -> pl.Series:
    held = pl.DataFrame({token: rng.random(size) < chance for token in vocabulary})
    tokens = held.select(
        pl.concat_list(pl.when(token).then(pl.lit(token)) for token in vocabulary)
        .list.drop_nulls()
        .alias("tokens")
    ).to_series()
    return _with_missing(rng, tokens)


def timed(label: str, work: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = work()
    print(f"{label:<34} {time.perf_counter() - started:8.2f} s", flush=True)
    return result


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--partitions", type=int, default=0)
    args = parser.parse_args()
    config = load_points_config()
    frame = timed(
        f"synthesise {args.enterprises:,} firms", lambda: synthetic_frame(args.enterprises)
    )
    print(f"peak RSS after synthesis {peak_rss_mb():21,.0f} MB", flush=True)
    started = time.perf_counter()
    staged = timed("stage + buckets (bucketed)", lambda: bucketed(frame, config))
    cohorts = timed("pass 1: cohort_table", lambda: cohort_table(staged, config))
    points = timed("pass 2: innovation_points", lambda: innovation_points(staged, cohorts, config))
    ranked = timed(
        "pass 3: score_table + rank_points",
        lambda: rank_points(points, score_table(points, config), config),
    )
    print(f"{'total':<34} {time.perf_counter() - started:8.2f} s")
    print(f"peak RSS at the end {peak_rss_mb():26,.0f} MB")
    known = staged.frame["stage"].is_not_null().sum()
    print(f"cohort table rows {cohorts.height:,}; staged {known:,}")
    print(ranked["points_band"].value_counts(sort=True))
    if args.partitions:
        partitioned = timed(
            f"all passes over {args.partitions} partitions",
            lambda: by_partitions(frame, args.partitions, config),
        )
        assert partitioned.equals(ranked), "partitioned result differs from the one-frame result"
        print("partitioned result identical to the one-frame result")


def by_partitions(frame: pl.DataFrame, count: int, config: PointsConfig) -> pl.DataFrame:
    """The passes as a partitioned engine runs them: per partition, merged between passes."""
    size = -(-frame.height // count)
    parts = [frame.slice(start, size) for start in range(0, frame.height, size)]
    cohorts = merge_cohorts(cohort_table(part, config) for part in parts)
    index = cohort_index(cohorts, config)  # built once, shared by the partitions
    points = [innovation_points(part, index, config) for part in parts]
    scores = merge_scores(score_table(part, config) for part in points)
    return pl.concat(rank_points(part, scores, config) for part in points)


if __name__ == "__main__":
    main()
