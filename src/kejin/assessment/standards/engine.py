"""The one rules engine: evaluates any rule set over an enterprise snapshot.

Three-valued logic with expert review: a missing input gives `unknown`, never a guess; an
expert-judged item gives `manual_review` with a points range, and totals carry the range.

`assess_many` serves one firm and many rule sets (financing products matched to it): an input
criterion held identically by several of them is evaluated once, and results may go without
their sentences when only statuses and points are wanted.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import operator
from collections.abc import Callable, Hashable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

from kejin.assessment.model import (
    Assessment,
    CriterionResult,
    EnterpriseSnapshot,
    InputValue,
    Points,
    Status,
)
from kejin.assessment.standards.rules import Band, Criterion, Measure, RuleSet

COMPARE: dict[str, Callable[[Decimal | Fraction, Decimal | Fraction], bool]] = {
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
ZERO_POINTS = Points.exact(0)
_LOWER = {False: ">=", True: ">"}  # how a band's lower bound is reached: inclusive, exclusive


class _ZeroDenominator:
    """A ratio whose denominator is zero: known data, undefined ratio."""


UNDEFINED = _ZeroDenominator()
Reading = Fraction | None | _ZeroDenominator  # exact: ratios are never rounded


@dataclasses.dataclass(slots=True)
class _Run:
    snapshot: EnterpriseSnapshot
    done: dict[str, CriterionResult] = dataclasses.field(default_factory=dict)
    memo: dict[Hashable, CriterionResult] | None = None  # input criteria shared by rule sets

    def read(self, measure: Measure) -> tuple[Reading, dict[str, InputValue]]:
        top = self.snapshot.value(measure.numerator)
        if measure.denominator is None:
            return _exact(_number(top)), {measure.numerator: top}
        bottom = self.snapshot.value(measure.denominator)
        inputs = {measure.numerator: top, measure.denominator: bottom}
        top_n, bottom_n = _number(top), _number(bottom)
        if top_n is None or bottom_n is None:
            return None, inputs
        return (UNDEFINED if bottom_n == ZERO else Fraction(top_n) / Fraction(bottom_n)), inputs


def assess(
    ruleset: RuleSet, snapshot: EnterpriseSnapshot, on: dt.date, *, explain: bool = True
) -> Assessment:
    """The verdict of `ruleset` for `snapshot`; the caller chose the version in force on `on`.
    Without `explain` every result's sentences are empty (about half the time goes into them)."""
    return _assessed(ruleset, _Run(snapshot), on, explain=explain)


def _number(value: InputValue) -> Decimal | None:
    if value is None or isinstance(value, bool | str | tuple | frozenset):
        return None
    return Decimal(value)


def _exact(number: Decimal | None) -> Fraction | None:
    return None if number is None else Fraction(number)


def _evaluate(criterion: Criterion, run: _Run) -> CriterionResult:
    if run.memo is not None and criterion.kind in _READS_INPUTS_ONLY:
        result = _recalled(criterion, run, run.memo)
    else:
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
    if not _EXPLAIN.get():
        return CriterionResult(criterion.id, status, points, dict(inputs), "", "", chosen, children)
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
    met = isinstance(reading, Fraction) and COMPARE[criterion.op](reading, criterion.value)
    return _result(criterion, Status.MET if met else Status.UNMET, inputs)


def _contains_any(criterion: Criterion, run: _Run) -> CriterionResult:
    assert criterion.measure is not None
    held = run.snapshot.value(criterion.measure.numerator)
    inputs = {criterion.measure.numerator: held}
    if isinstance(held, str):  # a text input is one token: "stage in (seed, start_up)"
        held = frozenset((held,))
    if not isinstance(held, frozenset):
        return _result(criterion, Status.UNKNOWN, inputs)
    met = not held.isdisjoint(criterion.members)
    return _result(criterion, Status.MET if met else Status.UNMET, inputs)


def _band_points(bands: tuple[Band, ...], reading: Fraction) -> Points:
    for band in bands:
        if reading > band.lower or (reading == band.lower and not band.exclusive):
            return band.points
    return Points.exact(0)


def _scored(
    criterion: Criterion,
    points: Points,
    inputs: Mapping[str, InputValue],
    *,
    chosen: str | None = None,
    children: tuple[CriterionResult, ...] = (),
) -> CriterionResult:
    status = Status.MET if points.low > ZERO else Status.UNMET
    if not points.is_exact:
        status = Status.MANUAL_REVIEW
    return _result(criterion, status, inputs, points, chosen=chosen, children=children)


def _bands(criterion: Criterion, run: _Run) -> CriterionResult:
    assert criterion.measure is not None
    reading, inputs = run.read(criterion.measure)
    if reading is None:
        return _result(criterion, Status.UNKNOWN, inputs)
    if not isinstance(reading, Fraction):
        return _scored(criterion, Points.exact(0), inputs)
    return _scored(criterion, _band_points(criterion.bands, reading), inputs)


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


