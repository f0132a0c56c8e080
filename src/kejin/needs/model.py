"""Pure rules of financing needs (融资需求): the status machine, the SLA clock, whether a product
fits a need, and the cost of an offer to the firm.

A need is posted by an enterprise (amount, purpose, term, acceptable instruments). Providers with
a fitting product pick it up — one provider for an exclusive need, up to three for an open one —
make offers, and the firm accepts one or declines. Every status change goes through
`transition()`, so the table `TRANSITIONS` is the whole machine.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from importlib import resources
from pathlib import Path

from kejin.core.errors import FieldProblem, InvalidInput
from kejin.core.money import CENT
from kejin.products.model import AmountRange, Instrument, TermRange

MAX_OPEN_PICKUPS = 3  # an open need collects at most three offers to compare
MAX_TERM_MONTHS = 360


class NeedStatus(StrEnum):
    POSTED = "posted"  # 已发布
    PICKED_UP = "picked_up"  # 已承接
    OFFERED = "offered"  # 已报价
    ACCEPTED = "accepted"  # 已接受
    DECLINED = "declined"  # 已拒绝（全部报价）
    CLOSED = "closed"  # 已结束
    WITHDRAWN = "withdrawn"  # 企业撤回
    EXPIRED = "expired"  # 超时未承接


class NeedAction(StrEnum):
    PICK_UP = "pick_up"
    RELEASE = "release"  # the last active pick-up lapsed or was released
    OFFER = "offer"
    ACCEPT = "accept"
    DECLINE = "decline"  # the firm declined every offer
    CLOSE = "close"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"


class NeedMode(StrEnum):
    EXCLUSIVE = "exclusive"  # one provider at a time
    OPEN = "open"  # up to MAX_OPEN_PICKUPS providers, offers compared side by side


class Purpose(StrEnum):
    RESEARCH = "research"  # 研发投入
    CLINICAL_TRIALS = "clinical_trials"  # 临床试验
    EQUIPMENT = "equipment"  # 设备购置
    WORKING_CAPITAL = "working_capital"  # 流动资金
    TALENT = "talent"  # 人才引进
    COMMERCIALISATION = "commercialisation"  # 成果转化与量产
    EXPANSION = "expansion"  # 产能与市场扩张
    OTHER = "other"


class PickupStatus(StrEnum):
    ACTIVE = "active"  # picked up, no offer yet
    OFFERED = "offered"
    LAPSED = "lapsed"  # no offer within the SLA
    RELEASED = "released"  # the provider let it go
    WON = "won"  # its offer was accepted
    LOST = "lost"  # another offer was accepted, or every offer declined


class OfferStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class Repayment(StrEnum):
    BULLET = "bullet"  # 按期付息、到期还本
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金
    EQUAL_INSTALMENT = "equal_instalment"  # 等额本息


LIVE = frozenset({NeedStatus.POSTED, NeedStatus.PICKED_UP, NeedStatus.OFFERED})
FINAL = frozenset({NeedStatus.CLOSED, NeedStatus.WITHDRAWN, NeedStatus.EXPIRED})

S, A = NeedStatus, NeedAction
TRANSITIONS: Mapping[tuple[NeedStatus, NeedAction], NeedStatus] = {
    (S.POSTED, A.PICK_UP): S.PICKED_UP,
    (S.POSTED, A.WITHDRAW): S.WITHDRAWN,
    (S.POSTED, A.EXPIRE): S.EXPIRED,
    (S.PICKED_UP, A.PICK_UP): S.PICKED_UP,  # a second provider on an open need
    (S.PICKED_UP, A.RELEASE): S.POSTED,
    (S.PICKED_UP, A.OFFER): S.OFFERED,
    (S.PICKED_UP, A.WITHDRAW): S.WITHDRAWN,
    (S.OFFERED, A.PICK_UP): S.OFFERED,
    (S.OFFERED, A.OFFER): S.OFFERED,
    (S.OFFERED, A.RELEASE): S.POSTED,  # every offer declined or lapsed: open to providers again
    (S.OFFERED, A.ACCEPT): S.ACCEPTED,
    (S.OFFERED, A.DECLINE): S.DECLINED,
    (S.OFFERED, A.WITHDRAW): S.WITHDRAWN,
    (S.ACCEPTED, A.CLOSE): S.CLOSED,
    (S.DECLINED, A.CLOSE): S.CLOSED,
}
"""(status, action) → the next status; a pair not listed is refused."""
del S, A


def transition(status: NeedStatus, action: NeedAction) -> NeedStatus:
    """The status after `action`, or `InvalidInput` on the field `status` naming both."""
    try:
        return TRANSITIONS[status, action]
    except KeyError:
        raise InvalidInput(
            "A need that is {status} cannot be {action}",
            [FieldProblem("status", "This step is not allowed from the need's status")],
            status=status.value,
            action=action.value,
        ) from None


def allowed_actions(status: NeedStatus) -> frozenset[NeedAction]:
    return frozenset(action for (source, action) in TRANSITIONS if source is status)


def _refused(problem: FieldProblem) -> InvalidInput:
    return InvalidInput("Invalid input", [problem], field=problem.field)


@dataclasses.dataclass(frozen=True, slots=True)
class NeedSpec:
    """What an enterprise asks for. Constructing it checks every field."""

    amount: Decimal
    purpose: Purpose
    term_months: int
    instruments: frozenset[Instrument]
    mode: NeedMode = NeedMode.EXCLUSIVE
    max_pickups: int = 1

    def __post_init__(self) -> None:
        if self.amount <= 0 or self.amount != self.amount.quantize(CENT):
            raise _refused(FieldProblem("amount", "An amount is positive and in fen"))
        if not 1 <= self.term_months <= MAX_TERM_MONTHS:
            raise _refused(FieldProblem("term_months", "A term is 1 to 360 months"))
        if not self.instruments:
            raise _refused(FieldProblem("instruments", "Name at least one instrument"))
        limit = 1 if self.mode is NeedMode.EXCLUSIVE else MAX_OPEN_PICKUPS
        if not 1 <= self.max_pickups <= limit:
            raise _refused(
                FieldProblem(
                    "max_pickups", "An exclusive need has one provider, an open one 1 to 3"
                )
            )


def fits(
    need: NeedSpec, instrument: Instrument, amount: AmountRange, term: TermRange | None
) -> list[str]:
    """Why a product does not fit the need (empty: it fits): the instrument is one the need
    accepts, the amount lies in the product's range, and so does the term when it has one."""
    reasons = []
    if instrument not in need.instruments:
        reasons.append("instrument")
    if not amount.low <= need.amount <= amount.high:
        reasons.append("amount")
    if term is not None and not term.low_months <= need.term_months <= term.high_months:
        reasons.append("term_months")
    return reasons


