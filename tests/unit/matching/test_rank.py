"""The ranking key: the Polars expression gives the Python integer, and keys order products as
the ranking's fields do, most significant first."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.assessment.batch.blocks import CODES
from kejin.assessment.model import Status
from kejin.matching.model import MATCH_ORDER
from kejin.matching.rank import MAX_INDEX, key_index, rank_expr, rank_key, status_of_key

PARTS = st.tuples(
    st.sampled_from(list(Status)),
    st.booleans(),
    st.integers(0, 20),
    st.integers(0, 10**13),  # amount high in fen, up to beyond the key's cap
    st.one_of(st.none(), st.integers(0, 2_000_000).map(lambda units: Decimal(units).scaleb(-6))),
    st.integers(0, MAX_INDEX),
)


def _batch(parts: tuple[Status, bool, int, int, Decimal | None, int]) -> int:
    status, fit, unmet, amount, rate, index = parts
    frame = pl.DataFrame(
        {"status": [CODES[status]], "fit": [fit], "unmet": [unmet], "high": [amount]},
        schema={"status": pl.Int8, "fit": pl.Boolean, "unmet": pl.Int8, "high": pl.Int64},
    )
    expr = rank_expr(
        pl.col("status"), pl.col("fit"), pl.col("unmet"), pl.col("high"), rate=rate, index=index
    )
    key, held_index, held_status = frame.select(
        expr.alias("key"), key_index(expr).alias("index"), status_of_key(expr).alias("status")
    ).row(0)
    assert held_index == index
    assert held_status == CODES[status if status is not Status.NOT_APPLICABLE else Status.MET]
    return int(key)


@given(PARTS)
def test_the_polars_key_equals_the_python_key(parts: tuple) -> None:
    status, fit, unmet, amount, rate, index = parts
    expected = rank_key(status, fit, unmet, amount, rate=rate, index=index)
    assert 0 <= expected < 2**63
    assert _batch(parts) == expected


def _order(parts: tuple) -> tuple:
    status, fit, unmet, amount, rate, index = parts
    status = Status.MET if status is Status.NOT_APPLICABLE else status
    return (
        MATCH_ORDER.index(status),
        not fit,
        min(unmet, 15),
        -min(amount // 1_000_000, 2**21 - 1),
        min(int((rate or 0) * 1_000_000), 2**20 - 1),
        index,
    )


@given(PARTS, PARTS)
def test_keys_order_products_by_status_fit_unmet_amount_cost_and_code(a: tuple, b: tuple) -> None:
    key_a = rank_key(a[0], a[1], a[2], a[3], rate=a[4], index=a[5])
    key_b = rank_key(b[0], b[1], b[2], b[3], rate=b[4], index=b[5])
    assert (key_a < key_b) == (_order(a) < _order(b))


def test_a_met_product_outranks_a_larger_one_waiting_for_review() -> None:
    met = rank_key(Status.MET, True, 0, 100, rate=Decimal("0.05"), index=3)
    review = rank_key(Status.MANUAL_REVIEW, True, 0, 10**12, rate=None, index=0)
    assert met < review


def test_a_catalogue_beyond_the_keys_index_field_is_refused() -> None:
    with pytest.raises(ValueError, match="beyond"):
        rank_key(Status.MET, True, 0, 0, rate=None, index=MAX_INDEX + 1)
    with pytest.raises(ValueError, match="beyond"):
        rank_expr(pl.lit(3), pl.lit(True), pl.lit(0), pl.lit(0), rate=None, index=-1)
