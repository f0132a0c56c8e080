"""Indicator measures and grids: exact fractions, integer buckets, and the frame path agreeing
with the one-snapshot path."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kejin.assessment.inputs.frames import snapshot_frame, snapshot_from_row
from kejin.assessment.model import EnterpriseSnapshot
from kejin.assessment.points.config import load_points_config
from kejin.assessment.points.indicators import Grid, Measure, log_edges

from .points_data import frames

CONFIG = load_points_config()
GRIDS = {indicator.grid.name: indicator.grid for indicator in CONFIG.indicators}
MONEY_GRID, PERMILLE, COUNT = GRIDS["money"], GRIDS["permille"], GRIDS["count"]


def test_log_edges_are_whole_fen_rising_through_every_power_of_ten() -> None:
    edges = log_edges(100, 14)
    assert edges[0] == 100  # 1 CNY
    assert all(low < high for low, high in itertools.pairwise(edges))
    assert {10**power for power in range(2, 17)} <= set(edges)
    assert len(edges) == 1401
    assert max(high / low for low, high in itertools.pairwise(edges)) < 1.03


@pytest.mark.parametrize(
    ("fen", "bucket"),
    [(0, 0), (99, 0), (100, 1), (101, 1), (1000, 101), (-100, -1), (-99, 0), (10**20, 1401)],
)
def test_money_buckets_count_the_edges_reached_with_the_sign(fen: int, bucket: int) -> None:
    assert MONEY_GRID.bucket((fen, 100)) == bucket


@pytest.mark.parametrize(
    ("fraction", "bucket"),
    [
        ((5, 100), 50),
        ((1, 3), 333),
        ((-1, 2000), -1),
        ((0, 7), 0),
        ((-5, 1), -1000),
        ((10**9, 1), 100000),
    ],
)
def test_linear_buckets_floor_then_clip(fraction: tuple[int, int], bucket: int) -> None:
    assert PERMILLE.bucket(fraction) == bucket


def _measure_of(measure: Measure, **inputs: Any) -> tuple[Any, Any]:
    """The measure by the one-snapshot path, checked against the frame path's bucket."""
    snapshot = EnterpriseSnapshot(**inputs)
    num, den = measure.expr()
    row = snapshot_frame([snapshot]).select(num=num, den=den).row(0)
    scalar = measure.of(snapshot)
    assert (row[0] is None) == (scalar is None)
    if scalar is not None:
        assert row[0] * scalar[1] == scalar[0] * row[1]
    return scalar if scalar is not None else (None, None)


def test_a_ratio_over_nothing_is_missing() -> None:
    intensity = Measure("ratio", ("rd_expense", "revenue"))
    assert _measure_of(intensity, rd_expense=Decimal(5), revenue=Decimal(0)) == (None, None)
    assert _measure_of(intensity, rd_expense=None, revenue=Decimal(3)) == (None, None)
    assert _measure_of(intensity, rd_expense=Decimal("1.50"), revenue=Decimal(3)) == (150, 300)


def test_growth_needs_two_years_and_a_positive_base() -> None:
    growth = Measure("growth", ("sales_history",))
    assert _measure_of(growth, sales_history=(Decimal(5),)) == (None, None)
    assert _measure_of(growth, sales_history=(Decimal(0), Decimal(5))) == (None, None)
    assert _measure_of(growth, sales_history=(Decimal(1), Decimal(4), Decimal(5))) == (100, 400)


def test_counts_read_only_the_named_tokens_and_an_empty_set_is_zero() -> None:
    listed = Measure("count", ("certifications",), ("hnte", "tech_sme"))
    assert _measure_of(listed, certifications=frozenset({"hnte", "other"})) == (1, 1)
    assert _measure_of(listed, certifications=frozenset()) == (0, 1)
    assert _measure_of(listed, certifications=None) == (None, None)
    assert _measure_of(Measure("count", ("awards",)), awards=frozenset({"a", "b"})) == (2, 1)


fractions = st.tuples(
    st.integers(-(10**30), 10**30) | st.integers(-5000, 5000),
    st.integers(1, 10**30) | st.integers(1, 5000),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(fractions, min_size=1, max_size=50), st.sampled_from(["permille", "count"]))
def test_linear_buckets_of_a_frame_equal_the_scalar_ones(
    values: list[tuple[int, int]], name: str
) -> None:
    grid: Grid = GRIDS[name]
    frame = pl.DataFrame(
        {"num": [num for num, _ in values], "den": [den for _, den in values]},
        schema={"num": pl.Int128, "den": pl.Int128},
    )
    buckets = frame.select(grid.bucket_expr(pl.col("num"), pl.col("den")))
    assert buckets.to_series().to_list() == [grid.bucket(value) for value in values]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(10**20), 10**20) | st.sampled_from(MONEY_GRID.edges), max_size=50))
def test_money_buckets_of_a_frame_equal_the_scalar_ones(fen: list[int]) -> None:
    frame = pl.DataFrame({"num": fen}, schema={"num": pl.Int128})
    buckets = frame.select(MONEY_GRID.bucket_expr(pl.col("num"), pl.lit(100)))
    assert buckets.to_series().to_list() == [MONEY_GRID.bucket((value, 100)) for value in fen]


@settings(max_examples=40, deadline=None)
@given(frames(max_size=30))
def test_every_indicator_buckets_a_frame_as_it_buckets_each_snapshot(frame: pl.DataFrame) -> None:
    buckets = frame.select(
        indicator.bucket_expr().alias(indicator.id) for indicator in CONFIG.indicators
    )
    for row, bucketed in zip(
        frame.iter_rows(named=True), buckets.iter_rows(named=True), strict=True
    ):
        snapshot = snapshot_from_row(row)
        assert bucketed == {
            indicator.id: indicator.bucket_of(snapshot) for indicator in CONFIG.indicators
        }
