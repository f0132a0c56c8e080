"""Money is Decimal with one constructor and explicit rounding; storage conversion is exact."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.core.money import NotExact, from_scaled_int, money, to_scaled_int, wan


def test_money_rounds_half_even_to_the_fen() -> None:
    assert money("1.005") == Decimal("1.00")
    assert money("1.015") == Decimal("1.02")


def test_money_refuses_floats() -> None:
    with pytest.raises(TypeError, match="floats"):
        money(0.1)  # type: ignore[arg-type]


def test_money_refuses_text_that_is_not_a_number() -> None:
    with pytest.raises(ValueError, match="not a number"):
        money("12,5")


def test_wan_is_ten_thousand_yuan() -> None:
    assert wan(300) == Decimal("3000000.00")


def test_scaling_refuses_more_places_than_the_column_keeps() -> None:
    with pytest.raises(NotExact):
        to_scaled_int(Decimal("1.001"), 2)


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_scaled_int_round_trips_every_two_place_amount(amount: Decimal) -> None:
    assert from_scaled_int(to_scaled_int(amount, 2), 2) == amount