def _growth(criterion: Criterion, run: _Run) -> CriterionResult:
    assert criterion.measure is not None
    series = run.snapshot.value(criterion.measure.numerator)
    inputs: dict[str, InputValue] = {criterion.measure.numerator: series}
    if not isinstance(series, tuple) or not series:
        return _result(criterion, Status.UNKNOWN, inputs)
    rate = growth_rate(series[-3:])
    inputs["growth_rate"] = None if rate is None else _four_places(rate)
    if criterion.op is not None:
        assert isinstance(criterion.value, Decimal)
        met = rate is not None and COMPARE[criterion.op](rate, criterion.value)
        return _result(criterion, Status.MET if met else Status.UNMET, inputs)
    points = Points.exact(0) if rate is None else _band_points(criterion.bands, rate)
    return _scored(criterion, points, inputs)


def _holds(op: str, left: Fraction, right: Fraction) -> bool:
    """`left op right`, exactly: the sign of the difference is compared with zero."""
    difference = left - right
    return COMPARE[op](Decimal((difference > 0) - (difference < 0)), ZERO)


def _four_places(value: Fraction) -> Decimal:
    """An exact value as shown in the inputs, rounded half-even to 0.0001."""
    return Decimal(round(value * 10_000)).scaleb(-4)


def _cagr(criterion: Criterion, run: _Run) -> CriterionResult:
    """(last / first)^(1/(years − 1)) − 1 over the last `years` values, never computed as a
    number: a bound t is reached when last / first ≥ (1 + t)^(years − 1), in exact fractions."""
    assert criterion.measure is not None
    assert criterion.years is not None
    name = criterion.measure.numerator
    series = run.snapshot.value(name)
    inputs: dict[str, InputValue] = {name: series}
    if not isinstance(series, tuple) or len(series) < criterion.years:
        return _result(criterion, Status.UNKNOWN, inputs)
    first, last = Fraction(series[-criterion.years]), Fraction(series[-1])
    periods = criterion.years - 1
    ratio = last / first if first > 0 else None
    inputs["cagr"] = None if ratio is None else _shown_cagr(ratio, periods)

    def reaches(op: str, bound: Decimal) -> bool:
        return ratio is not None and _holds(op, ratio, (1 + Fraction(bound)) ** periods)

    if criterion.op is not None:
        assert isinstance(criterion.value, Decimal)
        met = reaches(criterion.op, criterion.value)
        return _result(criterion, Status.MET if met else Status.UNMET, inputs)
    points = next(
        (band.points for band in criterion.bands if reaches(_LOWER[band.exclusive], band.lower)),
        ZERO_POINTS,
    )
    return _scored(criterion, points, inputs)


def _shown_cagr(ratio: Fraction, periods: int) -> Decimal | None:
    """The rate for the explanation only (a root is not exact); decisions never read it."""
    if periods == 1:
        return _four_places(ratio - 1)
    if ratio < 0:
        return None
    root = (Decimal(ratio.numerator) / Decimal(ratio.denominator)) ** (Decimal(1) / periods)
    return (root - 1).quantize(Decimal("0.0001"))


def _yearly(criterion: Criterion, run: _Run) -> CriterionResult:
    """The last `years` values of a history (or year-by-year ratio of two), folded by
    `aggregate`: each year must pass, or their sum or mean must; exact fractions."""
    assert criterion.measure is not None
    assert criterion.years is not None
    assert criterion.op is not None
    assert isinstance(criterion.value, Decimal)
    values, inputs = _last_years(run.snapshot, criterion.measure, criterion.years)
    if values is None:
        return _result(criterion, Status.UNKNOWN, inputs)
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
    return _result(criterion, Status.MET if met else Status.UNMET, inputs)


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


def _ladder(criterion: Criterion, run: _Run) -> CriterionResult:
    """The points of the first rung whose condition is met; a rung that cannot be decided
    before it leaves the ladder unknown (the higher rung might have applied)."""
    conditions = tuple(_evaluate(rung.when, run) for rung in criterion.rungs)
    for rung, condition in zip(criterion.rungs, conditions, strict=True):
        if condition.status is Status.MET:
            return _scored(criterion, rung.points, {}, chosen=condition.id, children=conditions)
        if condition.status not in (Status.UNMET, Status.NOT_APPLICABLE):
            return _result(criterion, Status.UNKNOWN, {}, children=conditions)
    otherwise = criterion.otherwise or ZERO_POINTS
    return _scored(criterion, otherwise, {}, children=conditions)


