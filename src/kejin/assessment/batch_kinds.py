"""One compile function per criterion kind, for the batch path (`kejin.assessment.batch`).

Each mirrors the engine's function for its kind (`engine._KINDS`) and turns a criterion into
Polars expressions: an Int8 status code (`CODES`), points as integers at the plan's points scale
(null where the engine's result has none) and, for best-of, the option chosen. Readings are
compared exactly through `kejin.assessment.exact`. A new kind in the engine needs its compiler
here; `tests/unit/assessment/test_batch.py` fails until it has one.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import NoReturn, Protocol

import polars as pl

from kejin.assessment import exact
from kejin.assessment.model import Points, Status
from kejin.assessment.rules import Band, Criterion, Measure

# Status codes ordered so that all-of is the least code and any-of the greatest applicable one.
CODES: dict[Status, int] = {
    Status.UNMET: 0,
    Status.UNKNOWN: 1,
    Status.MANUAL_REVIEW: 2,
    Status.MET: 3,
    Status.NOT_APPLICABLE: 4,
}
STATUS = pl.Int8()
POINTS = pl.Int64()


@dataclasses.dataclass(frozen=True, slots=True)
class Compiled:
    """A criterion as expressions: status code, points (null where the result has none) and the
    option chosen. `low`/`high` are None when the criterion never has points."""

    status: pl.Expr
    low: pl.Expr | None = None
    high: pl.Expr | None = None
    chosen: pl.Expr | None = None
    constant: bool = False  # the same in every row: used as a literal, never materialised


class Compiler(Protocol):
    """What a compile function asks of the compiler walking the rule tree."""

    def result(self, criterion: Criterion) -> Compiled:
        """A child's expressions (its columns once materialised)."""

    def earlier(self, criterion: Criterion) -> Compiled:
        """What a `ref` names, evaluated before it."""

    def reading(self, measure: Measure | None) -> exact.Quotient | None:
        """An input or ratio as the engine reads it; None when it is never a number."""

    def shared(
        self, criterion: Criterion, reading: exact.Quotient, role: str = "measure"
    ) -> exact.Quotient:
        """The reading computed once for the several comparisons of one criterion."""

    def history(self, name: str) -> tuple[pl.Expr, pl.Expr, pl.Expr] | None:
        """A history's last three years; None when the input is not a history."""

    def dtype(self, name: str) -> pl.DataType:
        """The column type of an input the criterion reads."""

    def points(self, points: Points) -> tuple[int, int]:
        """A points range as integers at the points scale."""

    def scaled(self, value: Decimal) -> int:
        """A number of points as an integer at the points scale."""

    def refuse(self, reason: str) -> NoReturn:
        """The rule set cannot be compiled exactly."""


# --- building blocks -------------------------------------------------------------------------


def _code(status: Status) -> pl.Expr:
    return pl.lit(CODES[status], dtype=STATUS)


def _points_literal(value: int | None) -> pl.Expr:
    return pl.lit(value, dtype=POINTS)


def _constant(status: Status, points: tuple[int, int] | None = None) -> Compiled:
    if points is None:
        return Compiled(_code(status), constant=True)
    low, high = points
    return Compiled(_code(status), _points_literal(low), _points_literal(high), constant=True)


def _scored(points: tuple[int, int]) -> Status:
    """The engine's `_scored`: a range waits for an expert, else met above zero."""
    low, high = points
    if low != high:
        return Status.MANUAL_REVIEW
    return Status.MET if low > 0 else Status.UNMET


def _first(pairs: Sequence[tuple[pl.Expr, pl.Expr]], otherwise: pl.Expr) -> pl.Expr:
    """The value of the first pair whose condition holds, else `otherwise` (a when-chain)."""
    chosen = otherwise
    for holds, value in reversed(pairs):
        chosen = pl.when(holds).then(value).otherwise(chosen)
    return chosen


def _met_unmet(unknown: pl.Expr, met: pl.Expr) -> Compiled:
    pairs = [(unknown, _code(Status.UNKNOWN)), (met, _code(Status.MET))]
    return Compiled(_first(pairs, _code(Status.UNMET)))


