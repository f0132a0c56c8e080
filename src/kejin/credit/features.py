"""A borrower's signals known when a loan starts, one row per loan. Pure Polars, no database.

Financials are those of the year before the loan's start year; patents, certificates, equity
and compliance flags count only what existed on the start day. Stage and innovation points come
from a stored assessment where one exists (they describe the run's date, not the start day)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

TARGET = "defaulted"
STAGE = "stage"
FINANCIAL = (
    "debt_ratio",
    "net_margin",
    "revenue_growth",
    "log_revenue_wan",
    "log1p_age_years",
    "compliance_flag",
)
TECH = (
    "rd_intensity",
    "log1p_invention_patents",
    "tech_staff_ratio",
    "high_tech_certificate",
    "has_equity_funding",
    STAGE,
    "innovation_points",
)
FEATURE_SETS = {"financial": FINANCIAL, "tech": FINANCIAL + TECH}
WAN = 10_000.0

_KEY = ["loan_id", "enterprise_id", "start_on"]


def loan_features(frames: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """The training table from the frames of `SOURCES`: `loans` (loan_id, enterprise_id,
    start_on, founded_on, defaulted) with every signal of `FEATURE_SETS` added. `financials`
    and `staff` are per enterprise and year; `patents` (granted_on, expires_on), `certificates`
    (valid_from, valid_to), `funding` (closed_on) and `flags` (occurred_on) are dated events;
    `assessment` holds `stage` and `innovation_points` per enterprise."""
    loans, financials, staff = frames["loans"], frames["financials"], frames["staff"]
    base = loans.with_columns((pl.col("start_on").dt.year() - 1).alias("year"))
    fin = financials.with_columns(pl.col(pl.Decimal).cast(pl.Float64))
    prior = fin.select(
        "enterprise_id", (pl.col("year") + 1).alias("year"), pl.col("revenue").alias("prior")
    )
    revenue = pl.col("revenue")
    table = (
        base.join(fin, on=["enterprise_id", "year"], how="left")
        .join(prior, on=["enterprise_id", "year"], how="left")
        .join(staff, on=["enterprise_id", "year"], how="left")
        .with_columns(
            (pl.col("total_liabilities") / pl.col("total_assets").clip(lower_bound=1.0)).alias(
                "debt_ratio"
            ),
            (pl.col("net_profit") / revenue).clip(-1.0, 0.5).alias("net_margin"),
            pl.when(pl.col("prior").is_null())
            .then(0.0)
            .otherwise(revenue / pl.col("prior").clip(lower_bound=1.0) - 1)
            .clip(-0.5, 2.0)
            .alias("revenue_growth"),
            (revenue / WAN).clip(lower_bound=1e-6).log().alias("log_revenue_wan"),
            (pl.col("rd_expense") / revenue).clip(0.0, 1.0).alias("rd_intensity"),
            (pl.col("tech") / pl.col("total").clip(lower_bound=1)).alias("tech_staff_ratio"),
            ((pl.col("start_on") - pl.col("founded_on")).dt.total_days() / 365.25)
            .log1p()
            .alias("log1p_age_years"),
        )
    )
    on_start = [
        _count("patents", loans, frames["patents"], "granted_on", "expires_on"),
        _count("certificates", loans, frames["certificates"], "valid_from", "valid_to"),
        _count("rounds", loans, frames["funding"], "closed_on"),
        _count("flags", loans, frames["flags"], "occurred_on"),
    ]
    for counts in on_start:
        table = table.join(counts, on="loan_id", how="left")
    return (
        table.join(frames["assessment"], on="enterprise_id", how="left")
        .with_columns(
            pl.col("patents")
            .fill_null(0)
            .cast(pl.Float64)
            .log1p()
            .alias("log1p_invention_patents"),
            (pl.col("certificates").fill_null(0) > 0).cast(pl.Int8).alias("high_tech_certificate"),
            (pl.col("rounds").fill_null(0) > 0).cast(pl.Int8).alias("has_equity_funding"),
            (pl.col("flags").fill_null(0) > 0).cast(pl.Int8).alias("compliance_flag"),
        )
        .select(*_KEY, *FEATURE_SETS["tech"], pl.col(TARGET).cast(pl.Int8))
        .sort("loan_id")
    )


def usable_columns(table: pl.DataFrame) -> pl.DataFrame:
    """The training table without its columns that are null throughout (no assessment run)."""
    return table.select(c for c in table.columns if table[c].null_count() < table.height)


def _count(
    name: str, loans: pl.DataFrame, events: pl.DataFrame, start: str, end: str | None = None
) -> pl.DataFrame:
    """Per loan, how many of its borrower's `events` had begun (and not yet ended) by the
    loan's start day."""
    joined = loans.select("loan_id", "enterprise_id", "start_on").join(
        events, on="enterprise_id", how="inner"
    )
    live = pl.col(start) <= pl.col("start_on")
    if end is not None:
        live &= pl.col(end).is_null() | (pl.col(end) > pl.col("start_on"))
    return joined.filter(live).group_by("loan_id").agg(pl.len().alias(name))
