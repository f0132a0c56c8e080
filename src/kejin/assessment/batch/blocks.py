"""What the batch path's compile functions share: the compiled form of a criterion, what they
may ask of the compiler, and small expression builders.

A criterion compiles to Polars expressions: an Int8 status code (`CODES`), points as integers at
the plan's points scale (null where the engine's result has none) and, for the kinds that choose
(best-of, ladder), the option chosen. The compile functions live in `inputs` (kinds that
read inputs) and `composites` (kinds that combine criteria); `verdicts` runs them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import NoReturn, Protocol

import polars as pl

from kejin.assessment.batch import exact
from kejin.assessment.model import Points, Status
from kejin.assessment.standards.rules import Criterion, Measure

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
CHOOSING = frozenset({"best_of", "ladder"})  # kinds whose result names the option chosen


@dataclasses.dataclass(frozen=True, slots=True)
class Compiled:
    """A criterion as expressions: status code, points (null where the result has none) and the
    option chosen. `low`/`high` are None when the criterion never has points."""

    status: pl.Expr
    low: pl.Expr | None = None
    high: pl.Expr | None = None
    chosen: pl.Expr | None = None
    constant: bool = False  # the same in every row: used as a literal, never materialised


@dataclasses.dataclass(frozen=True, slots=True)
class History:
    """The last years of a history column: unscaled Int128 values, oldest first (null where
    the series is shorter), with the series length and scale."""

    column: pl.Expr
    years: tuple[pl.Expr, ...]
    length: pl.Expr
    scale: int

    @property
    def held(self) -> pl.Expr:
        """The history is known and has all the years asked for."""
        return self.column.is_not_null() & (self.length >= len(self.years))


def subcriteria(criterion: Criterion) -> tuple[Criterion, ...]:
    """The criteria evaluated within this one, in the engine's order: children, rung conditions."""
    return (*criterion.children, *(rung.when for rung in criterion.rungs))


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

    def history(self, name: str, years: int) -> History | None:
        """A history's last `years` values; None when the input is not a history."""

    def dtype(self, name: str) -> pl.DataType:
        """The column type of an input the criterion reads."""

    def points(self, points: Points) -> tuple[int, int]:
        """A points range as integers at the points scale."""

    def scaled(self, value: Decimal) -> int:
        """A number of points as an integer at the points scale."""

    def refuse(self, reason: str) -> NoReturn:
        """The rule set cannot be compiled exactly."""


def status_code(status: Status) -> pl.Expr:
    return pl.lit(CODES[status], dtype=STATUS)


def points_literal(value: int | None) -> pl.Expr:
    return pl.lit(value, dtype=POINTS)


def constant(status: Status, points: tuple[int, int] | None = None) -> Compiled:
    if points is None:
        return Compiled(status_code(status), constant=True)
    low, high = points
    return Compiled(status_code(status), points_literal(low), points_literal(high), constant=True)


def scored_status(points: tuple[int, int]) -> Status:
    """The engine's `_scored`: a range waits for an expert, else met above zero."""
    low, high = points
    if low != high:
        return Status.MANUAL_REVIEW
    return Status.MET if low > 0 else Status.UNMET


def first_of(pairs: Sequence[tuple[pl.Expr, pl.Expr]], otherwise: pl.Expr) -> pl.Expr:
    """The value of the first pair whose condition holds, else `otherwise` (a when-chain)."""
    chosen = otherwise
    for holds, value in reversed(pairs):
        chosen = pl.when(holds).then(value).otherwise(chosen)
    return chosen


def met_unmet(unknown: pl.Expr, met: pl.Expr) -> Compiled:
    pairs = [(unknown, status_code(Status.UNKNOWN)), (met, status_code(Status.MET))]
    return Compiled(first_of(pairs, status_code(Status.UNMET)))


def first_points(
    unknown: pl.Expr, choices: Sequence[tuple[pl.Expr, tuple[int, int]]], otherwise: tuple[int, int]
) -> Compiled:
    """Unknown (no points) where `unknown`, else the points of the first choice that holds,
    else `otherwise`, each with the status the engine's `_scored` gives it."""

    def pick(value: Callable[[tuple[int, int]], pl.Expr], missing: pl.Expr) -> pl.Expr:
        pairs = [(unknown, missing), *((holds, value(points)) for holds, points in choices)]
        return first_of(pairs, value(otherwise))

    return Compiled(
        pick(lambda points: status_code(scored_status(points)), status_code(Status.UNKNOWN)),
        pick(lambda points: points_literal(points[0]), points_literal(None)),
        pick(lambda points: points_literal(points[1]), points_literal(None)),
    )


def unknown_where(unknown: pl.Expr, compiled: Compiled) -> Compiled:
    """Unknown, with no points and no choice, where `unknown`; else `compiled`."""

    def masked(expr: pl.Expr | None) -> pl.Expr | None:
        return None if expr is None else pl.when(unknown).then(None).otherwise(expr)

    return Compiled(
        pl.when(unknown).then(status_code(Status.UNKNOWN)).otherwise(compiled.status),
        masked(compiled.low),
        masked(compiled.high),
        masked(compiled.chosen),
    )
