"""Batch compile functions for the kinds that combine other criteria, each mirroring the
engine's function for its kind."""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Callable, Sequence
from decimal import Decimal

import polars as pl

from kejin.assessment.batch import exact
from kejin.assessment.batch.blocks import (
    CODES,
    POINTS,
    STATUS,
    Compiled,
    Compiler,
    constant,
    first_of,
    points_literal,
    scored_status,
    status_code,
    unknown_where,
)
from kejin.assessment.model import Points, Status
from kejin.assessment.standards.rules import Criterion


def _ref(criterion: Criterion, compiler: Compiler) -> Compiled:
    return compiler.earlier(criterion)


def _combined(
    criterion: Criterion, compiler: Compiler, rank: Callable[[pl.Expr], pl.Expr]
) -> Compiled:
    """The engine's `_combine`: the first status in the kind's order, ignoring not-applicable
    children; `rank` maps codes so that order is ascending and not-applicable comes last."""
    statuses = [compiler.result(child).status for child in criterion.children]
    if not statuses:
        return constant(Status.NOT_APPLICABLE)
    return Compiled(rank(pl.min_horizontal(*(rank(status) for status in statuses))))


def _all_of(criterion: Criterion, compiler: Compiler) -> Compiled:
    return _combined(criterion, compiler, lambda code: code)  # unmet < unknown < review < met


def _any_of(criterion: Criterion, compiler: Compiler) -> Compiled:
    # met, review, unknown, unmet: reversed codes, not-applicable (4) kept last
    applicable = CODES[Status.NOT_APPLICABLE]
    return _combined(
        criterion,
        compiler,
        lambda code: pl.when(code == applicable).then(code).otherwise(3 - code).cast(STATUS),
    )


@dataclasses.dataclass(frozen=True, slots=True)
class _Option:
    """A best-of option that can have points."""

    id: str
    status: pl.Expr
    low: pl.Expr
    high: pl.Expr


def _best_of(criterion: Criterion, compiler: Compiler) -> Compiled:
    """The engine's `_best_of`: the option with the most points (the first on a tie), unknown
    while an option without points could still score more than it."""
    options = [(child, compiler.result(child)) for child in criterion.children]
    unscored = [
        pl.lit(_most(child, compiler), dtype=POINTS)
        if result.low is None
        else pl.when(result.low.is_null()).then(points_literal(_most(child, compiler)))
        for child, result in options
    ]
    scorable = [
        _Option(child.id, result.status, result.low, result.high)
        for child, result in options
        if result.low is not None and result.high is not None
    ]
    if not scorable:
        return constant(Status.UNKNOWN)
    best = [_is_best(index, scorable) for index in range(len(scorable))]

    def pick(values: Sequence[pl.Expr]) -> pl.Expr:
        return first_of(list(zip(best, values, strict=True)), pl.lit(None))

    low = pick([option.low for option in scorable])
    ceiling = pl.max_horizontal(*unscored)
    unknown = ~pl.any_horizontal(*best) | (ceiling.is_not_null() & (low < ceiling))
    chosen = Compiled(
        pick([option.status for option in scorable]).cast(STATUS),
        low,
        pick([option.high for option in scorable]),
        pick([pl.lit(option.id) for option in scorable]),
    )
    return unknown_where(unknown, chosen)


def _is_best(index: int, options: Sequence[_Option]) -> pl.Expr:
    """Option `index` has points, more than every earlier option and no fewer than a later one."""
    this = options[index]
    holds = this.low.is_not_null()
    for other_index, other in enumerate(options):
        scored = other.low.is_not_null()
        if other_index < index:
            holds &= ~scored | _more(this, other)
        elif other_index > index:
            holds &= ~scored | ~_more(other, this)
    return holds


def _more(a: _Option, b: _Option) -> pl.Expr:
    """a's points rank above b's: higher high, then higher low (the engine's `max` key)."""
    return (a.high > b.high) | ((a.high == b.high) & (a.low > b.low))


def _most(option: Criterion, compiler: Compiler) -> int:
    """The engine's `_most`: the best a banded option (or a ladder) could score when it has
    no points."""
    ceilings = [band.points.high for band in option.bands]
    ceilings += [rung.points.high for rung in option.rungs]
    if option.otherwise is not None:
        ceilings.append(option.otherwise.high)
    return max((compiler.scaled(ceiling) for ceiling in ceilings), default=0)


