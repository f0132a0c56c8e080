"""Catalogue contracts (pydantic): marketplace filters, products and policies as read back, a
product as a provider writes it (the file format of docs/products.md), versions and pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from kejin.identity.model import InstitutionKind
from kejin.products.model import (
    BenefitKind,
    Collateral,
    DocumentKind,
    Instrument,
    Layer,
    LprTenor,
    PolicyMode,
    PricingBasis,
    ProductFamily,
    ProductStatus,
)
from kejin.registry.model import Stage

MAX_COMPARED = 4


class ProductFilters(BaseModel):
    """What the marketplace narrows by; an amount or term keeps products whose range holds it.
    Empty form fields count as absent."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    layer: Layer | None = None
    family: ProductFamily | None = None
    provider: str | None = Field(default=None, max_length=80, description="provider code")
    stage: Stage | None = None
    amount: Decimal | None = Field(default=None, ge=0, description="CNY the firm seeks")
    term: int | None = Field(default=None, ge=0, le=600, description="months")
    collateral: Collateral | None = None
    instrument: Instrument | None = None
    status: ProductStatus = ProductStatus.PUBLISHED

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        if value.strip():
            return value.strip()
        return cls.model_fields[info.field_name or ""].default


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid")

    zh: str = Field(min_length=1, max_length=2000)
    en: str = Field(min_length=1, max_length=2000)


class Bounds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min: Decimal
    max: Decimal


class TermBounds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min: int
    max: int


class PricingWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    basis: PricingBasis
    spread_bp: int | None = None
    lpr_tenor: LprTenor | None = None
    rate: Decimal | None = None
    fee_rate: Decimal | None = None
    subsidy_share: Decimal | None = None


class ProductWrite(BaseModel):
    """A product as its provider saves it: the entry of `catalogue/products/<layer>.json`
    without the code (it is in the path). The layer cannot change; the provider stays."""

    model_config = ConfigDict(extra="forbid")

    provider: str = Field(max_length=80)
    family: ProductFamily
    instrument: Instrument
    name: Bilingual
    summary: Bilingual
    stages: list[Stage] = Field(min_length=1, max_length=len(Stage))
    amount: Bounds
    term_months: TermBounds | None = None
    pricing: PricingWrite
    collateral: Collateral
    eligibility: dict[str, Any] = Field(description="criterion tree in the rule-file format")
    sizing: dict[str, Any] = Field(description="amount rule (docs/products.md)")
    documents: list[DocumentKind] = Field(min_length=1)
    policy: str | None = None
    programme_owner: str | None = None
    partners: list[str] = Field(default_factory=list)
    valid_from: date
    valid_to: date | None = None
    status: ProductStatus
    source: str = Field(min_length=1, max_length=2000)
    notes: list[str] = Field(default_factory=list)

    def entry(self, code: str) -> dict[str, Any]:
        """The file-format mapping (absent pricing fields left out; read it with
        `entries.exact` so every number is a `Decimal`)."""
        data = self.model_dump(mode="json")
        data["pricing"] = self.pricing.model_dump(mode="python", exclude_none=True)
        return {"code": code, **data}


class DocumentWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    issuer: str = Field(min_length=1, max_length=200)
    doc_no: str = Field(min_length=1, max_length=200)
    source_url: str = Field(max_length=500)
    document_ref: str | None = Field(default=None, max_length=64, description="corpus id")
    cited_paragraph: str | None = Field(default=None, max_length=4000)
    confirmed: bool = False


class PolicyWrite(BaseModel):
    """A policy as its owner saves it: the entry of `catalogue/policies.json` without the code."""

    model_config = ConfigDict(extra="forbid")

    owner: str = Field(max_length=80)
    name: Bilingual
    summary: Bilingual
    document: DocumentWrite
    mode: PolicyMode
    benefit_kind: BenefitKind
    benefit: Bilingual
    eligibility: dict[str, Any] = Field(description="criterion tree in the rule-file format")
    stages: list[Stage] = Field(min_length=1, max_length=len(Stage))
    amount: Bounds | None = None
    sizing: dict[str, Any] | None = None
    valid_from: date
    valid_to: date | None = None
    status: ProductStatus
    source: str = Field(min_length=1, max_length=2000)
    notes: list[str] = Field(default_factory=list)

    def entry(self, code: str) -> dict[str, Any]:
        """The file-format mapping (read it with `entries.exact`)."""
        return {"code": code, **self.model_dump(mode="json")}


class ProviderRead(BaseModel):
    code: str
    institution_id: int
    name_zh: str
    name_en: str
    kind: InstitutionKind


class PricingRead(BaseModel):
    basis: PricingBasis
    spread_bp: int | None
    lpr_tenor: LprTenor
    rate: Decimal | None
    fee_rate: Decimal | None
    subsidy_share: Decimal | None
    all_in_rate: Decimal | None = Field(description="yearly cost to the firm today, if a rate")


class ProductRead(BaseModel):
    code: str
    provider: ProviderRead
    programme_owner: ProviderRead | None
    partners: list[ProviderRead]
    layer: Layer
    family: ProductFamily
    instrument: Instrument
    name_zh: str
    name_en: str
    summary_zh: str
    summary_en: str
    stages: list[Stage]
    amount_min: Decimal
    amount_max: Decimal
    term_min_months: int | None
    term_max_months: int | None
    pricing: PricingRead
    collateral: Collateral
    eligibility: dict[str, Any]
    sizing: dict[str, Any]
    documents: list[DocumentKind]
    policy_code: str | None
    valid_from: date
    valid_to: date | None
    status: ProductStatus
    source: str
    notes: list[str]
    version: int
    revision: int
    updated_at: datetime
    updated_by: str


class ProductPage(BaseModel):
    items: list[ProductRead]
    total: int
    page: int
    size: int
    pages: int
    revision: int


class ProductVersionRead(BaseModel):
    version: int
    edited_at: datetime
    edited_by: str


class ProductEdit(BaseModel):
    """What the provider's editor starts from: the entry, its version and its history."""

    product: ProductRead
    entry: dict[str, Any]
    versions: list[ProductVersionRead]


class PolicyRead(BaseModel):
    code: str
    owner: ProviderRead
    name_zh: str
    name_en: str
    summary_zh: str
    summary_en: str
    issuer: str
    doc_no: str
    source_url: str
    document_ref: str | None
    cited_paragraph: str | None
    confirmed: bool
    mode: PolicyMode
    benefit_kind: BenefitKind
    benefit_zh: str
    benefit_en: str
    eligibility: dict[str, Any]
    stages: list[Stage]
    amount_min: Decimal | None
    amount_max: Decimal | None
    valid_from: date
    valid_to: date | None
    status: ProductStatus
    source: str
    notes: list[str]
    version: int
    products: list[str] = Field(description="codes of the products carrying the policy")


class PolicyList(BaseModel):
    items: list[PolicyRead]
    revision: int


class ImportReport(BaseModel):
    providers: int
    inserted: int
    updated: int
    unchanged: int
    revision: int
