"""Innovation-points indicators (创新积分二级指标): what each measures from snapshot columns, and
the fixed grids that put a measure into a histogram bucket.

A measure is an exact fraction `num / den` of integers (money in fen, fine decimals in
1/10,000), or missing. A grid maps it to an integer bucket by integer arithmetic alone —
`floor(per_unit · num / den)` for a linear grid, the number of log-spaced edges (in fen) reached
for money — so a frame partition, a whole frame and one snapshot put a value in the very same
bucket. Each function below has a frame form (`*_expr`) and a one-snapshot form.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import polars as pl

from kejin.assessment.inputs.frames import INPUT_SCHEMA
from kejin.assessment.model import (
    AWARDS,
    CERTIFICATIONS,
    RD_INSTITUTION_LEVELS,
    EnterpriseSnapshot,
)
from kejin.core.money import to_scaled_int

Fraction = tuple[int, int]  # (numerator, positive denominator)

MISSING_TREATMENTS = frozenset({"lowest", "zero"})
VOCABULARIES = {
    "certifications": CERTIFICATIONS,
    "awards": AWARDS,
    "rd_institutions": RD_INSTITUTION_LEVELS,
}
_WIDE = pl.Int128()  # Decimal(38, s) values are exact 128-bit integers; products stay exact


@dataclasses.dataclass(frozen=True, slots=True)
class Grid:
    """Histogram buckets. Linear: `floor(per_unit · x)` clipped to [lowest, highest]. Log (money
    only): ± the number of `edges` (fen) that |x| reaches; 0 below the first edge (1 CNY)."""

    name: str
    kind: str  # "linear" | "log"
    per_unit: int = 1
    lowest: int = 0
    highest: int = 0
    edges: tuple[int, ...] = ()

    @property
    def zero_bucket(self) -> int:
        """The bucket of the value 0 (the `zero` missing treatment)."""
        return 0 if self.kind == "log" else min(max(0, self.lowest), self.highest)

    def bucket(self, value: Fraction) -> int:
        num, den = value
        if self.kind == "log":  # money only: `num` is in fen, like the edges
            reached = bisect_right(self.edges, abs(num))
            return reached if num >= 0 else -reached
        return min(max((self.per_unit * num) // den, self.lowest), self.highest)

    def bucket_expr(self, num: pl.Expr, den: pl.Expr) -> pl.Expr:
        """Int64 buckets of the fractions `num / den`; null where `num` is null."""
        if self.kind == "log":
            edges = pl.Series(values=self.edges, dtype=pl.Int64)
            magnitude = num.abs().clip(0, self.edges[-1]).cast(pl.Int64)
            reached = pl.lit(edges).search_sorted(magnitude, side="right").cast(pl.Int64)
            return pl.when(num.is_null()).then(None).when(num < 0).then(-reached).otherwise(reached)
        return ((num * self.per_unit) // den).clip(self.lowest, self.highest).cast(pl.Int64)


def log_edges(per_decade: int, decades: int) -> tuple[int, ...]:
    """Edges 10^(k / per_decade) CNY for k = 0 … decades·per_decade, in whole fen, exact."""
    fen = (Decimal(10) ** (Decimal(k) / per_decade + 2) for k in range(decades * per_decade + 1))
    return tuple(sorted({int(edge.to_integral_value()) for edge in fen}))


@dataclasses.dataclass(frozen=True, slots=True)
class Measure:
    """`value` of an input, `ratio` of two inputs of one type, `growth` of a history
    (last / previous − 1), or `count` of a set's tokens (those in `members`, if given)."""

    kind: str
    inputs: tuple[str, ...]
    members: tuple[str, ...] = ()

    def expr(self) -> tuple[pl.Expr, pl.Expr]:
        """Numerator (null when missing) and denominator, as 128-bit integers."""
        first = self.inputs[0]
        if self.kind == "value":
            return _exact(pl.col(first)), pl.lit(10 ** _scale(first), _WIDE)
        if self.kind == "ratio":
            num, den = _exact(pl.col(first)), _exact(pl.col(self.inputs[1]))
            return pl.when(den > 0).then(num), den
        if self.kind == "growth":
            last = pl.col(first).list.get(-1, null_on_oob=True).to_physical()
            previous = pl.col(first).list.get(-2, null_on_oob=True).to_physical()
            return pl.when(previous > 0).then(last - previous), previous
        tokens = pl.col(first)
        counted = (
            tokens.list.eval(pl.element().is_in(list(self.members))).list.sum()
            if self.members
            else tokens.list.len()
        )
        return counted.cast(_WIDE), pl.lit(1, _WIDE)

    def of(self, snapshot: EnterpriseSnapshot) -> Fraction | None:
        """The measure of one snapshot, the same fraction `expr` gives; None when missing."""
        name = self.inputs[0]
        first = snapshot.value(name)
        if first is None:
            return None
        if self.kind == "value":
            return _scaled(first, name), 10 ** _scale(name)
        if self.kind == "ratio":
            second = snapshot.value(self.inputs[1])
            den = None if second is None else _scaled(second, self.inputs[1])
            return None if den is None or den <= 0 else (_scaled(first, name), den)
        if self.kind == "growth":
            assert isinstance(first, tuple)
            if len(first) < 2 or first[-2] <= 0:
                return None
            previous = _scaled(first[-2], name)
            return _scaled(first[-1], name) - previous, previous
        assert isinstance(first, frozenset)
        return len(first & set(self.members)) if self.members else len(first), 1


@dataclasses.dataclass(frozen=True, slots=True)
class Indicator:
    """A second-level indicator: its first-level `group`, measure, grid, the treatment of a
    missing measure and its weight (points) in each points stage."""

    id: str
    group: str
    label_zh: str
    label_en: str
    measure: Measure
    grid: Grid
    missing: str  # "lowest": ranked below every known value; "zero": read as 0. Both flagged.
    weights: Mapping[str, int]

    def bucket_expr(self) -> pl.Expr:
        """The bucket of each row's measure; null where the measure is missing."""
        num, den = self.measure.expr()
        return self.grid.bucket_expr(num, den)

    def bucket_of(self, snapshot: EnterpriseSnapshot) -> int | None:
        value = self.measure.of(snapshot)
        return None if value is None else self.grid.bucket(value)

    def counted(self, bucket: pl.Expr) -> pl.Expr:
        """The bucket a row is counted in: a missing measure in null (below all) or in 0's."""
        return bucket if self.missing == "lowest" else bucket.fill_null(self.grid.zero_bucket)

    def counted_of(self, bucket: int | None) -> int | None:
        if bucket is None and self.missing == "zero":
            return self.grid.zero_bucket
        return bucket


def _scale(name: str) -> int:
    """Decimal places of an input's column (of its items, for a history)."""
    dtype = INPUT_SCHEMA[name]
    inner = dtype.inner if isinstance(dtype, pl.List) else dtype
    return inner.scale if isinstance(inner, pl.Decimal) else 0


def _exact(column: pl.Expr) -> pl.Expr:
    return column.to_physical().cast(_WIDE)


def _scaled(value: Any, name: str) -> int:
    if isinstance(value, Decimal):
        return to_scaled_int(value, _scale(name))
    assert isinstance(value, int)
    return value
