"""Levers: the vocabulary of the advice search and the moves that bring one measure to a bound.

An `Option` is a candidate set of changes with its effort, a `Level` a points level a scored
criterion can reach, a `Scene` one enterprise's current results plus what the search met on
the way (missing data, obstacles). `reach` moves an input or a ratio to satisfy a comparison:
a ratio by its numerator at the current denominator (tech hires also raise total staff), or by
its denominator where the effort model lets that input move the helpful way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from decimal import ROUND_CEILING, Decimal

from kejin.assessment.advice.changes import (
    Change,
    Ground,
    Prerequisite,
    Ratio,
    Signature,
    number,
    numeric_change,
    signature,
)
from kejin.assessment.advice.effort import InputEffort, Text
from kejin.assessment.advice.merging import merge
from kejin.assessment.model import CriterionResult, Points, Status
from kejin.assessment.standards.evaluation import COMPARE
from kejin.assessment.standards.rules import Criterion, Measure

PASSING = frozenset({Status.MET, Status.MANUAL_REVIEW, Status.NOT_APPLICABLE})
ROUNDING_TRIES = 5


@dataclasses.dataclass(frozen=True, slots=True)
class Option:
    """One candidate set of changes and its effort (cost plus the slowest change's months)."""

    changes: tuple[Change, ...]
    effort: Decimal
    signature: Signature  # what the changes do: equal options are one


NOTHING = Option((), Decimal(0), frozenset())


@dataclasses.dataclass(frozen=True, slots=True)
class Level:
    """A points level a scored criterion can reach, and the option that reaches it."""

    points: Points
    option: Option


@dataclasses.dataclass(frozen=True, slots=True)
class Obstacle:
    """Why part of the rule tree cannot be planned (or which data is missing first)."""

    criterion: str
    input: str | None
    sentence_zh: str
    sentence_en: str

    def to_dict(self) -> dict[str, str | None]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True, slots=True)
class Missing:
    """An input the firm must provide before the criterion reading it can be decided."""

    input: str
    criterion: str
    label: Text

    @property
    def sentence_zh(self) -> str:
        return f"先补充缺失数据：{self.label.zh}（{self.input}）"

    @property
    def sentence_en(self) -> str:
        return f"Provide the missing data first: {self.label.en} ({self.input})"

    def to_dict(self) -> dict[str, str]:
        return {
            "input": self.input,
            "criterion": self.criterion,
            "sentence_zh": self.sentence_zh,
            "sentence_en": self.sentence_en,
        }


@dataclasses.dataclass(slots=True)
class Scene:
    """One enterprise's current results, the rule tree by id, and what the search has met."""

    ground: Ground
    results: dict[str, CriterionResult]
    criteria: dict[str, Criterion]
    price_link: Callable[[str], Prerequisite | Text]
    width: int = 8
    missing: dict[str, Missing] = dataclasses.field(default_factory=dict)
    obstacles: dict[tuple[str, str | None, str], Obstacle] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(
        cls,
        root: Criterion,
        ground: Ground,
        verdict: CriterionResult,
        price_link: Callable[[str], Prerequisite | Text],
    ) -> Scene:
        """The scene of one assessment: its results and criteria by id."""
        return cls(ground, _by_id(verdict), _criteria(root), price_link)

    def no_advice(self, criterion: Criterion) -> None:
        """A kind the advice has no handler for yet: said, not crashed on."""
        kind = criterion.kind
        reason = Text(f"暂无针对“{kind}”类条件的建议", f"no advice for kind {kind}")
        self.block(criterion, None, reason)

    def block(self, criterion: Criterion, name: str | None, reason: Text) -> None:
        zh = f"{criterion.label_zh}：{reason.zh}"
        en = f"{criterion.label_en}: {reason.en}"
        self.obstacles.setdefault((criterion.id, name, en), Obstacle(criterion.id, name, zh, en))

    def note_missing(self, result: CriterionResult) -> None:
        """Every input left unknown under `result`: the firm provides these first."""
        if result.status is Status.UNKNOWN and not result.children:
            for name, value in result.inputs.items():
                if value is None and name not in self.missing:
                    self.missing[name] = Missing(name, result.id, self.label(name))
        for child in result.children:
            self.note_missing(child)

    def label(self, name: str) -> Text:
        spec = self.ground.model.inputs.get(name)
        return spec.label if spec else Text(name, name)

    def spec(self, criterion: Criterion, name: str) -> InputEffort | None:
        spec = self.ground.model.inputs.get(name)
        if spec is None:
            self.block(criterion, name, unpriced(name))
        return spec

    def option(self, changes: Iterable[Change]) -> Option:
        ordered = tuple(sorted(changes, key=lambda change: (change.input, change.member or "")))
        cost = sum((change.cost for change in ordered), Decimal(0))
        months = max((change.months for change in ordered), default=0)
        return Option(ordered, self.ground.model.effort(cost, months), signature(ordered))

    def combine(self, first: Option, second: Option) -> Option | None:
        """Both options at once; None when they move one input in opposite directions."""
        if not second.changes:
            return first
        if not first.changes:
            return second
        merged = {change.key: change for change in first.changes}
        for change in second.changes:
            kept = merge(merged[change.key], change) if change.key in merged else change
            if kept is None:
                return None
            merged[change.key] = kept
        return self.option(merged.values())

    def cheapest(self, options: Iterable[Option | None]) -> tuple[Option, ...]:
        """The `width` cheapest options that move different inputs.

        Two options moving the same inputs by different amounts are one route; keeping only the
        cheaper leaves room for other routes (a Class I patent beside more Class II items).
        """
        best: dict[frozenset[tuple[str, str | None]], Option] = {}
        for option in options:
            if option is None:
                continue
            inputs = frozenset(change.key for change in option.changes)
            if inputs not in best or _rank(option) < _rank(best[inputs]):
                best[inputs] = option
        return tuple(sorted(best.values(), key=_rank)[: self.width])


