"""The batch path answers exactly what the scalar engine answers, row by row and criterion by
criterion, for random snapshots that sit on the shipped rule files' edges as often as off them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kejin.assessment import engine
from kejin.assessment.batch import assess_frame
from kejin.assessment.batch_kinds import COMPILERS
from kejin.assessment.catalogue import load_rulesets
from kejin.assessment.errors import InvalidRuleSet, RuleSetNotInForce
from kejin.assessment.frames import INPUT_SCHEMA, MONEY, snapshot_frame, snapshot_from_row
from kejin.assessment.model import (
    AWARDS,
    CERTIFICATIONS,
    RD_INSTITUTION_LEVELS,
    CriterionResult,
    EnterpriseSnapshot,
    Points,
)
from kejin.assessment.rules import Band, Criterion, Measure, RuleSet

RULESETS = load_rulesets()


def _criteria(criterion: Criterion) -> Iterator[Criterion]:
    yield criterion
    for child in criterion.children:
        yield from _criteria(child)


def _groups() -> list[tuple[dt.date, tuple[RuleSet, ...]]]:
    """Every shipped rule set, grouped with those in force on the same first day."""
    days = sorted({ruleset.version.effective_from for ruleset in RULESETS})
    return [(day, tuple(r for r in RULESETS if r.version.in_force(day))) for day in days]


@dataclasses.dataclass
class Edges:
    """The numbers the shipped rule files compare inputs with, by what they compare."""

    plain: dict[str, set[Decimal]] = dataclasses.field(default_factory=lambda: defaultdict(set))
    ratio: dict[tuple[str, str], set[Decimal]] = dataclasses.field(
        default_factory=lambda: defaultdict(set)
    )
    growth: set[Decimal] = dataclasses.field(default_factory=set)
    members: set[str] = dataclasses.field(default_factory=set)

    def add(self, measure: Measure | None, values: Iterator[Decimal | bool | None]) -> None:
        numbers = {value for value in values if isinstance(value, Decimal)}
        if measure is None:
            return
        if measure.denominator is None:
            self.plain[measure.numerator] |= numbers
        else:
            self.ratio[(measure.numerator, measure.denominator)] |= numbers


def _edges() -> Edges:
    edges = Edges()
    for ruleset in RULESETS:
        for criterion in _criteria(ruleset.root):
            lowers = (band.lower for band in criterion.bands)
            if criterion.kind == "growth":
                edges.growth |= set(lowers)
                continue
            edges.add(criterion.measure, iter([criterion.value, *lowers]))
            edges.add(criterion.measure, (tier.minimum for tier in criterion.tiers))
            edges.add(criterion.selector, (tier.up_to for tier in criterion.tiers))
            edges.members |= set(criterion.members)
    return edges


EDGES = _edges()
SCALES = {
    name: dtype.scale if isinstance(dtype, pl.Decimal) else 0
    for name, dtype in INPUT_SCHEMA.items()
}
HUGE = 10**16  # above the batch path's exact range: such rows go to the scalar engine


def _unit(name: str) -> Decimal:
    return Decimal(1).scaleb(-SCALES[name])


def _decimal(units: int, scale: int) -> Decimal:
    return Decimal(f"{units}E-{scale}")  # exact, whatever the number of digits


def _typed(name: str, units: int) -> Decimal | int:
    """`units` of the input's last decimal place, as the snapshot holds it."""
    return units if INPUT_SCHEMA[name] == pl.Int64() else _decimal(units, SCALES[name])


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
            return _typed(name, int(edge) + draw(st.sampled_from([-1, 0, 0, 1])))
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
    top_units = int(per_unit * k) + draw(st.sampled_from([-1, 0, 0, 1]))
    return _typed(top, top_units), _typed(bottom, k)


@st.composite
def histories(draw: st.DrawFn) -> tuple[Decimal, ...] | None:
    """None, empty, short, long, or a series whose growth rate is a band edge (or just off)."""
    kind = draw(st.sampled_from(["none", "random", "two", "zero_first", "flat_first"]))
    if kind == "none":
        return None
    cents = st.integers(-(10**9), 10**11)
    if kind == "random":
        values = draw(st.lists(st.one_of(cents, st.just(0)), max_size=4))
        return tuple(_decimal(value, 2) for value in values)
    rate = Fraction(draw(st.sampled_from(sorted(EDGES.growth))))
    factor = 1 + (2 * rate if kind == "flat_first" else rate)  # last year / the year before
    base = factor.denominator * draw(st.integers(-(10**6), 10**8))
    last = int(base * factor) + draw(st.sampled_from([-1, 0, 0, 1]))
    series = {"two": [base, last], "zero_first": [0, base, last], "flat_first": [base, base, last]}
    prefix = draw(st.lists(cents, max_size=1))
    return tuple(_decimal(value, 2) for value in [*prefix, *series[kind]])


