"""Importing department feeds: provenance, conflicts, no-op re-imports, one transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kejin.bootstrap import Platform
from kejin.feeds.model import Department, Outcome
from kejin.feeds.orm import FeedBatchRow, ReportedValueRow
from kejin.feeds.service import conflicts_of, import_feed
from kejin.registry.orm import FinancialYearRow
from tests.integration.feeds.conftest import BRAIN, CHIP, UNKNOWN, WriteFeed

TAX_HEADER = (
    "uscc,year,as_of,revenue,total_costs,rd_expense,main_business_revenue,high_tech_revenue,"
    "rd_domestic_share,total_assets,total_liabilities,net_profit,tax_paid"
)


def test_a_tax_file_sets_missing_years_and_keeps_a_differing_value_beside_the_registry(
    platform: Platform, enterprises: dict[str, int], write_feed: WriteFeed
) -> None:
    path = write_feed(
        "tax-2024.csv",
        [
            TAX_HEADER,
            f"{BRAIN},2024,2025-06-30,13100000.00,11700000.00,3120000.00,,,,,,,215000.00",
            f"{CHIP},2024,2025-06-30,8800000.00,7900000.00,1500000.00,8500000.00,7000000.00,"
            "0.95,15000000.00,6000000.00,610000.00,98000.00",
        ],
    )

    report = import_feed(platform.uow, Department.TAX_BUREAU, path)

    assert report.problems == ()
    assert report.accepted == 2
    assert report.outcomes[Outcome.CONFLICT] == 1
    assert report.outcomes[Outcome.AGREES] == 2
    assert report.outcomes[Outcome.APPLIED] == 9
    assert _year_2024(platform, enterprises[CHIP]) == (
        Decimal("8800000.00"),
        "tax_bureau",
        date(2025, 6, 30),
    )
    assert _year_2024(platform, enterprises[BRAIN]) == (
        Decimal("12960000.50"),
        "enterprise_filing",
        date(2025, 3, 31),
    )
    [conflict] = conflicts_of(platform.uow, enterprises[BRAIN])
    assert (conflict.field, conflict.period) == ("financial_years.revenue", "2024")
    assert [(v.source, v.value, v.in_registry) for v in conflict.values] == [
        ("enterprise_filing", "12960000.50", True),
        ("tax_bureau", "13100000.00", False),
    ]


def _year_2024(platform: Platform, enterprise_id: int) -> tuple[Decimal, str, date]:
    with platform.uow() as work:
        row = work.session.scalars(
            select(FinancialYearRow).where(
                FinancialYearRow.enterprise_id == enterprise_id, FinancialYearRow.year == 2024
            )
        ).one()
        return row.revenue, row.source, row.as_of


def test_the_same_file_twice_is_a_no_op(
    platform: Platform, enterprises: dict[str, int], write_feed: WriteFeed
) -> None:
    path = write_feed("staff.csv", ["uscc,year,as_of,insured_staff", f"{BRAIN},2024,2025-01-31,70"])
    first = import_feed(platform.uow, Department.SOCIAL_SECURITY, path)
    second = import_feed(platform.uow, Department.SOCIAL_SECURITY, path)

    assert not first.already_imported
    assert second.already_imported
    assert second.batch_id == first.batch_id
    with platform.uow() as work:
        assert work.session.scalar(select(func.count(FeedBatchRow.id))) == 1
        assert work.session.scalar(select(func.count(ReportedValueRow.id))) == 1


def test_bad_rows_are_reported_with_row_field_and_reason_and_good_rows_stored(
    platform: Platform, enterprises: dict[str, int], write_feed: WriteFeed
) -> None:
    path = write_feed(
        "staff.csv",
        [
            "uscc,year,as_of,insured_staff",
            f"{BRAIN},2024,2025-01-31,70",
            f"{UNKNOWN},2024,2025-01-31,12",
            f"{CHIP},20x4,2025-01-31,-3",
            "91330300MA2H7K0L8X,2024,2025-01-31,5",
        ],
    )
    report = import_feed(platform.uow, Department.SOCIAL_SECURITY, path)

    assert [(p.row, p.field) for p in report.problems] == [
        (3, "uscc"),
        (4, "insured_staff"),
        (4, "year"),
        (5, "uscc"),
    ]
    assert report.accepted == 1
    assert report.rejected == 3
    assert report.outcomes == {Outcome.CONFLICT: 1}


def test_a_failure_mid_way_leaves_nothing(
    platform: Platform,
    enterprises: dict[str, int],
    write_feed: WriteFeed,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kejin.feeds import service

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(service, "_audit", fail)
    path = write_feed(
        "tax.csv",
        [
            TAX_HEADER,
            f"{CHIP},2024,2025-06-30,8800000.00,7900000.00,1500000.00,8500000.00,7000000.00,"
            "0.95,15000000.00,6000000.00,610000.00,98000.00",
        ],
    )
    with pytest.raises(RuntimeError):
        import_feed(platform.uow, Department.TAX_BUREAU, path)

    with platform.uow() as work:
        assert work.session.scalar(select(func.count(FeedBatchRow.id))) == 0
        assert work.session.scalar(select(func.count(ReportedValueRow.id))) == 0
        assert work.session.scalar(select(func.count(FinancialYearRow.id))) == 1
