"""The one rules engine: evaluates any rule set over an enterprise snapshot.

Three-valued logic with expert review: a missing input gives `unknown`, never a guess; an
expert-judged item gives `manual_review` with a points range, and totals carry the range.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal

from kejin.assessment.model import (
    Assessment,
    CriterionResult,
    EnterpriseSnapshot,
    InputValue,
    Points,
    Status,
)
from kejin.assessment.rules import Band, Criterion, Measure, RuleSet

_COMPARE: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}
_STATUS_EN = {
    Status.MET: "met",
    Status.UNMET: "not met",
    Status.UNKNOWN: "unknown, data missing",
    Status.MANUAL_REVIEW: "needs expert review",
    Status.NOT_APPLICABLE: "not applicable",
}
_STATUS_ZH = {
    Status.MET: "符合",
    Status.UNMET: "不符合",
    Status.UNKNOWN: "无法判断（缺少数据）",
    Status.MANUAL_REVIEW: "需专家评审",
    Status.NOT_APPLICABLE: "不适用",
}
ZERO = Decimal(0)


class _ZeroDenominator:
    """A ratio whose denominator is zero: known data, undefined ratio."""


UNDEFINED = _ZeroDenominator()
Reading = Decimal | None | _ZeroDenominator


@dataclasses.dataclass(slots=True)
class _Run:
    snapshot: EnterpriseSnapshot
    done: dict[str, CriterionResult] = dataclasses.field(default_factory=dict)

    def read(self, measure: Measure) -> tuple[Reading, dict[str, InputValue]]:
        top = self.snapshot.value(measure.numerator)
        if measure.denominator is None:
            return _number(top), {measure.numerator: top}
        bottom = self.snapshot.value(measure.denominator)
        inputs = {measure.numerator: top, measure.denominator: bottom}
        top_n, bottom_n = _number(top), _number(bottom)
        if top_n is None or bottom_n is None:
            return None, inputs
        return (UNDEFINED if bottom_n == ZERO else top_n / bottom_n), inputs


def assess(ruleset: RuleSet, snapshot: EnterpriseSnapshot, on: dt.date) -> Assessment:
    """The verdict of `ruleset` for `snapshot`; the caller chose the version in force on `on`."""
    return Assessment(ruleset.version, on, _evaluate(ruleset.root, _Run(snapshot)))


def _number(value: InputValue) -> Decimal | None:
    if value is None or isinstance(value, bool | str | tuple | frozenset):
        return None
    return Decimal(value)


def _evaluate(criterion: Criterion, run: _Run) -> CriterionResult:
    result = _KINDS[criterion.kind](criterion, run)
    run.done[criterion.id] = result
    return result


def _result(
    criterion: Criterion,
    status: Status,
    inputs: Mapping[str, InputValue],
    points: Points | None = None,
    *,
    chosen: str | None = None,
    children: tuple[CriterionResult, ...] = (),
) -> CriterionResult:
    shown = "; ".join(f"{name}={_show(value)}" for name, value in inputs.items())
    points_en = f", {points} points" if points is not None else ""
    points_zh = f"，{points}分" if points is not None else ""
    chosen_en = f", using {chosen}" if chosen else ""
    chosen_zh = f"，采用{chosen}" if chosen else ""
    tail_en, tail_zh = (f" ({shown})", f"（{shown}）") if shown else ("", "")
    return CriterionResult(
        id=criterion.id,
        status=status,
        points=points,
        inputs=dict(inputs),
        sentence_zh=f"{criterion.label_zh}：{_STATUS_ZH[status]}{points_zh}{chosen_zh}{tail_zh}。",
        sentence_en=f"{criterion.label_en}: {_STATUS_EN[status]}{points_en}{chosen_en}{tail_en}.",
        chosen=chosen,
        children=children,
    )


def _show(value: InputValue) -> str:
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(value)) + "}"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return "—" if value is None else str(value)


def _threshold(criterion: Criterion, run: _Run) -> CriterionResult:
    assert criterion.measure is not None
    assert criterion.op is not None
    if isinstance(criterion.value, bool):
        flag = run.snapshot.value(criterion.measure.numerator)
        inputs = {criterion.measure.numerator: flag}
        if flag is None:
            return _result(criterion, Status.UNKNOWN, inputs)
        return _result(criterion, Status.MET if flag is criterion.value else Status.UNMET, inputs)
    reading, inputs = run.read(criterion.measure)
    if reading is None:
        return _result(criterion, Status.UNKNOWN, inputs)
    assert criterion.value is not None
    met = isinstance(reading, Decimal) and _COMPARE[criterion.op](reading, criterion.value)
    return _result(criterion, Status.MET if met else Status.UNMET, inputs)


def _contains_any(criterion: Criterion, run: _Run) -> CriterionResult:
    assert criterion.measure is not None
    held = run.snapshot.value(criterion.measure.numerator)
    inputs = {criterion.measure.numerator: held}
    if not isinstance(held, frozenset):
        return _result(criterion, Status.UNKNOWN, inputs)
    met = not held.isdisjoint(criterion.members)
    return _result(criterion, Status.MET if met else Status.UNMET, inputs)


def _band_points(bands: tuple[Band, ...], reading: Decimal) -> Points:
    for band in bands:
        if reading > band.lower or (reading == band.lower and not band.exclusive):
            return band.points
    return Points.exact(0)


def _scored(
    criterion: Criterion, points: Points, inputs: Mapping[str, InputValue]
) -> CriterionResult:
    status = Status.MET if points.low > ZERO else Status.UNMET
    if not points.is_exact:
        status = Status.MANUAL_REVIEW
    return _result(criterion, status, inputs, points)


def _bands(criterion: Criterion, run: _Run) -> CriterionResult:
    assert criterion.measure is not None
    reading, inputs = run.read(criterion.measure)
    if reading is None:
        return _result(criterion, Status.UNKNOWN, inputs)
    if not isinstance(reading, Decimal):
        return _scored(criterion, Points.exact(0), inputs)
    return _scored(criterion, _band_points(criterion.bands, reading), inputs)


def growth_rate(series: tuple[Decimal, ...]) -> Decimal | None:
    """½·(v2/v1 + v3/v2) − 1 over three years, oldest first; None when it gives no points.

    With v1 = 0 the rate is v3/v2 − 1; with v2 = 0 (or one year only) there is no rate.
    A two-year series uses its actual years: v2/v1 − 1.
    """
    if len(series) == 3:
        v1, v2, v3 = series
        if v2 == ZERO:
            return None
        return v3 / v2 - 1 if v1 == ZERO else (v2 / v1 + v3 / v2) / 2 - 1
    if len(series) == 2 and series[0] != ZERO:
        return series[1] / series[0] - 1
    return None


def _growth(criterion: Criterion, run: _Run) -> CriterionResult:
    assert criterion.measure is not None
    series = run.snapshot.value(criterion.measure.numerator)
    inputs: dict[str, InputValue] = {criterion.measure.numerator: series}
    if not isinstance(series, tuple) or not series:
        return _result(criterion, Status.UNKNOWN, inputs)
    rate = growth_rate(series[-3:])
    inputs["growth_rate"] = None if rate is None else rate.quantize(Decimal("0.0001"))
    points = Points.exact(0) if rate is None else _band_points(criterion.bands, rate)
    return _scored(criterion, points, inputs)


def _tiered_threshold(criterion: Criterion, run: _Run) -> CriterionResult:
    assert criterion.measure is not None
    assert criterion.selector is not None
    selector, selector_inputs = run.read(criterion.selector)
    reading, inputs = run.read(criterion.measure)
    inputs = selector_inputs | inputs
    if not isinstance(selector, Decimal) or reading is None:
        return _result(criterion, Status.UNKNOWN, inputs)
    tier = next(t for t in criterion.tiers if t.up_to is None or selector <= t.up_to)
    inputs["required_minimum"] = tier.minimum
    met = isinstance(reading, Decimal) and reading >= tier.minimum
    return _result(criterion, Status.MET if met else Status.UNMET, inputs)


def _manual(criterion: Criterion, run: _Run) -> CriterionResult:
    return _result(criterion, Status.MANUAL_REVIEW, {}, criterion.points)


def _by_flag(criterion: Criterion, run: _Run) -> CriterionResult:
    assert criterion.measure is not None
    flag = run.snapshot.value(criterion.measure.numerator)
    inputs = {criterion.measure.numerator: flag}
    if not isinstance(flag, bool):
        return _result(criterion, Status.UNKNOWN, inputs)
    points = criterion.when_true if flag else criterion.when_false
    assert points is not None
    return _scored(criterion, points, inputs)


def _ref(criterion: Criterion, run: _Run) -> CriterionResult:
    assert criterion.ref is not None
    target = run.done[criterion.ref]
    return _result(criterion, target.status, {criterion.ref: target.status.value}, target.points)


def _combine(criterion: Criterion, run: _Run, order: tuple[Status, ...]) -> CriterionResult:
    children = tuple(_evaluate(child, run) for child in criterion.children)
    statuses = {child.status for child in children} - {Status.NOT_APPLICABLE}
    status = next((s for s in order if s in statuses), Status.NOT_APPLICABLE)
    return _result(criterion, status, {}, children=children)


def _all_of(criterion: Criterion, run: _Run) -> CriterionResult:
    order = (Status.UNMET, Status.UNKNOWN, Status.MANUAL_REVIEW, Status.MET)
    return _combine(criterion, run, order)


def _any_of(criterion: Criterion, run: _Run) -> CriterionResult:
    order = (Status.MET, Status.MANUAL_REVIEW, Status.UNKNOWN, Status.UNMET)
    return _combine(criterion, run, order)


def _best_of(criterion: Criterion, run: _Run) -> CriterionResult:
    children = tuple(_evaluate(child, run) for child in criterion.children)
    scored = [child for child in children if child.points is not None]
    ceiling = max(
        (
            _most(option)
            for option, child in zip(criterion.children, children, strict=True)
            if child.points is None
        ),
        default=None,
    )
    if not scored:
        return _result(criterion, Status.UNKNOWN, {}, children=children)
    best = max(scored, key=lambda child: (child.points.high, child.points.low))  # type: ignore[union-attr]
    assert best.points is not None
    if ceiling is not None and best.points.low < ceiling:
        return _result(criterion, Status.UNKNOWN, {}, children=children)
    return _result(criterion, best.status, {}, best.points, chosen=best.id, children=children)


def _most(criterion: Criterion) -> Decimal:
    """The most points a banded option can give: an unknown option might give this much."""
    return max((band.points.high for band in criterion.bands), default=ZERO)


def _total(criterion: Criterion, run: _Run) -> CriterionResult:
    children = tuple(_evaluate(child, run) for child in criterion.children)
    if any(child.points is None for child in children):
        return _result(criterion, Status.UNKNOWN, {}, children=children)
    points = sum((c.points for c in children if c.points), Points.exact(0)).capped(criterion.cap)
    return _result(criterion, _range_status(points, criterion), {}, points, children=children)


def _range_status(points: Points, criterion: Criterion) -> Status:
    """A pass mark met by the whole range is met, by none unmet, by part of it for an expert."""
    if criterion.op is None:
        return Status.MET if points.is_exact else Status.MANUAL_REVIEW
    assert criterion.op is not None
    assert isinstance(criterion.value, Decimal)
    passes = _COMPARE[criterion.op]
    low, high = passes(points.low, criterion.value), passes(points.high, criterion.value)
    if low == high:
        return Status.MET if low else Status.UNMET
    return Status.MANUAL_REVIEW


_KINDS: dict[str, Callable[[Criterion, _Run], CriterionResult]] = {
    "threshold": _threshold,
    "contains_any": _contains_any,
    "bands": _bands,
    "growth": _growth,
    "tiered_threshold": _tiered_threshold,
    "manual": _manual,
    "by_flag": _by_flag,
    "ref": _ref,
    "all_of": _all_of,
    "any_of": _any_of,
    "best_of": _best_of,
    "total": _total,
}