TOKENS = sorted(EDGES.members | CERTIFICATIONS | RD_INSTITUTION_LEVELS | AWARDS)


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
            values[field.name] = draw(histories())
        elif dtype == pl.String():
            values[field.name] = draw(st.sampled_from([None, "seed", "series_a"]))
        else:
            values[field.name] = draw(numbers(field.name))
    for (top, bottom), edges in sorted(EDGES.ratio.items()):
        if edges and draw(st.booleans()):
            edge = draw(st.sampled_from(sorted(edges)))
            values[top], values[bottom] = draw(on_edge(edge, top, bottom))
    return EnterpriseSnapshot(**values)


def _expected(criterion: Criterion, result: CriterionResult) -> Iterator[tuple[str, Any]]:
    yield f"{criterion.id}.status", result.status.value
    yield f"{criterion.id}.low", None if result.points is None else result.points.low
    yield f"{criterion.id}.high", None if result.points is None else result.points.high
    if criterion.kind == "best_of":
        yield f"{criterion.id}.chosen", result.chosen
    for child, child_result in zip(criterion.children, result.children, strict=True):
        yield from _expected(child, child_result)


def _differences(
    rulesets: tuple[RuleSet, ...], on: dt.date, snapshot: EnterpriseSnapshot, row: dict[str, Any]
) -> Iterator[str]:
    for ruleset in rulesets:
        verdict = engine.assess(ruleset, snapshot, on).verdict
        code = ruleset.version.code
        expected = dict(_expected(ruleset.root, verdict))
        expected |= {
            f"{code}.status": verdict.status.value,
            f"{code}.low": None if verdict.points is None else verdict.points.low,
            f"{code}.high": None if verdict.points is None else verdict.points.high,
        }
        for column, value in expected.items():
            if row[column] != value:
                yield f"{column}: batch {row[column]!r}, scalar {value!r} for {snapshot}"


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(snapshots(), min_size=1, max_size=25))
def test_the_batch_path_equals_the_scalar_engine_on_every_criterion(
    batch: list[EnterpriseSnapshot],
) -> None:
    frame = snapshot_frame(batch)
    for on, rulesets in _groups():
        answer = assess_frame(rulesets, frame, on, detail=True)
        assert answer.height == len(batch)
        for snapshot, row, source in zip(
            batch, answer.iter_rows(named=True), frame.iter_rows(named=True), strict=True
        ):
            assert snapshot_from_row(source) == snapshot
            assert row["uscc"] == source["uscc"]
            differences = list(_differences(rulesets, on, snapshot, row))
            assert not differences, differences[:3]


def test_every_engine_kind_has_a_batch_compiler() -> None:
    assert set(engine._KINDS) - set(COMPILERS) == set(), "add it to batch_kinds.COMPILERS"
    assert set(COMPILERS) - set(engine._KINDS) == set(), "a batch compiler for no engine kind"


def test_the_edges_come_from_the_rule_files() -> None:
    assert Decimal("0.06") in EDGES.ratio[("rd_expense", "revenue")]
    assert Decimal("0.35") in EDGES.growth
    assert Decimal(200000000) in EDGES.plain["revenue"]


ON = dt.date(2025, 6, 1)
TECH_SME = next(r for r in RULESETS if r.version.code == "tech_sme")


def _b1(revenue: Decimal, rd_expense: Decimal) -> EnterpriseSnapshot:
    return EnterpriseSnapshot(revenue=revenue, rd_expense=rd_expense, total_costs=Decimal(0))


def test_a_ratio_a_hair_below_a_band_edge_is_below_it_in_both_paths() -> None:
    # 0.06 − 10⁻³²: a 28-digit division rounds it up onto the 50-point edge
    revenue = _decimal(10**32, 2)
    hair_below = _b1(revenue, _decimal(6 * 10**30 - 1, 2))
    on_edge = _b1(revenue, _decimal(6 * 10**30, 2))
    frame = snapshot_frame([on_edge, hair_below])
    answer = assess_frame([TECH_SME], frame, ON, detail=True)
    assert answer.get_column("tsme.B1.low").to_list() == [50, 40]
    for snapshot, expected in ((on_edge, 50), (hair_below, 40)):
        b1 = engine.assess(TECH_SME, snapshot, ON).verdict.find("tsme.B1")
        assert b1 is not None
        assert b1.points is not None
        assert b1.points.low == expected


