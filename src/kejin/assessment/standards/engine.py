"""The one rules engine: evaluates any rule set over an enterprise snapshot.

Three-valued logic with expert review: a missing input gives `unknown`, never a guess; an
expert-judged item gives `manual_review` with a points range, and totals carry the range.

`assess_many` serves one firm and many rule sets (financing products matched to it): an input
criterion held identically by several of them is evaluated once, and results may go without
their sentences when only statuses and points are wanted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
from collections.abc import Callable, Hashable, Sequence
from decimal import Decimal
from fractions import Fraction

from kejin.assessment.model import (
    Assessment,
    CriterionResult,
    EnterpriseSnapshot,
    Points,
    Status,
)
from kejin.assessment.standards.evaluation import (
    COMPARE,
    EXPLAIN,
    ZERO,
    ZERO_POINTS,
    Run,
    band_points,
    result,
    scored,
)
from kejin.assessment.standards.growth import cagr, growth, yearly
from kejin.assessment.standards.rules import Criterion, RuleSet


def assess(
    ruleset: RuleSet, snapshot: EnterpriseSnapshot, on: dt.date, *, explain: bool = True
) -> Assessment:
    """The verdict of `ruleset` for `snapshot`; the caller chose the version in force on `on`.
    Without `explain` every result's sentences are empty (about half the time goes into them)."""
    return _assessed(ruleset, Run(snapshot), on, explain=explain)


def _evaluate(criterion: Criterion, run: Run) -> CriterionResult:
    if run.memo is not None and criterion.kind in _READS_INPUTS_ONLY:
        result = _recalled(criterion, run, run.memo)
    else:
        result = _KINDS[criterion.kind](criterion, run)
    run.done[criterion.id] = result
    return result


def _threshold(criterion: Criterion, run: Run) -> CriterionResult:
    assert criterion.measure is not None
    assert criterion.op is not None
    if isinstance(criterion.value, bool):
        flag = run.snapshot.value(criterion.measure.numerator)
        inputs = {criterion.measure.numerator: flag}
        if flag is None:
            return result(criterion, Status.UNKNOWN, inputs)
        return result(criterion, Status.MET if flag is criterion.value else Status.UNMET, inputs)
    reading, inputs = run.read(criterion.measure)
    if reading is None:
        return result(criterion, Status.UNKNOWN, inputs)
    assert criterion.value is not None
    met = isinstance(reading, Fraction) and COMPARE[criterion.op](reading, criterion.value)
    return result(criterion, Status.MET if met else Status.UNMET, inputs)


def _contains_any(criterion: Criterion, run: Run) -> CriterionResult:
    assert criterion.measure is not None
    held = run.snapshot.value(criterion.measure.numerator)
    inputs = {criterion.measure.numerator: held}
    if isinstance(held, str):  # a text input is one token: "stage in (seed, start_up)"
        held = frozenset((held,))
    if not isinstance(held, frozenset):
        return result(criterion, Status.UNKNOWN, inputs)
    met = not held.isdisjoint(criterion.members)
    return result(criterion, Status.MET if met else Status.UNMET, inputs)


def _bands(criterion: Criterion, run: Run) -> CriterionResult:
    assert criterion.measure is not None
    reading, inputs = run.read(criterion.measure)
    if reading is None:
        return result(criterion, Status.UNKNOWN, inputs)
    if not isinstance(reading, Fraction):
        return scored(criterion, Points.exact(0), inputs)
    return scored(criterion, band_points(criterion.bands, reading), inputs)


def _ladder(criterion: Criterion, run: Run) -> CriterionResult:
    """The points of the first rung whose condition is met; a rung that cannot be decided
    before it leaves the ladder unknown (the higher rung might have applied)."""
    conditions = tuple(_evaluate(rung.when, run) for rung in criterion.rungs)
    for rung, condition in zip(criterion.rungs, conditions, strict=True):
        if condition.status is Status.MET:
            return scored(criterion, rung.points, {}, chosen=condition.id, children=conditions)
        if condition.status not in (Status.UNMET, Status.NOT_APPLICABLE):
            return result(criterion, Status.UNKNOWN, {}, children=conditions)
    otherwise = criterion.otherwise or ZERO_POINTS
    return scored(criterion, otherwise, {}, children=conditions)


def _applies_if(criterion: Criterion, run: Run) -> CriterionResult:
    """The child's answer where the flag equals `value`; elsewhere the child does not apply."""
    assert criterion.measure is not None
    child = _evaluate(criterion.children[0], run)
    name = criterion.measure.numerator
    flag = run.snapshot.value(name)
    inputs = {name: flag}
    if not isinstance(flag, bool):
        return result(criterion, Status.UNKNOWN, inputs, children=(child,))
    if flag is not criterion.value:
        return result(criterion, Status.NOT_APPLICABLE, inputs, children=(child,))
    return result(criterion, child.status, inputs, child.points, children=(child,))


