"""Routes: which sets of changes could make each criterion pass, kind by kind.

A criterion passes when it is met, or when its expert-judged range can still pass
(`manual_review`). Leaves move their measure (`levers.reach`), set a flag, obtain a token or
wait; all_of merges one option of every failing child, any_of and best_of take the cheapest
children, and a total with a pass mark takes the mixes of band upgrades (`upgrades.levels`)
whose top of range reaches the mark. Candidates are proposals only: the advice re-assesses
every one with the engine before showing it.

A new criterion kind plugs in by adding a function to `_PASS` here (and, if it scores points,
to `upgrades._LEVELS`); until then it gives the obstacle "no advice for kind X".
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from kejin.assessment.changes import Change, flag_change, lapse_change, member_change
from kejin.assessment.effort import Lever, Text
from kejin.assessment.levers import (
    CANNOT,
    COMPARE,
    NOTHING,
    PASSING,
    Option,
    Scene,
    reach,
)
from kejin.assessment.model import CriterionResult, Status
from kejin.assessment.rules import Criterion, Measure
from kejin.assessment.upgrades import levels


def pass_options(criterion: Criterion, scene: Scene) -> tuple[Option, ...]:
    """Options that make `criterion` pass; `(NOTHING,)` when it passes already."""
    result = scene.results[criterion.id]
    if result.status in PASSING:
        return (NOTHING,)
    handler = _PASS.get(criterion.kind)
    if handler is None:
        scene.no_advice(criterion)
        return ()
    return handler(criterion, result, scene)


def _threshold(criterion: Criterion, result: CriterionResult, scene: Scene) -> tuple[Option, ...]:
    if result.status is Status.UNKNOWN:
        scene.note_missing(result)
        return ()
    assert criterion.measure is not None
    assert criterion.op is not None
    assert criterion.value is not None
    if isinstance(criterion.value, bool):
        change = _flag(criterion, criterion.measure.numerator, criterion.value, scene)
        return () if change is None else (scene.option([change]),)
    return _reached(criterion, criterion.measure, criterion.op, criterion.value, scene)


def _tiered_threshold(
    criterion: Criterion, result: CriterionResult, scene: Scene
) -> tuple[Option, ...]:
    if result.status is Status.UNKNOWN:
        scene.note_missing(result)
        return ()
    assert criterion.measure is not None
    minimum = result.inputs["required_minimum"]
    assert isinstance(minimum, Decimal)
    return _reached(criterion, criterion.measure, ">=", minimum, scene)


def _reached(
    criterion: Criterion, measure: Measure, op: str, bound: Decimal, scene: Scene
) -> tuple[Option, ...]:
    """`reach`, noting why no lever moves the measure when none does."""
    options, reasons = reach(criterion, measure, op, bound, scene)
    if not options:
        for name, reason in reasons:
            scene.block(criterion, name, reason)
    return options


def _flag(criterion: Criterion, name: str, wanted: bool, scene: Scene) -> Change | None:
    spec = scene.spec(criterion, name)
    if spec is None:
        return None
    if spec.lever is Lever.FLAG and spec.target is wanted:
        return flag_change(scene.ground, spec, criterion.id)
    if spec.lever is Lever.FIXED and spec.lapse is not None and wanted is False:
        return lapse_change(scene.ground, spec, criterion.id)
    scene.block(criterion, name, spec.reason or CANNOT)
    return None


def _contains_any(
    criterion: Criterion, result: CriterionResult, scene: Scene
) -> tuple[Option, ...]:
    if result.status is Status.UNKNOWN:
        scene.note_missing(result)
        return ()
    assert criterion.measure is not None
    name = criterion.measure.numerator
    spec = scene.spec(criterion, name)
    if spec is None:
        return ()
    options = []
    for token in criterion.members:
        member = spec.members.get(token)
        if member is None or member.cost is None:
            reason = member.reason if member and member.reason else CANNOT
            scene.block(criterion, name, Text(f"{token}：{reason.zh}", f"{token}: {reason.en}"))
            continue
        prerequisite = scene.price_link(member.ruleset) if member.ruleset else None
        if isinstance(prerequisite, Text):
            scene.block(
                criterion, name, Text(f"{token}：{prerequisite.zh}", f"{token}: {prerequisite.en}")
            )
            continue
        change = member_change(scene.ground, name, member, criterion.id, prerequisite)
        options.append(scene.option([change]))
    return scene.cheapest(options)


def _scored_pass(criterion: Criterion, result: CriterionResult, scene: Scene) -> tuple[Option, ...]:
    """A banded criterion passes with points above zero, or a range an expert can still judge."""
    if result.status is Status.UNKNOWN:
        scene.note_missing(result)
        return ()
    found = [
        lv.option for lv in levels(criterion, scene) if lv.points.low > 0 or not lv.points.is_exact
    ]
    if not found:
        scene.block(criterion, None, CANNOT)
    return scene.cheapest(found)


def _total_pass(criterion: Criterion, result: CriterionResult, scene: Scene) -> tuple[Option, ...]:
    """The cheapest mixes of band upgrades whose top of range reaches the pass mark."""
    if result.status is Status.UNKNOWN:
        scene.note_missing(result)
        return ()
    assert criterion.op is not None
    assert isinstance(criterion.value, Decimal)
    reachable = levels(criterion, scene)
    found = [
        lv.option for lv in reachable if COMPARE[criterion.op](lv.points.high, criterion.value)
    ]
    if not found:
        best = max((lv.points.high for lv in reachable), default=Decimal(0))
        scene.block(
            criterion,
            None,
            Text(
                f"可规划的调整最多只能达到{best}分",
                f"the changes that can be planned reach {best} points at most",
            ),
        )
    return scene.cheapest(found)


def _ref_pass(criterion: Criterion, result: CriterionResult, scene: Scene) -> tuple[Option, ...]:
    assert criterion.ref is not None
    return pass_options(scene.criteria[criterion.ref], scene)


def _all_of(criterion: Criterion, result: CriterionResult, scene: Scene) -> tuple[Option, ...]:
    """One option of every failing child, merged; children are all visited to report obstacles."""
    combos: tuple[Option, ...] = (NOTHING,)
    for child in criterion.children:
        options = pass_options(child, scene)
        combos = scene.cheapest(scene.combine(a, b) for a in combos for b in options)
    return combos


def _any_of(criterion: Criterion, result: CriterionResult, scene: Scene) -> tuple[Option, ...]:
    return scene.cheapest(o for child in criterion.children for o in pass_options(child, scene))


def _manual(criterion: Criterion, result: CriterionResult, scene: Scene) -> tuple[Option, ...]:
    return ()


_PASS: dict[str, Callable[[Criterion, CriterionResult, Scene], tuple[Option, ...]]] = {
    "threshold": _threshold,
    "tiered_threshold": _tiered_threshold,
    "contains_any": _contains_any,
    "bands": _scored_pass,
    "growth": _scored_pass,
    "by_flag": _scored_pass,
    "best_of": _scored_pass,
    "total": _total_pass,
    "ref": _ref_pass,
    "all_of": _all_of,
    "any_of": _any_of,
    "manual": _manual,
}
