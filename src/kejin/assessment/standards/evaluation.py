"""What every criterion kind shares while it is evaluated: the run (the snapshot, results so far,
the memo of `assess_many`), exact readings of inputs (ratios as fractions, never rounded), band
points, and the result with its sentence in Chinese and English.
"""

from __future__ import annotations

import contextvars
import dataclasses
import operator
from collections.abc import Callable, Hashable, Mapping
from decimal import Decimal
from fractions import Fraction

from kejin.assessment.model import CriterionResult, EnterpriseSnapshot, InputValue, Points, Status
from kejin.assessment.standards.rules import Band, Criterion, Measure

COMPARE: dict[str, Callable[[Decimal | Fraction, Decimal | Fraction], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}

_STATUS_EN = {
    Status.MET: "met",
    Status.UNMET: "not met",
    Status.UNKNOWN: "unknown, data missing",
    Status.MANUAL_REVIEW: "needs expert review",
    Status.NOT_APPLICABLE: "not applicable",
}

_STATUS_ZH = {
    Status.MET: "符合",
    Status.UNMET: "不符合",
    Status.UNKNOWN: "无法判断（缺少数据）",
    Status.MANUAL_REVIEW: "需专家评审",
    Status.NOT_APPLICABLE: "不适用",
}

ZERO = Decimal(0)

ZERO_POINTS = Points.exact(0)

LOWER = {False: ">=", True: ">"}  # how a band's lower bound is reached: inclusive, exclusive


class _ZeroDenominator:
    """A ratio whose denominator is zero: known data, undefined ratio."""


UNDEFINED = _ZeroDenominator()

Reading = Fraction | None | _ZeroDenominator  # exact: ratios are never rounded


@dataclasses.dataclass(slots=True)
class Run:
    snapshot: EnterpriseSnapshot
    done: dict[str, CriterionResult] = dataclasses.field(default_factory=dict)
    memo: dict[Hashable, CriterionResult] | None = None  # input criteria shared by rule sets

    def read(self, measure: Measure) -> tuple[Reading, dict[str, InputValue]]:
        top = self.snapshot.value(measure.numerator)
        if measure.denominator is None:
            return exact(number(top)), {measure.numerator: top}
        bottom = self.snapshot.value(measure.denominator)
        inputs = {measure.numerator: top, measure.denominator: bottom}
        top_n, bottom_n = number(top), number(bottom)
        if top_n is None or bottom_n is None:
            return None, inputs
        return (UNDEFINED if bottom_n == ZERO else Fraction(top_n) / Fraction(bottom_n)), inputs


def number(value: InputValue) -> Decimal | None:
    if value is None or isinstance(value, bool | str | tuple | frozenset):
        return None
    return Decimal(value)


def exact(number: Decimal | None) -> Fraction | None:
    return None if number is None else Fraction(number)


def result(
    criterion: Criterion,
    status: Status,
    inputs: Mapping[str, InputValue],
    points: Points | None = None,
    *,
    chosen: str | None = None,
    children: tuple[CriterionResult, ...] = (),
) -> CriterionResult:
    if not EXPLAIN.get():
        return CriterionResult(criterion.id, status, points, dict(inputs), "", "", chosen, children)
    shown = "; ".join(f"{name}={_show(value)}" for name, value in inputs.items())
    points_en = f", {points} points" if points is not None else ""
    points_zh = f"，{points}分" if points is not None else ""
    chosen_en = f", using {chosen}" if chosen else ""
    chosen_zh = f"，采用{chosen}" if chosen else ""
    tail_en, tail_zh = (f" ({shown})", f"（{shown}）") if shown else ("", "")
    return CriterionResult(
        id=criterion.id,
        status=status,
        points=points,
        inputs=dict(inputs),
        sentence_zh=f"{criterion.label_zh}：{_STATUS_ZH[status]}{points_zh}{chosen_zh}{tail_zh}。",
        sentence_en=f"{criterion.label_en}: {_STATUS_EN[status]}{points_en}{chosen_en}{tail_en}.",
        chosen=chosen,
        children=children,
    )


def _show(value: InputValue) -> str:
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(value)) + "}"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return "—" if value is None else str(value)


def band_points(bands: tuple[Band, ...], reading: Fraction) -> Points:
    for band in bands:
        if reading > band.lower or (reading == band.lower and not band.exclusive):
            return band.points
    return Points.exact(0)


def scored(
    criterion: Criterion,
    points: Points,
    inputs: Mapping[str, InputValue],
    *,
    chosen: str | None = None,
    children: tuple[CriterionResult, ...] = (),
) -> CriterionResult:
    status = Status.MET if points.low > ZERO else Status.UNMET
    if not points.is_exact:
        status = Status.MANUAL_REVIEW
    return result(criterion, status, inputs, points, chosen=chosen, children=children)


# Whether `result` writes sentences; a context variable, so that the kinds need not carry it.
EXPLAIN = contextvars.ContextVar("explain", default=True)
