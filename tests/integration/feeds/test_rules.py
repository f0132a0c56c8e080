"""Provenance rules per department: creation, updates by the same source, held values,
events that add up, refused files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kejin.audit.orm import AuditEntryRow
from kejin.bootstrap import Platform
from kejin.feeds.errors import InvalidFeedFile
from kejin.feeds.model import Department, Outcome
from kejin.feeds.orm import FeedBatchRow, ReportedValueRow
from kejin.feeds.service import conflicts_of, import_feed
from kejin.registry.orm import (
    ComplianceFlagRow,
    EnterpriseRow,
    FinancialYearRow,
    IPAssetRow,
    StaffYearRow,
)
from tests.integration.feeds.conftest import BRAIN, CHIP, WriteFeed

TAX_HEADER = (
    "uscc,year,as_of,revenue,total_costs,rd_expense,main_business_revenue,high_tech_revenue,"
    "rd_domestic_share,total_assets,total_liabilities,net_profit,tax_paid"
)
IP_HEADER = "uscc,number,as_of,ip_type,title,filed_on,granted_on,expires_on,status,origin"


def _tax_row(as_of: str, revenue: str) -> str:
    return (
        f"{CHIP},2024,{as_of},{revenue},7900000.00,1500000.00,8500000.00,7000000.00,"
        "0.95,15000000.00,6000000.00,-610000.00,98000.00"
    )


def _chip_revenue(platform: Platform) -> tuple[Decimal, date, int]:
    with platform.uow() as work:
        chip = work.session.scalars(select(EnterpriseRow).where(EnterpriseRow.uscc == CHIP)).one()
        row = work.session.scalars(
            select(FinancialYearRow).where(FinancialYearRow.enterprise_id == chip.id)
        ).one()
        return row.revenue, row.as_of, chip.version


def test_a_department_updates_its_own_value_with_a_newer_as_of_and_not_with_an_older(
    platform: Platform, enterprises: dict[str, int], write_feed: WriteFeed
) -> None:
    import_feed(
        platform.uow,
        Department.TAX_BUREAU,
        write_feed("a.csv", [TAX_HEADER, _tax_row("2025-06-30", "8800000.00")]),
    )
    newer = import_feed(
        platform.uow,
        Department.TAX_BUREAU,
        write_feed("b.csv", [TAX_HEADER, _tax_row("2025-09-30", "8850000.00")]),
    )
    assert newer.outcomes[Outcome.UPDATED] == 1
    assert _chip_revenue(platform) == (Decimal("8850000.00"), date(2025, 9, 30), 3)

    older = import_feed(
        platform.uow,
        Department.TAX_BUREAU,
        write_feed("c.csv", [TAX_HEADER, _tax_row("2025-05-31", "8700000.00")]),
    )
    assert older.outcomes[Outcome.STALE] == 1
    assert _chip_revenue(platform)[:2] == (Decimal("8850000.00"), date(2025, 9, 30))
    assert conflicts_of(platform.uow, enterprises[CHIP]) == []
    with platform.uow() as work:
        stored = work.session.scalar(
            select(func.count()).where(ReportedValueRow.field == "financial_years.revenue")
        )
    assert stored == 3  # every report kept as history


def test_a_partial_tax_row_without_a_registry_year_is_held_not_applied(
    platform: Platform, enterprises: dict[str, int], write_feed: WriteFeed
) -> None:
    path = write_feed(
        "tax.csv",
        [TAX_HEADER, f"{CHIP},2024,2025-06-30,8800000.00,7900000.00,1500000.00,,,,,,,98000.00"],
    )
    report = import_feed(platform.uow, Department.TAX_BUREAU, path)

    assert report.outcomes == {Outcome.HELD: 3, Outcome.REPORTED: 1}
    with platform.uow() as work:
        assert work.session.scalar(select(func.count(FinancialYearRow.id))) == 1
        assert work.session.scalar(select(func.count(ReportedValueRow.id))) == 4


def test_social_security_cannot_create_a_staff_year_so_its_count_is_held(
    platform: Platform, enterprises: dict[str, int], write_feed: WriteFeed
) -> None:
    path = write_feed("staff.csv", ["uscc,year,as_of,insured_staff", f"{CHIP},2024,2025-01-15,31"])
    report = import_feed(platform.uow, Department.SOCIAL_SECURITY, path)
    assert report.outcomes == {Outcome.HELD: 1}
    with platform.uow() as work:
        assert work.session.scalar(select(func.count(StaffYearRow.id))) == 1


def test_the_ip_office_adds_a_new_asset_and_disputes_a_status(
    platform: Platform, enterprises: dict[str, int], write_feed: WriteFeed
) -> None:
    path = write_feed(
        "ip.csv",
        [
            IP_HEADER,
            f"{BRAIN},ZL202010345678.9,2025-09-30,invention_patent,一种柔性脑电采集电极及其制备方法,"
            "2020-03-12,2022-08-09,2040-03-11,lapsed,self_developed",
            f"{BRAIN},ZL202310556677.2,2025-09-30,invention_patent,一种脑电信号解码方法,"
            "2023-05-22,,,pending,self_developed",
        ],
    )
    report = import_feed(platform.uow, Department.IP_OFFICE, path)

    assert report.outcomes[Outcome.CONFLICT] == 1
    with platform.uow() as work:
        new = work.session.scalars(
            select(IPAssetRow).where(IPAssetRow.number == "ZL202310556677.2")
        ).one()
        assert (new.source, new.as_of, new.granted_on, new.main_product_related) == (
            "ip_office",
            date(2025, 9, 30),
            None,
            False,
        )
    [conflict] = conflicts_of(platform.uow, enterprises[BRAIN])
    assert (conflict.field, conflict.period) == ("ip_assets.status", "ZL202010345678.9")
    assert [v.value for v in conflict.values] == ["granted", "lapsed"]


def test_the_market_regulator_disputes_a_name_and_adds_compliance_events(
    platform: Platform, enterprises: dict[str, int], write_feed: WriteFeed
) -> None:
    registration = write_feed(
        "registration.csv",
        [
            "uscc,as_of,name,founded_on,region,industry_code",
            f"{CHIP},2025-10-31,温州芯谷微电子股份有限公司,2019-06-18,330303,3589",
        ],
    )
    events = [
        "uscc,occurred_on,as_of,kind,note",
        f"{CHIP},2025-07-08,2025-10-31,quality_incident,抽检不合格",
        f"{CHIP},2025-07-08,2025-10-31,safety_incident,",
    ]
    import_feed(platform.uow, Department.MARKET_REGULATOR, registration)
    first = import_feed(platform.uow, Department.MARKET_REGULATOR, write_feed("e1.csv", events))
    again = import_feed(
        platform.uow,
        Department.MARKET_REGULATOR,
        write_feed("e2.csv", [events[0], events[1].replace("2025-10-31", "2025-11-30")]),
    )

    assert first.outcomes == {Outcome.APPLIED: 2}
    assert again.outcomes == {Outcome.AGREES: 1}
    with platform.uow() as work:
        flags = work.session.scalars(
            select(ComplianceFlagRow.kind).order_by(ComplianceFlagRow.kind)
        )
        assert list(flags) == ["quality_incident", "safety_incident"]
    [conflict] = conflicts_of(platform.uow, enterprises[CHIP])
    assert (conflict.field, conflict.period) == ("enterprises.name", "")


def test_a_row_contradicting_an_earlier_file_for_the_same_as_of_is_refused(
    platform: Platform, enterprises: dict[str, int], write_feed: WriteFeed
) -> None:
    header = "uscc,year,as_of,insured_staff"
    import_feed(
        platform.uow,
        Department.SOCIAL_SECURITY,
        write_feed("a.csv", [header, f"{BRAIN},2024,2025-01-15,67"]),
    )
    report = import_feed(
        platform.uow,
        Department.SOCIAL_SECURITY,
        write_feed("b.csv", [header, f"{BRAIN},2024,2025-01-15,70", f"{CHIP},2024,2025-01-15,12"]),
    )

    [problem] = report.problems
    assert (problem.row, problem.field, problem.params) == (2, "staff_years.total", {"value": "67"})
    assert report.accepted == 1


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        (["uscc,year,as_of,insured_staff,branch", f"{BRAIN},2024,2025-01-15,67,north"], "branch"),
        (["uscc,as_of,revenue", f"{BRAIN},2025-01-15,1"], "header"),
    ],
)
def test_a_file_with_a_bad_header_is_refused_whole(
    platform: Platform,
    enterprises: dict[str, int],
    write_feed: WriteFeed,
    lines: list[str],
    field: str,
) -> None:
    with pytest.raises(InvalidFeedFile) as refused:
        import_feed(platform.uow, Department.SOCIAL_SECURITY, write_feed("bad.csv", lines))
    assert field in {refused.value.field, *(p.field for p in refused.value.problems)}
    with platform.uow() as work:
        assert work.session.scalar(select(func.count(FeedBatchRow.id))) == 0


def test_each_batch_is_recorded_in_the_audit_log(
    platform: Platform, enterprises: dict[str, int], write_feed: WriteFeed
) -> None:
    path = write_feed("staff.csv", ["uscc,year,as_of,insured_staff", f"{BRAIN},2024,2025-01-15,67"])
    report = import_feed(platform.uow, Department.SOCIAL_SECURITY, path)
    with platform.uow() as work:
        entry = work.session.scalars(select(AuditEntryRow)).one()
        assert (entry.actor, entry.action, entry.subject_id) == (
            "system:feed:social_security",
            "feed.import",
            str(report.batch_id),
        )
        assert entry.detail["outcomes"] == {"agrees": 1}
