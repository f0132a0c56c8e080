"""Changes to an enterprise's inputs: built, priced and worded from the effort model, and applied.

A change sets one input to a new value (a set input: adds one token). Inputs that grow with it
(a new tech hire is also one more employee) move by the same amount and are part of the same
change, so a plan never lists them separately. Every change is built against the original
snapshot, so changes found at different places of a rule tree merge by keeping the larger move.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from kejin.assessment.advice.effort import (
    EffortModel,
    InputEffort,
    Lever,
    Member,
    Text,
    money_en,
    money_zh,
    months_until,
    percent,
    plain,
)
from kejin.assessment.model import EnterpriseSnapshot, InputValue

Number = Decimal | int
Signature = frozenset[tuple[str, str | None, str]]  # what a set of changes does


@dataclasses.dataclass(frozen=True, slots=True)
class Ground:
    """What changes are built against: the snapshot as it is, the date and the effort model."""

    snapshot: EnterpriseSnapshot
    on: dt.date
    model: EffortModel


@dataclasses.dataclass(frozen=True, slots=True)
class Ratio:
    """The ratio a change serves, labelled by the criterion that reads it."""

    numerator: str
    denominator: str
    label: Text


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    """One concrete change to one input, with its cost, lead time and a sentence in zh and en."""

    input: str
    before: InputValue
    after: InputValue
    cost: Decimal  # CNY
    months: int  # lead time
    effort: Decimal  # cost plus the effort model's value of the lead time
    criterion: str  # the criterion that asked for it first
    sentence_zh: str
    sentence_en: str
    member: str | None = None  # a set input: the token obtained
    also: tuple[tuple[str, Number], ...] = ()  # inputs moved by the same amount
    not_before: dt.date | None = None  # a waiting change: the first date it holds
    ratio: Ratio | None = None
    context: Text | None = None  # a series change: the criterion it serves
    prerequisite: Prerequisite | None = None  # a token that needs another rule set met
    mark: tuple[str, str | None, str] = dataclasses.field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # What the change does, whatever the decimals' written precision; kept, as plans and
        # options are compared by it very often.
        object.__setattr__(self, "mark", (self.input, self.member, _canonical(self.after)))

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.input, self.member)

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "member": self.member,
            "before": jsonable(self.before),
            "after": jsonable(self.after),
            "also": {name: jsonable(delta) for name, delta in self.also},
            "cost": str(self.cost),
            "months": self.months,
            "effort": str(self.effort),
            "not_before": self.not_before.isoformat() if self.not_before else None,
            "criterion": self.criterion,
            "sentence_zh": self.sentence_zh,
            "sentence_en": self.sentence_en,
            "prerequisite": self.prerequisite.to_dict() if self.prerequisite else None,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Prerequisite:
    """Obtaining a token (the HNTE certificate) needs rule set `ruleset` met first: the cost and
    time of that rule set's cheapest plan (none when it passes already)."""

    ruleset: str
    cost: Decimal = Decimal(0)
    months: int = 0
    changes: tuple[Change, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "cost": str(self.cost),
            "months": self.months,
            "changes": [change.to_dict() for change in self.changes],
        }


def signature(changes: Iterable[Change]) -> Signature:
    """What a set of changes does, whatever the order or the decimals' written precision."""
    return frozenset(change.mark for change in changes)


def _canonical(value: InputValue) -> str:
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, tuple):
        return repr(tuple(item.normalize() for item in value))
    return repr(value)


def jsonable(value: InputValue) -> Any:
    """An input value as JSON: decimals as strings, sets as sorted lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return [str(item) for item in value]
    return value


def number(value: InputValue) -> Decimal | None:
    """A numeric input as a Decimal; None for a missing or non-numeric one."""
    if value is None or isinstance(value, bool | str | tuple | frozenset):
        return None
    return Decimal(value)


def _change(
    ground: Ground,
    criterion: str,
    move: tuple[str, InputValue, InputValue],
    price: tuple[Decimal, int],
    words: tuple[str, str],
    **extra: Any,
) -> Change:
    """A change with its effort: its cost plus the model's value of its lead time."""
    (name, before, after), (cost, months), (zh, en) = move, price, words
    effort = ground.model.effort(cost, months)
    return Change(name, before, after, cost, months, effort, criterion, zh, en, **extra)


def numeric_change(
    ground: Ground,
    name: str,
    after: Decimal,
    criterion: str,
    ratio: Ratio | None = None,
    *,
    planned: bool = False,
) -> Change:
    """Move a count, number, money, share or waiting input to `after`; `planned` words a ratio
    at the figures of the plan it is part of rather than the current ones."""
    spec = ground.model.inputs[name]
    raw = ground.snapshot.value(name)
    before = number(raw)
    assert before is not None
    typed: Number = int(after) if isinstance(raw, int) else after
    if spec.lever is Lever.WAIT:
        return _wait(ground, spec, raw, typed, criterion)
    delta = after - before
    also = tuple(
        (other, int(delta) if isinstance(ground.snapshot.value(other), int) else delta)
        for other in spec.raises
        if number(ground.snapshot.value(other)) is not None
    )
    zh, en = _numeric_words(ground, spec, (before, after), also, (ratio, planned))
    price = (spec.price(before, after), spec.months)
    return _change(ground, criterion, (name, raw, typed), price, (zh, en), also=also, ratio=ratio)


