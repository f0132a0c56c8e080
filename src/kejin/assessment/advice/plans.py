"""What would it take: the smallest change plans that would meet an unmet standard, by effort.

`advise` walks the rule tree for the candidate options (`levers`), then keeps
only what the engine confirms: every candidate is applied to the snapshot (`apply`) and assessed
again, repaired when changes interact, stripped of every change that is not needed, and each
numeric move shrunk to the least that still passes. A plan ends `met`, or `manual_review` when
what is left is for experts to judge. Plans are ranked by effort (`effort`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from kejin.assessment.advice.changes import (
    Change,
    Ground,
    Prerequisite,
    Signature,
    signature,
)
from kejin.assessment.advice.effort import EffortModel, Lever, Text, money_en, money_zh
from kejin.assessment.advice.levers import PASSING, Missing, Obstacle, Scene
from kejin.assessment.advice.merging import apply_changes, in_plan, net_of_plan
from kejin.assessment.advice.routes import pass_options
from kejin.assessment.advice.verify import Check, minimal, repaired
from kejin.assessment.model import EnterpriseSnapshot, RuleSetVersion, Status
from kejin.assessment.standards.engine import assess
from kejin.assessment.standards.rules import RuleSet

__all__ = ["Advice", "Change", "Missing", "Obstacle", "Plan", "advise", "advise_all", "apply"]

_CANDIDATES = 10


@dataclasses.dataclass(frozen=True, slots=True)
class Plan:
    """Changes that together make the standard pass, verified by the engine, with their effort."""

    changes: tuple[Change, ...]
    cost: Decimal  # CNY, the sum of the changes' costs
    months: int  # the slowest change: changes run side by side
    effort: Decimal  # cost plus the model's value of those months: the ranking key
    outcome: Status  # met, or manual_review when experts judge the rest
    not_before: dt.date | None  # a waiting change: the earliest date the plan can pass
    sentence_zh: str
    sentence_en: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "changes": [change.to_dict() for change in self.changes],
            "cost": str(self.cost),
            "months": self.months,
            "effort": str(self.effort),
            "outcome": self.outcome.value,
            "not_before": self.not_before.isoformat() if self.not_before else None,
            "sentence_zh": self.sentence_zh,
            "sentence_en": self.sentence_en,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Advice:
    """For one rule set: the verdict now, the data to provide first, and the plans by effort."""

    ruleset: str
    version: str
    evaluated_on: dt.date
    effort_model: str
    status: Status
    missing: tuple[Missing, ...]  # data to provide first
    plans: tuple[Plan, ...]
    excluded: tuple[Obstacle, ...]  # parts of the tree no plan can change, and why
    sentence_zh: str
    sentence_en: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "version": self.version,
            "evaluated_on": self.evaluated_on.isoformat(),
            "effort_model": self.effort_model,
            "status": self.status.value,
            "missing": [item.to_dict() for item in self.missing],
            "plans": [plan.to_dict() for plan in self.plans],
            "excluded": [item.to_dict() for item in self.excluded],
            "sentence_zh": self.sentence_zh,
            "sentence_en": self.sentence_en,
        }


def apply(snapshot: EnterpriseSnapshot, plan: Plan | Iterable[Change]) -> EnterpriseSnapshot:
    """The snapshot as it would be after the plan's changes."""
    return apply_changes(snapshot, plan.changes if isinstance(plan, Plan) else plan)


def advise_all(
    rulesets: Iterable[RuleSet], snapshot: EnterpriseSnapshot, on: dt.date, model: EffortModel
) -> tuple[Advice, ...]:
    """Advice for every rule set in force on `on`, each pricing certificates with the others."""
    in_force: dict[str, RuleSet] = {}
    for ruleset in rulesets:
        if ruleset.version.in_force(on):
            in_force.setdefault(ruleset.version.code, ruleset)
    ground, priced = Ground(snapshot, on, model), _Priced()
    return tuple(_advise(ruleset, ground, in_force, priced) for ruleset in in_force.values())


