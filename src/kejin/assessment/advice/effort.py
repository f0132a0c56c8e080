"""The effort model: what moving each snapshot input costs, read from a region-editable data file.

An effort model (`config/effort-<version>.json`, see docs/advice.md) prices every input the firm
can move — per tech hire, per yuan of R&D, per percentage point of a share, per IP item, per
certificate — and names the inputs it cannot move, with the reason. Effort is one figure in CNY
so that plans can be ranked: the cost of the changes plus `month_value` for every month the
slowest change takes. The figures are a proposal, not official numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Collection, Mapping
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from kejin.assessment.model import (
    AWARDS,
    CERTIFICATIONS,
    RD_INSTITUTION_LEVELS,
    SNAPSHOT_INPUTS,
    InputValue,
)
from kejin.core.errors import InvalidInput
from kejin.core.money import WAN, YI

_VOCABULARIES = {
    "certifications": CERTIFICATIONS,
    "awards": AWARDS,
    "rd_institutions": RD_INSTITUTION_LEVELS,
}
HUNDRED = Decimal(100)
_STEPS = {"money": "0.01", "history": "0.01", "share": "0.0001", "number": "0.01"}


class InvalidEffortModel(InvalidInput):
    """An effort-model data file does not follow its format."""

    code = "invalid-effort-model"


class Lever(StrEnum):
    """How an input can move, which decides how its changes are priced and worded."""

    COUNT = "count"  # whole units (staff, IP items), priced per unit
    NUMBER = "number"  # a decimal quantity (an average), priced per unit
    MONEY = "money"  # CNY, priced per yuan
    SHARE = "share"  # a 0–1 share, priced per percentage point
    HISTORY = "history"  # a money series: its last year moves, priced per yuan
    FLAG = "flag"  # a yes/no the firm can set to `target`
    SET = "set"  # tokens the firm can obtain, each priced on its own
    WAIT = "wait"  # time: only waiting moves it
    FIXED = "fixed"  # the firm cannot move it (maybe it lapses with time)


@dataclasses.dataclass(frozen=True, slots=True)
class Text:
    """One sentence or label in Chinese and in English."""

    zh: str
    en: str


@dataclasses.dataclass(frozen=True, slots=True)
class Member:
    """One token of a set input: what obtaining it takes, or why it cannot be planned."""

    token: str
    action: Text
    cost: Decimal | None  # None: not plannable, see `reason`
    months: int = 0
    reason: Text | None = None
    ruleset: str | None = None  # obtaining it means meeting this rule set first


@dataclasses.dataclass(frozen=True, slots=True)
class Lapse:
    """A fixed flag that stops counting after a period: `count` calendar years or months."""

    unit: str  # "calendar_years" | "months"
    count: int

    def clears_on(self, on: dt.date) -> dt.date:
        """The latest date the event stops counting, when its own date is not known."""
        if self.unit == "calendar_years":
            return dt.date(on.year + self.count, 1, 1)
        return add_months(on, self.count)


@dataclasses.dataclass(frozen=True, slots=True)
class InputEffort:
    """What moving one snapshot input costs. `cost` is per unit, per yuan, per pp or per flip."""

    name: str
    lever: Lever
    label: Text
    unit: Text = Text("", "")
    cost: Decimal = Decimal(0)
    months: int = 0
    factor: Decimal = Decimal(1)  # progressive scale: each further unit costs `factor` times more
    step: Decimal = Decimal(1)  # the grain of a change (counts 1, money e.g. 10,000)
    direction: str = "up"  # "up", "down" or "both": which way the firm can move it
    raises: tuple[str, ...] = ()  # inputs that grow by the same amount (tech hires are staff)
    target: bool | None = None  # a flag: the value the firm can reach
    action: Text | None = None  # a flag: what reaching the target takes
    members: Mapping[str, Member] = dataclasses.field(default_factory=dict)
    reason: Text | None = None  # why it (or the other direction) cannot be planned
    lapse: Lapse | None = None
    days_per_unit: int = 1  # a waiting input: days per unit of the input
    basis: Text | None = None  # where the figure comes from

    def moves(self, up: bool) -> bool:
        """Whether the firm can move this input up (or down)."""
        if self.lever in (Lever.FIXED, Lever.WAIT, Lever.FLAG, Lever.SET):
            return self.lever is Lever.WAIT and up
        return self.direction in ("both", "up" if up else "down")

    def price(self, before: Decimal, after: Decimal) -> Decimal:
        """The cost of moving a numeric input from `before` to `after` (either direction)."""
        amount = abs(after - before)
        if self.lever is Lever.SHARE:
            return (amount * HUNDRED * self.cost).quantize(Decimal("0.01"))
        if self.lever is Lever.COUNT and self.factor != 1:
            units = int(amount)
            return sum((self.cost * self.factor**k for k in range(units)), Decimal(0)).quantize(
                Decimal("0.01")
            )
        return (amount * self.cost).quantize(Decimal("0.01"))


@dataclasses.dataclass(frozen=True, slots=True)
class EffortModel:
    """A versioned effort model; `effort` folds lead time into money for ranking."""

    version: str
    month_value: Decimal  # CNY of effort per month the slowest change takes
    max_plans: int
    inputs: Mapping[str, InputEffort]
    note: Text

    def effort(self, cost: Decimal, months: int) -> Decimal:
        return cost + self.month_value * months

    def extended(self, other: EffortModel) -> EffortModel:
        """This model with `other`'s inputs added (e.g. a wider vocabulary's); this model's
        version, month value, plan count and note stay. An input priced twice is an error."""
        twice = sorted(self.inputs.keys() & other.inputs.keys())
        if twice:
            raise InvalidEffortModel(
                "Effort model {version} is malformed: {reason}",
                version=other.version,
                reason=f"inputs priced twice: {', '.join(twice)}",
            )
        return dataclasses.replace(self, inputs={**self.inputs, **other.inputs})


def load_effort_model(version: str | None = None, directory: Path | None = None) -> EffortModel:
    """The effort model `version` (default: the latest) from `directory` (default: shipped)."""
    folder = directory or Path(str(resources.files("kejin.assessment") / "config"))
    files = sorted(folder.glob("effort-*.json"))
    if version is not None:
        files = [path for path in files if path.stem == f"effort-{version}"]
    if not files:
        raise InvalidEffortModel("No effort model {version} found", version=version or "")
    return parse_effort_model(
        json.loads(files[-1].read_text(encoding="utf-8"), parse_float=Decimal)
    )


def parse_effort_model(
    data: Mapping[str, Any], inputs: Collection[str] = SNAPSHOT_INPUTS
) -> EffortModel:
    """An effort model from its decoded JSON; checks every input name against `inputs` (by
    default the `EnterpriseSnapshot` fields)."""
    try:
        priced = {name: _input(name, spec, inputs) for name, spec in data["inputs"].items()}
        return EffortModel(
            version=str(data["version"]),
            month_value=_amount(data["month_value"]),
            max_plans=int(data.get("max_plans", 3)),
            inputs=priced,
            note=_text(data["note"]),
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise InvalidEffortModel(
            "Effort model {version} is malformed: {reason}",
            version=data.get("version"),
            reason=repr(error),
        ) from error


def _input(name: str, spec: Mapping[str, Any], inputs: Collection[str]) -> InputEffort:
    if name not in inputs:
        raise ValueError(f"unknown input {name!r}")
    lever = Lever(spec["kind"])
    raises = tuple(spec.get("raises", ()))
    if any(other not in inputs for other in raises):
        raise ValueError(f"{name}: unknown input in raises {raises!r}")
    if spec.get("direction", "up") not in ("up", "down", "both"):
        raise ValueError(f"{name}: bad direction")
    if lever is Lever.FLAG and not isinstance(spec.get("target"), bool):
        raise ValueError(f"{name}: a flag needs a true/false target")
    scale = spec.get("scale", {"kind": "linear"})
    factor = _amount(scale.get("factor", 1)) if scale["kind"] == "progressive" else Decimal(1)
    return InputEffort(
        name=name,
        lever=lever,
        label=_text(spec["label"]),
        unit=_text(spec.get("unit", {"zh": "", "en": ""})),
        cost=_amount(spec.get("cost", 0)),
        months=int(spec.get("months", 0)),
        factor=factor,
        step=_amount(spec.get("step", _STEPS.get(lever, 1))),
        direction=spec.get("direction", "up"),
        raises=raises,
        target=spec.get("target"),
        action=_text(spec["action"]) if "action" in spec else None,
        members=_members(name, spec.get("members", {})),
        reason=_text(spec["reason"]) if "reason" in spec else None,
        lapse=Lapse(spec["lapse"]["unit"], int(spec["lapse"]["count"]))
        if "lapse" in spec
        else None,
        days_per_unit=int(spec.get("days_per_unit", 1)),
        basis=_text(spec["basis"]) if "basis" in spec else None,
    )


def _members(name: str, specs: Mapping[str, Any]) -> dict[str, Member]:
    known = _VOCABULARIES.get(name)
    if known is not None and not specs.keys() <= known:
        raise ValueError(f"{name}: unknown tokens {sorted(specs.keys() - known)!r}")
    return {
        token: Member(
            token=token,
            action=_text(spec["action"]),
            cost=_amount(spec["cost"]) if "cost" in spec else None,
            months=int(spec.get("months", 0)),
            reason=_text(spec["reason"]) if "reason" in spec else None,
            ruleset=spec.get("ruleset"),
        )
        for token, spec in specs.items()
    }


def _text(spec: Mapping[str, str]) -> Text:
    return Text(spec["zh"], spec["en"])


def _amount(spec: int | Decimal | str) -> Decimal:
    amount = Decimal(spec)
    if amount < 0:
        raise ValueError(f"negative figure {spec!r}")
    return amount


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def months_until(on: dt.date, day: dt.date) -> int:
    """Whole months (rounded up) from `on` to `day`; 0 when `day` is not later."""
    return max(0, math.ceil((day - on).days / 30.4375))


def money_zh(amount: Decimal) -> str:
    """An amount in 万元 or 亿元 for Chinese text: 840000 → 84万元, 120000000 → 1.2亿元."""
    sign, size = ("-" if amount < 0 else ""), abs(amount)
    if size >= YI:
        return f"{sign}{_trim(size / YI)}亿元"
    if size >= WAN:
        return f"{sign}{_trim(size / WAN)}万元"
    return f"{sign}{_trim(size)}元"


def money_en(amount: Decimal) -> str:
    """An amount in CNY for English text: CNY 840,000."""
    return f"CNY {amount.quantize(Decimal('0.01')).normalize():,f}"


def percent(share: Decimal) -> str:
    """A 0–1 share as a percentage, cut (not rounded) to two decimals so it never flatters."""
    return f"{_trim((share * HUNDRED).quantize(Decimal('0.01'), rounding=ROUND_DOWN))}%"


def plain(value: InputValue) -> str:
    """A count or number as written in a sentence."""
    return _trim(value) if isinstance(value, Decimal) else str(value)


def _trim(number: Decimal) -> str:
    rounded = number.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    text = f"{rounded:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