def _first_points(
    unknown: pl.Expr, choices: Sequence[tuple[pl.Expr, tuple[int, int]]], otherwise: tuple[int, int]
) -> Compiled:
    """Unknown (no points) where `unknown`, else the points of the first choice that holds,
    else `otherwise`, each with the engine's `_scored` status."""

    def pick(value: Callable[[tuple[int, int]], pl.Expr], missing: pl.Expr) -> pl.Expr:
        pairs = [(unknown, missing), *((holds, value(points)) for holds, points in choices)]
        return _first(pairs, value(otherwise))

    return Compiled(
        pick(lambda points: _code(_scored(points)), _code(Status.UNKNOWN)),
        pick(lambda points: _points_literal(points[0]), _points_literal(None)),
        pick(lambda points: _points_literal(points[1]), _points_literal(None)),
    )


def _unless(unknown: pl.Expr, compiled: Compiled) -> Compiled:
    """Unknown, with no points and no choice, where `unknown`; else `compiled`."""

    def masked(expr: pl.Expr | None) -> pl.Expr | None:
        return None if expr is None else pl.when(unknown).then(None).otherwise(expr)

    return Compiled(
        pl.when(unknown).then(_code(Status.UNKNOWN)).otherwise(compiled.status),
        masked(compiled.low),
        masked(compiled.high),
        masked(compiled.chosen),
    )


# --- one compile function per kind (the engine's `_KINDS`) ------------------------------------


def _threshold(criterion: Criterion, compiler: Compiler) -> Compiled:
    assert criterion.measure is not None
    assert criterion.op is not None
    if isinstance(criterion.value, bool):
        name = criterion.measure.numerator
        flag = pl.col(name)
        holds = flag == criterion.value if compiler.dtype(name) == pl.Boolean() else pl.lit(False)
        return _met_unmet(flag.is_null(), holds)
    reading = compiler.reading(criterion.measure)
    if reading is None:
        return _constant(Status.UNKNOWN)
    assert criterion.value is not None
    met = reading.defined & exact.compare(reading, criterion.op, criterion.value)
    return _met_unmet(~reading.known, met)


def _contains_any(criterion: Criterion, compiler: Compiler) -> Compiled:
    assert criterion.measure is not None
    name = criterion.measure.numerator
    if compiler.dtype(name) != pl.List(pl.String()):
        return _constant(Status.UNKNOWN)
    held = pl.col(name)
    met = pl.any_horizontal(pl.lit(False), *(held.list.contains(m) for m in criterion.members))
    return _met_unmet(held.is_null(), met)


def _banded(criterion: Criterion, compiler: Compiler, reading: exact.Quotient) -> Compiled:
    """The points of the first band reached; none reached, or no value, scores zero."""
    reading = compiler.shared(criterion, reading)
    choices = [
        (reading.defined & _reaches(reading, band), compiler.points(band.points))
        for band in criterion.bands
    ]
    return _first_points(~reading.known, choices, (0, 0))


def _reaches(reading: exact.Quotient, band: Band) -> pl.Expr:
    return exact.compare(reading, ">" if band.exclusive else ">=", band.lower)


def _bands(criterion: Criterion, compiler: Compiler) -> Compiled:
    reading = compiler.reading(criterion.measure)
    if reading is None:
        return _constant(Status.UNKNOWN)
    return _banded(criterion, compiler, reading)


def _growth(criterion: Criterion, compiler: Compiler) -> Compiled:
    assert criterion.measure is not None
    name = criterion.measure.numerator
    years = compiler.history(name)
    if years is None:
        return _constant(Status.UNKNOWN)
    length = pl.col(name).list.len()
    rate = exact.growth(*years, length)
    known = pl.col(name).is_not_null() & (length > 0)
    return _banded(criterion, compiler, dataclasses.replace(rate, known=known))


def _tiered_threshold(criterion: Criterion, compiler: Compiler) -> Compiled:
    if not criterion.tiers or criterion.tiers[-1].up_to is not None:
        compiler.refuse(f"the last tier of {criterion.id!r} must be open (up_to null)")
    selector = compiler.reading(criterion.selector)
    reading = compiler.reading(criterion.measure)
    if selector is None or reading is None:
        return _constant(Status.UNKNOWN)
    selector = compiler.shared(criterion, selector, "selector")
    reading = compiler.shared(criterion, reading)
    *bounded, last = [
        (reading.defined & exact.compare(reading, ">=", tier.minimum), tier.up_to)
        for tier in criterion.tiers
    ]
    met = _first(
        [(exact.compare(selector, "<=", up_to), met) for met, up_to in bounded if up_to],
        last[0],
    )
    unknown = ~(selector.known & selector.defined & reading.known)
    return _met_unmet(unknown, met)