def advise(
    ruleset: RuleSet,
    snapshot: EnterpriseSnapshot,
    on: dt.date,
    model: EffortModel,
    *,
    linked: Mapping[str, RuleSet] | None = None,
) -> Advice:
    """The change plans that would turn an unmet (or unknown) verdict into a passing one.

    `linked` rule sets price tokens that need them (an HNTE certificate costs what meeting the
    HNTE rule set costs); without them such a token is left out, with the reason.
    """
    return _advise(ruleset, Ground(snapshot, on, model), linked or {}, _Priced())


def _advise(
    ruleset: RuleSet,
    ground: Ground,
    linked: Mapping[str, RuleSet],
    priced: _Priced,
    *,
    alternatives: bool = True,
) -> Advice:
    """`advise`, sharing the prices of linked rule sets; a linked rule set is priced by its
    cheapest plan alone (`alternatives` off)."""
    snapshot, on, model = ground.snapshot, ground.on, ground.model
    others = {code: r for code, r in linked.items() if code != ruleset.version.code}
    verdict = assess(ruleset, snapshot, on).verdict
    if verdict.status in PASSING:
        return _advice(ruleset, on, model, verdict.status)
    links = _Links(ground, others, priced)
    scene = Scene.of(ruleset.root, ground, verdict, links)
    check = Check(ruleset, ground)
    plans = _verified(check, scene)
    for name in _levers_of(plans) if alternatives else ():
        if len(plans) >= model.max_plans:
            break
        without = Ground(snapshot, on, _without(model, name))
        plans |= _verified(check, Scene.of(ruleset.root, without, verdict, links))
    ranked = sorted(plans.values(), key=lambda p: (p.effort, p.cost, len(p.changes)))
    return _advice(
        ruleset,
        on,
        model,
        verdict.status,
        missing=tuple(scene.missing.values()),
        excluded=tuple(scene.obstacles.values()),
        plans=tuple(ranked[: model.max_plans]),
    )


def _verified(check: Check, scene: Scene) -> dict[Signature, Plan]:
    """The scene's candidates that the engine confirms, each made minimal."""
    plans: dict[Signature, Plan] = {}
    for option in pass_options(check.ruleset.root, scene)[:_CANDIDATES]:
        changes = repaired(check, scene, option)
        if changes is not None:
            plan = _plan(scene, minimal(check, changes), check)
            plans.setdefault(signature(plan.changes), plan)
    return plans


def _levers_of(plans: Mapping[Signature, Plan]) -> list[str]:
    """The inputs of the cheapest plan, dearest change first: each is left out in turn to find
    other routes (the points search keeps only the cheapest way to each score)."""
    if not plans:
        return []
    best = min(plans.values(), key=lambda p: (p.effort, p.cost, len(p.changes)))
    return [c.input for c in sorted(best.changes, key=lambda c: c.effort, reverse=True)]


def _without(model: EffortModel, name: str) -> EffortModel:
    """The model with input `name` held where it is."""
    held = dataclasses.replace(model.inputs[name], lever=Lever.FIXED, lapse=None)
    return dataclasses.replace(model, inputs={**model.inputs, name: held})


def _plan(scene: Scene, changes: tuple[Change, ...], check: Check) -> Plan:
    order = list(scene.criteria)
    ordered = tuple(
        _within(check.ground, change, [other for other in changes if other is not change])
        for change in sorted(changes, key=lambda c: (order.index(c.criterion), c.input))
    )
    cost = sum((change.cost for change in ordered), Decimal(0))
    months = max((change.months for change in ordered), default=0)
    dates = [change.not_before for change in ordered if change.not_before]
    outcome = check.status(ordered)
    assert outcome in (Status.MET, Status.MANUAL_REVIEW), "a plan is kept only once it passes"
    zh = "；".join(change.sentence_zh for change in ordered)
    en = "; ".join(change.sentence_en for change in ordered)
    if outcome is Status.MANUAL_REVIEW:
        zh += "。完成后达到可评审条件，其余由专家评审的部分仍需评审"
        en += ". The standard can then pass; the expert-judged parts are left to the review"
    else:
        zh += "。完成后即符合条件"
        en += ". The standard is then met"
    effort = scene.ground.model.effort(cost, months)
    return Plan(
        ordered, cost, months, effort, outcome, max(dates, default=None), zh + "。", en + "."
    )


