"""Amount rules: the batch expressions give, to the fen, what the scalar reference gives, for
random rules and random firms whose inputs sit on tier edges and are often unknown."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.core.errors import InvalidInput
from kejin.products.model import AmountRange
from kejin.products.sizing import EstimatedAmount, amount_exprs, estimate, parse_sizing

SCHEMA: dict[str, pl.DataType] = {
    "revenue": pl.Decimal(38, 2),
    "annual_interest": pl.Decimal(38, 2),
    "innovation_points": pl.Int64(),
    "pledgeable_inventions": pl.Int64(),
    "pledgeable_utility_models": pl.Int64(),
    "bank_loans": pl.Int64(),
}
POINT_EDGES = (400, 600, 800)


class Firm:
    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def value(self, name: str) -> Any:
        return self.values.get(name)


def _money(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda fen: Decimal(fen).scaleb(-2))


def _share() -> st.SearchStrategy[str]:
    return st.integers(0, 10_000).map(lambda basis: str(Decimal(basis).scaleb(-4)))


def _leaf() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.just({"rule": "range"}),
        st.builds(lambda s: {"rule": "share_of", "measure": "revenue", "share": s}, _share()),
        st.just({"rule": "tiers", "measure": "innovation_points", "tiers": [
            {"from": 800, "amount": 5_000_000}, {"from": 600, "amount": 3_000_000},
            {"from": 400, "amount": 1_000_000}]}),
        st.builds(lambda a, b: {"rule": "per_item", "items": [
            {"measure": "pledgeable_inventions", "nominal": str(a), "rate": "0.25"},
            {"measure": "pledgeable_utility_models", "nominal": str(b), "rate": "0.15"}]},
            _money(0, 500_000_000), _money(0, 100_000_000)),
        st.builds(lambda share: {"rule": "interest_share", "share": share,
                                 "first_loan_share": "0.7", "year_cap": 1_000_000,
                                 "firm_cap": 3_000_000}, _share()),
    )  # fmt: skip


RULES = st.recursive(
    _leaf(), lambda inner: st.lists(inner, min_size=2, max_size=3).map(
        lambda rules: {"rule": "min_of", "rules": rules}), max_leaves=5
)  # fmt: skip


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


FIRMS = st.fixed_dictionaries({
    "revenue": _maybe(_money(-10_000_000, 50_000_000_000)),
    "annual_interest": _maybe(_money(0, 500_000_000)),
    "innovation_points": _maybe(st.one_of(st.sampled_from(POINT_EDGES),
                                          st.integers(0, 1000).map(lambda p: p - p % 2))),
    "pledgeable_inventions": _maybe(st.integers(0, 40)),
    "pledgeable_utility_models": _maybe(st.integers(0, 40)),
    "bank_loans": _maybe(st.integers(0, 5)),
})  # fmt: skip
RANGES = st.tuples(_money(0, 300_000_000), _money(0, 3_000_000_000)).map(
    lambda pair: AmountRange(min(pair), max(pair))
)


def _batch(rule: dict[str, Any], amount: AmountRange, firms: list[dict[str, Any]]) -> pl.DataFrame:
    frame = pl.DataFrame(firms, schema=SCHEMA)
    columns = frame.with_columns(amount_exprs(parse_sizing(rule), amount, "amount"))
    return columns.select("amount_low", "amount_high", "amount_indicative")


@given(rule=RULES, amount=RANGES, firms=st.lists(FIRMS, min_size=1, max_size=8))
def test_batch_amounts_equal_the_scalar_reference(
    rule: dict[str, Any], amount: AmountRange, firms: list[dict[str, Any]]
) -> None:
    sizing = parse_sizing(rule)
    rows = _batch(rule, amount, firms).iter_rows(named=True)
    for firm, row in zip(firms, rows, strict=True):
        scalar = estimate(sizing, amount, Firm(firm))
        assert (row["amount_low"], row["amount_high"], row["amount_indicative"]) == (
            int(scalar.low * 100),
            int(scalar.high * 100),
            scalar.indicative,
        )


POINTS = {"rule": "tiers", "measure": "innovation_points", "tiers": [
    {"from": 800, "amount": 5_000_000}, {"from": 600, "amount": 3_000_000},
    {"from": 400, "amount": 1_000_000}]}  # fmt: skip
LOAN = AmountRange(Decimal(500_000), Decimal(5_000_000))


def test_lin_with_640_points_reaches_the_300_wan_tier() -> None:
    result = estimate(parse_sizing(POINTS), LOAN, Firm({"innovation_points": 640}))
    assert (result.low, result.high, result.indicative) == (
        Decimal(500_000),
        Decimal(3_000_000),
        False,
    )


def test_an_unknown_input_gives_the_whole_range_as_indicative() -> None:
    result = estimate(parse_sizing(POINTS), LOAN, Firm({}))
    assert result == EstimatedAmount(LOAN.low, LOAN.high, result.basis, True)


def test_an_amount_below_the_minimum_offers_nothing() -> None:
    rule = {"rule": "share_of", "measure": "revenue", "share": "0.3"}
    result = estimate(parse_sizing(rule), LOAN, Firm({"revenue": Decimal(1_000_000)}))
    assert (result.low, result.high) == (0, 0)


def test_min_of_with_an_unknown_part_is_bounded_by_the_known_part() -> None:
    rule = {
        "rule": "min_of",
        "rules": [POINTS, {"rule": "share_of", "measure": "revenue", "share": "0.3"}],
    }
    result = estimate(parse_sizing(rule), LOAN, Firm({"revenue": Decimal(7_654_321)}))
    assert (result.high, result.indicative) == (Decimal(2_290_000), True)


def test_a_first_loan_gets_the_larger_interest_share_up_to_the_yearly_cap() -> None:
    rule = {"rule": "interest_share", "share": "0.5", "first_loan_share": "0.7",
            "year_cap": 1_000_000, "firm_cap": 3_000_000}  # fmt: skip
    subsidy = AmountRange(Decimal(0), Decimal(1_000_000))
    first = estimate(
        parse_sizing(rule), subsidy, Firm({"annual_interest": 150_000, "bank_loans": 1})
    )
    later = estimate(
        parse_sizing(rule), subsidy, Firm({"annual_interest": 150_000, "bank_loans": 3})
    )
    assert (first.high, later.high) == (Decimal(100_000), Decimal(70_000))


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"rule": "share_of", "measure": "innovation_points", "share": "0.3"}, "sizing.measure"),
        ({"rule": "share_of", "measure": "revenue", "share": "1.3"}, "sizing.share"),
        ({"rule": "tiers", "measure": "innovation_points", "tiers": []}, "sizing.tiers"),
        ({"rule": "per_item", "items": [{"measure": "revenue", "nominal": 1, "rate": "0.1"}]},
         "sizing.items.measure"),
        ({"rule": "guess"}, "sizing.rule"),
        ({"rule": "min_of", "rules": [{"rule": "range"}]}, "sizing.rules"),
    ],
)  # fmt: skip
def test_a_faulty_rule_is_refused_naming_its_field(rule: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_sizing(rule)
    assert raised.value.problems[0].field == field
