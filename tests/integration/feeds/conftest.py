"""Feed test data: two enterprises filed by themselves, and a writer for feed files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kejin.bootstrap import Platform
from kejin.registry.model import (
    EmergingIndustry,
    IndustryCluster,
    IPOrigin,
    IPStatus,
    IPType,
    credit_code_with_check,
)
from kejin.registry.orm import EnterpriseRow, FinancialYearRow, IPAssetRow, StaffYearRow

FILED = "enterprise_filing"
FILED_ON = date(2025, 3, 31)
BRAIN = credit_code_with_check("91330300MA2H7K0L8")
CHIP = credit_code_with_check("91330300MA2J2P5Q1")
UNKNOWN = credit_code_with_check("91330300MA2X9Y8W7")

WriteFeed = Callable[[str, list[str]], Path]


def _enterprise(uscc: str, name: str) -> EnterpriseRow:
    return EnterpriseRow(
        uscc=uscc,
        name=name,
        region="330303",
        industry_code="3589",
        cluster=IndustryCluster.BRAIN_SCIENCE,
        emerging_industry=EmergingIndustry.BIOTECH,
        founded_on=date(2019, 6, 18),
        record_hash="0" * 32,
        source=FILED,
        as_of=FILED_ON,
    )


def _year_2024(enterprise_id: int) -> FinancialYearRow:
    return FinancialYearRow(
        enterprise_id=enterprise_id,
        year=2024,
        revenue=Decimal("12960000.50"),
        main_business_revenue=Decimal("12500000.00"),
        high_tech_revenue=Decimal("11800000.00"),
        total_costs=Decimal("11700000.00"),
        rd_expense=Decimal("3120000.00"),
        rd_domestic_share=Decimal("1"),
        total_assets=Decimal("26800000.00"),
        total_liabilities=Decimal("8900000.00"),
        net_profit=Decimal("1260000.50"),
        source=FILED,
        as_of=FILED_ON,
    )


def _patent(enterprise_id: int) -> IPAssetRow:
    return IPAssetRow(
        enterprise_id=enterprise_id,
        ip_type=IPType.INVENTION_PATENT,
        number="ZL202010345678.9",
        title="一种柔性脑电采集电极及其制备方法",
        filed_on=date(2020, 3, 12),
        granted_on=date(2022, 8, 9),
        expires_on=date(2040, 3, 11),
        status=IPStatus.GRANTED,
        origin=IPOrigin.SELF_DEVELOPED,
        main_product_related=True,
        source=FILED,
        as_of=FILED_ON,
    )


@pytest.fixture
def enterprises(platform: Platform) -> dict[str, int]:
    """温州脑联 (2024 figures, staff and a patent filed by itself) and 温州芯谷 (nothing yet)."""
    with platform.uow() as work:
        brain = _enterprise(BRAIN, "温州脑联科技有限公司")
        chip = _enterprise(CHIP, "温州芯谷微电子有限公司")
        work.session.add_all([brain, chip])
        work.session.flush()
        staff = StaffYearRow(
            enterprise_id=brain.id,
            year=2024,
            total=67,
            tech=41,
            rd=29,
            source=FILED,
            as_of=FILED_ON,
        )
        work.session.add_all([_year_2024(brain.id), _patent(brain.id), staff])
        work.commit()
        return {BRAIN: brain.id, CHIP: chip.id}


@pytest.fixture
def write_feed(tmp_path: Path) -> WriteFeed:
    """Write a feed file from a header and rows (comma-separated lines) and return its path."""

    def write(name: str, lines: list[str]) -> Path:
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write
