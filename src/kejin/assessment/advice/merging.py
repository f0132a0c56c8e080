"""How changes combine: merged when two criteria ask for the same input, applied to a snapshot,
and restated within the plan they end up in.

Merging keeps the larger move of an input (opposite moves conflict). Applying sets each input,
adds each token and moves the inputs that grow with a change by the same amount. Within a plan,
a ratio another change moves is worded at the plan's figures, and a certificate's prerequisite
is priced net of what the plan does anyway.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import Decimal

from kejin.assessment.advice.changes import (
    Change,
    Ground,
    history_change,
    number,
    numeric_change,
    waits,
)
from kejin.assessment.advice.effort import Lever
from kejin.assessment.model import EnterpriseSnapshot, InputValue


def in_plan(ground: Ground, change: Change, others: Iterable[Change]) -> Change:
    """`change` worded within its plan: when other changes move the ratio it serves (a plan
    that also raises sales), the ratio is shown at the plan's figures, not today's."""
    others = tuple(others)
    moved = {c.input for c in others} | {name for c in others for name, _ in c.also}
    if change.ratio is None or not moved & {change.ratio.numerator, change.ratio.denominator}:
        return change
    planned = Ground(apply_changes(ground.snapshot, others), ground.on, ground.model)
    after = number(change.after)
    assert after is not None
    worded = numeric_change(
        planned, change.input, after, change.criterion, change.ratio, planned=True
    )
    return dataclasses.replace(
        change, sentence_zh=worded.sentence_zh, sentence_en=worded.sentence_en
    )


def net_of_plan(ground: Ground, change: Change, others: Iterable[Change]) -> Change:
    """A token's prerequisite priced net of what the rest of the plan does anyway.

    Meeting another rule set first (for its certificate) often asks for moves the plan makes
    itself (more main-business revenue): a move the plan already makes at least as far costs
    nothing more; a larger one costs only the difference.
    """
    pre = change.prerequisite
    if pre is None or not pre.changes:
        return change
    planned = {other.key: other for other in others}
    extra, months = Decimal(0), 0
    for need in pre.changes:
        done = planned.get(need.key)
        if done is not None and merge(done, need) is done:
            continue
        extra += need.cost - (done.cost if done is not None else 0)
        months = max(months, need.months)
    cost = change.cost - pre.cost + extra
    months_total = change.months - pre.months + months
    net = dataclasses.replace(pre, cost=extra, months=months)
    effort = ground.model.effort(cost, months_total)
    return dataclasses.replace(
        change, cost=cost, months=months_total, effort=effort, prerequisite=net,
        not_before=waits(pre),
    )  # fmt: skip


def rebuild(ground: Ground, change: Change, after: InputValue) -> Change:
    """The same kind of change against `ground`, moved to `after` (for merging and shrinking)."""
    spec = ground.model.inputs[change.input]
    if spec.lever is Lever.HISTORY:
        assert isinstance(after, tuple)
        assert change.context is not None
        return history_change(ground, change.input, after[-1], change.criterion, change.context)
    if change.member is not None or isinstance(after, bool):
        return change
    value = number(after)
    assert value is not None
    return numeric_change(ground, change.input, value, change.criterion, change.ratio)


def merge(first: Change, second: Change) -> Change | None:
    """Two changes of the same input as one: the larger move wins; opposite moves conflict."""
    if first.after == second.after or first.member is not None:
        return first
    moves = [_move(first), _move(second)]
    if moves[0] is None or moves[1] is None or moves[0] * moves[1] < 0:
        return None
    return first if abs(moves[0]) >= abs(moves[1]) else second


def _move(change: Change) -> Decimal | None:
    before, after = change.before, change.after
    if isinstance(before, tuple) and isinstance(after, tuple):
        before, after = before[-1], after[-1]
    start, end = number(before), number(after)
    return None if start is None or end is None else end - start


def apply_changes(snapshot: EnterpriseSnapshot, changes: Iterable[Change]) -> EnterpriseSnapshot:
    """The snapshot with `changes` made: values set, tokens added, coupled inputs moved."""
    values: dict[str, InputValue] = {}
    moved: dict[str, Decimal] = {}
    for change in changes:
        if change.member is not None:
            held = values.get(change.input, snapshot.value(change.input))
            tokens = held if isinstance(held, frozenset) else frozenset[str]()
            values[change.input] = tokens | {change.member}
        else:
            values[change.input] = change.after
        for other, delta in change.also:
            moved[other] = moved.get(other, Decimal(0)) + delta
    for other, delta in moved.items():
        values[other] = _shifted(values.get(other, snapshot.value(other)), delta)
    return dataclasses.replace(snapshot, **values)  # type: ignore[arg-type]


def _shifted(value: InputValue, delta: Decimal) -> InputValue:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return value
    return int(value + delta) if isinstance(value, int) else value + delta
