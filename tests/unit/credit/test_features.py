"""The loan training table: signals as known on the loan's start day, never after it."""

from __future__ import annotations

import math
from datetime import date

import polars as pl
import pytest

from kejin.credit.features import FEATURE_SETS, loan_features


def _frames() -> dict[str, pl.DataFrame]:
    loans = pl.DataFrame(
        {
            "loan_id": [1, 2, 3],
            "enterprise_id": [10, 10, 20],
            "start_on": [date(2024, 3, 1), date(2025, 6, 1), date(2024, 3, 1)],
            "founded_on": [date(2019, 3, 1), date(2019, 3, 1), date(2023, 3, 1)],
            "defaulted": [False, True, False],
        }
    )
    financials = pl.DataFrame(
        {
            "enterprise_id": [10, 10],
            "year": [2023, 2024],
            "revenue": [1_000_000.0, 1_500_000.0],
            "rd_expense": [100_000.0, 300_000.0],
            "total_assets": [2_000_000.0, 2_000_000.0],
            "total_liabilities": [500_000.0, 1_000_000.0],
            "net_profit": [50_000.0, -3_000_000.0],
        }
    )
    staff = pl.DataFrame({"enterprise_id": [10], "year": [2024], "total": [20.0], "tech": [5.0]})
    patents = pl.DataFrame(
        {
            "enterprise_id": [10, 10, 10],
            "granted_on": [date(2022, 1, 1), date(2024, 5, 1), date(2020, 1, 1)],
            "expires_on": [None, None, date(2024, 1, 1)],
        }
    )
    certificates = pl.DataFrame(
        {
            "enterprise_id": [10],
            "valid_from": [date(2024, 12, 1)],
            "valid_to": [date(2027, 12, 1)],
        }
    )
    funding = pl.DataFrame({"enterprise_id": [20], "closed_on": [date(2023, 6, 1)]})
    flags = pl.DataFrame({"enterprise_id": [10], "occurred_on": [date(2025, 1, 1)]})
    assessment = pl.DataFrame(
        {"enterprise_id": [10], "stage": ["growth"], "innovation_points": [72.0]}
    )
    return {
        "loans": loans,
        "financials": financials,
        "staff": staff,
        "patents": patents,
        "certificates": certificates,
        "funding": funding,
        "flags": flags,
        "assessment": assessment,
    }


def test_financials_are_those_of_the_year_before_the_start() -> None:
    table = loan_features(_frames())
    first, second = table.row(0, named=True), table.row(1, named=True)
    assert first["debt_ratio"] == pytest.approx(0.25)
    assert first["net_margin"] == pytest.approx(0.05)
    assert first["revenue_growth"] == 0.0  # no 2022 figures: no growth, as the generator does
    assert first["log_revenue_wan"] == pytest.approx(math.log(100))
    assert first["tech_staff_ratio"] is None  # no 2023 staff figures
    assert second["debt_ratio"] == pytest.approx(0.5)
    assert second["net_margin"] == -1.0  # clipped
    assert second["revenue_growth"] == pytest.approx(0.5)
    assert second["rd_intensity"] == pytest.approx(0.2)
    assert second["tech_staff_ratio"] == pytest.approx(0.25)


def test_patents_certificates_funding_and_flags_count_only_if_in_force_at_the_start() -> None:
    table = loan_features(_frames())
    assert table["log1p_invention_patents"].to_list() == pytest.approx(
        [math.log(2), math.log(3), 0.0]
    )
    assert table["high_tech_certificate"].to_list() == [0, 1, 0]
    assert table["compliance_flag"].to_list() == [0, 1, 0]
    assert table["has_equity_funding"].to_list() == [0, 0, 1]


def test_a_young_firm_without_figures_keeps_its_row_with_missing_signals() -> None:
    table = loan_features(_frames())
    young = table.row(2, named=True)
    assert young["debt_ratio"] is None
    assert young["stage"] is None
    assert young["innovation_points"] is None
    assert young["log1p_age_years"] == pytest.approx(math.log1p(366 / 365.25))
    assert table["defaulted"].to_list() == [0, 1, 0]
    assert set(FEATURE_SETS["tech"]) <= set(table.columns)
    assert set(FEATURE_SETS["financial"]) < set(FEATURE_SETS["tech"])
