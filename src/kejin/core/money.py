"""Money and ratios as `Decimal`, with one constructor each and an explicit rounding mode.

Amounts are CNY with two decimal places (fen). Floats appear only inside vectorised analytics
and are converted back through `money()` at the boundary.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

CENT = Decimal("0.01")
WAN = Decimal(10_000)  # 万
YI = Decimal(100_000_000)  # 亿
ROUNDING = ROUND_HALF_EVEN


class NotExact(ValueError):
    """A value has more decimal places than its column keeps."""


def money(value: Decimal | int | str) -> Decimal:
    """Return `value` as a CNY amount rounded half-even to the fen."""
    if isinstance(value, float):
        raise TypeError("money() refuses floats; pass a str, int or Decimal")
    try:
        return Decimal(value).quantize(CENT, rounding=ROUNDING)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def from_float(value: float, scale: int = 2) -> Decimal:
    """Convert a float from vectorised analytics back to an exact Decimal at `scale` places."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-scale), rounding=ROUNDING)


def to_scaled_int(value: Decimal, scale: int) -> int:
    """`value` × 10^scale as an int; raises `NotExact` rather than rounding silently."""
    scaled = value.scaleb(scale)
    if scaled != scaled.to_integral_value():
        raise NotExact(f"{value} has more than {scale} decimal places")
    return int(scaled)


def from_scaled_int(value: int, scale: int) -> Decimal:
    """Inverse of `to_scaled_int`."""
    return Decimal(value).scaleb(-scale)


def wan(value: Decimal | int | str) -> Decimal:
    """An amount given in 万 (10,000 CNY) as CNY."""
    return money(Decimal(value) * WAN)
