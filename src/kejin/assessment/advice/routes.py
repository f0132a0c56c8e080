"""Routes: which sets of changes could make each criterion pass, and which points each scored
criterion can reach, kind by kind.

A criterion passes when it is met, or when its expert-judged range can still pass
(`manual_review`). Leaves move their measure (`levers.reach`), set a flag, obtain a token or
wait; series kinds move the latest year (`series`); all_of merges one option of every failing
child, any_of and best_of take the cheapest children, and a total with a pass mark takes the
mixes of its children's points levels (`levels`) whose top of range reaches the mark.
Candidates are proposals only: the advice re-assesses every one with the engine.

A new criterion kind plugs in by adding a function to `_PASS` (and, if it scores points, to
`_LEVELS`); until then it gives the obstacle "no advice for kind X".
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from decimal import Decimal

from kejin.assessment.advice.changes import (
    Change,
    Signature,
    flag_change,
    lapse_change,
    member_change,
)
from kejin.assessment.advice.effort import Lever, Text
from kejin.assessment.advice.levers import (
    CANNOT,
    NOTHING,
    PASSING,
    Level,
    Option,
    Scene,
    reach,
)
from kejin.assessment.advice.series import rate_levels, rate_pass, yearly_pass
from kejin.assessment.model import CriterionResult, Points, Status
from kejin.assessment.standards.evaluation import COMPARE
from kejin.assessment.standards.rules import Criterion, Measure


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
    if spec.lever is not Lever.SET:  # a text input (a stage, a region) is not obtained token-wise
        scene.block(criterion, name, spec.reason or CANNOT)
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


def _growth_pass(criterion: Criterion, result: CriterionResult, scene: Scene) -> tuple[Option, ...]:
    """A pass mark on the rate, or bands that must give points."""
    if criterion.op is not None:
        return rate_pass(criterion, result, scene)
    return _scored_pass(criterion, result, scene)


def _applies_if_pass(
    criterion: Criterion, result: CriterionResult, scene: Scene
) -> tuple[Option, ...]:
    """Where it applies, what its one child needs (a flag that does not apply passes)."""
    assert criterion.measure is not None
    if result.inputs.get(criterion.measure.numerator) is None:
        scene.note_missing(result)
        return ()
    return pass_options(criterion.children[0], scene)


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
    "growth": _growth_pass,
    "cagr": _growth_pass,
    "yearly": yearly_pass,
    "ladder": _scored_pass,
    "applies_if": _applies_if_pass,
    "by_flag": _scored_pass,
    "best_of": _scored_pass,
    "total": _total_pass,
    "ref": _ref_pass,
    "all_of": _all_of,
    "any_of": _any_of,
    "manual": _manual,
}


def levels(criterion: Criterion, scene: Scene) -> tuple[Level, ...]:
    """The current points level first, then the upgrades a scored criterion can reach."""
    result = scene.results[criterion.id]
    if result.points is None:
        scene.note_missing(result)
        return ()
    current = Level(result.points, NOTHING)
    handler = _LEVELS.get(criterion.kind)
    if handler is None:
        if criterion.kind not in _FIXED_POINTS:
            scene.no_advice(criterion)
        return (current,)
    better = [
        lv for lv in handler(criterion, result, scene) if lv.points.high > current.points.high
    ]
    return (current, *better)


def _band_levels(criterion: Criterion, result: CriterionResult, scene: Scene) -> list[Level]:
    assert criterion.measure is not None
    assert result.points is not None
    found: list[Level] = []
    for band in criterion.bands:
        if band.points.high <= result.points.high:
            continue
        op = ">" if band.exclusive else ">="
        options, _ = reach(criterion, criterion.measure, op, band.lower, scene)
        found.extend(Level(band.points, option) for option in options)
    return found


def _flag_levels(criterion: Criterion, result: CriterionResult, scene: Scene) -> list[Level]:
    assert criterion.measure is not None
    name = criterion.measure.numerator
    spec = scene.ground.model.inputs.get(name)
    flag = scene.ground.snapshot.value(name)
    if spec is None or spec.lever is not Lever.FLAG or flag is spec.target:
        return []
    points = criterion.when_true if spec.target else criterion.when_false
    assert points is not None
    return [Level(points, scene.option([flag_change(scene.ground, spec, criterion.id)]))]


def _best_of_levels(criterion: Criterion, result: CriterionResult, scene: Scene) -> list[Level]:
    return [lv for child in criterion.children for lv in levels(child, scene)[1:]]


def _ref_levels(criterion: Criterion, result: CriterionResult, scene: Scene) -> list[Level]:
    assert criterion.ref is not None
    return list(levels(scene.criteria[criterion.ref], scene)[1:])


def _ladder_levels(criterion: Criterion, result: CriterionResult, scene: Scene) -> list[Level]:
    """A better rung's points, for what makes its condition pass."""
    return [
        Level(rung.points, option)
        for rung in criterion.rungs
        for option in pass_options(rung.when, scene)
        if option.changes
    ]


def _applies_if_levels(criterion: Criterion, result: CriterionResult, scene: Scene) -> list[Level]:
    return list(levels(criterion.children[0], scene)[1:])


def _total_levels(criterion: Criterion, result: CriterionResult, scene: Scene) -> list[Level]:
    """Every mix of the children's levels, kept to a cost/points frontier child by child."""
    frontier = [Level(Points.exact(0), NOTHING)]
    for child in criterion.children:
        options = levels(child, scene)
        if not options:
            return []
        mixed = []
        for done in frontier:
            for level in options:
                option = scene.combine(done.option, level.option)
                if option is not None:
                    mixed.append(Level(done.points + level.points, option))
        frontier = _frontier(mixed, _FRONTIER)
    capped = [Level(lv.points.capped(criterion.cap), lv.option) for lv in frontier]
    return [lv for lv in _frontier(capped, _FRONTIER) if lv.option.changes]


def _frontier(found: list[Level], width: int) -> list[Level]:
    """Drop a level when `width` others reach at least its points for no more effort."""
    kept: list[Level] = []
    efforts: list[Decimal] = []
    seen: set[Signature] = set()
    for level in sorted(found, key=lambda lv: (-lv.points.high, lv.option.effort)):
        signature = level.option.signature
        if signature in seen or bisect.bisect_right(efforts, level.option.effort) >= width:
            continue
        seen.add(signature)
        bisect.insort(efforts, level.option.effort)
        kept.append(level)
    return kept


# A mix stays on a total's frontier unless this many others reach at least its points for no
# more effort: a little slack keeps routes whose merged cost turns out lower.
_FRONTIER = 3
_FIXED_POINTS = frozenset({"manual"})  # scored, but nothing the firm does moves the points
_LEVELS: dict[str, Callable[[Criterion, CriterionResult, Scene], list[Level]]] = {
    "bands": _band_levels,
    "growth": rate_levels,
    "cagr": rate_levels,
    "ladder": _ladder_levels,
    "applies_if": _applies_if_levels,
    "by_flag": _flag_levels,
    "best_of": _best_of_levels,
    "ref": _ref_levels,
    "total": _total_levels,
}
