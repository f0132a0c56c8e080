"""Hypothesis strategies for enterprise snapshots that sit on the shipped rule files' edges.

The edges are read from the rule files themselves: thresholds, band lower bounds, tier bounds,
pass marks of growth rates, CAGRs and yearly sums. Snapshots put an input exactly on an edge
(or one unit of its last decimal place off it) about as often as anywhere else: a ratio's
numerator is built as edge × denominator, a history so that its growth rate, CAGR, yearly
values or their sum is the edge. Missing inputs, zeros, negatives, short histories and inputs
beyond the batch path's exact range are drawn too.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl
from hypothesis import strategies as st

from kejin.assessment.inputs.frames import INPUT_SCHEMA, MONEY
from kejin.assessment.model import AWARDS, CERTIFICATIONS, RD_INSTITUTION_LEVELS, EnterpriseSnapshot
from kejin.assessment.standards.catalogue import load_rulesets
from kejin.assessment.standards.rules import Criterion, Measure

RULESETS = load_rulesets()
HUGE = 10**16  # above the batch path's exact range: such rows go to the scalar engine
OFF = st.sampled_from([-1, 0, 0, 1])  # on the edge twice as often as one unit either side


def criteria(criterion: Criterion) -> Iterator[Criterion]:
    """The criterion and every one evaluated within it (children, ladder conditions)."""
    yield criterion
    for child in (*criterion.children, *(rung.when for rung in criterion.rungs)):
        yield from criteria(child)


def _sets() -> defaultdict[Any, set[Any]]:
    return defaultdict(set)


@dataclasses.dataclass
class Edges:
    """The numbers the shipped rule files compare inputs with, by what they compare."""

    plain: defaultdict[str, set[Decimal]] = dataclasses.field(default_factory=_sets)
    ratio: defaultdict[tuple[str, str], set[Decimal]] = dataclasses.field(default_factory=_sets)
    growth: set[Decimal] = dataclasses.field(default_factory=set)
    cagr: defaultdict[str, set[tuple[int, Decimal]]] = dataclasses.field(default_factory=_sets)
    yearly: defaultdict[str, set[tuple[int, str, Decimal]]] = dataclasses.field(
        default_factory=_sets
    )
    yearly_ratio: set[tuple[str, str, int, Decimal]] = dataclasses.field(default_factory=set)
    members: set[str] = dataclasses.field(default_factory=set)

    def add(self, measure: Measure | None, values: Iterator[Decimal | bool | None]) -> None:
        numbers = {value for value in values if isinstance(value, Decimal)}
        if measure is None:
            return
        if measure.denominator is None:
            self.plain[measure.numerator] |= numbers
        else:
            self.ratio[(measure.numerator, measure.denominator)] |= numbers

    def add_series(self, criterion: Criterion) -> None:
        assert criterion.measure is not None
        bounds = [band.lower for band in criterion.bands]
        bounds += [criterion.value] if isinstance(criterion.value, Decimal) else []
        name, years = criterion.measure.numerator, criterion.years or 2
        if criterion.kind == "growth":
            self.growth |= set(bounds)
        elif criterion.kind == "cagr":
            self.cagr[name] |= {(years, bound) for bound in bounds}
        elif criterion.measure.denominator is None:
            self.yearly[name] |= {(years, str(criterion.aggregate), b) for b in bounds}
        else:
            top_bottom = (name, criterion.measure.denominator)
            self.yearly_ratio |= {(*top_bottom, years, bound) for bound in bounds}


def _edges() -> Edges:
    edges = Edges()
    for ruleset in RULESETS:
        for criterion in criteria(ruleset.root):
            if criterion.kind in ("growth", "cagr", "yearly"):
                edges.add_series(criterion)
                continue
            edges.add(
                criterion.measure, iter([criterion.value, *(b.lower for b in criterion.bands)])
            )
            edges.add(criterion.measure, (tier.minimum for tier in criterion.tiers))
            edges.add(criterion.selector, (tier.up_to for tier in criterion.tiers))
            edges.members |= set(criterion.members)
    return edges


EDGES = _edges()
SCALES = {
    name: dtype.scale if isinstance(dtype, pl.Decimal) else 0
    for name, dtype in INPUT_SCHEMA.items()
}
TOKENS = sorted(EDGES.members | CERTIFICATIONS | RD_INSTITUTION_LEVELS | AWARDS)


def _unit(name: str) -> Decimal:
    return Decimal(1).scaleb(-SCALES[name])


def decimal(units: int, scale: int) -> Decimal:
    return Decimal(f"{units}E-{scale}")  # exact, whatever the number of digits


def _typed(name: str, units: int) -> Decimal | int:
    """`units` of the input's last decimal place, as the snapshot holds it."""
    return units if INPUT_SCHEMA[name] == pl.Int64() else decimal(units, SCALES[name])


def _money(cents: list[int]) -> tuple[Decimal, ...]:
    return tuple(decimal(value, MONEY.scale) for value in cents)


