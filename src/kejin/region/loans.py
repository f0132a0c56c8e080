"""Demo loan history (贷款记录) and its generating model of default.

Each loan defaults with probability PD = 1 / (1 + exp(−(β0 + Σ βₖ·xₖ))) over its observed
life, where x are the borrower's last-year financial and technology signals and β the
`DEFAULT_MODEL` table; docs/demo-region.md states every signal and coefficient.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from kejin.lending.model import LoanProduct
from kejin.region import calibration as cal
from kejin.region.firms import Bools, Firms, Floats, Ints, date_series, day_number, provenance
from kejin.registry.model import Stage

LOAN_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "uscc": pl.Utf8,
    "lender": pl.Utf8,
    "product": pl.Utf8,
    "principal": pl.Int64,
    "annual_rate": pl.Int64,
    "term_months": pl.Int32,
    "start_on": pl.Date,
    "defaulted": pl.Boolean,
    "default_on": pl.Date,
    "source": pl.Utf8,
    "as_of": pl.Date,
}
PRODUCT_INDEX = {product: i for i, product in enumerate(cal.LOAN_PRODUCTS)}


def default_signals(
    firms: Firms,
    invention_patents: Ints,
    high_tech: Bools,
    equity: Floats,
    flagged: Bools,
) -> dict[str, Floats]:
    """The signals x of the default model, one value per firm, named as in `DEFAULT_MODEL`."""
    revenue, prior = firms.revenue[:, -1], firms.revenue[:, -2]
    growth = np.where(firms.active[:, -2], revenue / np.maximum(prior, 1.0) - 1, 0.0)
    stage = {s: (firms.stage == cal.STAGES.index(s)).astype(np.float64) for s in Stage}
    return {
        "debt_ratio": firms.total_liabilities[:, -1] / np.maximum(firms.total_assets[:, -1], 1.0),
        "net_margin": np.clip(firms.net_profit[:, -1] / revenue, -1.0, 0.5),
        "revenue_growth": np.clip(growth, -0.5, 2.0),
        "log_revenue_wan": np.log(revenue / cal.WAN),
        "rd_intensity": np.clip(firms.rd_expense[:, -1] / revenue, 0.0, 1.0),
        "log1p_invention_patents": np.log1p(invention_patents),
        "tech_staff_ratio": firms.staff_tech[:, -1] / np.maximum(firms.staff_total[:, -1], 1),
        "high_tech_certificate": high_tech.astype(np.float64),
        "has_equity_funding": (equity > 0).astype(np.float64),
        "log1p_age_years": np.log1p(firms.age_years),
        "stage_seed": stage[Stage.SEED],
        "stage_start_up": stage[Stage.START_UP],
        "stage_expansion": stage[Stage.EXPANSION],
        "stage_mature": stage[Stage.MATURE],
        "compliance_flag": flagged.astype(np.float64),
    }


def default_probability(signals: dict[str, Floats]) -> Floats:
    """PD = sigmoid(β0 + Σ βₖ·xₖ) with β from `DEFAULT_MODEL`."""
    logit = np.full(len(signals["debt_ratio"]), cal.DEFAULT_MODEL["intercept"])
    for name, values in signals.items():
        logit = logit + cal.DEFAULT_MODEL[name] * values
    return np.asarray(1.0 / (1.0 + np.exp(-logit)), np.float64)


def draw_loans(
    rng: np.random.Generator,
    firms: Firms,
    *,
    pd: Floats,
    invention_patents: Ints,
    equity: Floats,
    as_of: date,
) -> pl.DataFrame:
    """Loans of the last `LOAN_WINDOW_YEARS`, product and size by stage, default by `pd`."""
    size = len(firms.stage)
    today = day_number(as_of)
    first_day = np.maximum(firms.founded + 180, today - cal.LOAN_WINDOW_YEARS * 365)
    can_borrow = first_day < today - 30
    borrows = can_borrow & (rng.random(size) < np.array(cal.LOAN_TAKE_UP)[firms.stage])
    count = borrows * (1 + rng.poisson(np.array(cal.EXTRA_LOANS)[firms.stage]))
    owner = np.repeat(np.arange(size), count)
    step = np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count)
    rows = len(owner)
    span = today - 30 - first_day[owner]
    start = first_day[owner] + ((step + rng.random(rows)) / count[owner] * span).astype(np.int64)
    product = _products(rng, firms.stage[owner], step, invention_patents[owner], equity[owner])
    terms, term_shares = zip(*cal.LOAN_TERMS, strict=True)
    term = rng.choice(np.array(terms), rows, p=term_shares)
    defaulted = rng.random(rows) < pd[owner]
    observed = np.minimum(np.round(term * 30.44).astype(np.int64), today - start)
    default_on = start + np.maximum(1, (rng.random(rows) * observed).astype(np.int64))
    return pl.DataFrame(
        {
            "uscc": firms.uscc.gather(owner),
            "lender": pl.Series(cal.LENDERS).gather(rng.integers(0, len(cal.LENDERS), rows)),
            "product": pl.Series([p.value for p in cal.LOAN_PRODUCTS]).gather(product),
            "principal": _principal(rng, firms.stage[owner], product) * 100,
            "annual_rate": _annual_rate(rng, product),
            "term_months": term.astype(np.int32),
            "start_on": date_series("start_on", start),
            "defaulted": defaulted,
            "default_on": date_series("default_on", default_on).set(pl.Series(~defaulted), None),
        }
    ).with_columns(provenance(as_of))


def _products(
    rng: np.random.Generator, stage: Ints, step: Ints, invention_patents: Ints, equity: Floats
) -> Ints:
    """Product by stage mix; first loans come first, IP pledges need patents, warrants equity."""
    mix = np.array(cal.LOAN_PRODUCT_MIX)[stage]
    product = (rng.random(len(stage))[:, None] > np.cumsum(mix, axis=1)).sum(axis=1)
    product = np.minimum(product, len(cal.LOAN_PRODUCTS) - 1)
    credit = PRODUCT_INDEX[LoanProduct.CREDIT]
    product[(product == PRODUCT_INDEX[LoanProduct.FIRST_LOAN]) & (step > 0)] = credit
    product[(product == PRODUCT_INDEX[LoanProduct.IP_PLEDGE]) & (invention_patents == 0)] = credit
    product[(product == PRODUCT_INDEX[LoanProduct.WARRANT]) & (equity <= 0)] = credit
    return np.asarray(product, np.int64)


def _principal(rng: np.random.Generator, stage: Ints, product: Ints) -> Ints:
    """Principal in yuan, log-uniform in the stage band, rounded to 10万; first loans ≤ 500万."""
    low, high = np.array(cal.LOAN_AMOUNT, dtype=np.float64)[stage].T
    amount = np.round(low * (high / low) ** rng.random(len(stage)), -5)
    first = product == PRODUCT_INDEX[LoanProduct.FIRST_LOAN]
    return np.asarray(np.where(first, np.minimum(amount, 500 * cal.WAN), amount), np.int64)


def _annual_rate(rng: np.random.Generator, product: Ints) -> Ints:
    """LPR plus the product spread plus a spread draw, in 10^-4 units, on a 5 bp grid."""
    spread = np.array([cal.LOAN_SPREAD_BP[p] for p in cal.LOAN_PRODUCTS])[product]
    noise = (
        rng.integers(
            cal.LOAN_SPREAD_NOISE_BP[0] // 5, cal.LOAN_SPREAD_NOISE_BP[1] // 5 + 1, len(product)
        )
        * 5
    )
    return (round(cal.ONE_YEAR_LPR * 10_000) + spread + noise).astype(np.int64)