def _within(ground: Ground, change: Change, others: list[Change]) -> Change:
    """The change as part of its plan: ratios worded at the plan's figures, a prerequisite
    priced net of what the plan does anyway."""
    return net_of_plan(ground, in_plan(ground, change, others), others)


def _advice(
    ruleset: RuleSet,
    on: dt.date,
    model: EffortModel,
    status: Status,
    *,
    missing: tuple[Missing, ...] = (),
    excluded: tuple[Obstacle, ...] = (),
    plans: tuple[Plan, ...] = (),
) -> Advice:
    version = ruleset.version
    zh, en = _summary(version, status, missing=missing, plans=plans, excluded=excluded)
    return Advice(
        version.code, version.version, on, model.version, status, missing, plans, excluded, zh, en
    )


def _summary(
    version: RuleSetVersion,
    status: Status,
    *,
    missing: tuple[Missing, ...],
    plans: tuple[Plan, ...],
    excluded: tuple[Obstacle, ...],
) -> tuple[str, str]:
    if status in PASSING:
        return (
            f"{version.name_zh}：已达到，无需调整。",
            f"{version.name_en}: already passes; nothing to change.",
        )
    if status is Status.UNKNOWN:
        zh, en = (
            [f"{version.name_zh}：尚无法判断（缺少数据）。"],
            [f"{version.name_en}: cannot be decided yet."],
        )
    else:
        zh, en = [f"{version.name_zh}：尚未达到。"], [f"{version.name_en}: not met yet."]
    if missing:
        zh.append(
            "请先补充数据：" + "、".join(f"{m.label.zh}（{m.input}）" for m in missing) + "。"
        )
        en.append(
            "Provide the missing data first: "
            + ", ".join(f"{m.label.en} ({m.input})" for m in missing)
            + "."
        )
    if plans:
        best = plans[0]
        zh.append(
            f"最省力的方案（努力程度约{money_zh(best.effort)}，约{best.months}个月）：{best.sentence_zh}"
        )
        en.append(
            f"Cheapest plan (effort about {money_en(best.effort)}, about {best.months} months): "
            f"{best.sentence_en}"
        )
    else:
        zh.append("暂无可行方案" + "".join(f"：{item.sentence_zh}" for item in excluded[:1]) + "。")
        en.append("No plan found" + "".join(f": {item.sentence_en}" for item in excluded[:1]) + ".")
    return "".join(zh), " ".join(en)


class _Priced(dict[tuple[str, frozenset[str]], Prerequisite | Text]):
    """Linked rule sets priced so far, by code and the codes linked to it in turn."""


@dataclasses.dataclass(slots=True)
class _Links:
    """Prices a token that needs another rule set met: that rule set's own cheapest plan.

    Without that rule set the token cannot be priced honestly, so it is left out, with why.
    Prices are shared by every advice of one call (`advise_all` advises each rule set once).
    """

    ground: Ground
    rulesets: Mapping[str, RuleSet]
    priced: _Priced

    def __call__(self, code: str) -> Prerequisite | Text:
        if code not in self.rulesets:
            return Text(
                f"须先满足{code}的条件，但未提供该规则集，无法测算",
                f"needs the {code} conditions met first; that rule set was not given to price it",
            )
        rest = {other: r for other, r in self.rulesets.items() if other != code}
        key = (code, frozenset(rest))
        if key not in self.priced:
            sub = _advise(self.rulesets[code], self.ground, rest, self.priced, alternatives=False)
            self.priced[key] = _prerequisite(code, sub)
        return self.priced[key]


def _prerequisite(code: str, advice: Advice) -> Prerequisite | Text:
    if advice.status in PASSING:
        return Prerequisite(code)
    if not advice.plans:
        return Text(f"无法规划满足{code}的条件", f"the {code} conditions cannot be planned")
    best = advice.plans[0]
    return Prerequisite(code, best.cost, best.months, best.changes)
