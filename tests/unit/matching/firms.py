"""Random match snapshots for property tests: every input the shipped catalogue reads, drawn on
the catalogue's own thresholds and tokens (or a unit either side), often unknown."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import strategies as st

from kejin.assessment.inputs.frames import MONEY
from kejin.assessment.standards.rules import walk
from kejin.matching.catalogue import MatchCatalogue, catalogue_on
from kejin.products.loader import load_catalogue
from kejin.products.sizing import measures
from kejin.products.vocabulary import MATCH_VOCABULARY, MatchSnapshot
from kejin.registry.model import Stage

ON = dt.date(2025, 6, 1)
CATALOGUE: MatchCatalogue = catalogue_on(load_catalogue(), ON)


def _read() -> tuple[dict[str, set[Decimal]], dict[str, set[str]]]:
    """Thresholds per numeric input and tokens per text or set input the catalogue reads."""
    edges: dict[str, set[Decimal]] = defaultdict(set)
    tokens: dict[str, set[str]] = defaultdict(set)
    sizings = [e.sizing for e in (*CATALOGUE.products, *CATALOGUE.policies) if e.sizing]
    sized = set().union(*(measures(sizing.rule) for sizing in sizings))
    for name in sized:
        edges[name].add(Decimal(0))
    for ruleset in CATALOGUE.rulesets:
        for criterion in walk(ruleset.root):
            for measure in (criterion.measure, criterion.selector):
                if measure is None:
                    continue
                for name in (measure.numerator, measure.denominator):
                    if name is not None:
                        edges[name].add(Decimal(0))
                if isinstance(criterion.value, Decimal) and measure.denominator is None:
                    edges[measure.numerator].add(criterion.value)
                tokens[measure.numerator].update(criterion.members)
    return edges, tokens


EDGES, TOKENS = _read()
SCHEMA = MATCH_VOCABULARY.schema


def _number(name: str, dtype: pl.DataType) -> st.SearchStrategy[Any]:
    scale = dtype.scale or 0 if isinstance(dtype, pl.Decimal) else 0
    unit = Decimal(1).scaleb(-scale)
    near = [edge + step * unit for edge in sorted(EDGES[name]) for step in (-1, 0, 1)]
    if isinstance(dtype, pl.Decimal):
        spread = st.integers(-(10**8), 10**10).map(lambda units: Decimal(units).scaleb(-scale))
        return st.one_of(st.sampled_from(near), spread)
    return st.one_of(st.sampled_from([int(v) for v in near if v >= 0] or [0]), st.integers(0, 900))


def _value(name: str) -> st.SearchStrategy[Any]:
    dtype = SCHEMA[name]
    if name == "stage":
        return st.sampled_from([stage.value for stage in Stage])
    if dtype == pl.Boolean():
        return st.booleans()
    if dtype == pl.String():
        return st.sampled_from(sorted(TOKENS[name] | {"other"}))
    if dtype == pl.List(pl.String()):
        return st.frozensets(st.sampled_from(sorted(TOKENS[name] | {"other"})), max_size=4)
    if dtype == pl.List(MONEY):
        money = st.integers(-(10**8), 10**10).map(lambda fen: Decimal(fen).scaleb(-2))
        return st.lists(money, min_size=1, max_size=3).map(tuple)
    return _number(name, dtype)


INPUTS = sorted(EDGES.keys() | TOKENS.keys() | {"stage"})


@st.composite
def firms(draw: st.DrawFn) -> MatchSnapshot:
    """A firm with each catalogue input known four times in five."""
    values = {}
    for name in INPUTS:
        known = draw(st.integers(0, 4)) > 0
        values[name] = draw(_value(name)) if known else None
    return MatchSnapshot(**values)