# ---- the SLA clock ------------------------------------------------------------------------


class SlaPhase(StrEnum):
    PICK_UP = "pick_up"  # a provider picks the need up
    OFFER = "offer"  # the provider makes an offer
    DECIDE = "decide"  # the firm accepts or declines


class SlaState(StrEnum):
    ON_TIME = "on_time"
    WARNING = "warning"  # less than the warning share of the window is left
    BREACHED = "breached"


@dataclasses.dataclass(frozen=True, slots=True)
class SlaPolicy:
    """How long each phase may take, and when a clock turns amber."""

    windows: Mapping[SlaPhase, dt.timedelta]
    warning_share: Decimal  # e.g. 0.25: amber in the last quarter of the window
    expire_after: dt.timedelta  # a need nobody picked up expires this long after posting

    def __post_init__(self) -> None:
        if set(self.windows) != set(SlaPhase):
            raise _refused(FieldProblem("windows", "Every phase has a window"))
        if any(window <= dt.timedelta(0) for window in self.windows.values()):
            raise _refused(FieldProblem("windows", "A window is positive"))
        if self.expire_after <= self.windows[SlaPhase.PICK_UP]:
            raise _refused(FieldProblem("expire_after", "A need expires after its pick-up window"))
        if not 0 < self.warning_share < 1:
            raise _refused(FieldProblem("warning_share", "A share lies between 0 and 1"))

    def due(self, phase: SlaPhase, started_at: dt.datetime) -> dt.datetime:
        return started_at + self.windows[phase]


@dataclasses.dataclass(frozen=True, slots=True)
class SlaClock:
    phase: SlaPhase
    due_at: dt.datetime
    remaining: dt.timedelta  # negative once breached
    state: SlaState