def _manual(criterion: Criterion, compiler: Compiler) -> Compiled:
    assert criterion.points is not None
    return _constant(Status.MANUAL_REVIEW, compiler.points(criterion.points))


def _by_flag(criterion: Criterion, compiler: Compiler) -> Compiled:
    assert criterion.measure is not None
    assert criterion.when_true is not None
    assert criterion.when_false is not None
    name = criterion.measure.numerator
    if compiler.dtype(name) != pl.Boolean():
        return _constant(Status.UNKNOWN)
    flag = pl.col(name)
    when_true, when_false = (
        compiler.points(criterion.when_true),
        compiler.points(criterion.when_false),
    )
    return _first_points(flag.is_null(), [(flag, when_true)], when_false)


def _ref(criterion: Criterion, compiler: Compiler) -> Compiled:
    return compiler.earlier(criterion)


def _combined(
    criterion: Criterion, compiler: Compiler, rank: Callable[[pl.Expr], pl.Expr]
) -> Compiled:
    """The engine's `_combine`: the first status in the kind's order, ignoring not-applicable
    children; `rank` maps codes so that order is ascending and not-applicable comes last."""
    statuses = [compiler.result(child).status for child in criterion.children]
    if not statuses:
        return _constant(Status.NOT_APPLICABLE)
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
        else pl.when(result.low.is_null()).then(_points_literal(_most(child, compiler)))
        for child, result in options
    ]
    scorable = [
        _Option(child.id, result.status, result.low, result.high)
        for child, result in options
        if result.low is not None and result.high is not None
    ]
    if not scorable:
        return _constant(Status.UNKNOWN)
    best = [_is_best(index, scorable) for index in range(len(scorable))]

    def pick(values: Sequence[pl.Expr]) -> pl.Expr:
        return _first(list(zip(best, values, strict=True)), pl.lit(None))

    low = pick([option.low for option in scorable])
    ceiling = pl.max_horizontal(*unscored)
    unknown = ~pl.any_horizontal(*best) | (ceiling.is_not_null() & (low < ceiling))
    chosen = Compiled(
        pick([option.status for option in scorable]).cast(STATUS),
        low,
        pick([option.high for option in scorable]),
        pick([pl.lit(option.id) for option in scorable]),
    )
    return _unless(unknown, chosen)


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
    """The engine's `_most`: the best a banded option could score when its input is missing."""
    return max((compiler.scaled(band.points.high) for band in option.bands), default=0)


def _total(criterion: Criterion, compiler: Compiler) -> Compiled:
    """The engine's `_total`: the sum of the parts' points, capped, judged on a pass mark."""
    parts = [compiler.result(child) for child in criterion.children]
    lows = [part.low for part in parts if part.low is not None]
    highs = [part.high for part in parts if part.high is not None]
    if len(lows) < len(parts):
        return _constant(Status.UNKNOWN)  # a part never has points
    unknown = pl.any_horizontal(pl.lit(False), *(low.is_null() for low in lows))
    low, high = (functools.reduce(operator.add, side, _points_literal(0)) for side in (lows, highs))
    if criterion.cap is not None:
        cap = _points_literal(compiler.scaled(criterion.cap))
        low, high = pl.min_horizontal(low, cap), pl.min_horizontal(high, cap)
    return _unless(unknown, Compiled(_range_status(criterion, compiler, low, high), low, high))


def _range_status(criterion: Criterion, compiler: Compiler, low: pl.Expr, high: pl.Expr) -> pl.Expr:
    """The engine's `_range_status`: met when the whole range passes, unmet when none does."""
    review = _code(Status.MANUAL_REVIEW)
    if criterion.op is None:
        return _first([(low == high, _code(Status.MET))], review)
    if not isinstance(criterion.value, Decimal):
        compiler.refuse(f"the pass mark of {criterion.id!r} is not a number")
    mark = _points_literal(compiler.scaled(criterion.value))
    passes_low, passes_high = (exact.OPS[criterion.op](side, mark) for side in (low, high))
    pairs = [(passes_low != passes_high, review), (passes_low, _code(Status.MET))]
    return _first(pairs, _code(Status.UNMET))


COMPILERS: dict[str, Callable[[Criterion, Compiler], Compiled]] = {
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
