"""Registry tables. Every row carries `source` and `as_of` (its provenance).

Child rows belong to exactly one enterprise and are replaced as a set when an import changes
that enterprise (see `kejin.registry.bulk`). Amounts are `Money` (fen), shares are `Ratio`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kejin.core.db import Base, Money, Ratio, str_enum
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
)


class Provenance:
    """Mixin: where a value came from and the date it describes."""

    source: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[date] = mapped_column(Date)


class EnterpriseRow(Provenance, Base):
    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    industry_code: Mapped[str] = mapped_column(String(5))  # GB/T 4754-2017
    cluster: Mapped[IndustryCluster] = mapped_column(str_enum(IndustryCluster), index=True)
    emerging_industry: Mapped[EmergingIndustry] = mapped_column(str_enum(EmergingIndustry))
    founded_on: Mapped[date] = mapped_column(Date)
    record_hash: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    staff: Mapped[list[StaffYearRow]] = relationship(order_by="StaffYearRow.year", viewonly=True)
    financials: Mapped[list[FinancialYearRow]] = relationship(
        order_by="FinancialYearRow.year", viewonly=True
    )
    ip_assets: Mapped[list[IPAssetRow]] = relationship(viewonly=True)
    certifications: Mapped[list[CertificationRow]] = relationship(viewonly=True)
    funding_rounds: Mapped[list[FundingRoundRow]] = relationship(
        order_by="FundingRoundRow.closed_on", viewonly=True
    )
    standards: Mapped[list[StandardRow]] = relationship(viewonly=True)
    awards: Mapped[list[AwardRow]] = relationship(viewonly=True)
    rd_institutions: Mapped[list[RDInstitutionRow]] = relationship(viewonly=True)
    compliance_flags: Mapped[list[ComplianceFlagRow]] = relationship(viewonly=True)


def _owner() -> Mapped[int]:
    return mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"), index=True)


class StaffYearRow(Provenance, Base):
    __tablename__ = "staff_years"
    __table_args__ = (UniqueConstraint("enterprise_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = _owner()
    year: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    tech: Mapped[int] = mapped_column(Integer)  # 科技人员
    rd: Mapped[int] = mapped_column(Integer)  # 研发人员


class FinancialYearRow(Provenance, Base):
    __tablename__ = "financial_years"
    __table_args__ = (UniqueConstraint("enterprise_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = _owner()
    year: Mapped[int] = mapped_column(Integer)
    revenue: Mapped[Decimal] = mapped_column(Money())  # 销售收入
    main_business_revenue: Mapped[Decimal] = mapped_column(Money())  # 主营业务收入
    high_tech_revenue: Mapped[Decimal] = mapped_column(Money())  # 高新技术产品(服务)收入
    total_costs: Mapped[Decimal] = mapped_column(Money())  # 成本费用总额
    rd_expense: Mapped[Decimal] = mapped_column(Money())  # 研发费用
    rd_domestic_share: Mapped[Decimal] = mapped_column(Ratio())  # 境内研发费用占比
    total_assets: Mapped[Decimal] = mapped_column(Money())
    total_liabilities: Mapped[Decimal] = mapped_column(Money())
    net_profit: Mapped[Decimal] = mapped_column(Money())


class IPAssetRow(Provenance, Base):
    __tablename__ = "ip_assets"
    __table_args__ = (UniqueConstraint("enterprise_id", "ip_type", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = _owner()
    ip_type: Mapped[IPType] = mapped_column(str_enum(IPType))
    number: Mapped[str] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(String(200))
    filed_on: Mapped[date] = mapped_column(Date)
    granted_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[IPStatus] = mapped_column(str_enum(IPStatus))
    origin: Mapped[IPOrigin] = mapped_column(str_enum(IPOrigin))
    main_product_related: Mapped[bool] = mapped_column(Boolean)
    claims: Mapped[int | None] = mapped_column(Integer)
    forward_citations: Mapped[int | None] = mapped_column(Integer)
    family_size: Mapped[int | None] = mapped_column(Integer)


class CertificationRow(Provenance, Base):
    __tablename__ = "certifications"
    __table_args__ = (UniqueConstraint("enterprise_id", "kind", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = _owner()
    kind: Mapped[CertificationKind] = mapped_column(str_enum(CertificationKind))
    number: Mapped[str] = mapped_column(String(40))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)


class FundingRoundRow(Provenance, Base):
    __tablename__ = "funding_rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = _owner()
    closed_on: Mapped[date] = mapped_column(Date)
    stage: Mapped[FundingStage] = mapped_column(str_enum(FundingStage))
    amount: Mapped[Decimal] = mapped_column(Money())
    investors: Mapped[list[str]] = mapped_column(JSON)


class StandardRow(Provenance, Base):
    __tablename__ = "standards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = _owner()
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[StandardLevel] = mapped_column(str_enum(StandardLevel))
    role: Mapped[StandardRole] = mapped_column(str_enum(StandardRole))
    year: Mapped[int] = mapped_column(Integer)


class AwardRow(Provenance, Base):
    __tablename__ = "awards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = _owner()
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[Level] = mapped_column(str_enum(Level))
    rank: Mapped[int | None] = mapped_column(Integer)  # the firm's rank among award units
    year: Mapped[int] = mapped_column(Integer)


class RDInstitutionRow(Provenance, Base):
    __tablename__ = "rd_institutions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = _owner()
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[Level] = mapped_column(str_enum(Level))
    recognised_on: Mapped[date] = mapped_column(Date)


class ComplianceFlagRow(Provenance, Base):
    __tablename__ = "compliance_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = _owner()
    kind: Mapped[ComplianceKind] = mapped_column(str_enum(ComplianceKind))
    occurred_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


CHILD_TABLES = (
    StaffYearRow,
    FinancialYearRow,
    IPAssetRow,
    CertificationRow,
    FundingRoundRow,
    StandardRow,
    AwardRow,
    RDInstitutionRow,
    ComplianceFlagRow,
)
