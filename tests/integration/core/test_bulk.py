"""Bulk frame inserts and exact decimal columns behave the same on SQLite and PostgreSQL."""

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from kejin.bootstrap import Platform
from kejin.core.bulk import insert_frame
from kejin.core.money import NotExact
from kejin.core.uow import UnitOfWork
from kejin.registry.orm import EnterpriseRow, FinancialYearRow


def _enterprise(uscc: str = "91440300MA5FXXXX0X") -> EnterpriseRow:
    return EnterpriseRow(
        uscc=uscc,
        name="深圳脑链智能科技有限公司",
        region="光明区",
        industry_code="6513",
        cluster="brain_science",
        emerging_industry="next_gen_it",
        founded_on=date(2021, 5, 1),
        record_hash="x",
        source="test",
        as_of=date(2025, 12, 31),
    )


def test_frame_rows_arrive_with_nulls_dates_and_text_intact(platform: Platform) -> None:
    frame = pl.DataFrame(
        {
            "id": [1, 2],
            "uscc": ["A" * 18, "B" * 18],
            "name": ["甲科技有限公司", 'Quote "and", comma'],
            "region": ["", "南山区"],
            "industry_code": ["6513", "3973"],
            "cluster": ["ai", "semiconductors"],
            "emerging_industry": ["none", "next_gen_it"],
            "founded_on": [date(2020, 1, 2), date(1999, 12, 31)],
            "record_hash": ["h1", "h2"],
            "version": [1, 1],
            "source": ["test", "test"],
            "as_of": [date(2025, 12, 31), date(2025, 12, 31)],
        }
    )
    with platform.engine.begin() as conn:
        assert insert_frame(conn, EnterpriseRow.__table__, frame) == 2
    with platform.uow() as uow:
        rows = uow.session.scalars(select(EnterpriseRow).order_by(EnterpriseRow.id)).all()
        assert [r.name for r in rows] == ["甲科技有限公司", 'Quote "and", comma']
        assert rows[0].region == ""
        assert rows[1].founded_on == date(1999, 12, 31)


def _add_financial_year(uow: UnitOfWork, **amounts: Decimal) -> None:
    """An enterprise with one financial year: zero everywhere except `amounts`."""
    owner = _enterprise()
    uow.session.add(owner)
    uow.session.flush()
    columns = (
        "revenue",
        "main_business_revenue",
        "high_tech_revenue",
        "total_costs",
        "rd_expense",
        "rd_domestic_share",
        "total_assets",
        "total_liabilities",
        "net_profit",
    )
    values = {name: amounts.get(name, Decimal(0)) for name in columns}
    uow.session.add(
        FinancialYearRow(
            enterprise_id=owner.id, year=2025, source="test", as_of=date(2025, 12, 31), **values
        )
    )
    uow.session.flush()


def test_money_columns_keep_exact_decimals(platform: Platform) -> None:
    with platform.uow() as uow:
        _add_financial_year(
            uow,
            revenue=Decimal("12345678901.23"),
            rd_domestic_share=Decimal("0.9876"),
            net_profit=Decimal("-0.07"),
        )
        uow.commit()
    with platform.uow() as uow:
        row = uow.session.scalars(select(FinancialYearRow)).one()
        assert row.revenue == Decimal("12345678901.23")
        assert row.rd_domestic_share == Decimal("0.9876")
        assert row.net_profit == Decimal("-0.07")


def test_a_value_with_too_many_places_is_refused_not_rounded(platform: Platform) -> None:
    with platform.uow() as uow:
        with pytest.raises(StatementError, match="more than 2 decimal places") as caught:
            _add_financial_year(uow, revenue=Decimal("1.001"))
        assert isinstance(caught.value.orig, NotExact)