def test_rows_beyond_the_exact_range_keep_their_place() -> None:
    small = _b1(Decimal(1000), Decimal(60))
    huge = _b1(Decimal(10) ** 20, Decimal(10) ** 18 * 5)
    frame = snapshot_frame([small, huge, small, huge, small])
    answer = assess_frame([TECH_SME], frame, ON, detail=True)
    assert answer.get_column("uscc").to_list() == frame.get_column("uscc").to_list()
    assert answer.get_column("tsme.B1.low").to_list() == [50, 40, 50, 40, 50]
    assert answer.get_column("tsme.B.chosen").to_list() == ["tsme.B1"] * 5


def test_the_output_has_the_keys_then_three_columns_per_rule_set() -> None:
    frame = snapshot_frame([EnterpriseSnapshot(staff=10)] * 3)
    rulesets = _groups()[-1][1]
    answer = assess_frame(rulesets, frame, ON)
    expected = ["enterprise_id", "uscc"]
    for ruleset in rulesets:
        expected += [f"{ruleset.version.code}.{part}" for part in ("status", "low", "high")]
    assert answer.columns == expected
    assert answer.schema[expected[2]] == pl.String()
    assert isinstance(answer.schema[expected[3]], pl.Decimal)


def test_a_frame_with_a_wrong_column_type_is_refused() -> None:
    frame = snapshot_frame([EnterpriseSnapshot(staff=10)]).with_columns(pl.col("staff") * 1.0)
    with pytest.raises(ValueError, match="staff is Float64"):
        assess_frame([TECH_SME], frame, ON)


def test_a_rule_set_out_of_force_is_refused() -> None:
    frame = snapshot_frame([EnterpriseSnapshot()])
    with pytest.raises(RuleSetNotInForce):
        assess_frame([TECH_SME], frame, dt.date(2017, 5, 2))


def _with_root(root: Criterion) -> RuleSet:
    return dataclasses.replace(TECH_SME, root=root)


def test_a_kind_without_a_batch_compiler_is_refused() -> None:
    odd = Criterion(id="odd", kind="odd", label_zh="奇", label_en="Odd")
    with pytest.raises(InvalidRuleSet, match="no batch compiler"):
        assess_frame([_with_root(odd)], snapshot_frame([EnterpriseSnapshot()]), ON)


def test_a_reference_to_a_later_criterion_is_refused() -> None:
    later = Criterion(
        id="later", kind="manual", label_zh="后", label_en="Later", points=Points.exact(1)
    )
    early = Criterion(id="early", kind="ref", label_zh="前", label_en="Early", ref="later")
    root = Criterion(
        id="root", kind="all_of", label_zh="根", label_en="Root", children=(early, later)
    )
    with pytest.raises(InvalidRuleSet, match="before it is evaluated"):
        assess_frame([_with_root(root)], snapshot_frame([EnterpriseSnapshot()]), ON)


def test_fractional_points_keep_their_decimals() -> None:
    expert = Criterion(
        id="expert",
        kind="manual",
        label_zh="专家",
        label_en="Expert",
        points=Points(Decimal("0.5"), Decimal("1.5")),
    )
    staff = Criterion(
        id="staff",
        kind="bands",
        label_zh="人员",
        label_en="Staff",
        measure=Measure("staff"),
        bands=(Band(Decimal(10), Points.exact(Decimal("2.25"))),),
    )
    root = Criterion(
        id="sum",
        kind="total",
        label_zh="合计",
        label_en="Sum",
        children=(expert, staff),
        op=">=",
        value=Decimal("3.25"),
    )
    snapshots = [EnterpriseSnapshot(staff=10), EnterpriseSnapshot(staff=9), EnterpriseSnapshot()]
    answer = assess_frame([_with_root(root)], snapshot_frame(snapshots), ON, detail=True)
    for snapshot, row in zip(snapshots, answer.iter_rows(named=True), strict=True):
        verdict = engine.assess(_with_root(root), snapshot, ON).verdict
        assert dict(_expected(root, verdict)) == {
            key: row[key] for key, _ in _expected(root, verdict)
        }
    assert answer.get_column("tech_sme.high").to_list() == [Decimal("3.75"), Decimal("1.5"), None]
    assert answer.get_column("tech_sme.status").to_list() == ["manual_review", "unmet", "unknown"]