@dataclasses.dataclass(frozen=True, slots=True)
class _Outcome:
    """What a ladder answers when a given rung decides it."""

    status: Status
    points: tuple[int, int] | None = None
    chosen: str | None = None


def _ladder(criterion: Criterion, compiler: Compiler) -> Compiled:
    """The engine's `_ladder`: the first rung whose condition is met gives its points and is
    chosen; a condition neither met nor failed (nor not applicable) before it: unknown."""
    steps: list[tuple[pl.Expr, _Outcome]] = []
    decided = [CODES[Status.UNMET], CODES[Status.NOT_APPLICABLE]]
    for rung in criterion.rungs:
        condition = compiler.result(rung.when).status
        points = compiler.points(rung.points)
        met = _Outcome(scored_status(points), points, rung.when.id)
        steps.append((condition == CODES[Status.MET], met))
        steps.append((~condition.is_in(decided), _Outcome(Status.UNKNOWN)))
    otherwise = compiler.points(criterion.otherwise or Points.exact(0))
    last = _Outcome(scored_status(otherwise), otherwise)

    def pick(part: Callable[[_Outcome], pl.Expr]) -> pl.Expr:
        return first_of([(holds, part(outcome)) for holds, outcome in steps], part(last))

    return Compiled(
        pick(lambda outcome: status_code(outcome.status)),
        pick(lambda outcome: points_literal(outcome.points[0] if outcome.points else None)),
        pick(lambda outcome: points_literal(outcome.points[1] if outcome.points else None)),
        pick(lambda outcome: pl.lit(outcome.chosen, dtype=pl.String())),
    )


def _applies_if(criterion: Criterion, compiler: Compiler) -> Compiled:
    """The engine's `_applies_if`: the child's answer where the flag equals `value`, not
    applicable where it differs, unknown where it is missing."""
    assert criterion.measure is not None
    child = compiler.result(criterion.children[0])
    name = criterion.measure.numerator
    if compiler.dtype(name) != pl.Boolean():
        return constant(Status.UNKNOWN)
    flag = pl.col(name)
    applies = flag == criterion.value

    def where_applies(points: pl.Expr | None) -> pl.Expr | None:
        return None if points is None else pl.when(applies).then(points)

    status = first_of(
        [
            (flag.is_null(), status_code(Status.UNKNOWN)),
            (~applies, status_code(Status.NOT_APPLICABLE)),
        ],
        child.status,
    )
    return Compiled(status, where_applies(child.low), where_applies(child.high))


def _total(criterion: Criterion, compiler: Compiler) -> Compiled:
    """The engine's `_total`: the sum of the parts' points, capped, judged on a pass mark."""
    parts = [compiler.result(child) for child in criterion.children]
    lows = [part.low for part in parts if part.low is not None]
    highs = [part.high for part in parts if part.high is not None]
    if len(lows) < len(parts):
        return constant(Status.UNKNOWN)  # a part never has points
    unknown = pl.any_horizontal(pl.lit(False), *(low.is_null() for low in lows))
    low, high = (functools.reduce(operator.add, side, points_literal(0)) for side in (lows, highs))
    if criterion.cap is not None:
        cap = points_literal(compiler.scaled(criterion.cap))
        low, high = pl.min_horizontal(low, cap), pl.min_horizontal(high, cap)
    return unknown_where(
        unknown, Compiled(_range_status(criterion, compiler, low, high), low, high)
    )


def _range_status(criterion: Criterion, compiler: Compiler, low: pl.Expr, high: pl.Expr) -> pl.Expr:
    """The engine's `_range_status`: met when the whole range passes, unmet when none does."""
    review = status_code(Status.MANUAL_REVIEW)
    if criterion.op is None:
        return first_of([(low == high, status_code(Status.MET))], review)
    if not isinstance(criterion.value, Decimal):
        compiler.refuse(f"the pass mark of {criterion.id!r} is not a number")
    mark = points_literal(compiler.scaled(criterion.value))
    passes_low, passes_high = (exact.OPS[criterion.op](side, mark) for side in (low, high))
    pairs = [(passes_low != passes_high, review), (passes_low, status_code(Status.MET))]
    return first_of(pairs, status_code(Status.UNMET))


COMPOSITE_KINDS: dict[str, Callable[[Criterion, Compiler], Compiled]] = {
    "ladder": _ladder,
    "applies_if": _applies_if,
    "ref": _ref,
    "all_of": _all_of,
    "any_of": _any_of,
    "best_of": _best_of,
    "total": _total,
}
