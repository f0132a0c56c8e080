"""Demo firms: identity, life-cycle stage, three years of staff and financials (vectorised).

Arrays have one row per firm; yearly arrays have shape (firms, 3), oldest year first, and a
mask of the years the firm existed. Amounts are float yuan until they become frames in fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypedDict

import numpy as np
import polars as pl
from numpy.typing import NDArray

from kejin.region import calibration as cal
from kejin.region.codes import credit_codes, unique_names

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
EPOCH = date(1970, 1, 1)
INDUSTRY_ROWS = [
    (c, code, emerging, share) for c in cal.CLUSTERS for code, emerging, share in cal.INDUSTRIES[c]
]


def day_number(day: date) -> int:
    return (day - EPOCH).days


def last_fiscal_year(as_of: date) -> int:
    """The latest calendar year that has ended on or before `as_of`."""
    return (as_of + timedelta(days=1)).year - 1


def date_series(name: str, days: Ints) -> pl.Series:
    return pl.Series(name, days, dtype=pl.Int32).cast(pl.Date)


@dataclass(frozen=True)
class Identity:
    """Who every firm of the region is: drawn once for the whole region (names are unique)."""

    cluster: Ints
    industry: Ints  # row of INDUSTRY_ROWS
    district: Ints
    uscc: pl.Series
    name: pl.Series


def draw_identity(rng: np.random.Generator, enterprises: int, seed: int) -> Identity:
    index = np.arange(enterprises, dtype=np.int64)
    cluster = rng.choice(len(cal.CLUSTERS), enterprises, p=cal.CLUSTER_SHARES)
    industry = np.empty(enterprises, dtype=np.int64)
    for c, members in enumerate(cal.CLUSTERS):
        mask = cluster == c
        rows = [i for i, row in enumerate(INDUSTRY_ROWS) if row[0] is members]
        shares = [INDUSTRY_ROWS[i][3] for i in rows]
        industry[mask] = rng.choice(rows, int(mask.sum()), p=shares)
    district = rng.choice(len(cal.DISTRICTS), enterprises, p=[d[2] for d in cal.DISTRICTS])
    divisions = np.array([d[1] for d in cal.DISTRICTS])[district]
    words = [cal.CLUSTER_NAME_WORDS[c] for c in cal.CLUSTERS]
    counts = np.bincount(cluster, minlength=len(cal.CLUSTERS))
    return Identity(
        cluster=cluster,
        industry=industry,
        district=district,
        uscc=credit_codes(index, divisions, salt=seed + 7_919),
        name=unique_names(
            index, cluster=cluster, cluster_counts=counts, words=words, salt=seed + 104_729
        ),
    )


@dataclass(frozen=True)
class Cohort:
    """One chunk of firms: credit code, cluster, life-cycle stage and age."""

    uscc: pl.Series
    cluster: Ints
    stage: Ints
    founded: Ints  # day number
    age_years: Floats


@dataclass(frozen=True)
class Firms(Cohort):
    """A cohort with its yearly figures (shape (firms, 3), oldest year first)."""

    innovation: Floats  # standard-normal innovation propensity, shared by R&D, staff and IP
    years: Ints  # the three fiscal years
    active: Bools  # the firm existed in that year
    revenue: Floats
    main_business_revenue: Floats
    high_tech_revenue: Floats
    total_costs: Floats
    rd_expense: Floats
    rd_domestic_share: Floats  # (firms,)
    total_assets: Floats
    total_liabilities: Floats
    net_profit: Floats
    staff_total: Ints
    staff_tech: Ints
    staff_rd: Ints


class _Financials(TypedDict):
    revenue: Floats
    main_business_revenue: Floats
    high_tech_revenue: Floats
    total_costs: Floats
    rd_expense: Floats
    rd_domestic_share: Floats
    total_assets: Floats
    total_liabilities: Floats
    net_profit: Floats


class _Staff(TypedDict):
    staff_total: Ints
    staff_tech: Ints
    staff_rd: Ints


def draw_cohort(rng: np.random.Generator, uscc: pl.Series, cluster: Ints, as_of: date) -> Cohort:
    """Stage by the calibrated mix, and an age uniform in the stage's band."""
    size = len(cluster)
    stage = rng.choice(len(cal.STAGES), size, p=cal.STAGE_SHARES)
    low, high = np.array(cal.AGE_YEARS).T
    age_years = low[stage] + rng.random(size) * (high[stage] - low[stage])
    founded = day_number(as_of) - np.round(age_years * 365.25).astype(np.int64)
    return Cohort(uscc=uscc, cluster=cluster, stage=stage, founded=founded, age_years=age_years)


