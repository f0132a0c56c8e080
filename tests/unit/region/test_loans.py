"""The loan history: sizes and prices by the rules, defaults by the documented model."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from kejin.lending.model import LoanProduct
from kejin.region import calibration as cal
from kejin.region.loans import default_probability
from kejin.region.model import DemoRegion

from .conftest import AS_OF

DOC = Path(__file__).resolve().parents[3] / "docs" / "demo-region.md"
WAN = 10_000 * 100


def borrowers(region: DemoRegion) -> pl.DataFrame:
    fin = region.frames.financial_years.filter(pl.col("year") == AS_OF.year)
    inventions = (
        region.frames.ip_assets.filter(
            (pl.col("ip_type") == "invention_patent") & (pl.col("status") == "granted")
        )
        .group_by("uscc")
        .agg(inventions=pl.len())
    )
    return (
        region.loans.join(fin, on="uscc")
        .join(inventions, on="uscc", how="left")
        .with_columns(
            debt_ratio=pl.col("total_liabilities") / pl.col("total_assets"),
            inventions=pl.col("inventions").fill_null(0),
        )
    )


def test_default_rate_is_in_the_plausible_band(region: DemoRegion) -> None:
    assert 0.02 <= region.loans["defaulted"].mean() <= 0.06  # type: ignore[operator]


def test_defaults_rise_with_debt_and_fall_with_patents(region: DemoRegion) -> None:
    loans = borrowers(region)

    def rate(condition: pl.Expr) -> float:
        return float(loans.filter(condition)["defaulted"].mean())  # type: ignore[arg-type]

    assert rate(pl.col("debt_ratio") > 0.6) > 1.5 * rate(pl.col("debt_ratio") < 0.35)
    assert rate(pl.col("inventions") == 0) > rate(pl.col("inventions") >= 3)


def test_amounts_terms_and_rates_follow_the_products(region: DemoRegion) -> None:
    loans = region.loans
    assert loans["principal"].max() <= 3_000 * WAN  # type: ignore[operator]
    first = loans.filter(pl.col("product") == LoanProduct.FIRST_LOAN.value)
    assert first["principal"].max() <= 500 * WAN  # type: ignore[operator]
    assert loans["annual_rate"].min() >= round(cal.ONE_YEAR_LPR * 10_000)  # type: ignore[operator]
    assert set(loans["term_months"]) == {12, 24, 36}
    assert set(loans["product"]) == {p.value for p in LoanProduct}
    defaulted = loans.filter(pl.col("defaulted"))
    assert (
        (defaulted["default_on"] > defaulted["start_on"]) & (defaulted["default_on"] <= AS_OF)
    ).all()
    assert loans.filter(~pl.col("defaulted"))["default_on"].is_null().all()


@pytest.mark.parametrize("signal", [s for s in cal.DEFAULT_MODEL if s != "intercept"])
def test_the_default_probability_moves_with_the_sign_of_each_coefficient(signal: str) -> None:
    base = {name: np.array([0.0, 0.0]) for name in cal.DEFAULT_MODEL if name != "intercept"}
    base[signal] = np.array([0.0, 1.0])
    low, high = default_probability(base)
    assert (high > low) == (cal.DEFAULT_MODEL[signal] > 0)


def test_the_documentation_states_the_generating_model_exactly() -> None:
    rows = re.findall(
        r"^\| `(\w+)` \| (-?\d+\.\d+) \|", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE
    )
    assert {name: float(value) for name, value in rows} == cal.DEFAULT_MODEL
