"""Batch compile functions for the kinds that read inputs, each mirroring the engine's function
for its kind; readings are compared exactly through `kejin.assessment.batch.exact`."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import polars as pl

from kejin.assessment.batch import exact
from kejin.assessment.batch.blocks import (
    Compiled,
    Compiler,
    constant,
    first_of,
    first_points,
    met_unmet,
)
from kejin.assessment.model import Status
from kejin.assessment.standards.rules import Criterion

_LOWER = {False: ">=", True: ">"}  # how a band's lower bound is reached: inclusive, exclusive
Edge = Callable[[Decimal], Decimal | Fraction]


def _as_is(bound: Decimal) -> Decimal:
    return bound


def _threshold(criterion: Criterion, compiler: Compiler) -> Compiled:
    assert criterion.measure is not None
    assert criterion.op is not None
    if isinstance(criterion.value, bool):
        name = criterion.measure.numerator
        flag = pl.col(name)
        holds = flag == criterion.value if compiler.dtype(name) == pl.Boolean() else pl.lit(False)
        return met_unmet(flag.is_null(), holds)
    reading = compiler.reading(criterion.measure)
    if reading is None:
        return constant(Status.UNKNOWN)
    return _passes(criterion, reading)


def _contains_any(criterion: Criterion, compiler: Compiler) -> Compiled:
    assert criterion.measure is not None
    name = criterion.measure.numerator
    held = pl.col(name)
    dtype = compiler.dtype(name)
    if dtype == pl.String():  # a text input is one token, as in the engine
        return met_unmet(held.is_null(), held.is_in(pl.Series(criterion.members, dtype=dtype)))
    if dtype != pl.List(pl.String()):
        return constant(Status.UNKNOWN)
    met = pl.any_horizontal(pl.lit(False), *(held.list.contains(m) for m in criterion.members))
    return met_unmet(held.is_null(), met)


def _passes(criterion: Criterion, reading: exact.Quotient, edge: Edge = _as_is) -> Compiled:
    """Met where the reading passes the mark (`edge(value)`); a reading without a value (a zero
    denominator, no rate) fails it; unknown where an input is missing."""
    assert criterion.op is not None
    assert isinstance(criterion.value, Decimal)
    met = reading.defined & exact.compare(reading, criterion.op, edge(criterion.value))
    return met_unmet(~reading.known, met)


def _banded(
    criterion: Criterion, compiler: Compiler, reading: exact.Quotient, edge: Edge = _as_is
) -> Compiled:
    """The points of the first band whose lower bound (`edge(lower)`) is reached; none
    reached, or a reading without a value, scores zero."""
    reading = compiler.shared(criterion, reading)
    choices = [
        (
            reading.defined & exact.compare(reading, _LOWER[band.exclusive], edge(band.lower)),
            compiler.points(band.points),
        )
        for band in criterion.bands
    ]
    return first_points(~reading.known, choices, (0, 0))


def _bands(criterion: Criterion, compiler: Compiler) -> Compiled:
    reading = compiler.reading(criterion.measure)
    if reading is None:
        return constant(Status.UNKNOWN)
    return _banded(criterion, compiler, reading)


def _growth(criterion: Criterion, compiler: Compiler) -> Compiled:
    """The HNTE growth rate (`exact.growth`), banded or against a pass mark."""
    assert criterion.measure is not None
    history = compiler.history(criterion.measure.numerator, 3)
    if history is None:
        return constant(Status.UNKNOWN)
    v1, v2, v3 = history.years
    rate = exact.growth(v1, v2, v3, history.length)
    rate = dataclasses.replace(rate, known=history.column.is_not_null() & (history.length > 0))
    if criterion.op is not None:
        return _passes(criterion, compiler.shared(criterion, rate))
    return _banded(criterion, compiler, rate)


def _cagr(criterion: Criterion, compiler: Compiler) -> Compiled:
    """The engine's `_cagr`: a rate t is reached when last/first ≥ (1 + t)^(years − 1); both
    values have the same scale, so their unscaled quotient is the ratio. first ≤ 0: no rate."""
    assert criterion.measure is not None
    assert criterion.years is not None
    history = compiler.history(criterion.measure.numerator, criterion.years)
    if history is None:
        return constant(Status.UNKNOWN)
    first, last = history.years[0], history.years[-1]
    growth = exact.Quotient(last, first, history.held, first > 0, exact.INPUT_LIMIT)
    periods = criterion.years - 1

    def edge(rate: Decimal) -> Fraction:
        return (1 + Fraction(rate)) ** periods

    if criterion.op is not None:
        return _passes(criterion, growth, edge)
    return _banded(criterion, compiler, growth, edge)


def _yearly(criterion: Criterion, compiler: Compiler) -> Compiled:
    """The engine's `_yearly`: the last `years` values (or year-by-year ratios of two
    histories), each against the mark, or their sum or mean; a zero denominator fails."""
    assert criterion.measure is not None
    assert criterion.years is not None
    tops = compiler.history(criterion.measure.numerator, criterion.years)
    bottoms = tops
    if criterion.measure.denominator is not None:
        bottoms = compiler.history(criterion.measure.denominator, criterion.years)
    if tops is None or bottoms is None:
        return constant(Status.UNKNOWN)
    readings = [
        exact.plain(top, tops.scale)
        if bottoms is tops
        else exact.ratio((top, tops.scale), (bottom, bottoms.scale))
        for top, bottom in zip(tops.years, bottoms.years, strict=True)
    ]
    held = tops.held & bottoms.held
    if criterion.aggregate == "each":
        assert criterion.op is not None
        assert isinstance(criterion.value, Decimal)
        passes = [r.defined & exact.compare(r, criterion.op, criterion.value) for r in readings]
        return met_unmet(~held, pl.all_horizontal(passes))
    folded = exact.total(readings)
    if criterion.aggregate == "mean":
        folded = exact.divided(folded, criterion.years)
    return _passes(criterion, dataclasses.replace(folded, known=held))


def _tiered_threshold(criterion: Criterion, compiler: Compiler) -> Compiled:
    """The engine's `_tiered_threshold`: the first tier holding the selector sets the minimum."""
    if not criterion.tiers or criterion.tiers[-1].up_to is not None:
        compiler.refuse(f"the last tier of {criterion.id!r} must be open (up_to null)")
    selector = compiler.reading(criterion.selector)
    reading = compiler.reading(criterion.measure)
    if selector is None or reading is None:
        return constant(Status.UNKNOWN)
    selector = compiler.shared(criterion, selector, "selector")
    reading = compiler.shared(criterion, reading)
    tiers = [
        (
            pl.lit(True) if tier.up_to is None else exact.compare(selector, "<=", tier.up_to),
            reading.defined & exact.compare(reading, ">=", tier.minimum),
        )
        for tier in criterion.tiers
    ]
    unknown = ~(selector.known & selector.defined & reading.known)
    return met_unmet(unknown, first_of(tiers, pl.lit(False)))


def _manual(criterion: Criterion, compiler: Compiler) -> Compiled:
    points = None if criterion.points is None else compiler.points(criterion.points)
    return constant(Status.MANUAL_REVIEW, points)  # an expert judges it, with or without points


def _by_flag(criterion: Criterion, compiler: Compiler) -> Compiled:
    assert criterion.measure is not None
    assert criterion.when_true is not None
    assert criterion.when_false is not None
    name = criterion.measure.numerator
    if compiler.dtype(name) != pl.Boolean():
        return constant(Status.UNKNOWN)
    flag = pl.col(name)
    when_true = compiler.points(criterion.when_true)
    when_false = compiler.points(criterion.when_false)
    return first_points(flag.is_null(), [(flag, when_true)], when_false)


INPUT_KINDS: dict[str, Callable[[Criterion, Compiler], Compiled]] = {
    "threshold": _threshold,
    "contains_any": _contains_any,
    "bands": _bands,
    "growth": _growth,
    "cagr": _cagr,
    "yearly": _yearly,
    "tiered_threshold": _tiered_threshold,
    "manual": _manual,
    "by_flag": _by_flag,
}
