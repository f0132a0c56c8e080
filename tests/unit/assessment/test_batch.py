"""The batch path answers exactly what the scalar engine answers, row by row and criterion by
criterion, for random snapshots that sit on the shipped rule files' edges as often as off them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kejin.assessment.batch.verdicts import COMPILERS, assess_frame
from kejin.assessment.errors import InvalidRuleSet, RuleSetNotInForce
from kejin.assessment.inputs.frames import snapshot_frame
from kejin.assessment.model import (
    EnterpriseSnapshot,
    Points,
)
from kejin.assessment.standards import engine
from kejin.assessment.standards.catalogue import load_rulesets
from kejin.assessment.standards.rules import Band, Criterion, Measure, RuleSet
from tests.unit.assessment.both_paths import assert_both_paths_agree, expected_columns
from tests.unit.assessment.edge_snapshots import EDGES, RULESETS, decimal, snapshots

ON = dt.date(2025, 6, 1)
TECH_SME = next(r for r in RULESETS if r.version.code == "tech_sme")


def _groups() -> list[tuple[dt.date, tuple[RuleSet, ...]]]:
    """Few dates that together have every shipped rule set in force, with those in force."""
    groups: list[tuple[dt.date, tuple[RuleSet, ...]]] = []
    left = sorted(RULESETS, key=lambda ruleset: ruleset.version.effective_to or dt.date.max)
    while left:
        # the latest first day among the versions in force on the earliest last day
        end = left[0].version.effective_to or dt.date.max
        day = max(r.version.effective_from for r in left if r.version.effective_from <= end)
        groups.append((day, tuple(r for r in RULESETS if r.version.in_force(day))))
        left = [r for r in left if not r.version.in_force(day)]
    return groups


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(snapshots(), min_size=1, max_size=25))
def test_the_batch_path_equals_the_scalar_engine_on_every_criterion(
    batch: list[EnterpriseSnapshot],
) -> None:
    assert_both_paths_agree(_groups(), batch)


# TEST-ONLY rules nesting the kinds in ways the shipped files do not (yet): a ladder rung that
# needs an expert or does not apply, a ladder as a best-of option, yearly means and sums of
# ratios, growth and CAGR pass marks, applies_if inside totals and any-of, a text input
# (`latest_funding_stage`) in contains_any.
COMBINATIONS = load_rulesets(Path(__file__).parent / "batch_rules")


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(snapshots(), min_size=1, max_size=25))
def test_the_batch_path_equals_the_scalar_engine_on_nested_kinds(
    batch: list[EnterpriseSnapshot],
) -> None:
    assert_both_paths_agree([(ON, COMBINATIONS)], batch)


def test_every_engine_kind_has_a_batch_compiler() -> None:
    assert set(engine._KINDS) - set(COMPILERS) == set(), "add it to batch.COMPILERS"
    assert set(COMPILERS) - set(engine._KINDS) == set(), "a batch compiler for no engine kind"


def test_the_edges_come_from_the_rule_files() -> None:
    assert Decimal("0.06") in EDGES.ratio[("rd_expense", "revenue")]
    assert Decimal("0.35") in EDGES.growth
    assert Decimal(200000000) in EDGES.plain["revenue"]
    assert (3, Decimal("0.20")) in EDGES.cagr["sales_history"]
    assert ("rd_expense_history", "sales_history", 2, Decimal("0.03")) in EDGES.yearly_ratio


def _b1(revenue: Decimal, rd_expense: Decimal) -> EnterpriseSnapshot:
    return EnterpriseSnapshot(revenue=revenue, rd_expense=rd_expense, total_costs=Decimal(0))


def test_a_ratio_a_hair_below_a_band_edge_is_below_it_in_both_paths() -> None:
    # 0.06 − 10⁻³²: a 28-digit division rounds it up onto the 50-point edge
    revenue = decimal(10**32, 2)
    hair_below = _b1(revenue, decimal(6 * 10**30 - 1, 2))
    on_edge = _b1(revenue, decimal(6 * 10**30, 2))
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
    on, rulesets = _groups()[-1]
    answer = assess_frame(rulesets, frame, on)
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
        assert dict(expected_columns(root, verdict)) == {
            key: row[key] for key, _ in expected_columns(root, verdict)
        }
    assert answer.get_column("tech_sme.high").to_list() == [Decimal("3.75"), Decimal("1.5"), None]
    assert answer.get_column("tech_sme.status").to_list() == ["manual_review", "unmet", "unknown"]
