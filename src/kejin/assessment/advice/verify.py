"""Verification by the engine: a candidate plan counts only once the rule set, assessed again on
the changed snapshot, passes; and then it is made minimal.

Changes found at different places of the rule tree can interact (new tech hires raise total
staff, which dilutes another share), so a candidate that fails is completed by walking the tree
again on the changed snapshot. A passing plan loses every change it does not need (dearest
first), and every numeric move is shrunk to the least grain that still passes.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from decimal import Decimal

from kejin.assessment.advice.changes import (
    Change,
    Ground,
    Signature,
    number,
    signature,
)
from kejin.assessment.advice.effort import Lever
from kejin.assessment.advice.levers import PASSING, Option, Scene
from kejin.assessment.advice.merging import apply_changes, rebuild
from kejin.assessment.advice.routes import pass_options
from kejin.assessment.model import Status
from kejin.assessment.standards.engine import assess
from kejin.assessment.standards.rules import RuleSet

_REPAIR_ROUNDS = 2


@dataclasses.dataclass(slots=True)
class Check:
    """Applies changes and asks the engine; remembers answers, as minimising asks often."""

    ruleset: RuleSet
    ground: Ground
    seen: dict[Signature, Status] = dataclasses.field(default_factory=dict)

    def status(self, changes: Iterable[Change]) -> Status:
        changes = tuple(changes)
        key = signature(changes)
        if key not in self.seen:
            snapshot = apply_changes(self.ground.snapshot, changes)
            self.seen[key] = assess(self.ruleset, snapshot, self.ground.on).verdict.status
        return self.seen[key]

    def passes(self, changes: Iterable[Change]) -> bool:
        return self.status(changes) in PASSING


def repaired(check: Check, scene: Scene, option: Option) -> tuple[Change, ...] | None:
    """The option, or the option plus what the rule tree still asks once it is applied.

    Changes found apart can interact (new tech hires raise total staff); the tree is walked
    again on the changed snapshot and the cheapest completion merged in, rebuilt against the
    original snapshot.
    """
    current: Option | None = option
    for _ in range(_REPAIR_ROUNDS + 1):
        if current is None:
            return None
        if check.passes(current.changes):
            return current.changes
        changed = Ground(
            apply_changes(scene.ground.snapshot, current.changes),
            scene.ground.on,
            scene.ground.model,
        )
        verdict = assess(check.ruleset, changed.snapshot, changed.on).verdict
        again = Scene.of(check.ruleset.root, changed, verdict, scene.price_link)
        completions = pass_options(check.ruleset.root, again)
        if not completions:
            return None
        rebuilt = [_against(scene.ground, change) for change in completions[0].changes]
        current = scene.combine(current, scene.option(rebuilt))
    return None


def _against(ground: Ground, change: Change) -> Change:
    """A change found on a changed snapshot, restated from the original snapshot."""
    if change.member is not None or isinstance(change.after, bool):
        return dataclasses.replace(change, before=ground.snapshot.value(change.input))
    return rebuild(ground, change, change.after)


def minimal(check: Check, changes: tuple[Change, ...]) -> tuple[Change, ...]:
    """No change that is not needed, and every numeric move as small as still passes."""
    ground = check.ground
    changes = _without_unneeded(check, ground, changes)
    for index in range(len(changes)):
        changes = (*changes[:index], _shrunk(check, ground, changes, index), *changes[index + 1 :])
    return _without_unneeded(check, ground, changes)


def _without_unneeded(
    check: Check, ground: Ground, changes: tuple[Change, ...]
) -> tuple[Change, ...]:
    by_effort = sorted(changes, key=lambda c: ground.model.effort(c.cost, c.months), reverse=True)
    for candidate in by_effort:
        trial = tuple(change for change in changes if change is not candidate)
        if check.passes(trial):
            changes = trial
    return changes


def _shrunk(check: Check, ground: Ground, changes: tuple[Change, ...], index: int) -> Change:
    """The least move of `changes[index]` (on its input's grid) that still passes."""
    change = changes[index]
    ends = _ends(change)
    spec = ground.model.inputs[change.input]
    if ends is None or spec.lever in (Lever.FIXED, Lever.FLAG, Lever.SET):
        return change
    start, end = ends
    step = spec.step if spec.lever is not Lever.WAIT else Decimal(1)
    sign = 1 if end > start else -1
    low, high, best = 1, math.ceil(abs(end - start) / step), change
    while low < high:
        middle = (low + high) // 2
        candidate = _moved(ground, change, start + sign * middle * step)
        trial = (*changes[:index], candidate, *changes[index + 1 :])
        if check.passes(trial):
            high, best = middle, candidate
        else:
            low = middle + 1
    return best


def _ends(change: Change) -> tuple[Decimal, Decimal] | None:
    before, after = change.before, change.after
    if isinstance(before, tuple) and isinstance(after, tuple):
        before, after = before[-1], after[-1]
    if isinstance(after, bool) or change.member is not None:
        return None
    start, end = number(before), number(after)
    return None if start is None or end is None else (start, end)


def _moved(ground: Ground, change: Change, value: Decimal) -> Change:
    if isinstance(change.before, tuple):
        return rebuild(ground, change, (*change.before[:-1], value))
    return rebuild(ground, change, value)
