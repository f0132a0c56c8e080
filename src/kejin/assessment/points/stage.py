"""Life-cycle stage (生命周期阶段: 种子期·初创期·成长期·扩张期·成熟期) from revenue, age, funding.

The rules are data, `config/stages-<version>.json` (docs/innovation-points.md): revenue bands
give the base stage; adjustments, applied in file order, raise a firm to at least a stage or lower
it to at most one when all their conditions hold. A condition on an unknown input does not hold.
Without revenue the stage is what the adjustments alone establish (basis `rules`), or null.

`with_stage` evaluates a snapshot frame, `stage_of` one snapshot; both take the same steps on
the same exact integers (money in fen), so they give the same answers.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from kejin.assessment.errors import InvalidRuleSet
from kejin.assessment.model import EnterpriseSnapshot
from kejin.core.money import to_scaled_int
from kejin.registry.model import FundingStage, Stage

STAGES: tuple[Stage, ...] = tuple(Stage)  # seed → mature, the order of the enum
STAGE_ENUM = pl.Enum([stage.value for stage in STAGES])
DEFAULT_STAGE_RULES = "2022"
CONFIG_DIR = "config"


class StageBasis(StrEnum):
    """What the stage rests on."""

    REVENUE = "revenue"  # the revenue band; no adjustment changed it
    ADJUSTED = "adjusted"  # the revenue band, then moved by adjustments (last: `stage_rule`)
    RULES = "rules"  # revenue unknown: set by the adjustments alone


# Condition keys of the rule file: the snapshot input, the comparison, whether it is money.
_CONDITIONS: dict[str, tuple[str, str, bool]] = {
    "age_days_below": ("age_days", "<", False),
    "age_days_from": ("age_days", ">=", False),
    "revenue_below": ("revenue", "<", True),
    "revenue_from": ("revenue", ">=", True),
    "equity_raised_from": ("equity_raised_total", ">=", True),
    "funding_in": ("latest_funding_stage", "in", False),
}
_FUNDING_STAGES = frozenset(stage.value for stage in FundingStage)
_MISSING_REVENUE = frozenset({"rules", "null"})


@dataclasses.dataclass(frozen=True, slots=True)
class Condition:
    """`input op value`; money thresholds are held in fen so both paths compare integers."""

    input: str
    op: str
    value: int | frozenset[str]
    money: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Adjustment:
    """When every condition holds, the stage becomes at least `at_least` / at most `at_most`."""

    id: str
    label_zh: str
    label_en: str
    when: tuple[Condition, ...]
    stage: int  # index into STAGES
    raises: bool  # True: at_least; False: at_most


@dataclasses.dataclass(frozen=True, slots=True)
class StageRules:
    """One version of the stage rules."""

    version: str
    name_zh: str
    name_en: str
    source: str
    revenue_from_fen: tuple[int, ...]  # lower bound of each stage of STAGES, in fen
    missing_revenue: str  # "rules": adjustments alone decide; "null": no stage
    adjustments: tuple[Adjustment, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class StageDecision:
    """The stage of one enterprise, what it rests on and the adjustment that set it last."""

    stage: Stage | None
    basis: StageBasis | None
    rule: str | None


def load_stage_rules(
    version: str = DEFAULT_STAGE_RULES, directory: Path | None = None
) -> StageRules:
    """The stage rules `stages-<version>.json` (default folder: the configuration shipped)."""
    folder = directory or Path(str(resources.files("kejin.assessment") / CONFIG_DIR))
    path = folder / f"stages-{version}.json"
    return parse_stage_rules(json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal))


def parse_stage_rules(data: Mapping[str, Any]) -> StageRules:
    """Stage rules from decoded JSON; a malformed file is refused whole, naming the problem."""
    try:
        bounds = tuple(_fen(data["revenue_from"][stage.value]) for stage in STAGES)
        if bounds[0] != 0 or list(bounds) != sorted(set(bounds)):
            raise ValueError("revenue_from must start at 0 for seed and rise stage by stage")
        if data["missing_revenue"] not in _MISSING_REVENUE:
            raise ValueError(f"missing_revenue must be one of {sorted(_MISSING_REVENUE)}")
        adjustments = tuple(_adjustment(item) for item in data["adjustments"])
        if len({item.id for item in adjustments}) != len(adjustments):
            raise ValueError("adjustment ids must be unique")
        return StageRules(
            version=str(data["version"]),
            name_zh=data["name_zh"],
            name_en=data["name_en"],
            source=data["source"],
            revenue_from_fen=bounds,
            missing_revenue=data["missing_revenue"],
            adjustments=adjustments,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidRuleSet(
            "Rule set {code} is malformed: {reason}", code=data.get("code"), reason=repr(error)
        ) from error


def _fen(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"not an amount: {value!r}")
    return to_scaled_int(Decimal(value), 2)


def _adjustment(data: Mapping[str, Any]) -> Adjustment:
    directions = [key for key in ("at_least", "at_most") if key in data]
    if len(directions) != 1:
        raise ValueError(f"adjustment {data['id']} needs exactly one of at_least, at_most")
    if not data["when"]:
        raise ValueError(f"adjustment {data['id']} has no condition")
    return Adjustment(
        id=data["id"],
        label_zh=data["label"]["zh"],
        label_en=data["label"]["en"],
        when=tuple(_condition(key, value) for key, value in data["when"].items()),
        stage=STAGES.index(Stage(data[directions[0]])),
        raises=directions[0] == "at_least",
    )


def _condition(key: str, value: Any) -> Condition:
    if key not in _CONDITIONS:
        raise ValueError(f"unknown condition {key}; known: {sorted(_CONDITIONS)}")
    name, op, money = _CONDITIONS[key]
    if op == "in":
        tokens = frozenset(value)
        if not tokens or not tokens <= _FUNDING_STAGES:
            raise ValueError(f"{key} takes funding stages from {sorted(_FUNDING_STAGES)}")
        return Condition(name, op, tokens)
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"{key} takes a number, not {value!r}")
    return Condition(name, op, _fen(value) if money else int(value), money)


# --- the frame path ---------------------------------------------------------------------------


def _condition_expr(condition: Condition) -> pl.Expr:
    column = pl.col(condition.input)
    if isinstance(condition.value, frozenset):
        held = column.is_in(sorted(condition.value))
    else:
        lhs = column.to_physical() if condition.money else column
        held = lhs < condition.value if condition.op == "<" else lhs >= condition.value
    return held.fill_null(value=False)


def _base_expr(rules: StageRules) -> pl.Expr:
    fen = pl.col("revenue").to_physical()
    base = pl.lit(0, dtype=pl.Int8)
    for bound in rules.revenue_from_fen[1:]:
        base = base + (fen >= bound).cast(pl.Int8)
    return pl.when(fen.is_not_null()).then(base)


def with_stage(frame: pl.DataFrame, rules: StageRules) -> pl.DataFrame:
    """`frame` with `stage` (Enum of the five stages), `stage_basis` and `stage_rule` added.

    Reads `revenue`, `age_days`, `latest_funding_stage` and `equity_raised_total`.
    """
    known = pl.col("revenue").is_not_null()
    staged = frame.with_columns(_stage=_base_expr(rules), stage_rule=pl.lit(None, pl.String))
    usable = known if rules.missing_revenue == "null" else pl.lit(value=True)
    for adjustment in rules.adjustments:
        staged = staged.with_columns(_moved=_adjusted_expr(adjustment) & usable)
        staged = staged.with_columns(
            _stage=pl.when("_moved").then(pl.lit(adjustment.stage, pl.Int8)).otherwise("_stage"),
            stage_rule=pl.when("_moved").then(pl.lit(adjustment.id)).otherwise("stage_rule"),
        )
    basis = (
        pl.when(pl.col("_stage").is_null())
        .then(None)
        .when(~known)
        .then(pl.lit(StageBasis.RULES.value))
        .when(pl.col("stage_rule").is_not_null())
        .then(pl.lit(StageBasis.ADJUSTED.value))
        .otherwise(pl.lit(StageBasis.REVENUE.value))
    )
    names = {index: stage.value for index, stage in enumerate(STAGES)}
    return staged.with_columns(
        stage=pl.col("_stage").replace_strict(names, return_dtype=STAGE_ENUM),
        stage_basis=basis,
    ).drop("_stage", "_moved", strict=False)


def _adjusted_expr(adjustment: Adjustment) -> pl.Expr:
    """True where `adjustment` applies and moves the current `_stage`."""
    holds = pl.all_horizontal(*(_condition_expr(condition) for condition in adjustment.when))
    current = pl.col("_stage")
    if adjustment.raises:
        moves = current.is_null() | (current < adjustment.stage)
    else:
        moves = current.is_not_null() & (current > adjustment.stage)
    return holds & moves


# --- the scalar path --------------------------------------------------------------------------


def stage_of(snapshot: EnterpriseSnapshot, rules: StageRules) -> StageDecision:
    """The stage of one snapshot, by the same steps as `with_stage`."""
    revenue = None if snapshot.revenue is None else to_scaled_int(snapshot.revenue, 2)
    if revenue is None and rules.missing_revenue == "null":
        return StageDecision(None, None, None)
    stage = None if revenue is None else _band(revenue, rules.revenue_from_fen)
    rule = None
    for adjustment in rules.adjustments:
        if _moves(stage, adjustment) and all(_holds(c, snapshot) for c in adjustment.when):
            stage, rule = adjustment.stage, adjustment.id
    if stage is None:
        return StageDecision(None, None, rule)
    basis = (
        StageBasis.RULES
        if revenue is None
        else StageBasis.REVENUE
        if rule is None
        else StageBasis.ADJUSTED
    )
    return StageDecision(STAGES[stage], basis, rule)


def _band(revenue_fen: int, bounds: tuple[int, ...]) -> int:
    return sum(1 for bound in bounds[1:] if revenue_fen >= bound)


def _moves(stage: int | None, adjustment: Adjustment) -> bool:
    if adjustment.raises:
        return stage is None or stage < adjustment.stage
    return stage is not None and stage > adjustment.stage


_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "<": lambda left, right: left < right,
    ">=": lambda left, right: left >= right,
}


def _holds(condition: Condition, snapshot: EnterpriseSnapshot) -> bool:
    value = snapshot.value(condition.input)
    if value is None:
        return False
    if isinstance(condition.value, frozenset):
        return value in condition.value
    if condition.money:
        assert isinstance(value, Decimal)
        value = to_scaled_int(value, 2)
    assert isinstance(value, int)
    return _COMPARE[condition.op](value, condition.value)
