"""The pure rules of financing needs: the status machine, need validation, product fit, the SLA
clock and the cost of an offer (golden figures worked by hand, and a month-by-month schedule)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.core.errors import InvalidInput
from kejin.needs.model import (
    FINAL,
    LIVE,
    TRANSITIONS,
    NeedAction,
    NeedMode,
    NeedSpec,
    NeedStatus,
    OfferTerms,
    Purpose,
    Repayment,
    SlaPhase,
    SlaState,
    allowed_actions,
    fits,
    offer_cost,
    parse_sla,
    shipped_sla,
    sla_clock,
    transition,
)
from kejin.products.model import AmountRange, Instrument, TermRange

WAN = Decimal(10_000)


def need(**changes: object) -> NeedSpec:
    fields: dict[str, object] = {
        "amount": 500 * WAN,
        "purpose": Purpose.CLINICAL_TRIALS,
        "term_months": 36,
        "instruments": frozenset({Instrument.LOAN}),
    }
    fields.update(changes)
    return NeedSpec(**fields)  # type: ignore[arg-type]


def refused_field(error: pytest.ExceptionInfo[InvalidInput]) -> str:
    return error.value.problems[0].field


def test_a_need_goes_from_posted_to_closed_through_pick_up_offer_and_accept() -> None:
    status = NeedStatus.POSTED
    for action in (NeedAction.PICK_UP, NeedAction.OFFER, NeedAction.ACCEPT, NeedAction.CLOSE):
        status = transition(status, action)
    assert status is NeedStatus.CLOSED


def test_a_released_pick_up_returns_the_need_to_posted() -> None:
    assert transition(NeedStatus.PICKED_UP, NeedAction.RELEASE) is NeedStatus.POSTED


def test_a_step_the_table_does_not_list_is_refused_on_the_status_field() -> None:
    with pytest.raises(InvalidInput) as error:
        transition(NeedStatus.POSTED, NeedAction.ACCEPT)
    assert refused_field(error) == "status"
    assert error.value.params == {"status": "posted", "action": "accept"}


def test_final_statuses_allow_nothing_and_live_ones_can_be_withdrawn() -> None:
    assert all(not allowed_actions(status) for status in FINAL)
    assert all(NeedAction.WITHDRAW in allowed_actions(status) for status in LIVE)


def test_every_status_is_reachable_from_posted() -> None:
    reached, frontier = {NeedStatus.POSTED}, [NeedStatus.POSTED]
    while frontier:
        status = frontier.pop()
        for action in allowed_actions(status):
            target = TRANSITIONS[status, action]
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(NeedStatus)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": Decimal(0)}, "amount"),
        ({"amount": Decimal("1.001")}, "amount"),
        ({"term_months": 0}, "term_months"),
        ({"term_months": 361}, "term_months"),
        ({"instruments": frozenset()}, "instruments"),
        ({"max_pickups": 2}, "max_pickups"),
        ({"mode": NeedMode.OPEN, "max_pickups": 4}, "max_pickups"),
    ],
)
def test_a_bad_need_is_refused_naming_its_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        need(**changes)
    assert refused_field(error) == field


def test_an_open_need_may_take_three_providers() -> None:
    assert need(mode=NeedMode.OPEN, max_pickups=3).max_pickups == 3


def test_a_product_fits_when_instrument_amount_and_term_all_do() -> None:
    amount, term = AmountRange(100 * WAN, 1000 * WAN), TermRange(12, 36)
    assert fits(need(), Instrument.LOAN, amount, term) == []
    assert fits(need(), Instrument.EQUITY, amount, None) == ["instrument"]
    assert fits(need(term_months=48), Instrument.LOAN, amount, term) == ["term_months"]
    small = AmountRange(10 * WAN, 300 * WAN)
    assert fits(need(), Instrument.LOAN, small, term) == ["amount"]


POSTED_AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("hours_later", "state"),
    [(0, SlaState.ON_TIME), (36, SlaState.ON_TIME), (36.5, SlaState.WARNING),
     (48, SlaState.WARNING), (48.01, SlaState.BREACHED)],
)  # fmt: skip
def test_the_pick_up_clock_turns_amber_in_its_last_quarter_and_red_after_48_hours(
    hours_later: float, state: SlaState
) -> None:
    now = POSTED_AT + dt.timedelta(hours=hours_later)
    clock = sla_clock(shipped_sla(), SlaPhase.PICK_UP, POSTED_AT, now)
    assert clock.state is state
    assert clock.due_at == POSTED_AT + dt.timedelta(hours=48)


def test_an_sla_file_without_every_phase_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        parse_sla({"hours": {"pick_up": 48}, "warning_share": "0.25", "expire_after_hours": 720})
    assert refused_field(error) == "windows"


def test_lins_three_year_loan_costs_what_the_hand_sum_says() -> None:
    """500万 for three years at LPR 3.00% + 80 bp, interest yearly and principal at the end, a
    1% guarantee fee and a 50% interest subsidy: 570,000 interest, 285,000 paid back, 150,000 of
    fees; 435,000 in all, 2.90% a year net."""
    cost = offer_cost(
        OfferTerms(500 * WAN, 36, Decimal("0.038"), guarantee_fee_rate=Decimal("0.01"),
                   subsidy_share=Decimal("0.5"))
    )  # fmt: skip
    assert (cost.interest, cost.subsidy, cost.guarantee_fees) == (570_000, 285_000, 150_000)
    assert (cost.total, cost.net_annual_rate) == (435_000, Decimal("0.0290"))


def test_equal_principal_charges_interest_on_the_falling_balance() -> None:
    cost = offer_cost(OfferTerms(120 * WAN, 12, Decimal("0.12"), Repayment.EQUAL_PRINCIPAL))
    assert cost.interest == Decimal("78000.00")  # 1% a month on 1.2M, 1.1M … 0.1M


def _schedule_interest(amount: Decimal, months: int, rate: Decimal) -> Decimal:
    """Month by month: pay the instalment, the interest on the balance first."""
    monthly = rate / 12
    instalment = amount * monthly / (1 - (1 + monthly) ** -months)
    balance, paid = amount, Decimal(0)
    for _ in range(months):
        interest = balance * monthly
        paid += interest
        balance -= instalment - interest
    assert abs(balance) < Decimal("0.0001")
    return paid


@given(
    amount=st.integers(1, 10_000_000),
    months=st.integers(1, 120),
    rate_bp=st.integers(1, 2_400),
)
def test_equal_instalments_cost_what_the_month_by_month_schedule_does(
    amount: int, months: int, rate_bp: int
) -> None:
    rate = Decimal(rate_bp) / 10_000
    cost = offer_cost(OfferTerms(Decimal(amount), months, rate, Repayment.EQUAL_INSTALMENT))
    expected = _schedule_interest(Decimal(amount), months, rate)
    assert abs(cost.interest - expected) <= Decimal("0.01")


def test_an_offer_with_a_rate_above_one_is_refused_on_that_field() -> None:
    with pytest.raises(InvalidInput) as error:
        OfferTerms(100 * WAN, 12, Decimal("4.5"))
    assert refused_field(error) == "annual_rate"