def _by_id(result: CriterionResult) -> dict[str, CriterionResult]:
    found = {result.id: result}
    for child in result.children:
        found |= _by_id(child)
    return found


def _criteria(criterion: Criterion) -> dict[str, Criterion]:
    found = {criterion.id: criterion}
    for child in (*criterion.children, *(rung.when for rung in criterion.rungs)):
        found |= _criteria(child)
    return found


def _rank(option: Option) -> tuple[Decimal, int]:
    return (option.effort, len(option.changes))


def unpriced(name: str) -> Text:
    """An input the effort model has no entry for: a region adds one to plan with it."""
    return Text(f"努力程度模型未对输入项{name}定价", f"no effort known for {name}")


CANNOT = Text("企业无法在短期内改变", "the firm cannot change it in the short term")
Reasons = list[tuple[str, Text]]


def reach(
    criterion: Criterion, measure: Measure, op: str, bound: Decimal, scene: Scene
) -> tuple[tuple[Option, ...], Reasons]:
    """Options moving `measure` to satisfy `op bound`, and why the other levers cannot."""
    if measure.denominator is None:
        change, reasons = _reach_input(criterion, measure.numerator, op, bound, scene)
        return ((scene.option([change]),) if change else ()), reasons
    changes, reasons = _reach_ratio(criterion, measure, op, bound, scene)
    return tuple(scene.option([change]) for change in changes), reasons


def _reach_input(
    criterion: Criterion, name: str, op: str, bound: Decimal, scene: Scene
) -> tuple[Change | None, Reasons]:
    spec = scene.ground.model.inputs.get(name)
    value = number(scene.ground.snapshot.value(name))
    if spec is None or value is None:
        return None, [(name, unpriced(name))]
    up = op in (">=", ">") or (op == "==" and value < bound)
    if not spec.moves(up):
        return None, [(name, spec.reason or CANNOT)]
    after = bound if op == "==" else on_grid(value, bound, op, spec.step)
    if after is None:
        return None, [(name, CANNOT)]
    return numeric_change(scene.ground, name, after, criterion.id), []


def on_grid(start: Decimal, bound: Decimal, op: str, step: Decimal) -> Decimal | None:
    """The nearest value start ± k·step that satisfies `op bound`; None below zero."""
    sign = 1 if op in (">=", ">") else -1
    steps = max(Decimal(0), (sign * (bound - start) / step).to_integral_value(ROUND_CEILING))
    value = start + sign * steps * step
    if not COMPARE[op](value, bound):
        value += sign * step
    return value if value >= 0 else None


def _reach_ratio(
    criterion: Criterion, measure: Measure, op: str, bound: Decimal, scene: Scene
) -> tuple[list[Change], Reasons]:
    """Move the numerator at the current denominator, or the denominator where that is allowed."""
    assert measure.denominator is not None
    snapshot, model = scene.ground.snapshot, scene.ground.model
    top, bottom = (
        number(snapshot.value(measure.numerator)),
        number(snapshot.value(measure.denominator)),
    )
    ratio = Ratio(
        measure.numerator, measure.denominator, Text(criterion.label_zh, criterion.label_en)
    )
    changes: list[Change] = []
    reasons: Reasons = []
    if top is None or bottom is None:
        return changes, reasons
    up = op in (">=", ">")
    for name, is_top in ((measure.numerator, True), (measure.denominator, False)):
        spec = model.inputs.get(name)
        if spec is None or not spec.moves(up if is_top else not up):
            reasons.append((name, (spec.reason if spec else None) or CANNOT))
            continue
        after = _ratio_target(spec, (top, bottom), is_top, measure, (op, bound))
        if after is not None:
            changes.append(numeric_change(scene.ground, name, after, criterion.id, ratio))
    return changes, reasons


def _ratio_target(
    spec: InputEffort,
    parts: tuple[Decimal, Decimal],
    is_top: bool,
    measure: Measure,
    test: tuple[str, Decimal],
) -> Decimal | None:
    """The value of the moved input that brings top/bottom to `op bound`, on the input's grid.

    Moving the numerator by x moves the denominator by x too when the numerator is part of it
    (tech staff are staff): (n + x) / (d + x) ≥ v gives x ≥ (v·d − n) / (1 − v).
    """
    (top, bottom), (op, bound) = parts, test
    coupled = is_top and measure.denominator in spec.raises
    if is_top:
        slack = 1 - bound if coupled else Decimal(1)
        if slack <= 0 or (bottom == 0 and not coupled):
            return None
        target = top + (bound * bottom - top) / slack
        start = top
    else:
        if bound <= 0 or top <= 0:
            return None
        target, start = top / bound, bottom
    moving_up = target > start
    value = on_grid(start, target, ">=" if moving_up else "<=", spec.step)
    for _ in range(ROUNDING_TRIES):
        if value is None:
            return None
        shift = value - start
        new_top, new_bottom = (
            (value, bottom + (shift if coupled else 0)) if is_top else (top, value)
        )
        if new_bottom > 0 and COMPARE[op](new_top / new_bottom, bound):
            return value
        value = value + spec.step if moving_up else value - spec.step
    return None