def sla_clock(
    policy: SlaPolicy, phase: SlaPhase, started_at: dt.datetime, now: dt.datetime
) -> SlaClock:
    """The clock of one phase that started at `started_at`, read at `now`."""
    window = policy.windows[phase]
    due_at = started_at + window
    remaining = due_at - now
    if remaining < dt.timedelta(0):
        state = SlaState.BREACHED
    elif remaining < window * float(policy.warning_share):
        state = SlaState.WARNING
    else:
        state = SlaState.ON_TIME
    return SlaClock(phase, due_at, remaining, state)


def parse_sla(data: Mapping[str, object]) -> SlaPolicy:
    """The policy from its decoded JSON: hours per phase and the warning share."""
    hours = data["hours"]
    if not isinstance(hours, Mapping):
        raise _refused(FieldProblem("hours", "A mapping of phase to hours"))
    try:
        windows = {SlaPhase(name): dt.timedelta(hours=int(value)) for name, value in hours.items()}
    except ValueError as exc:
        raise _refused(FieldProblem("hours", "Phases are pick_up, offer and decide")) from exc
    expire_after = dt.timedelta(hours=int(str(data["expire_after_hours"])))
    return SlaPolicy(windows, Decimal(str(data["warning_share"])), expire_after)


@functools.cache
def shipped_sla() -> SlaPolicy:
    """The SLA proposal shipped with Kejin (`config/sla-2025.json`)."""
    path = Path(str(resources.files("kejin.needs") / "config" / "sla-2025.json"))
    return parse_sla(json.loads(path.read_text(encoding="utf-8")))


# ---- the cost of an offer -----------------------------------------------------------------

_YEAR = Decimal(12)


@dataclasses.dataclass(frozen=True, slots=True)
class OfferTerms:
    """The figures of a debt offer that decide its cost to the firm. Rates are annual fractions;
    `subsidy_share` is the share of interest a public programme pays back (贴息)."""

    amount: Decimal
    term_months: int
    annual_rate: Decimal
    repayment: Repayment = Repayment.BULLET
    guarantee_fee_rate: Decimal = Decimal(0)
    subsidy_share: Decimal = Decimal(0)
    upfront_fees: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise _refused(FieldProblem("amount", "An amount is positive and in fen"))
        if not 1 <= self.term_months <= MAX_TERM_MONTHS:
            raise _refused(FieldProblem("term_months", "A term is 1 to 360 months"))
        for name in ("annual_rate", "guarantee_fee_rate", "subsidy_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise _refused(FieldProblem(name, "A rate is a fraction from 0 to 1"))
        if self.upfront_fees < 0:
            raise _refused(FieldProblem("upfront_fees", "An amount is not negative"))


@dataclasses.dataclass(frozen=True, slots=True)
class OfferCost:
    interest: Decimal  # over the whole term, before the subsidy
    subsidy: Decimal  # interest paid back by the programme
    guarantee_fees: Decimal
    upfront_fees: Decimal
    total: Decimal  # what the firm pays beyond the principal
    net_annual_rate: Decimal  # total ÷ average balance ÷ years, to four places


def _interest(terms: OfferTerms) -> tuple[Decimal, Decimal]:
    """Interest over the term and the average balance outstanding (monthly periods)."""
    months, monthly = terms.term_months, terms.annual_rate / _YEAR
    amount = terms.amount
    match terms.repayment:
        case Repayment.BULLET:
            return amount * monthly * months, amount
        case Repayment.EQUAL_PRINCIPAL:
            average = amount * (months + 1) / (2 * months)
            return average * monthly * months, average
        case Repayment.EQUAL_INSTALMENT:
            if monthly == 0:
                return Decimal(0), amount * (months + 1) / (2 * months)
            instalment = amount * monthly / (1 - (1 + monthly) ** -months)
            interest = instalment * months - amount
            return interest, interest / (monthly * months)


def offer_cost(terms: OfferTerms) -> OfferCost:
    """What a debt offer costs the firm over its term: interest on the balance outstanding,
    less the subsidised share, plus the guarantee fee on the same balance and upfront fees."""
    interest, average = _interest(terms)
    years = Decimal(terms.term_months) / _YEAR
    subsidy = interest * terms.subsidy_share
    fees = average * terms.guarantee_fee_rate * years
    total = interest - subsidy + fees + terms.upfront_fees
    rate = total / average / years
    return OfferCost(
        interest=_fen(interest),
        subsidy=_fen(subsidy),
        guarantee_fees=_fen(fees),
        upfront_fees=_fen(terms.upfront_fees),
        total=_fen(total),
        net_annual_rate=rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN),
    )


def _fen(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)
