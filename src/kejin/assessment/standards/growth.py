"""Criterion kinds over yearly series: growth between two years, compound annual growth over a
span, and a condition held year by year."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from kejin.assessment.model import CriterionResult, EnterpriseSnapshot, InputValue, Points, Status
from kejin.assessment.standards.evaluation import (
    COMPARE,
    LOWER,
    ZERO,
    ZERO_POINTS,
    Run,
    band_points,
    result,
    scored,
)
from kejin.assessment.standards.rules import Criterion, Measure


def growth_rate(series: tuple[Decimal, ...]) -> Fraction | None:
    """½·(v2/v1 + v3/v2) − 1 over three years, oldest first; None when it gives no points.

    With v1 = 0 the rate is v3/v2 − 1; with v2 = 0 (or one year only) there is no rate.
    A two-year series uses its actual years: v2/v1 − 1. Exact, so a rate on a band edge
    stays on it.
    """
    years = tuple(Fraction(value) for value in series)
    if len(years) == 3:
        v1, v2, v3 = years
        if v2 == 0:
            return None
        return v3 / v2 - 1 if v1 == 0 else (v2 / v1 + v3 / v2) / 2 - 1
    if len(years) == 2 and years[0] != 0:
        return years[1] / years[0] - 1
    return None


def growth(criterion: Criterion, run: Run) -> CriterionResult:
    assert criterion.measure is not None
    series = run.snapshot.value(criterion.measure.numerator)
    inputs: dict[str, InputValue] = {criterion.measure.numerator: series}
    if not isinstance(series, tuple) or not series:
        return result(criterion, Status.UNKNOWN, inputs)
    rate = growth_rate(series[-3:])
    inputs["growth_rate"] = None if rate is None else _four_places(rate)
    if criterion.op is not None:
        assert isinstance(criterion.value, Decimal)
        met = rate is not None and COMPARE[criterion.op](rate, criterion.value)
        return result(criterion, Status.MET if met else Status.UNMET, inputs)
    points = Points.exact(0) if rate is None else band_points(criterion.bands, rate)
    return scored(criterion, points, inputs)


def _holds(op: str, left: Fraction, right: Fraction) -> bool:
    """`left op right`, exactly: the sign of the difference is compared with zero."""
    difference = left - right
    return COMPARE[op](Decimal((difference > 0) - (difference < 0)), ZERO)


def _four_places(value: Fraction) -> Decimal:
    """An exact value as shown in the inputs, rounded half-even to 0.0001."""
    return Decimal(round(value * 10_000)).scaleb(-4)


def cagr(criterion: Criterion, run: Run) -> CriterionResult:
    """(last / first)^(1/(years − 1)) − 1 over the last `years` values, never computed as a
    number: a bound t is reached when last / first ≥ (1 + t)^(years − 1), in exact fractions."""
    assert criterion.measure is not None
    assert criterion.years is not None
    name = criterion.measure.numerator
    series = run.snapshot.value(name)
    inputs: dict[str, InputValue] = {name: series}
    if not isinstance(series, tuple) or len(series) < criterion.years:
        return result(criterion, Status.UNKNOWN, inputs)
    first, last = Fraction(series[-criterion.years]), Fraction(series[-1])
    periods = criterion.years - 1
    ratio = last / first if first > 0 else None
    inputs["cagr"] = None if ratio is None else _shown_cagr(ratio, periods)

    def reaches(op: str, bound: Decimal) -> bool:
        return ratio is not None and _holds(op, ratio, (1 + Fraction(bound)) ** periods)

    if criterion.op is not None:
        assert isinstance(criterion.value, Decimal)
        met = reaches(criterion.op, criterion.value)
        return result(criterion, Status.MET if met else Status.UNMET, inputs)
    points = next(
        (band.points for band in criterion.bands if reaches(LOWER[band.exclusive], band.lower)),
        ZERO_POINTS,
    )
    return scored(criterion, points, inputs)


def _shown_cagr(ratio: Fraction, periods: int) -> Decimal | None:
    """The rate for the explanation only (a root is not exact); decisions never read it."""
    if periods == 1:
        return _four_places(ratio - 1)
    if ratio < 0:
        return None
    root = (Decimal(ratio.numerator) / Decimal(ratio.denominator)) ** (Decimal(1) / periods)
    return (root - 1).quantize(Decimal("0.0001"))


def yearly(criterion: Criterion, run: Run) -> CriterionResult:
    """The last `years` values of a history (or year-by-year ratio of two), folded by
    `aggregate`: each year must pass, or their sum or mean must; exact fractions."""
    assert criterion.measure is not None
    assert criterion.years is not None
    assert criterion.op is not None
    assert isinstance(criterion.value, Decimal)
    values, inputs = _last_years(run.snapshot, criterion.measure, criterion.years)
    if values is None:
        return result(criterion, Status.UNKNOWN, inputs)
    target = Fraction(criterion.value)
    known = [value for value in values if value is not None]
    if len(known) < len(values):  # a year with a zero denominator has no ratio: it fails
        met = False
    elif criterion.aggregate == "each":
        met = all(_holds(criterion.op, value, target) for value in known)
    else:
        folded = sum(known, Fraction(0)) / (len(known) if criterion.aggregate == "mean" else 1)
        inputs[str(criterion.aggregate)] = _four_places(folded)
        met = _holds(criterion.op, folded, target)
    return result(criterion, Status.MET if met else Status.UNMET, inputs)


def _last_years(
    snapshot: EnterpriseSnapshot, measure: Measure, years: int
) -> tuple[list[Fraction | None] | None, dict[str, InputValue]]:
    """The last `years` values, aligned at the last fiscal year; None if any is missing."""
    names = [measure.numerator] + ([measure.denominator] if measure.denominator else [])
    inputs: dict[str, InputValue] = {name: snapshot.value(name) for name in names}
    series = [value for value in inputs.values() if isinstance(value, tuple)]
    if len(series) < len(names) or any(len(values) < years for values in series):
        return None, inputs
    tops = [Fraction(value) for value in series[0][-years:]]
    if len(series) == 1:
        return list(tops), inputs
    bottoms = [Fraction(value) for value in series[1][-years:]]
    ratios = [top / bottom if bottom else None for top, bottom in zip(tops, bottoms, strict=True)]
    inputs["ratios"] = tuple(_four_places(ratio) for ratio in ratios if ratio is not None)
    return ratios, inputs
