"""The effort model: a data file checked against the snapshot, its prices, and money wording."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kejin.assessment.advice.effort import (
    InvalidEffortModel,
    Lever,
    load_effort_model,
    money_en,
    money_zh,
    parse_effort_model,
    percent,
)
from kejin.assessment.standards.catalogue import load_rulesets
from kejin.assessment.standards.rules import Criterion

SHIPPED = Path(__file__).resolve().parents[3] / "src/kejin/assessment/config/effort-2025.json"


def shipped() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SHIPPED.read_text(encoding="utf-8"), parse_float=Decimal)
    return data


def _inputs_read(criterion: Criterion) -> set[str]:
    names = set()
    for measure in (criterion.measure, criterion.selector):
        if measure is not None:
            names |= {measure.numerator, *([measure.denominator] if measure.denominator else [])}
    for child in (*criterion.children, *(rung.when for rung in criterion.rungs)):
        names |= _inputs_read(child)
    return names


def test_every_input_a_shipped_rule_set_reads_has_an_effort_entry() -> None:
    model = load_effort_model()
    read = set().union(*(_inputs_read(ruleset.root) for ruleset in load_rulesets()))
    assert sorted(read - model.inputs.keys()) == []


def test_the_latest_model_is_loaded_by_default() -> None:
    assert load_effort_model().version == load_effort_model("2025").version == "2025"


def test_a_missing_version_is_an_error() -> None:
    with pytest.raises(InvalidEffortModel, match="1999"):
        load_effort_model("1999")


@pytest.mark.parametrize(
    ("name", "spec", "reason"),
    [
        ("no_such_input", {"kind": "count", "label": {"zh": "x", "en": "x"}}, "unknown input"),
        ("tech_staff", {"kind": "count", "label": {"zh": "x", "en": "x"}, "cost": -1}, "negative"),
        ("tech_staff", {"kind": "lottery", "label": {"zh": "x", "en": "x"}}, "lottery"),
        ("ip_self_developed", {"kind": "flag", "label": {"zh": "x", "en": "x"}}, "target"),
        (
            "awards",
            {"kind": "set", "label": {"zh": "x", "en": "x"}, "members": {"nobel": {}}},
            "nobel",
        ),
    ],
)
def test_a_malformed_model_is_refused(name: str, spec: dict[str, Any], reason: str) -> None:
    data = shipped()
    data["inputs"] = {name: spec}
    with pytest.raises(InvalidEffortModel, match=reason):
        parse_effort_model(data)


def test_hires_get_dearer_on_a_progressive_scale_and_money_is_linear() -> None:
    data = shipped()
    data["inputs"]["tech_staff"]["scale"] = {"kind": "progressive", "factor": Decimal("1.10")}
    model = parse_effort_model(data)
    hires = model.inputs["tech_staff"]
    assert hires.price(Decimal(9), Decimal(12)) == hires.cost * (
        1 + Decimal("1.1") + Decimal("1.21")
    )
    rd = model.inputs["rd_expense"]
    assert rd.price(Decimal(100), Decimal(300)) == 200 * rd.cost
    share = model.inputs["rd_domestic_share"]
    assert share.lever is Lever.SHARE
    assert share.price(Decimal("0.50"), Decimal("0.60")) == 10 * share.cost


def test_only_the_allowed_direction_moves() -> None:
    model = load_effort_model()
    assert model.inputs["rd_expense"].moves(up=True)
    assert not model.inputs["rd_expense"].moves(up=False)
    assert model.inputs["total_liabilities"].moves(up=False)
    assert not model.inputs["staff"].moves(up=True)
    assert model.inputs["age_days"].moves(up=True)


@pytest.mark.parametrize(
    ("amount", "zh", "en"),
    [
        (Decimal(5_000), "5000元", "CNY 5,000"),
        (Decimal(840_000), "84万元", "CNY 840,000"),
        (Decimal(845_000), "84.5万元", "CNY 845,000"),
        (Decimal(120_000_000), "1.2亿元", "CNY 120,000,000"),
        (Decimal("1234.56"), "1234.56元", "CNY 1,234.56"),
    ],
)
def test_money_reads_in_wan_and_yi_in_chinese_and_cny_in_english(
    amount: Decimal, zh: str, en: str
) -> None:
    assert (money_zh(amount), money_en(amount)) == (zh, en)


def test_a_share_never_rounds_up_to_a_threshold() -> None:
    assert percent(Decimal("0.09999")) == "9.99%"
    assert percent(Decimal("0.1")) == "10%"


STAGE_ENTRY = {
    "kind": "fixed",
    "label": {"zh": "阶段", "en": "stage"},
    "reason": {"zh": "不规划", "en": "not planned"},
}


def _stage_model() -> dict[str, Any]:
    return {**shipped(), "version": "stage", "inputs": {"stage": STAGE_ENTRY}}


def test_another_vocabulary_prices_its_own_inputs_and_extends_the_shipped_model() -> None:
    with pytest.raises(InvalidEffortModel, match="unknown input 'stage'"):
        parse_effort_model(_stage_model())
    stage = parse_effort_model(_stage_model(), {"stage", "staff"})
    model = load_effort_model().extended(stage)
    assert model.inputs["stage"].lever is Lever.FIXED
    assert model.inputs.keys() == load_effort_model().inputs.keys() | {"stage"}
    assert model.version == load_effort_model().version


def test_an_input_priced_by_both_models_is_refused() -> None:
    data = {**_stage_model(), "inputs": {"staff": shipped()["inputs"]["staff"]}}
    with pytest.raises(InvalidEffortModel, match="priced twice: staff"):
        load_effort_model().extended(parse_effort_model(data))