def _wait(
    ground: Ground, spec: InputEffort, raw: InputValue, after: Number, criterion: str
) -> Change:
    before = number(raw)
    assert before is not None
    day = ground.on + dt.timedelta(days=int((after - before) * spec.days_per_unit))
    months = months_until(ground.on, day)
    zh = f"{day.isoformat()}之前无法达到：届时{spec.label.zh}达到{plain(after)}"
    en = f"Not achievable before {day.isoformat()}, when the {spec.label.en} reach {plain(after)}"
    price = (Decimal(0), months)
    return _change(ground, criterion, (spec.name, raw, after), price, (zh, en), not_before=day)


Shown = list[tuple[Text, Decimal, Decimal]]  # coupled inputs: label, value now, move


def _numeric_words(
    ground: Ground,
    spec: InputEffort,
    move: tuple[Decimal, Decimal],
    also: tuple[tuple[str, Number], ...],
    serves: tuple[Ratio | None, bool],
) -> tuple[str, str]:
    before, after = move
    ratio, planned = serves
    shown = [(_label(ground, other), _num(ground, other), Decimal(d)) for other, d in also]
    if spec.lever is Lever.SHARE:
        words = _share_words(spec, before, after)
    elif spec.lever is Lever.MONEY:
        words = _money_words(spec, before, after, shown)
    else:
        words = _count_words(spec, before, after, shown)
    if ratio is None:
        return words
    moved = {spec.name: after - before, **{other: Decimal(d) for other, d in also}}
    return _ratio_words(ground, ratio, moved, words, planned=planned)


def _share_words(spec: InputEffort, before: Decimal, after: Decimal) -> tuple[str, str]:
    sign = "+" if after >= before else "-"
    points = plain(abs(after - before) * 100)
    return (
        f"{spec.label.zh}由{percent(before)}调整到{percent(after)}（{sign}{points}个百分点）",
        f"{spec.label.en} {percent(before)} → {percent(after)} ({sign}{points} pp)",
    )


def _money_words(
    spec: InputEffort, before: Decimal, after: Decimal, shown: Shown
) -> tuple[str, str]:
    more, sign = ("增加", "+") if after >= before else ("减少", "-")
    tail_zh = "".join(f"；{lb.zh} {money_zh(v)} → {money_zh(v + d)}" for lb, v, d in shown)
    tail_en = "".join(f"; {lb.en} {money_en(v)} → {money_en(v + d)}" for lb, v, d in shown)
    delta = abs(after - before)
    span_zh, span_en = (
        f"{money_zh(before)} → {money_zh(after)}",
        f"{money_en(before)} → {money_en(after)}",
    )
    return (
        f"{spec.label.zh}{more}{money_zh(delta)}（{span_zh}{tail_zh}）",
        f"{spec.label.en} {sign}{money_en(delta)} ({span_en}{tail_en})",
    )


def _count_words(
    spec: InputEffort, before: Decimal, after: Decimal, shown: Shown
) -> tuple[str, str]:
    more, sign = ("增加", "+") if after >= before else ("减少", "-")
    tail_zh = "".join(f"；{lb.zh} {plain(v)} → {plain(v + d)}" for lb, v, d in shown)
    tail_en = "".join(f"; {lb.en} {plain(v)} → {plain(v + d)}" for lb, v, d in shown)
    count = plain(abs(after - before))
    return (
        f"{spec.label.zh}{more}{count}{spec.unit.zh}（{plain(before)} → {plain(after)}{tail_zh}）",
        f"{sign}{count} {spec.label.en} ({plain(before)} → {plain(after)}{tail_en})",
    )


def _ratio_words(
    ground: Ground,
    ratio: Ratio,
    moved: Mapping[str, Decimal],
    words: tuple[str, str],
    *,
    planned: bool,
) -> tuple[str, str]:
    """Put the ratio before and after in front; say 'at the current X' (or 'at this plan's X')
    when the change leaves X where it is."""
    zh, en = words
    top, bottom = _num(ground, ratio.numerator), _num(ground, ratio.denominator)
    if bottom == 0 or bottom + moved.get(ratio.denominator, Decimal(0)) == 0:
        return zh, en
    before = top / bottom
    after = (top + moved.get(ratio.numerator, Decimal(0))) / (
        bottom + moved.get(ratio.denominator, Decimal(0))
    )
    head_zh = f"{ratio.label.zh}：{percent(before)} → {percent(after)}，"
    head_en = f"{ratio.label.en}: {percent(before)} → {percent(after)}: "
    if ratio.denominator not in moved:
        base = _label(ground, ratio.denominator)
        where_zh, where_en = ("本方案的", "this plan's") if planned else ("当前", "the current")
        return f"{head_zh}按{where_zh}{base.zh}，{zh}", f"{head_en}{en} at {where_en} {base.en}"
    return head_zh + zh, head_en + en