def draw_firms(rng: np.random.Generator, cohort: Cohort, equity: Floats, as_of: date) -> Firms:
    """Yearly financials and staff for a cohort that has raised `equity` (yuan per firm)."""
    stage, cluster = cohort.stage, cohort.cluster
    innovation = rng.standard_normal(len(cluster))
    years = np.arange(last_fiscal_year(as_of) - cal.YEARS + 1, last_fiscal_year(as_of) + 1)
    founded_year = cohort.founded.astype("datetime64[D]").astype("datetime64[Y]").astype(int)
    active = founded_year[:, None] + 1970 <= years[None, :]
    revenue, position = _revenue(rng, stage)
    fin = _financials(rng, cohort, innovation=innovation, last_revenue=revenue, equity=equity)
    staff = _staff(rng, cohort, innovation=innovation, position=position, revenue=fin["revenue"])
    return Firms(
        uscc=cohort.uscc,
        cluster=cluster,
        stage=stage,
        founded=cohort.founded,
        age_years=cohort.age_years,
        innovation=innovation,
        years=years,
        active=active,
        **fin,
        **staff,
    )


def _revenue(rng: np.random.Generator, stage: Ints) -> tuple[Floats, Floats]:
    """Last-year revenue inside the stage's band (log-uniform, mature skewed), and its position."""
    position = rng.random(len(stage))
    low, high = np.array(cal.REVENUE_BAND, dtype=np.float64).T
    skew = np.array(cal.REVENUE_SKEW)[stage]
    revenue = np.floor(low[stage] * (high[stage] / low[stage]) ** (position**skew))
    return np.minimum(revenue, high[stage] - 1), position


def _financials(
    rng: np.random.Generator,
    cohort: Cohort,
    *,
    innovation: Floats,
    last_revenue: Floats,
    equity: Floats,
) -> _Financials:
    stage, cluster, size = cohort.stage, cohort.cluster, len(cohort.stage)
    mean, sd = np.array(cal.REVENUE_GROWTH).T
    growth = np.clip(mean[stage, None] + sd[stage, None] * rng.standard_normal((size, 2)), -0.5, 4)
    factors = np.column_stack(
        [1 / ((1 + growth[:, 0]) * (1 + growth[:, 1])), 1 / (1 + growth[:, 1]), np.ones(size)]
    )
    revenue = np.maximum(np.round(last_revenue[:, None] * factors), 10_000.0)
    revenue[:, -1] = last_revenue
    idiosyncratic = np.sqrt(cal.RD_INTENSITY_SIGMA**2 - cal.RD_INNOVATION_LOADING**2)
    intensity = (
        np.array(cal.RD_INTENSITY_MEDIAN)[cluster]
        * np.array(cal.RD_STAGE_FACTOR)[stage]
        * np.exp(cal.RD_INNOVATION_LOADING * innovation + idiosyncratic * rng.standard_normal(size))
    )
    intensity = np.clip(intensity, 0.002, 1.5)
    rd = np.round(revenue * intensity[:, None] * np.exp(0.08 * rng.standard_normal((size, 3))))
    m_mean, m_sd = np.array(cal.NET_MARGIN).T
    margin_noise = 0.8 * rng.standard_normal(size)[:, None] + 0.6 * rng.standard_normal((size, 3))
    margin = np.clip(m_mean[stage, None] + m_sd[stage, None] * margin_noise, -3.0, 0.4)
    costs = np.maximum(np.round(revenue * (1 - margin)), np.round(rd * 1.05))
    assets = _assets(rng, stage, revenue, equity)
    debt_mean = np.array(cal.DEBT_RATIO_MEAN)[stage]
    k = cal.DEBT_RATIO_CONCENTRATION
    debt = np.clip(
        rng.beta(k * debt_mean, k * (1 - debt_mean))[:, None]
        + 0.03 * rng.standard_normal((size, 3)),
        0.02,
        0.98,
    )
    main_share = 0.7 + 0.3 * rng.beta(4.0, 1.5, size)
    high_tech_share = np.clip(
        rng.beta(*cal.HIGH_TECH_SHARE_BETA, size)[:, None] + 0.03 * rng.standard_normal((size, 3)),
        0.0,
        1.0,
    )
    domestic = np.where(
        rng.random(size) < cal.DOMESTIC_RD_FULL_SHARE, 1.0, rng.uniform(0.4, 1.0, size)
    )
    return _Financials(
        revenue=revenue,
        main_business_revenue=np.floor(revenue * main_share[:, None]),
        high_tech_revenue=np.floor(revenue * high_tech_share),
        total_costs=costs,
        rd_expense=rd,
        rd_domestic_share=np.asarray(np.round(domestic, 4), np.float64),
        total_assets=assets,
        total_liabilities=np.round(assets * debt),
        net_profit=revenue - costs,
    )


