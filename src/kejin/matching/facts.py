"""Lending and IP facts a product may read (`products.vocabulary.MATCH_FIELDS`), derived from a
firm's loan records and IP assets on a date — one firm in plain Python, every firm with Polars,
held equal by a property test.

- `bank_loans`: loans started on or before the date (0 = a first loan would be the first);
- `loans_outstanding`: the principal of loans running on the date (started, not yet matured;
  a defaulted loan is still owed);
- `annual_interest`: interest over the 365 days before the date, per loan principal × rate ×
  days run in that window ÷ 365, floored to the fen per loan;
- `defaults_3y`: loans that defaulted within three calendar years before the date;
- `pledgeable_inventions` / `pledgeable_utility_models`: granted invention patents with at
  least 8 years of protection left, utility models with at least 4 (RULES.md §6);
- `trademarks`: granted trademarks in force on the date.

A firm with no record gets zeros, not unknowns: the registry holds every loan and IP asset. The
frames hold a row only for firms with records; a join fills the others with zeros.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_FLOOR, Decimal
from typing import Protocol

import polars as pl

from kejin.matching.inputs import IpFacts, LoanFacts

PLEDGE_YEARS_LEFT = {"invention_patent": 8, "utility_model": 4}  # RULES.md §6
INTEREST_WINDOW_DAYS = 365
DEFAULT_WINDOW_YEARS = 3
GRANTED = "granted"
TRADEMARK = "trademark"
_RATE_SCALE = 10_000  # rates are stored to 0.01 percentage point
_FEN = Decimal("0.01")


class LoanRecord(Protocol):
    @property
    def principal(self) -> Decimal: ...
    @property
    def annual_rate(self) -> Decimal: ...
    @property
    def term_months(self) -> int: ...
    @property
    def start_on(self) -> dt.date: ...
    @property
    def defaulted(self) -> bool: ...
    @property
    def default_on(self) -> dt.date | None: ...


class IpRecord(Protocol):
    @property
    def ip_type(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def expires_on(self) -> dt.date | None: ...


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, clipped to the month's last day (as Polars `offset_by`)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def loan_facts(loans: Iterable[LoanRecord], on: dt.date) -> LoanFacts:
    window_start = on - dt.timedelta(days=INTEREST_WINDOW_DAYS)
    since = add_months(on, -12 * DEFAULT_WINDOW_YEARS)
    count, outstanding, interest, defaults = 0, Decimal(0), Decimal(0), 0
    for loan in loans:
        if loan.start_on > on:
            continue
        count += 1
        matures = add_months(loan.start_on, loan.term_months)
        if on < matures:
            outstanding += loan.principal
        days = (min(matures, on) - max(loan.start_on, window_start)).days
        if days > 0:
            share = loan.principal * loan.annual_rate * days / INTEREST_WINDOW_DAYS
            interest += share.quantize(_FEN, rounding=ROUND_FLOOR)
        if loan.defaulted and loan.default_on is not None and since < loan.default_on <= on:
            defaults += 1
    return LoanFacts(count, outstanding, interest, defaults)


def ip_facts(assets: Iterable[IpRecord], on: dt.date) -> IpFacts:
    counts = dict.fromkeys((*PLEDGE_YEARS_LEFT, TRADEMARK), 0)
    for asset in assets:
        if str(asset.status) != GRANTED:
            continue
        kind = str(asset.ip_type)
        years = PLEDGE_YEARS_LEFT.get(kind)
        if years is not None:
            left_enough = asset.expires_on is not None and asset.expires_on >= add_months(
                on, 12 * years
            )
            counts[kind] += left_enough
        elif kind == TRADEMARK:
            counts[kind] += asset.expires_on is None or asset.expires_on >= on
    return IpFacts(counts["invention_patent"], counts["utility_model"], counts[TRADEMARK])


# --- every firm -------------------------------------------------------------------------------


def loan_facts_frame(loans: pl.LazyFrame, on: dt.date) -> pl.LazyFrame:
    """Per `enterprise_id`: the loan facts of `loans` (columns `enterprise_id`, `principal` and
    `annual_rate` as Decimal, `term_months`, `start_on`, `defaulted`, `default_on`)."""
    window_start = on - dt.timedelta(days=INTEREST_WINDOW_DAYS)
    since = add_months(on, -12 * DEFAULT_WINDOW_YEARS)
    started = loans.filter(pl.col("start_on") <= on)
    matures = pl.col("start_on").dt.offset_by(pl.format("{}mo", pl.col("term_months")))
    days = (
        pl.min_horizontal(matures, pl.lit(on)) - pl.max_horizontal("start_on", pl.lit(window_start))
    ).dt.total_days()
    principal_fen = (pl.col("principal") * 100).cast(pl.Int64)
    rate = (pl.col("annual_rate") * _RATE_SCALE).cast(pl.Int64)
    # floor(fen × rate × days / (10^4 × 365)); the product stays below 2^63 for any loan up to
    # 10^12 fen at rates to 100% over 365 days
    interest_fen = (principal_fen * rate * days.clip(lower_bound=0)) // (
        _RATE_SCALE * INTEREST_WINDOW_DAYS
    )
    return (
        started.group_by("enterprise_id")
        .agg(
            pl.len().cast(pl.Int64).alias("bank_loans"),
            pl.when(pl.lit(on) < matures)
            .then(principal_fen)
            .otherwise(0)
            .sum()
            .alias("_outstanding"),
            interest_fen.sum().alias("_interest"),
            (pl.col("defaulted") & (pl.col("default_on") > since) & (pl.col("default_on") <= on))
            .sum()
            .cast(pl.Int64)
            .alias("defaults_3y"),
        )
        .select(
            "enterprise_id",
            "bank_loans",
            _fen_to_money("_outstanding").alias("loans_outstanding"),
            _fen_to_money("_interest").alias("annual_interest"),
            "defaults_3y",
        )
    )


def ip_facts_frame(assets: pl.LazyFrame, on: dt.date) -> pl.LazyFrame:
    """Per `enterprise_id`: the IP facts of `assets` (columns `enterprise_id`, `ip_type`,
    `status`, `expires_on`)."""
    granted = assets.filter(pl.col("status") == GRANTED)

    def pledgeable(kind: str) -> pl.Expr:
        until = add_months(on, 12 * PLEDGE_YEARS_LEFT[kind])
        return ((pl.col("ip_type") == kind) & (pl.col("expires_on") >= until)).fill_null(False)

    trademark = (pl.col("ip_type") == TRADEMARK) & (
        pl.col("expires_on").is_null() | (pl.col("expires_on") >= on)
    )
    return granted.group_by("enterprise_id").agg(
        pledgeable("invention_patent").sum().cast(pl.Int64).alias("pledgeable_inventions"),
        pledgeable("utility_model").sum().cast(pl.Int64).alias("pledgeable_utility_models"),
        trademark.fill_null(False).sum().cast(pl.Int64).alias("trademarks"),
    )


def _fen_to_money(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Decimal(38, 2)) / 100