def _num(ground: Ground, name: str) -> Decimal:
    value = number(ground.snapshot.value(name))
    return Decimal(0) if value is None else value


def _label(ground: Ground, name: str) -> Text:
    spec = ground.model.inputs.get(name)
    return spec.label if spec else Text(name, name)


def history_change(
    ground: Ground, name: str, last: Decimal, criterion: str, context: Text
) -> Change:
    """Move the latest year of a money series (sales, net assets, R&D) to `last`, for the
    criterion labelled `context` (a growth rate, a two-year sum)."""
    spec = ground.model.inputs[name]
    series = ground.snapshot.value(name)
    assert isinstance(series, tuple)
    before, after = series[-1], last
    zh = f"{context.zh}：{spec.label.zh}（最近一年）由{money_zh(before)}增至{money_zh(after)}"
    en = f"{context.en}: {spec.label.en} of the latest year {money_en(before)} → {money_en(after)}"
    price = (spec.price(series[-1], last), spec.months)
    move = (name, series, (*series[:-1], last))
    return _change(ground, criterion, move, price, (zh, en), context=context)


def flag_change(ground: Ground, spec: InputEffort, criterion: str) -> Change:
    """Set a flag the firm controls to its target."""
    assert spec.action is not None
    assert spec.target is not None
    before = ground.snapshot.value(spec.name)
    words = (spec.action.zh, spec.action.en)
    return _change(
        ground, criterion, (spec.name, before, spec.target), (spec.cost, spec.months), words
    )


def lapse_change(ground: Ground, spec: InputEffort, criterion: str) -> Change:
    """Wait for an adverse event (a violation, an accident) to stop counting."""
    assert spec.lapse is not None
    assert spec.reason is not None
    day = spec.lapse.clears_on(ground.on)
    zh = (
        f"{day.isoformat()}之前无法达到：须待“{spec.label.zh}”超出考察期，"
        f"最迟{day.isoformat()}起不再计入"
    )
    en = (
        f"Not achievable before {day.isoformat()}: the {spec.label.en} must lapse first; "
        f"it stops counting by {day.isoformat()} at the latest"
    )
    if spec.lapse.unit == "calendar_years":
        earlier = dt.date(day.year - 1, 1, 1)
        zh += f"（若发生在{ground.on.year - 1}年，则{earlier.isoformat()}起即可）"
        en += f" (from {earlier.isoformat()} if it happened in {ground.on.year - 1})"
    zh += f"；{spec.reason.zh}"
    en += f"; {spec.reason.en}"
    before = ground.snapshot.value(spec.name)
    months = months_until(ground.on, day)
    price = (Decimal(0), months)
    return _change(
        ground, criterion, (spec.name, before, not before), price, (zh, en), not_before=day
    )


def member_change(
    ground: Ground, name: str, member: Member, criterion: str, prerequisite: Prerequisite | None
) -> Change:
    """Obtain one token of a set input, priced with the rule set it needs first, if any."""
    held = ground.snapshot.value(name)
    assert isinstance(held, frozenset)
    assert member.cost is not None
    cost, months, zh, en = member.cost, member.months, member.action.zh, member.action.en
    if prerequisite is not None:
        cost, months = cost + prerequisite.cost, months + prerequisite.months
        zh, en = _prerequisite_words(prerequisite, zh, en)
    move = (name, held, held | {member.token})
    return _change(
        ground, criterion, move, (cost, months), (zh, en),
        member=member.token, prerequisite=prerequisite, not_before=waits(prerequisite),
    )  # fmt: skip


def waits(prerequisite: Prerequisite | None) -> dt.date | None:
    """The latest date a prerequisite must wait for (a firm's age, a lapsing violation)."""
    changes = prerequisite.changes if prerequisite else ()
    return max((change.not_before for change in changes if change.not_before), default=None)


def _prerequisite_words(pre: Prerequisite, zh: str, en: str) -> tuple[str, str]:
    if not pre.changes:
        return f"{zh}（{pre.ruleset}的条件已满足）", f"{en} (the {pre.ruleset} conditions are met)"
    steps_zh = "；".join(change.sentence_zh for change in pre.changes)
    steps_en = "; ".join(change.sentence_en for change in pre.changes)
    return (
        f"{zh}（须先满足{pre.ruleset}的条件：{steps_zh}）",
        f"{en} (first meeting the {pre.ruleset} conditions: {steps_en})",
    )