def _assets(rng: np.random.Generator, stage: Ints, revenue: Floats, equity: Floats) -> Floats:
    """Assets from revenue turnover, never below part of the equity the firm has raised."""
    ratio = np.array(cal.ASSETS_TO_REVENUE)[stage] * np.exp(0.35 * rng.standard_normal(len(stage)))
    last = np.maximum(revenue[:, -1] * ratio, equity * rng.uniform(0.3, 0.8, len(stage)))
    return np.asarray(np.round(last[:, None] * (revenue / revenue[:, -1:]) ** 0.6), np.float64)


def _staff(
    rng: np.random.Generator,
    cohort: Cohort,
    *,
    innovation: Floats,
    position: Floats,
    revenue: Floats,
) -> _Staff:
    stage, cluster, size = cohort.stage, cohort.cluster, len(cohort.stage)
    low, high = np.array(cal.STAFF_BAND, dtype=np.float64).T
    mix = 0.6 * position + 0.4 * rng.random(size)
    last = np.round(low[stage] * (high[stage] / low[stage]) ** mix)
    total = np.maximum(np.round(last[:, None] * (revenue / revenue[:, -1:]) ** 0.4), 1)
    ratio = (
        np.array(cal.TECH_STAFF_RATIO)[cluster]
        * np.array(cal.TECH_STAFF_STAGE_FACTOR)[stage]
        * np.exp(0.2 * innovation + 0.2 * rng.standard_normal(size))
    )
    yearly = np.clip(ratio[:, None] * np.exp(0.05 * rng.standard_normal((size, 3))), 0.03, 0.95)
    tech = np.minimum(np.round(total * yearly), total)
    rd = np.minimum(np.round(tech * rng.uniform(*cal.RD_STAFF_OF_TECH, size)[:, None]), tech)
    return _Staff(
        staff_total=total.astype(np.int64),
        staff_tech=tech.astype(np.int64),
        staff_rd=rd.astype(np.int64),
    )


def enterprise_frame(identity: Identity, cohort: Cohort, start: int, as_of: date) -> pl.DataFrame:
    """The enterprises frame of a cohort whose first firm is number `start` of the region."""
    rows = np.array([(r[1], r[2].value, r[0].value) for r in INDUSTRY_ROWS])
    stop = start + len(cohort.stage)
    industry = identity.industry[start:stop]
    return pl.DataFrame(
        {
            "uscc": cohort.uscc,
            "name": identity.name.slice(start, stop - start),
            "region": np.array([d[0] for d in cal.DISTRICTS])[identity.district[start:stop]],
            "industry_code": rows[industry, 0],
            "cluster": rows[industry, 2],
            "emerging_industry": rows[industry, 1],
            "founded_on": date_series("founded_on", cohort.founded),
        }
    ).with_columns(provenance(as_of))


def provenance(as_of: date) -> list[pl.Expr]:
    return [pl.lit(cal.SOURCE).alias("source"), pl.lit(as_of).alias("as_of")]


def yearly_frames(firms: Firms, as_of: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The staff_years and financial_years frames (years the firm existed only)."""
    mask = firms.active.ravel()
    base = pl.DataFrame(
        {
            "uscc": np.repeat(firms.uscc.to_numpy(), cal.YEARS)[mask],
            "year": np.tile(firms.years, len(firms.cluster))[mask].astype(np.int32),
        }
    )

    def fen(values: Floats) -> NDArray[np.int64]:
        return (values.ravel()[mask] * 100).astype(np.int64)

    def count(values: Ints) -> NDArray[np.int32]:
        return values.ravel()[mask].astype(np.int32)

    staff = base.with_columns(
        total=count(firms.staff_total),
        tech=count(firms.staff_tech),
        rd=count(firms.staff_rd),
    ).with_columns(provenance(as_of))
    share = np.repeat(np.round(firms.rd_domestic_share * 10_000), cal.YEARS)[mask]
    financial = base.with_columns(
        revenue=fen(firms.revenue),
        main_business_revenue=fen(firms.main_business_revenue),
        high_tech_revenue=fen(firms.high_tech_revenue),
        total_costs=fen(firms.total_costs),
        rd_expense=fen(firms.rd_expense),
        rd_domestic_share=share.astype(np.int64),
        total_assets=fen(firms.total_assets),
        total_liabilities=fen(firms.total_liabilities),
        net_profit=fen(firms.net_profit),
    ).with_columns(provenance(as_of))
    return staff, financial
