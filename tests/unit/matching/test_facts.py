"""Loan and IP facts: one firm in plain Python equals every firm with Polars, on random records
around the window edges (maturity on the date, a default exactly three years back, protection
ending exactly 8 or 4 years ahead); and a hand-worked firm."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from kejin.lending.model import LoanRecord
from kejin.matching.facts import (
    add_months,
    ip_facts,
    ip_facts_frame,
    loan_facts,
    loan_facts_frame,
)
from kejin.matching.inputs import IpFacts, LoanFacts
from kejin.registry.repository import IpAssetRecord

ON = dt.date(2026, 2, 28)
days = st.integers(-2_000, 400).map(lambda d: ON + dt.timedelta(days=d))
loans = st.builds(
    LoanRecord,
    principal=st.integers(1, 10**9).map(lambda fen: Decimal(fen) / 100),
    annual_rate=st.integers(0, 2_400).map(lambda bp: Decimal(bp) / 10_000),
    term_months=st.integers(1, 120),
    start_on=days,
    defaulted=st.booleans(),
    default_on=st.one_of(st.none(), days, st.just(add_months(ON, -36))),
)
assets = st.builds(
    IpAssetRecord,
    ip_type=st.sampled_from(["invention_patent", "utility_model", "trademark", "design_patent"]),
    status=st.sampled_from(["granted", "pending", "lapsed"]),
    expires_on=st.one_of(
        st.none(),
        st.integers(-400, 8_000).map(lambda d: ON + dt.timedelta(days=d)),
        st.sampled_from([add_months(ON, 96), add_months(ON, 48), ON]),
    ),
)
firms = st.lists(st.tuples(st.lists(loans, max_size=6), st.lists(assets, max_size=6)), max_size=5)


def _frame(rows: list[tuple[int, object]]) -> pl.LazyFrame:
    return pl.DataFrame(
        [{"enterprise_id": firm, **dataclasses.asdict(row)} if dataclasses.is_dataclass(row)
         else {"enterprise_id": firm, **row._asdict()} for firm, row in rows]  # type: ignore[attr-defined]
    ).lazy()  # fmt: skip


@given(firms)
def test_the_polars_facts_of_every_firm_equal_the_facts_of_each_firm_alone(
    records: list[tuple[list[LoanRecord], list[IpAssetRecord]]],
) -> None:
    loan_rows = [(i, loan) for i, (firm_loans, _) in enumerate(records) for loan in firm_loans]
    ip_rows = [(i, asset) for i, (_, firm_assets) in enumerate(records) for asset in firm_assets]
    schema = {"principal": pl.Decimal(20, 2), "annual_rate": pl.Decimal(10, 4)}
    by_loans = (
        {}
        if not loan_rows
        else {
            row.pop("enterprise_id"): LoanFacts(**row)
            for row in loan_facts_frame(_frame(loan_rows).with_columns(
                pl.col(name).cast(dtype) for name, dtype in schema.items()
            ), ON).collect().to_dicts()
        }
    )  # fmt: skip
    by_ip = (
        {}
        if not ip_rows
        else {
            row.pop("enterprise_id"): IpFacts(**row)
            for row in ip_facts_frame(_frame(ip_rows), ON).collect().to_dicts()
        }
    )
    for firm, (firm_loans, firm_assets) in enumerate(records):
        started = [loan for loan in firm_loans if loan.start_on <= ON]
        if started:
            assert by_loans[firm] == loan_facts(firm_loans, ON)
        granted = [asset for asset in firm_assets if asset.status == "granted"]
        if granted:
            assert by_ip[firm] == ip_facts(firm_assets, ON)


def test_a_hand_worked_firm() -> None:
    running = LoanRecord(Decimal(1_000_000), Decimal("0.0365"), 24, dt.date(2025, 8, 31),
                         defaulted=False, default_on=None)  # fmt: skip
    matured = LoanRecord(Decimal(500_000), Decimal("0.05"), 12, dt.date(2024, 1, 1),
                         defaulted=True, default_on=dt.date(2024, 6, 1))  # fmt: skip
    facts = loan_facts([running, matured], ON)
    # 181 days of the running loan in the window: 1,000,000 × 3.65% × 181 / 365 = 18,100
    assert facts == LoanFacts(2, Decimal(1_000_000), Decimal("18100.00"), 1)
    patents = [
        IpAssetRecord("invention_patent", "granted", add_months(ON, 96)),  # exactly 8 years left
        IpAssetRecord("invention_patent", "granted", add_months(ON, 95)),
        IpAssetRecord("utility_model", "granted", add_months(ON, 48)),
        IpAssetRecord("trademark", "granted", None),
        IpAssetRecord("trademark", "lapsed", None),
    ]
    assert ip_facts(patents, ON) == IpFacts(1, 1, 1)
