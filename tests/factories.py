"""Registry test data built directly with the ORM: realistic Chinese names, valid credit codes.

`seed_enterprises(platform, n)` writes `n` enterprises with three years of staff and
financials, IP assets, certifications and, for some, funding rounds, standards, awards,
R&D institutions and compliance flags. Deterministic for a given `seed`.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kejin.bootstrap import Platform
from kejin.core.money import money
from kejin.identity.credentials import hash_password
from kejin.identity.model import InstitutionKind, Role
from kejin.identity.orm import InstitutionRow, UserRow
from kejin.registry.model import (
    CertificationKind,
    ComplianceKind,
    EmergingIndustry,
    FundingStage,
    IndustryCluster,
    IPOrigin,
    IPStatus,
    IPType,
    Level,
    StandardLevel,
    StandardRole,
    credit_code_with_check,
)
from kejin.registry.orm import (
    AwardRow,
    CertificationRow,
    ComplianceFlagRow,
    EnterpriseRow,
    FinancialYearRow,
    FundingRoundRow,
    IPAssetRow,
    RDInstitutionRow,
    StaffYearRow,
    StandardRow,
)

SOURCE = "factory"
AS_OF = date(2025, 12, 31)
YEARS = (2023, 2024, 2025)
CITIES = ("杭州", "苏州", "合肥", "武汉", "成都", "西安", "南京", "深圳")
BRANDS = (
    "睿智",
    "脑康",
    "芯源",
    "华研",
    "新材",
    "光启",
    "云图",
    "恒瑞",
    "博思",
    "启明",
    "天衡",
    "中科",
)
CLUSTER_WORDS = {
    IndustryCluster.BRAIN_SCIENCE: ("脑机接口科技", "神经科技"),
    IndustryCluster.AI: ("智能科技", "人工智能"),
    IndustryCluster.BIOMEDICINE: ("生物医药", "医疗科技"),
    IndustryCluster.SEMICONDUCTORS: ("微电子", "半导体"),
    IndustryCluster.NEW_MATERIALS: ("新材料科技", "材料技术"),
    IndustryCluster.NEW_ENERGY: ("新能源科技", "储能技术"),
    IndustryCluster.SOFTWARE: ("软件技术", "信息技术"),
    IndustryCluster.HIGH_END_EQUIPMENT: ("智能装备", "精密机械"),
}
REGIONS = ("东湖高新区", "滨江园区", "科学城")
# Yearly revenue (万元) by position in the list, so every stage appears in a small region.
REVENUE_WAN = (50, 300, 1200, 6000, 25000)


def credit_code(index: int) -> str:
    """A valid unified social credit code for the `index`-th test enterprise."""
    return credit_code_with_check(f"91330100MA{index:07d}")


def enterprise_name(index: int, cluster: IndustryCluster) -> str:
    city = CITIES[index % len(CITIES)]
    brand = BRANDS[(index // len(CITIES)) % len(BRANDS)]
    word = CLUSTER_WORDS[cluster][index % 2]
    return f"{city}{brand}{word}有限公司" if index < 96 else f"{city}{brand}{word}{index}号有限公司"


def seed_enterprises(platform: Platform, count: int, seed: int = 7) -> list[str]:
    """Write `count` enterprises with their child tables; returns their credit codes."""
    rng = random.Random(seed)
    clusters = list(IndustryCluster)
    codes = []
    with platform.uow() as uow:
        for index in range(count):
            cluster = clusters[index % len(clusters)]
            row = EnterpriseRow(
                uscc=credit_code(index),
                name=enterprise_name(index, cluster),
                region=REGIONS[index % len(REGIONS)],
                industry_code="6513" if cluster is IndustryCluster.SOFTWARE else "3563",
                cluster=cluster,
                emerging_industry=EmergingIndustry.NEXT_GEN_IT,
                founded_on=date(2008 + index % 17, 1 + index % 12, 1 + index % 28),
                record_hash=f"{index:032x}",
                source=SOURCE,
                as_of=AS_OF,
            )
            uow.session.add(row)
            uow.session.flush()
            uow.session.add_all(_children(row.id, index, rng))
            codes.append(row.uscc)
        uow.commit()
    return codes


def _children(enterprise_id: int, index: int, rng: random.Random) -> list[object]:
    base_wan = REVENUE_WAN[index % len(REVENUE_WAN)] * (1 + rng.random() / 2)
    rows: list[object] = []
    for offset, year in enumerate(YEARS):
        revenue = money(Decimal(round(base_wan * (0.8 + 0.1 * offset) * 10_000)))
        rows.append(_financials(enterprise_id, year, revenue, rng))
        total = 20 + index % 180
        rows.append(
            StaffYearRow(
                enterprise_id=enterprise_id,
                year=year,
                total=total,
                tech=total // 3,
                rd=total // 4,
                source=SOURCE,
                as_of=date(year, 12, 31),
            )
        )
    rows.extend(_ip_assets(enterprise_id, index, rng))
    rows.extend(_certifications(enterprise_id, index))
    if index % 3 == 0:
        rows.extend(_extras(enterprise_id, index))
    return rows


def _financials(
    enterprise_id: int, year: int, revenue: Decimal, rng: random.Random
) -> FinancialYearRow:
    rd = money(revenue * Decimal(rng.randint(3, 15)) / 100)
    return FinancialYearRow(
        enterprise_id=enterprise_id,
        year=year,
        revenue=revenue,
        main_business_revenue=money(revenue * Decimal("0.9")),
        high_tech_revenue=money(revenue * Decimal("0.7")),
        total_costs=money(revenue * Decimal("0.85")),
        rd_expense=rd,
        rd_domestic_share=Decimal("0.95"),
        total_assets=money(revenue * Decimal("1.4")),
        total_liabilities=money(revenue * Decimal("0.6")),
        net_profit=money(revenue * Decimal("0.08")),
        source="tax_bureau",
        as_of=date(year, 12, 31),
    )


def _ip_assets(enterprise_id: int, index: int, rng: random.Random) -> list[IPAssetRow]:
    kinds = (IPType.INVENTION_PATENT, IPType.UTILITY_MODEL, IPType.SOFTWARE_COPYRIGHT)
    return [
        IPAssetRow(
            enterprise_id=enterprise_id,
            ip_type=kinds[n % 3],
            number=f"ZL2021{index:05d}{n}",
            title=f"一种用于数据处理的装置{n}",
            filed_on=date(2021, 3, 1 + n),
            granted_on=date(2022, 6, 1 + n),
            expires_on=date(2041, 3, 1 + n),
            status=IPStatus.GRANTED,
            origin=IPOrigin.SELF_DEVELOPED,
            main_product_related=n % 2 == 0,
            claims=rng.randint(5, 20),
            forward_citations=rng.randint(0, 9),
            family_size=1,
            source="cnipa",
            as_of=AS_OF,
        )
        for n in range(1 + index % 4)
    ]


def _certifications(enterprise_id: int, index: int) -> list[CertificationRow]:
    kinds = [CertificationKind.TECH_SME]
    if index % 2 == 0:
        kinds.append(CertificationKind.HIGH_TECH)
    if index % 5 == 0:
        kinds.append(CertificationKind.SPECIALISED_SME)
    return [
        CertificationRow(
            enterprise_id=enterprise_id,
            kind=kind,
            number=f"GR2024{index:05d}{n}",
            valid_from=date(2024, 1, 1),
            valid_to=date(2099, 12, 31),
            source="most",
            as_of=AS_OF,
        )
        for n, kind in enumerate(kinds)
    ]


def _extras(enterprise_id: int, index: int) -> list[object]:
    return [
        FundingRoundRow(
            enterprise_id=enterprise_id,
            closed_on=date(2023, 5, 20),
            stage=FundingStage.SERIES_A,
            amount=money("30000000"),
            investors=["红杉中国", "深创投"],
            source="investor",
            as_of=AS_OF,
        ),
        StandardRow(
            enterprise_id=enterprise_id,
            code=f"GB/T 4{index:04d}-2024",
            title="脑机接口数据格式",
            level=StandardLevel.NATIONAL,
            role=StandardRole.LED,
            year=2024,
            source="samr",
            as_of=AS_OF,
        ),
        AwardRow(
            enterprise_id=enterprise_id,
            name="省科学技术进步奖",
            level=Level.PROVINCIAL,
            rank=2,
            year=2023,
            source="most",
            as_of=AS_OF,
        ),
        RDInstitutionRow(
            enterprise_id=enterprise_id,
            name="省级企业技术中心",
            level=Level.PROVINCIAL,
            recognised_on=date(2022, 9, 1),
            source="most",
            as_of=AS_OF,
        ),
        ComplianceFlagRow(
            enterprise_id=enterprise_id,
            kind=ComplianceKind.QUALITY_INCIDENT,
            occurred_on=date(2019, 4, 2),
            note="已整改",
            source="samr",
            as_of=AS_OF,
        ),
    ]


# --- identity: one account per role -------------------------------------------------------

PASSWORD = "correct horse battery"
ROLE_KINDS = {
    "bank_officer": "bank",
    "bank_approver": "bank",
    "fund_manager": "fund_manager",
    "government_analyst": "government_office",
    "platform_admin": "platform_operator",
}


def create_user(platform: Platform, role: str, login: str | None = None) -> int:
    """An active account with `role` (and its institution or a new enterprise); returns its id.

    The password is `PASSWORD`; the login defaults to the role's name.
    """
    with platform.uow() as uow:
        institution_id = enterprise_id = None
        if role in ROLE_KINDS:
            institution = InstitutionRow(
                name=f"{login or role} institution", kind=InstitutionKind(ROLE_KINDS[role])
            )
            uow.session.add(institution)
            uow.session.flush()
            institution_id = institution.id
        else:
            enterprise_id = _enterprise_for_user(uow.session, login or role)
        user = UserRow(
            login=login or role,
            display_name=(login or role).replace("_", " ").title(),
            role=Role(role),
            institution_id=institution_id,
            enterprise_id=enterprise_id,
            password_hash=hash_password(PASSWORD),
            active=True,
            failed_logins=0,
        )
        uow.session.add(user)
        uow.session.flush()
        uow.commit()
        return user.id


def _enterprise_for_user(session: Session, name: str) -> int:
    """The first enterprise in the registry, or a new one when the registry is empty."""
    existing = session.scalar(select(EnterpriseRow.id).order_by(EnterpriseRow.id).limit(1))
    if existing is not None:
        return existing
    row = EnterpriseRow(
        uscc=credit_code(9_000_000),
        name=f"{name}科技有限公司",
        region=REGIONS[0],
        industry_code="6513",
        cluster=IndustryCluster.SOFTWARE,
        emerging_industry=EmergingIndustry.NEXT_GEN_IT,
        founded_on=date(2015, 1, 1),
        record_hash=f"{9_000_000:032x}",
        source=SOURCE,
        as_of=AS_OF,
    )
    session.add(row)
    session.flush()
    return row.id
