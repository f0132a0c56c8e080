"""Life-cycle stage: the Longwan 2022 revenue bands, the adjustments, missing revenue, and the
frame path agreeing with the one-snapshot path."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings

from kejin.assessment.errors import InvalidRuleSet
from kejin.assessment.inputs.frames import snapshot_frame, snapshot_from_row
from kejin.assessment.model import EnterpriseSnapshot
from kejin.assessment.points.stage import (
    StageBasis,
    StageDecision,
    load_stage_rules,
    parse_stage_rules,
    stage_of,
    with_stage,
)
from kejin.registry.model import Stage

from .points_data import frames

RULES = load_stage_rules()
RULES_FILE = Path(__file__).parents[3] / "src/kejin/assessment/config/stages-2022.json"


def decide(**inputs: Any) -> StageDecision:
    """The stage of one snapshot by both paths, checked to agree."""
    snapshot = EnterpriseSnapshot(**inputs)
    row = with_stage(snapshot_frame([snapshot]), RULES).row(0, named=True)
    decision = stage_of(snapshot, RULES)
    assert (row["stage"], row["stage_basis"], row["stage_rule"]) == (
        decision.stage,
        decision.basis,
        decision.rule,
    )
    return decision


@pytest.mark.parametrize(
    ("revenue", "stage"),
    [
        ("0.00", Stage.SEED),
        ("999999.99", Stage.SEED),
        ("1000000.00", Stage.START_UP),
        ("4999999.99", Stage.START_UP),
        ("5000000.00", Stage.GROWTH),
        ("19999999.99", Stage.GROWTH),
        ("20000000.00", Stage.EXPANSION),
        ("99999999.99", Stage.EXPANSION),
        ("100000000.00", Stage.MATURE),
        ("-5.00", Stage.SEED),
    ],
)
def test_revenue_bands_include_their_lower_bound(revenue: str, stage: Stage) -> None:
    assert decide(revenue=Decimal(revenue)) == StageDecision(stage, StageBasis.REVENUE, None)


def test_a_young_firm_with_only_angel_money_stays_seed() -> None:
    decision = decide(revenue=Decimal(3_000_000), age_days=729, latest_funding_stage="angel")
    assert decision == StageDecision(Stage.SEED, StageBasis.ADJUSTED, "young_seed_money")


@pytest.mark.parametrize(
    ("age_days", "round_", "revenue", "stage"),
    [
        (730, "angel", 3_000_000, Stage.START_UP),
        (100, "series_a", 3_000_000, Stage.START_UP),
        (100, "seed", 5_000_000, Stage.GROWTH),
        (None, "seed", 3_000_000, Stage.START_UP),
    ],
)
def test_the_seed_cap_needs_every_condition(
    age_days: int | None, round_: str, revenue: int, stage: Stage
) -> None:
    decision = decide(age_days=age_days, latest_funding_stage=round_, revenue=Decimal(revenue))
    assert decision == StageDecision(stage, StageBasis.REVENUE, None)


@pytest.mark.parametrize(
    ("round_", "stage", "rule"),
    [
        ("series_a", Stage.START_UP, "series_a"),
        ("series_b", Stage.GROWTH, "series_b_c"),
        ("series_c", Stage.GROWTH, "series_b_c"),
        ("later", Stage.EXPANSION, "late_rounds"),
    ],
)
def test_later_rounds_lift_a_small_firm(round_: str, stage: Stage, rule: str) -> None:
    decision = decide(revenue=Decimal(10), latest_funding_stage=round_, age_days=5000)
    assert decision == StageDecision(stage, StageBasis.ADJUSTED, rule)


def test_a_round_never_lowers_a_larger_firm() -> None:
    decision = decide(revenue=Decimal(200_000_000), latest_funding_stage="series_a")
    assert decision == StageDecision(Stage.MATURE, StageBasis.REVENUE, None)


def test_equity_raised_lifts_from_one_yi() -> None:
    assert decide(revenue=Decimal(10), equity_raised_total=Decimal("99999999.99")).rule is None
    lifted = decide(revenue=Decimal(10), equity_raised_total=Decimal(100_000_000))
    assert lifted == StageDecision(Stage.GROWTH, StageBasis.ADJUSTED, "equity_1yi")


def test_later_rules_win_the_seed_cap_comes_last() -> None:
    decision = decide(
        revenue=Decimal(10),
        age_days=10,
        latest_funding_stage="seed",
        equity_raised_total=Decimal(200_000_000),
    )
    assert decision == StageDecision(Stage.SEED, StageBasis.ADJUSTED, "young_seed_money")


def test_without_revenue_only_a_raising_rule_gives_a_stage() -> None:
    assert decide(latest_funding_stage="series_b") == StageDecision(
        Stage.GROWTH, StageBasis.RULES, "series_b_c"
    )
    assert decide(age_days=10, latest_funding_stage="angel") == StageDecision(None, None, None)
    assert decide() == StageDecision(None, None, None)


def test_the_null_setting_leaves_firms_without_revenue_unstaged() -> None:
    data = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    strict = parse_stage_rules(data | {"missing_revenue": "null"})
    snapshot = EnterpriseSnapshot(latest_funding_stage="later")
    assert stage_of(snapshot, strict) == StageDecision(None, None, None)
    assert with_stage(snapshot_frame([snapshot]), strict)["stage"].to_list() == [None]
    assert stage_of(snapshot, RULES).stage == Stage.EXPANSION


def _broken(change: str) -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(json.loads(RULES_FILE.read_text(encoding="utf-8")))
    if change == "bands fall":
        data["revenue_from"]["growth"] = 500
    elif change == "unknown condition":
        data["adjustments"][0]["when"] = {"staff_below": 10}
    elif change == "unknown round":
        data["adjustments"][0]["when"] = {"funding_in": ["series_z"]}
    elif change == "two directions":
        data["adjustments"][0]["at_most"] = "growth"
    elif change == "duplicate id":
        data["adjustments"][1]["id"] = data["adjustments"][0]["id"]
    elif change == "fractional fen":
        data["revenue_from"]["growth"] = Decimal("5000000.001")
    return data


@pytest.mark.parametrize(
    "change",
    [
        "bands fall",
        "unknown condition",
        "unknown round",
        "two directions",
        "duplicate id",
        "fractional fen",
    ],
)
def test_malformed_stage_rules_are_refused(change: str) -> None:
    with pytest.raises(InvalidRuleSet):
        parse_stage_rules(_broken(change))


@settings(max_examples=60, deadline=None)
@given(frames(max_size=30))
def test_the_frame_path_equals_the_snapshot_path(frame: pl.DataFrame) -> None:
    staged = with_stage(frame, RULES)
    for row in staged.iter_rows(named=True):
        decision = stage_of(snapshot_from_row(row), RULES)
        assert (row["stage"], row["stage_basis"], row["stage_rule"]) == (
            decision.stage,
            decision.basis,
            decision.rule,
        )
