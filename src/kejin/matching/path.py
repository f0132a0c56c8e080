"""The financing path across life-cycle stages: what fits now, what fits at the next stage and
what gets the firm there, and what is still far away and why.

*Now* are the products met or waiting for review whose stages include the firm's. *Next* is the
cheapest revenue route to the next stage of the stage rules (`assessment.points.stage`): the
next stage's lower revenue bound, or a higher bound that clears a capping adjustment, kept only
when `stage_of` the projected snapshot is that stage; the catalogue is matched again on the
projected snapshot, and the products passable there for that stage are listed. *Far* are the
products missed now that fit only later stages and that the next step does not reach, each
with the conditions that block it.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from kejin.assessment.advice.effort import EffortModel, money_en, money_zh
from kejin.assessment.model import Status
from kejin.assessment.points.stage import STAGES, StageRules, stage_of
from kejin.matching.catalogue import MatchCatalogue
from kejin.matching.explain import match_one
from kejin.matching.model import PASSABLE, ChecklistItem, EnterpriseMatch, ProductMatch
from kejin.products.vocabulary import MatchSnapshot
from kejin.registry.model import Stage

_FEN = Decimal("0.01")


@dataclasses.dataclass(frozen=True, slots=True)
class StageStep:
    """The route to the next stage, verified by `stage_of`, and what fits there."""

    stage: Stage
    revenue: Decimal  # the revenue to reach (CNY)
    cost: Decimal  # the effort model's price of that revenue
    months: int
    sentence_zh: str
    sentence_en: str
    products: tuple[ProductMatch, ...]  # passable at that stage on the projected snapshot


@dataclasses.dataclass(frozen=True, slots=True)
class FarProduct:
    product: ProductMatch
    blocking: tuple[ChecklistItem, ...]  # conditions not met or not known


@dataclasses.dataclass(frozen=True, slots=True)
class FinancingPath:
    stage: Stage | None
    now: tuple[ProductMatch, ...]
    next: StageStep | None  # None: the last stage, revenue unknown, or no verified route
    far: tuple[FarProduct, ...]


def financing_path(
    catalogue: MatchCatalogue,
    snapshot: MatchSnapshot,
    rules: StageRules,
    model: EffortModel,
    match: EnterpriseMatch | None = None,
) -> FinancingPath:
    """The path of one firm (its `match` on the catalogue's date, recomputed if not given)."""
    match = match or match_one(catalogue, snapshot, catalogue.on)
    stage = Stage(snapshot.stage) if snapshot.stage else None
    products = [p for matches in match.layers.values() for p in matches]
    now = tuple(p for p in products if p.status in PASSABLE and p.stage_fit)
    step = _next_step(catalogue, snapshot, stage, rules, model)
    reached = {p.code for p in step.products} if step else set()
    far = tuple(
        FarProduct(p, tuple(i for i in p.checklist if i.status in _BLOCKING))
        for p in products
        if p.status not in PASSABLE and p.code not in reached and _later(catalogue, p.code, stage)
    )
    return FinancingPath(stage, now, step, far)


_BLOCKING = frozenset({Status.UNMET, Status.UNKNOWN})
_STAGE_ZH = {
    Stage.SEED: "种子期",
    Stage.START_UP: "初创期",
    Stage.GROWTH: "成长期",
    Stage.EXPANSION: "扩张期",
    Stage.MATURE: "成熟期",
}


def _later(catalogue: MatchCatalogue, code: str, stage: Stage | None) -> bool:
    """Every stage of the product comes after the firm's."""
    if stage is None:
        return False
    spec = next(e.spec for e in catalogue.products if e.code == code)
    return min(STAGES.index(s) for s in spec.stages) > STAGES.index(stage)


def _next_step(
    catalogue: MatchCatalogue,
    snapshot: MatchSnapshot,
    stage: Stage | None,
    rules: StageRules,
    model: EffortModel,
) -> StageStep | None:
    if stage is None or snapshot.revenue is None or stage is STAGES[-1]:
        return None
    target = STAGES[STAGES.index(stage) + 1]
    for revenue in _candidates(rules, target, snapshot.revenue):
        projected = dataclasses.replace(snapshot, revenue=revenue, stage=target.value)
        if stage_of(projected, rules).stage is target:
            return _step(catalogue, snapshot, projected, target, model)
    return None


def _candidates(rules: StageRules, target: Stage, revenue: Decimal) -> list[Decimal]:
    """Revenues to try, least first: the target's lower bound, then the bounds of capping
    adjustments (`revenue_below`) within the target's band, never below today's revenue."""
    number = STAGES.index(target)
    low = rules.revenue_from_fen[number]
    high = rules.revenue_from_fen[number + 1] if number + 1 < len(STAGES) else None
    caps = {
        int(condition.value)
        for adjustment in rules.adjustments
        if not adjustment.raises
        for condition in adjustment.when
        if condition.input == "revenue" and condition.op == "<" and isinstance(condition.value, int)
    }
    bounds = sorted({low} | {cap for cap in caps if cap > low and (high is None or cap < high)})
    return [max(revenue, Decimal(fen) * _FEN) for fen in bounds]


def _step(
    catalogue: MatchCatalogue,
    snapshot: MatchSnapshot,
    projected: MatchSnapshot,
    target: Stage,
    model: EffortModel,
) -> StageStep:
    before, after = snapshot.revenue or Decimal(0), projected.revenue or Decimal(0)
    effort = model.inputs["revenue"]
    cost = effort.price(before, after) if after > before else Decimal(0)
    months = effort.months if after > before else 0
    there = match_one(catalogue, projected, catalogue.on)
    products = tuple(
        p
        for matches in there.layers.values()
        for p in matches
        if p.status in PASSABLE and p.stage_fit
    )
    return StageStep(
        target,
        after,
        cost,
        months,
        f"销售收入达到{money_zh(after)}即进入{_STAGE_ZH[target]}",
        f"Sales revenue of {money_en(after)} reaches the {target.value} stage",
        products,
    )
