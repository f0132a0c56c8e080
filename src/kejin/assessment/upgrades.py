"""Upgrades: the points levels a scored criterion can reach, and what each costs.

Bands and growth bands give one level per better band (the least move reaching its lower
bound); by_flag the other flag value; best_of any option's levels; a total every mix of its
children's levels, searched child by child and kept to a frontier of points against effort (a
small exact knapsack: levels reaching at least as many points for no more effort crowd a level
out). The caller picks the levels that reach its pass mark.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from decimal import Decimal

from kejin.assessment.changes import Signature, flag_change, history_change
from kejin.assessment.effort import Lever
from kejin.assessment.engine import growth_rate
from kejin.assessment.levers import NOTHING, ROUNDING_TRIES, Level, Scene, on_grid, reach
from kejin.assessment.model import CriterionResult, Points
from kejin.assessment.rules import Criterion


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


def _growth_levels(criterion: Criterion, result: CriterionResult, scene: Scene) -> list[Level]:
    """Raise the latest year of the series until the growth rate reaches each better band."""
    assert criterion.measure is not None
    name = criterion.measure.numerator
    spec = scene.ground.model.inputs.get(name)
    series = scene.ground.snapshot.value(name)
    if spec is None or spec.lever is not Lever.HISTORY or not isinstance(series, tuple):
        return []
    found: list[Level] = []
    for band in criterion.bands:
        last = _last_value_for(series[-3:], band.lower, band.exclusive, spec.step)
        if last is not None and last > series[-1]:
            change = history_change(scene.ground, name, last, criterion.id)
            found.append(Level(band.points, scene.option([change])))
    return found


def _last_value_for(
    series: tuple[Decimal, ...], rate: Decimal, exclusive: bool, step: Decimal
) -> Decimal | None:
    """The smallest latest-year value (on the grid) whose growth rate reaches `rate`."""
    if len(series) == 3 and series[1] != 0:
        v1, v2, _ = series
        target = v2 * (1 + rate) if v1 == 0 else v2 * (2 * (1 + rate) - v2 / v1)
    elif len(series) == 2 and series[0] != 0:
        target = series[0] * (1 + rate)
    else:
        return None
    value = on_grid(series[-1], max(target, series[-1]), ">=", step)
    for _ in range(ROUNDING_TRIES):
        if value is None:
            return None
        achieved = growth_rate((*series[:-1], value))
        if achieved is not None and (achieved > rate or (achieved == rate and not exclusive)):
            return value
        value += step
    return None


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
        frontier = _frontier(mixed, scene.width)
    capped = [Level(lv.points.capped(criterion.cap), lv.option) for lv in frontier]
    return [lv for lv in _frontier(capped, scene.width) if lv.option.changes]


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


_FIXED_POINTS = frozenset({"manual"})  # scored, but nothing the firm does moves the points
_LEVELS: dict[str, Callable[[Criterion, CriterionResult, Scene], list[Level]]] = {
    "bands": _band_levels,
    "growth": _growth_levels,
    "by_flag": _flag_levels,
    "best_of": _best_of_levels,
    "ref": _ref_levels,
    "total": _total_levels,
}