def _applies_if(criterion: Criterion, run: _Run) -> CriterionResult:
    """The child's answer where the flag equals `value`; elsewhere the child does not apply."""
    assert criterion.measure is not None
    child = _evaluate(criterion.children[0], run)
    name = criterion.measure.numerator
    flag = run.snapshot.value(name)
    inputs = {name: flag}
    if not isinstance(flag, bool):
        return _result(criterion, Status.UNKNOWN, inputs, children=(child,))
    if flag is not criterion.value:
        return _result(criterion, Status.NOT_APPLICABLE, inputs, children=(child,))
    return _result(criterion, child.status, inputs, child.points, children=(child,))


def _tiered_threshold(criterion: Criterion, run: _Run) -> CriterionResult:
    assert criterion.measure is not None
    assert criterion.selector is not None
    selector, selector_inputs = run.read(criterion.selector)
    reading, inputs = run.read(criterion.measure)
    inputs = selector_inputs | inputs
    if not isinstance(selector, Fraction) or reading is None:
        return _result(criterion, Status.UNKNOWN, inputs)
    tier = next(t for t in criterion.tiers if t.up_to is None or selector <= t.up_to)
    inputs["required_minimum"] = tier.minimum
    met = isinstance(reading, Fraction) and reading >= tier.minimum
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
    ceilings = [band.points.high for band in criterion.bands]
    ceilings += [rung.points.high for rung in criterion.rungs]
    if criterion.otherwise is not None:
        ceilings.append(criterion.otherwise.high)
    return max(ceilings, default=ZERO)


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
    passes = COMPARE[criterion.op]
    low, high = passes(points.low, criterion.value), passes(points.high, criterion.value)
    if low == high:
        return Status.MET if low else Status.UNMET
    return Status.MANUAL_REVIEW


_KINDS: dict[str, Callable[[Criterion, _Run], CriterionResult]] = {
    "threshold": _threshold,
    "contains_any": _contains_any,
    "bands": _bands,
    "growth": _growth,
    "cagr": _cagr,
    "yearly": _yearly,
    "ladder": _ladder,
    "applies_if": _applies_if,
    "tiered_threshold": _tiered_threshold,
    "manual": _manual,
    "by_flag": _by_flag,
    "ref": _ref,
    "all_of": _all_of,
    "any_of": _any_of,
    "best_of": _best_of,
    "total": _total,
}


# --- one firm, many rule sets ------------------------------------------------------------------

# Whether `_result` writes sentences; a context variable, so that the kinds need not carry it.
_EXPLAIN = contextvars.ContextVar("explain", default=True)
# Kinds whose result depends on the criterion's own fields and the snapshot alone.
_READS_INPUTS_ONLY = frozenset(
    {
        "threshold",
        "contains_any",
        "bands",
        "growth",
        "cagr",
        "yearly",
        "tiered_threshold",
        "manual",
        "by_flag",
    }
)


def assess_many(
    rulesets: Sequence[RuleSet], snapshot: EnterpriseSnapshot, on: dt.date, *, explain: bool = False
) -> tuple[Assessment, ...]:
    """`assess` of every rule set for one snapshot, in order; an input criterion that several
    rule sets (or places in one) hold alike is evaluated once. Sentences only with `explain`."""
    memo: dict[Hashable, CriterionResult] = {}
    return tuple(
        _assessed(ruleset, _Run(snapshot, memo=memo), on, explain=explain) for ruleset in rulesets
    )


def _assessed(ruleset: RuleSet, run: _Run, on: dt.date, *, explain: bool) -> Assessment:
    token = _EXPLAIN.set(explain)
    try:
        return Assessment(ruleset.version, on, _evaluate(ruleset.root, run))
    finally:
        _EXPLAIN.reset(token)


def _recalled(
    criterion: Criterion, run: _Run, memo: dict[Hashable, CriterionResult]
) -> CriterionResult:
    """The result of an input criterion alike but for its id (and labels, when there are no
    sentences to word), evaluated once. The value's type is part of the key because
    `True == Decimal(1)`, while a flag and a number mark are read differently."""
    key: Hashable = (type(criterion.value), _alike(criterion))
    if _EXPLAIN.get():
        key = (key, criterion.label_zh, criterion.label_en)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _KINDS[criterion.kind](criterion, run)
    if found.id == criterion.id:
        return found
    return CriterionResult(
        criterion.id,
        found.status,
        found.points,
        found.inputs,
        found.sentence_zh,
        found.sentence_en,
        found.chosen,
        found.children,
    )


# What makes two criteria alike: every field but the id and the labels (a C-level getter, as
# the key is taken for every input criterion of every rule set).
_alike = operator.attrgetter(
    *(f.name for f in dataclasses.fields(Criterion) if f.name not in ("id", "label_zh", "label_en"))
)