def _tiered_threshold(criterion: Criterion, run: Run) -> CriterionResult:
    assert criterion.measure is not None
    assert criterion.selector is not None
    selector, selector_inputs = run.read(criterion.selector)
    reading, inputs = run.read(criterion.measure)
    inputs = selector_inputs | inputs
    if not isinstance(selector, Fraction) or reading is None:
        return result(criterion, Status.UNKNOWN, inputs)
    tier = next(t for t in criterion.tiers if t.up_to is None or selector <= t.up_to)
    inputs["required_minimum"] = tier.minimum
    met = isinstance(reading, Fraction) and reading >= tier.minimum
    return result(criterion, Status.MET if met else Status.UNMET, inputs)


def _manual(criterion: Criterion, run: Run) -> CriterionResult:
    return result(criterion, Status.MANUAL_REVIEW, {}, criterion.points)


def _by_flag(criterion: Criterion, run: Run) -> CriterionResult:
    assert criterion.measure is not None
    flag = run.snapshot.value(criterion.measure.numerator)
    inputs = {criterion.measure.numerator: flag}
    if not isinstance(flag, bool):
        return result(criterion, Status.UNKNOWN, inputs)
    points = criterion.when_true if flag else criterion.when_false
    assert points is not None
    return scored(criterion, points, inputs)


def _ref(criterion: Criterion, run: Run) -> CriterionResult:
    assert criterion.ref is not None
    target = run.done[criterion.ref]
    return result(criterion, target.status, {criterion.ref: target.status.value}, target.points)


def _combine(criterion: Criterion, run: Run, order: tuple[Status, ...]) -> CriterionResult:
    children = tuple(_evaluate(child, run) for child in criterion.children)
    statuses = {child.status for child in children} - {Status.NOT_APPLICABLE}
    status = next((s for s in order if s in statuses), Status.NOT_APPLICABLE)
    return result(criterion, status, {}, children=children)


def _all_of(criterion: Criterion, run: Run) -> CriterionResult:
    order = (Status.UNMET, Status.UNKNOWN, Status.MANUAL_REVIEW, Status.MET)
    return _combine(criterion, run, order)


def _any_of(criterion: Criterion, run: Run) -> CriterionResult:
    order = (Status.MET, Status.MANUAL_REVIEW, Status.UNKNOWN, Status.UNMET)
    return _combine(criterion, run, order)


def _best_of(criterion: Criterion, run: Run) -> CriterionResult:
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
        return result(criterion, Status.UNKNOWN, {}, children=children)
    best = max(scored, key=lambda child: (child.points.high, child.points.low))  # type: ignore[union-attr]
    assert best.points is not None
    if ceiling is not None and best.points.low < ceiling:
        return result(criterion, Status.UNKNOWN, {}, children=children)
    return result(criterion, best.status, {}, best.points, chosen=best.id, children=children)


def _most(criterion: Criterion) -> Decimal:
    """The most points a banded option can give: an unknown option might give this much."""
    ceilings = [band.points.high for band in criterion.bands]
    ceilings += [rung.points.high for rung in criterion.rungs]
    if criterion.otherwise is not None:
        ceilings.append(criterion.otherwise.high)
    return max(ceilings, default=ZERO)


def _total(criterion: Criterion, run: Run) -> CriterionResult:
    children = tuple(_evaluate(child, run) for child in criterion.children)
    if any(child.points is None for child in children):
        return result(criterion, Status.UNKNOWN, {}, children=children)
    points = sum((c.points for c in children if c.points), Points.exact(0)).capped(criterion.cap)
    return result(criterion, _range_status(points, criterion), {}, points, children=children)


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


_KINDS: dict[str, Callable[[Criterion, Run], CriterionResult]] = {
    "threshold": _threshold,
    "contains_any": _contains_any,
    "bands": _bands,
    "growth": growth,
    "cagr": cagr,
    "yearly": yearly,
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
        _assessed(ruleset, Run(snapshot, memo=memo), on, explain=explain) for ruleset in rulesets
    )


def _assessed(ruleset: RuleSet, run: Run, on: dt.date, *, explain: bool) -> Assessment:
    token = EXPLAIN.set(explain)
    try:
        return Assessment(ruleset.version, on, _evaluate(ruleset.root, run))
    finally:
        EXPLAIN.reset(token)


def _recalled(
    criterion: Criterion, run: Run, memo: dict[Hashable, CriterionResult]
) -> CriterionResult:
    """The result of an input criterion alike but for its id (and labels, when there are no
    sentences to word), evaluated once. The value's type is part of the key because
    `True == Decimal(1)`, while a flag and a number mark are read differently."""
    key: Hashable = (type(criterion.value), _alike(criterion))
    if EXPLAIN.get():
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
