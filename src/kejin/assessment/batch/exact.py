"""Exact numbers for the batch path: readings as quotients of Int128 expressions.

A decimal column is read as its unscaled integer (`Decimal(38, 2)` 12.34 → 1234 at scale 2), so
a reading is num/den with both integers and den > 0 wherever it is defined. It meets a rule
constant p/q by cross-multiplication, num·q ⋛ p·den: no division, no rounding, no float.

Polars integer arithmetic wraps on overflow, so each comparison's largest product is worked out
when the rules compile, from `INPUT_LIMIT`, and a rule whose constants could overflow is refused.
Rows holding an input at or beyond the limit are left to the scalar engine (`batch` does that).
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction

import polars as pl

INPUT_LIMIT = 10**15  # unscaled: 10 trillion CNY in fen, or 10^15 people
POINTS_LIMIT = 10**12  # scaled points; a sum of many stays far inside Int64
_INT128_MAX = 2**127 - 1
OPS: dict[str, Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}


@dataclasses.dataclass(frozen=True, slots=True)
class Quotient:
    """A numeric reading num/den per row, as the engine's `_Run.read` gives it.

    `known` is false where an input is missing (the engine's `None`); `defined` is false where
    there is no value although the inputs are known (a zero denominator, a growth rate without
    a base year). `bound` exceeds |num| and |den| of every row whose inputs are below the limit.
    """

    num: pl.Expr
    den: pl.Expr | int  # an int: the same (positive) denominator in every row
    known: pl.Expr
    defined: pl.Expr
    bound: int


def integer(value: int) -> pl.Expr:
    return pl.lit(value, dtype=pl.Int128())


def plain(value: pl.Expr, scale: int) -> Quotient:
    """A number column: its unscaled value over 10^scale."""
    return Quotient(
        value, 10**scale, value.is_not_null(), pl.lit(True), max(INPUT_LIMIT, 10**scale)
    )


def ratio(top: tuple[pl.Expr, int], bottom: tuple[pl.Expr, int]) -> Quotient:
    """(a / 10^sa) ÷ (b / 10^sb) = a·10^sb / (b·10^sa), the sign moved to the numerator."""
    (a, a_scale), (b, b_scale) = top, bottom
    return Quotient(
        num=a * b.sign() * integer(10**b_scale),
        den=b.abs() * integer(10**a_scale),
        known=a.is_not_null() & b.is_not_null(),
        defined=b != 0,
        bound=INPUT_LIMIT * 10 ** max(a_scale, b_scale),
    )


def growth(v1: pl.Expr, v2: pl.Expr, v3: pl.Expr, years: pl.Expr) -> Quotient:
    """`engine.growth_rate` over the last three years (v1 oldest; null where absent).

    With three years and v1 ≠ 0 the rate ½·(v2/v1 + v3/v2) − 1 is
    (v2² + v1·v3 − 2·v1·v2) / (2·v1·v2). With v1 = 0 it is v3/v2 − 1 = (v3 − v2)/v2, and a
    two-year series v2/v1 − 1 is that same formula on its last two years. No rate (undefined)
    with fewer than two years or a zero middle year. `known` is left to the caller.
    """
    full = (years >= 3) & (v1 != 0)
    two = integer(2)
    num = pl.when(full).then(v2 * v2 + v1 * v3 - two * v1 * v2).otherwise(v3 - v2)
    den = pl.when(full).then(two * v1 * v2).otherwise(v2)
    return Quotient(
        num=num * den.sign(),
        den=den.abs(),
        known=pl.lit(True),
        defined=(years >= 2) & (v2 != 0),
        bound=4 * INPUT_LIMIT**2,
    )


def total(readings: Sequence[Quotient]) -> Quotient:
    """Σ num_i/den_i: over the shared denominator when every den is the same number, else
    over the product of the denominators (each positive where defined)."""
    first, *rest = readings
    known = pl.all_horizontal([r.known for r in readings])
    defined = pl.all_horizontal([r.defined for r in readings])
    if all(isinstance(r.den, int) and r.den == first.den for r in readings):
        num = functools.reduce(operator.add, (r.num for r in rest), first.num)
        return Quotient(num, first.den, known, defined, len(readings) * first.bound)
    num, den, bound = first.num, first.den, first.bound
    for reading in rest:
        num = num * _expr(reading.den) + reading.num * _expr(den)
        den = _expr(den) * _expr(reading.den)
        bound = 2 * bound * reading.bound
    return Quotient(num, den, known, defined, bound)


def divided(reading: Quotient, count: int) -> Quotient:
    """reading / count, for a mean."""
    den = reading.den * count if isinstance(reading.den, int) else reading.den * integer(count)
    return dataclasses.replace(reading, den=den, bound=reading.bound * count)


def _expr(value: pl.Expr | int) -> pl.Expr:
    return integer(value) if isinstance(value, int) else value


def compare(reading: Quotient, op: str, constant: Decimal | Fraction) -> pl.Expr:
    """reading `op` constant, exactly; null where the reading is missing. Only meaningful where
    the reading is defined (den > 0)."""
    p, q = constant.as_integer_ratio()
    _fits(reading.bound * max(abs(p), q))
    left = reading.num * integer(q) if q != 1 else reading.num
    den = reading.den
    right = integer(p * den) if isinstance(den, int) else den * integer(p)
    return OPS[op](left, right)


def _fits(magnitude: int) -> None:
    if magnitude > _INT128_MAX:
        raise OverflowError(f"an exact comparison could reach {magnitude:.3e}, beyond Int128")
