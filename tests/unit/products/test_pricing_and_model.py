"""The dated LPR table, all-in rates, and specs that refuse inconsistent fields by name."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from kejin.core.errors import InvalidInput
from kejin.products.loader import load_catalogue
from kejin.products.model import (
    AmountRange,
    LprTenor,
    Pricing,
    PricingBasis,
    ProductFamily,
    TermRange,
    Validity,
)
from kejin.products.pricing import all_in_rate, shipped_lpr

CATALOGUE = load_catalogue()
POINTS_LOAN = next(p for p in CATALOGUE.products if p.code == "bank.kcb.points")


def test_the_lpr_in_force_is_the_latest_row_on_or_before_the_date() -> None:
    table = shipped_lpr()
    assert table.rate(LprTenor.ONE_YEAR, dt.date(2025, 5, 20)) == Decimal("0.0300")
    assert table.rate(LprTenor.ONE_YEAR, dt.date(2025, 5, 19)) == Decimal("0.0310")
    assert table.rate(LprTenor.FIVE_YEAR, dt.date(2026, 1, 1)) == Decimal("0.0350")


def test_recalled_lpr_values_are_marked_unconfirmed() -> None:
    assert not any(fixing.confirmed for fixing in shipped_lpr().fixings)


def test_a_date_before_the_lpr_reform_has_no_rate() -> None:
    with pytest.raises(InvalidInput) as raised:
        shipped_lpr().fixing_on(dt.date(2019, 1, 1))
    assert raised.value.problems[0].field == "on"


def test_an_lpr_priced_loan_costs_the_lpr_plus_its_spread_plus_any_fee() -> None:
    on = dt.date(2025, 6, 1)
    assert all_in_rate(POINTS_LOAN.pricing, on) == Decimal("0.0345")
    with_fee = Pricing(PricingBasis.LPR_SPREAD, spread_bp=50, fee_rate=Decimal("0.015"))
    assert all_in_rate(with_fee, on) == Decimal("0.0500")


def test_fee_fixed_and_unpriced_products() -> None:
    on = dt.date(2025, 6, 1)
    assert all_in_rate(Pricing(PricingBasis.FEE_RATE, fee_rate=Decimal("0.008")), on) == Decimal(
        "0.008"
    )
    assert all_in_rate(Pricing(PricingBasis.FIXED_RATE, rate=Decimal("0.0175")), on) == Decimal(
        "0.0175"
    )
    assert all_in_rate(Pricing(PricingBasis.EQUITY), on) is None


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Pricing(PricingBasis.LPR_SPREAD), "spread_bp"),
        (lambda: Pricing(PricingBasis.EQUITY, rate=Decimal("0.05")), "rate"),
        (lambda: Pricing(PricingBasis.FEE_RATE, fee_rate=Decimal(2)), "fee_rate"),
        (lambda: Pricing(PricingBasis.LPR_SPREAD, spread_bp=5000), "spread_bp"),
        (lambda: AmountRange(Decimal(10), Decimal(1)), "max"),
        (lambda: AmountRange(Decimal(-1), Decimal(1)), "min"),
        (lambda: TermRange(36, 12), "max"),
        (lambda: Validity(dt.date(2026, 1, 1), dt.date(2025, 1, 1)), "valid_to"),
        (lambda: dataclasses.replace(POINTS_LOAN, family=ProductFamily.GRANT), "family"),
        (lambda: dataclasses.replace(POINTS_LOAN, stages=()), "stages"),
        (lambda: dataclasses.replace(POINTS_LOAN, code="Bank Points"), "code"),
    ],
)
def test_an_inconsistent_spec_is_refused_naming_its_field(
    build: Callable[[], object], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        build()
    assert raised.value.problems[0].field == field
