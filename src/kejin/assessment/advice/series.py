"""Series levers: what the latest fiscal year would have to be for a history-based criterion.

Past years cannot change, so every move here is to the latest year of a history (sales, net
assets, R&D), read as the year to be assessed next: the HNTE growth rate (`growth`), compound
growth (`cagr`) and year-by-year figures (`yearly`). Each finds the least latest-year value, on
the input's grid, that reaches a bound; the engine re-checks every plan exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

from kejin.assessment.advice.changes import history_change
from kejin.assessment.advice.effort import InputEffort, Lever, Text
from kejin.assessment.advice.levers import ROUNDING_TRIES, Level, Option, Scene, on_grid
from kejin.assessment.model import CriterionResult, Status
from kejin.assessment.standards.evaluation import COMPARE
from kejin.assessment.standards.growth import growth_rate
from kejin.assessment.standards.rules import Criterion

Reaches = Callable[[Decimal], bool]  # does this latest-year value reach the bound?
_LATEST_ALONE = Text("无法通过提高最近一年的数据达到", "the latest year alone cannot reach it")
_PAST = Text(
    "评价期内较早年度的数据未达到，现已无法改变，须待该年度移出评价期",
    "an earlier year in the period falls short and cannot change now; it must leave the period",
)


def rate_levels(criterion: Criterion, result: CriterionResult, scene: Scene) -> list[Level]:
    """One level per better band of a growth or CAGR criterion."""
    found: list[Level] = []
    for band in criterion.bands:
        option = _rate_option(criterion, scene, band.lower, ">" if band.exclusive else ">=")
        if option is not None:
            found.append(Level(band.points, option))
    return found


def rate_pass(criterion: Criterion, result: CriterionResult, scene: Scene) -> tuple[Option, ...]:
    """A growth or CAGR criterion with a pass mark: the latest year that reaches it."""
    if result.status is Status.UNKNOWN:
        scene.note_missing(result)
        return ()
    assert criterion.op is not None
    assert isinstance(criterion.value, Decimal)
    option = _rate_option(criterion, scene, criterion.value, criterion.op)
    if option is None:
        scene.block(criterion, _series_name(criterion), _NO_RATE)
        return ()
    return (option,)


_NO_RATE = Text(
    "无法通过提高最近一年的数据达到（基期为零或不足）",
    "the latest year alone cannot reach it (the base year is zero or too short)",
)


def _rate_option(criterion: Criterion, scene: Scene, bound: Decimal, op: str) -> Option | None:
    if op not in (">=", ">"):
        return None
    name = _series_name(criterion)
    spec, series = _history(scene, name)
    if spec is None or series is None:
        return None
    if criterion.kind == "cagr":
        assert criterion.years is not None
        target, reaches = _cagr_target(series, criterion.years, bound, op)
    else:
        target, reaches = _growth_target(series[-3:], bound, op)
    last = _least_last(series[-1], target, spec.step, reaches)
    if last is None or last <= series[-1]:
        return None
    label = Text(criterion.label_zh, criterion.label_en)
    return scene.option([history_change(scene.ground, name, last, criterion.id, label)])


def _growth_target(
    series: tuple[Decimal, ...], rate: Decimal, op: str
) -> tuple[Decimal | None, Reaches]:
    """½·(v2/v1 + v3/v2) − 1 ≥ r gives v3 ≥ v2·(2(1 + r) − v2/v1); v1 = 0: v3 ≥ v2·(1 + r)."""
    if len(series) == 3 and series[1] != 0:
        v1, v2, _ = series
        target = v2 * (1 + rate) if v1 == 0 else v2 * (2 * (1 + rate) - v2 / v1)
    elif len(series) == 2 and series[0] != 0:
        target = series[0] * (1 + rate)
    else:
        target = None

    def reaches(last: Decimal) -> bool:
        achieved = growth_rate((*series[:-1], last))
        return achieved is not None and COMPARE[op](achieved, rate)

    return target, reaches


def _cagr_target(
    series: tuple[Decimal, ...], years: int, rate: Decimal, op: str
) -> tuple[Decimal | None, Reaches]:
    """last / first ≥ (1 + t)^(years − 1), as the engine decides it, in exact fractions."""
    if len(series) < years or series[-years] <= 0:
        return None, lambda last: False
    first, periods = Fraction(series[-years]), years - 1
    factor = (1 + Fraction(rate)) ** periods

    def reaches(last: Decimal) -> bool:
        return _holds(op, Fraction(last) / first, factor)

    return _decimal(first * factor), reaches


def yearly_pass(criterion: Criterion, result: CriterionResult, scene: Scene) -> tuple[Option, ...]:
    """The latest year a `yearly` criterion needs, the earlier years of its period as they are.

    Each year must pass: the earlier ones must already; the latest must reach the bound. A sum
    or mean: the latest year makes up what the earlier ones lack. For a ratio of two histories
    (R&D / sales) the numerator moves at the latest year's denominator.
    """
    if result.status is Status.UNKNOWN:
        scene.note_missing(result)
        return ()
    assert criterion.measure is not None
    assert criterion.years is not None
    assert isinstance(criterion.value, Decimal)
    name = criterion.measure.numerator
    spec, tops = _history(scene, name)
    bottoms = _bottoms(criterion, scene)
    if spec is None or tops is None or bottoms is None or criterion.op not in (">=", ">"):
        scene.block(criterion, name, _LATEST_ALONE)
        return ()
    years, op = criterion.years, criterion.op
    pairs = zip(tops[-years:-1], bottoms[-years:-1], strict=True)
    ratios = [Fraction(top) / bottom for top, bottom in pairs if bottom]
    needed = _latest_needed(criterion, ratios) if len(ratios) == years - 1 else None
    if needed is None or bottoms[-1] == 0:
        scene.block(criterion, name, _PAST if needed is None else _LATEST_ALONE)
        return ()
    target = needed * bottoms[-1]

    def reaches(last: Decimal) -> bool:
        return _holds(op, Fraction(last) / bottoms[-1], needed)

    last = _least_last(tops[-1], _decimal(target), spec.step, reaches)
    if last is None:
        scene.block(criterion, name, _LATEST_ALONE)
        return ()
    label = Text(criterion.label_zh, criterion.label_en)
    return (scene.option([history_change(scene.ground, name, last, criterion.id, label)]),)


def _latest_needed(criterion: Criterion, earlier: list[Fraction]) -> Fraction | None:
    """The least latest-year value (or ratio); None when an earlier year fails on its own."""
    assert criterion.years is not None
    assert isinstance(criterion.value, Decimal)
    assert criterion.op is not None
    bound = Fraction(criterion.value)
    if criterion.aggregate == "each":
        return bound if all(_holds(criterion.op, value, bound) for value in earlier) else None
    total = bound * (criterion.years if criterion.aggregate == "mean" else 1)
    return total - sum(earlier, Fraction(0))


def _bottoms(criterion: Criterion, scene: Scene) -> tuple[Fraction, ...] | None:
    """The denominators year by year: a second history, or ones for a plain history."""
    assert criterion.measure is not None
    assert criterion.years is not None
    if criterion.measure.denominator is None:
        return tuple(Fraction(1) for _ in range(criterion.years))
    series = scene.ground.snapshot.value(criterion.measure.denominator)
    if not isinstance(series, tuple) or len(series) < criterion.years:
        return None
    return tuple(Fraction(value) for value in series)


def _history(scene: Scene, name: str) -> tuple[InputEffort | None, tuple[Decimal, ...] | None]:
    spec = scene.ground.model.inputs.get(name)
    series = scene.ground.snapshot.value(name)
    if spec is None or spec.lever is not Lever.HISTORY or not spec.moves(up=True):
        return None, None
    return spec, series if isinstance(series, tuple) and series else None


def _series_name(criterion: Criterion) -> str:
    assert criterion.measure is not None
    return criterion.measure.numerator


def _least_last(
    current: Decimal, target: Decimal | None, step: Decimal, reaches: Reaches
) -> Decimal | None:
    """The least latest-year value on the grid from `current` that reaches the bound."""
    if target is None:
        return None
    value = on_grid(current, max(target, current), ">=", step)
    for _ in range(ROUNDING_TRIES):
        if value is None:
            return None
        if reaches(value):
            return value
        value += step
    return None


def _holds(op: str, left: Fraction, right: Fraction) -> bool:
    """`left op right` in exact fractions, as the engine decides it."""
    difference = left - right
    return COMPARE[op](Decimal((difference > 0) - (difference < 0)), Decimal(0))


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)
