"""Registry read contracts (pydantic): list filters, page and detail shapes, region summary.

Money is `Decimal` (serialised as a string in JSON); every child value carries its provenance
(`source`, `as_of`). These shapes are what the JSON API returns and the pages render.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from kejin.consent.model import DataScope
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
    Stage,
    StandardLevel,
    StandardRole,
)


class EnterpriseSort(StrEnum):
    """Orderings of the enterprise list; a leading `-` means descending."""

    NAME = "name"
    NAME_DESC = "-name"
    FOUNDED = "founded_on"
    FOUNDED_DESC = "-founded_on"
    CODE = "uscc"
    REVENUE = "revenue"
    REVENUE_DESC = "-revenue"


# Sorts on financial data: offered only within the consented list.
REVENUE_SORTS = frozenset({EnterpriseSort.REVENUE, EnterpriseSort.REVENUE_DESC})


class EnterpriseFilters(BaseModel):
    """Query of the enterprise list; empty form fields count as absent."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    q: str | None = Field(None, max_length=100, description="name or credit-code substring")
    region: str | None = Field(None, max_length=64)
    cluster: IndustryCluster | None = None
    consented: bool = Field(
        False,
        description="only enterprises that show this reader their financial data (their own,"
        " or a live `financials` grant to the reader's institution); needed for `stage` and"
        " revenue sorts",
    )
    stage: Stage | None = None
    certification: CertificationKind | None = None
    founded_from: int | None = Field(None, ge=1900, le=2100, description="earliest founding year")
    founded_to: int | None = Field(None, ge=1900, le=2100, description="latest founding year")
    sort: EnterpriseSort = EnterpriseSort.NAME

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        if value.strip():
            return value.strip()
        return cls.model_fields[info.field_name or ""].default


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Provenanced(ReadModel):
    source: str
    as_of: date


class EnterpriseSummary(ReadModel):
    """One row of the enterprise list: public columns for everyone; the latest financial
    year's figures only where the reader may see the enterprise's financials (else absent from
    the JSON and `financials` named in `withheld`)."""

    uscc: str
    name: str
    region: str
    cluster: IndustryCluster
    founded_on: date
    certifications: list[CertificationKind]
    stage: Stage | None = Field(None, description="derived from the latest year's revenue")
    latest_year: int | None = None
    revenue: Decimal | None = None
    rd_expense: Decimal | None = None
    withheld: list[DataScope] = Field(
        default_factory=list, description="consented scopes whose columns are left out"
    )


class EnterprisePage(BaseModel):
    items: list[EnterpriseSummary]
    total: int
    page: int
    size: int
    pages: int


class StaffYearRead(Provenanced):
    year: int
    total: int
    tech: int
    rd: int


class FinancialYearRead(Provenanced):
    year: int
    revenue: Decimal
    main_business_revenue: Decimal
    high_tech_revenue: Decimal
    total_costs: Decimal
    rd_expense: Decimal
    rd_domestic_share: Decimal
    total_assets: Decimal
    total_liabilities: Decimal
    net_profit: Decimal


class IPAssetRead(Provenanced):
    ip_type: IPType
    number: str
    title: str | None
    filed_on: date
    granted_on: date | None
    expires_on: date | None
    status: IPStatus
    origin: IPOrigin
    main_product_related: bool
    claims: int | None
    forward_citations: int | None
    family_size: int | None


class CertificationRead(Provenanced):
    kind: CertificationKind
    number: str
    valid_from: date
    valid_to: date


class FundingRoundRead(Provenanced):
    closed_on: date
    stage: FundingStage
    amount: Decimal
    investors: list[str]


class StandardRead(Provenanced):
    code: str
    title: str
    level: StandardLevel
    role: StandardRole
    year: int


class AwardRead(Provenanced):
    name: str
    level: Level
    rank: int | None
    year: int


class RDInstitutionRead(Provenanced):
    name: str
    level: Level
    recognised_on: date


class ComplianceFlagRead(Provenanced):
    kind: ComplianceKind
    occurred_on: date
    note: str | None


class EnterpriseDetail(Provenanced):
    """An enterprise with every child table; each value keeps its source and as-of date."""

    uscc: str
    name: str
    region: str
    industry_code: str
    cluster: IndustryCluster
    emerging_industry: EmergingIndustry
    founded_on: date
    stage: Stage | None = Field(None, description="derived from the latest year's revenue")
    staff: list[StaffYearRead]
    financials: list[FinancialYearRead]
    ip_assets: list[IPAssetRead]
    certifications: list[CertificationRead]
    funding_rounds: list[FundingRoundRead]
    standards: list[StandardRead]
    awards: list[AwardRead]
    rd_institutions: list[RDInstitutionRead]
    compliance_flags: list[ComplianceFlagRead]
    withheld: list[DataScope] = Field(
        default_factory=list,
        description="consented scopes this reader may not see; their sections are left empty",
    )


class EnterpriseFinancials(BaseModel):
    """An enterprise's financial years: a consented read (scope `financials`)."""

    uscc: str
    name: str
    financials: list[FinancialYearRead]


class ClusterIntensity(BaseModel):
    """R&D intensity of a cluster: latest-year R&D expense over latest-year revenue. The sums
    and the ratio are withheld (None) when fewer than `MIN_CELL` firms contribute."""

    cluster: IndustryCluster
    enterprises: int = Field(description="firms with a latest financial year in the cluster")
    rd_expense: Decimal | None
    revenue: Decimal | None
    intensity: Decimal | None


class RegionSummary(BaseModel):
    """The region at a glance: counts by stage, cluster and certification, R&D and IP."""

    enterprises: int
    by_stage: dict[Stage, int]
    by_cluster: dict[IndustryCluster, int]
    by_certification: dict[CertificationKind, int]
    ip_by_type: dict[IPType, int]
    total_revenue: Decimal
    total_rd_expense: Decimal
    rd_intensity_by_cluster: list[ClusterIntensity]
    valid_on: date