@st.composite
def numbers(draw: st.DrawFn, name: str) -> Decimal | int | None:
    """None, zero, an edge of this input (or one unit off it), a small or a huge number."""
    edges = sorted(EDGES.plain.get(name, set()))
    kind = draw(st.sampled_from(["none", "zero", "edge", "small", "large", "huge"]))
    if kind == "none":
        return None
    if kind == "edge" and edges:
        edge = draw(st.sampled_from(edges)) / _unit(name)
        if edge == edge.to_integral_value():
            return _typed(name, int(edge) + draw(OFF))
    if kind == "huge":
        return _typed(name, draw(st.sampled_from([-1, 1])) * draw(st.integers(HUGE, HUGE * 100)))
    if kind == "zero":
        return _typed(name, 0)
    limit = 1_000 if kind == "small" else 10**13
    return _typed(name, draw(st.integers(-limit // 20, limit)))


@st.composite
def on_edge(draw: st.DrawFn, edge: Decimal, top: str, bottom: str) -> tuple[Any, Any]:
    """A (numerator, denominator) pair whose ratio is the edge exactly, or one unit off it."""
    # bottom = k units of its own; top = edge·bottom must be whole units of top's scale
    per_unit = Fraction(edge) * Fraction(_unit(bottom)) / Fraction(_unit(top))
    k = per_unit.denominator * draw(st.integers(1, 10**7)) * draw(st.sampled_from([1, -1]))
    return _typed(top, int(per_unit * k) + draw(OFF)), _typed(bottom, k)


CENTS = st.integers(-(10**9), 10**11)


@st.composite
def histories(draw: st.DrawFn, name: str) -> tuple[Decimal, ...] | None:
    """None, a random series of up to four years, or one on a growth, CAGR or yearly edge."""
    kinds = ["none", "random", "growth", "cagr", "yearly"]
    kind = draw(st.sampled_from(kinds))
    if kind == "growth" and EDGES.growth:
        return _money(draw(_growth_on_edge()))
    if kind == "cagr" and EDGES.cagr[name]:
        years, bound = draw(st.sampled_from(sorted(EDGES.cagr[name])))
        ratio = (1 + Fraction(bound)) ** (years - 1)  # last / first on the edge
        first = ratio.denominator * draw(st.integers(-10, 10**6))
        middle = draw(st.lists(CENTS, min_size=years - 2, max_size=years - 2))
        prefix = draw(st.lists(CENTS, max_size=1))
        return _money([*prefix, first, *middle, int(first * ratio) + draw(OFF)])
    if kind == "yearly" and EDGES.yearly[name]:
        years, aggregate, bound = draw(st.sampled_from(sorted(EDGES.yearly[name])))
        return _money(draw(_yearly_on_edge(years, aggregate, int(bound * 100))))
    if kind == "none":
        return None
    return _money(draw(st.lists(st.one_of(CENTS, st.just(0)), max_size=4)))


@st.composite
def _growth_on_edge(draw: st.DrawFn) -> list[int]:
    """Two or three years (after an optional older one) whose HNTE growth rate is an edge."""
    shape = draw(st.sampled_from(["two", "zero_first", "flat_first"]))
    rate = Fraction(draw(st.sampled_from(sorted(EDGES.growth))))
    factor = 1 + (2 * rate if shape == "flat_first" else rate)  # last year / the year before
    base = factor.denominator * draw(st.integers(-(10**6), 10**8))
    last = int(base * factor) + draw(OFF)
    series = {"two": [base, last], "zero_first": [0, base, last], "flat_first": [base, base, last]}
    return [*draw(st.lists(CENTS, max_size=1)), *series[shape]]


@st.composite
def _yearly_on_edge(draw: st.DrawFn, years: int, aggregate: str, edge: int) -> list[int]:
    """The last `years` values each on the edge, or summing to it (or to `years` × it)."""
    if aggregate == "each":
        values = [edge + draw(OFF) for _ in range(years)]
    else:
        target = edge * (years if aggregate == "mean" else 1) + draw(OFF)
        values = [draw(st.integers(-(10**6), 10**10)) for _ in range(years - 1)]
        values.append(target - sum(values))
    return [*draw(st.lists(CENTS, max_size=1)), *values]


@st.composite
def _ratio_years_on_edge(
    draw: st.DrawFn, years: int, edge: Decimal
) -> tuple[tuple[Decimal, ...], tuple[Decimal, ...]]:
    """Two histories whose year-by-year ratio is the edge in each of the last years."""
    p, q = edge.as_integer_ratio()
    multiples = [draw(st.one_of(st.just(0), st.integers(-10, 10**6))) for _ in range(years)]
    bottoms = [*draw(st.lists(CENTS, max_size=1)), *(q * k for k in multiples)]
    tops = [*draw(st.lists(CENTS, max_size=1)), *(p * k + draw(OFF) for k in multiples)]
    return _money(tops), _money(bottoms)


@st.composite
def snapshots(draw: st.DrawFn) -> EnterpriseSnapshot:
    values: dict[str, Any] = {}
    for field in dataclasses.fields(EnterpriseSnapshot):
        dtype = INPUT_SCHEMA[field.name]
        if dtype == pl.Boolean():
            values[field.name] = draw(st.sampled_from([None, True, False]))
        elif dtype == pl.List(pl.String()):
            values[field.name] = draw(st.none() | st.frozensets(st.sampled_from(TOKENS)))
        elif dtype == pl.List(MONEY):
            values[field.name] = draw(histories(field.name))
        elif dtype == pl.String():
            values[field.name] = draw(st.sampled_from([None, "seed", "series_a"]))
        else:
            values[field.name] = draw(numbers(field.name))
    for (top, bottom), edges in sorted(EDGES.ratio.items()):
        if edges and draw(st.booleans()):
            edge = draw(st.sampled_from(sorted(edges)))
            values[top], values[bottom] = draw(on_edge(edge, top, bottom))
    for top, bottom, years, edge in sorted(EDGES.yearly_ratio):
        if draw(st.booleans()):
            values[top], values[bottom] = draw(_ratio_years_on_edge(years, edge))
    return EnterpriseSnapshot(**values)
