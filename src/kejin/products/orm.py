"""Catalogue tables: providers (a catalogue code for an institution), products and policies with
their append-only version history, and the one-row catalogue revision.

A product or policy row is the current version; `version` rises by one with every save (the
optimistic lock) and each saved version's file-format mapping is kept in `*_versions`.
`catalogue_revision` rises with every write to either, in the same transaction, so a cache
keyed by it never serves a stale catalogue.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kejin.core.db import Base, Money, Ratio, str_enum
from kejin.identity.model import InstitutionKind
from kejin.products.model import (
    BenefitKind,
    Collateral,
    Instrument,
    Layer,
    LprTenor,
    PolicyMode,
    PricingBasis,
    ProductFamily,
    ProductStatus,
)

CODE = 80


class ProviderRow(Base):
    """The catalogue code of an institution offering products or owning a programme."""

    __tablename__ = "financing_providers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE), unique=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[InstitutionKind] = mapped_column(str_enum(InstitutionKind))
    notes: Mapped[list[str]] = mapped_column(JSON)


class ProductRow(Base):
    __tablename__ = "financing_products"
    __table_args__ = (
        CheckConstraint("amount_min <= amount_max", name="amount_range"),
        CheckConstraint("term_min_months <= term_max_months", name="term_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    programme_owner_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    partners: Mapped[list[str]] = mapped_column(JSON)  # provider codes
    layer: Mapped[Layer] = mapped_column(str_enum(Layer), index=True)
    family: Mapped[ProductFamily] = mapped_column(str_enum(ProductFamily))
    instrument: Mapped[Instrument] = mapped_column(str_enum(Instrument))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    summary_zh: Mapped[str] = mapped_column(Text)
    summary_en: Mapped[str] = mapped_column(Text)
    stages: Mapped[list[str]] = mapped_column(JSON)
    amount_min: Mapped[Decimal] = mapped_column(Money())
    amount_max: Mapped[Decimal] = mapped_column(Money())
    term_min_months: Mapped[int | None] = mapped_column(Integer)
    term_max_months: Mapped[int | None] = mapped_column(Integer)
    pricing_basis: Mapped[PricingBasis] = mapped_column(str_enum(PricingBasis))
    lpr_tenor: Mapped[LprTenor] = mapped_column(str_enum(LprTenor))
    rate_spread_bp: Mapped[int | None] = mapped_column(Integer)
    rate: Mapped[Decimal | None] = mapped_column(Ratio())
    fee_rate: Mapped[Decimal | None] = mapped_column(Ratio())
    subsidy_share: Mapped[Decimal | None] = mapped_column(Ratio())
    collateral: Mapped[Collateral] = mapped_column(str_enum(Collateral))
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON)
    sizing: Mapped[dict[str, Any]] = mapped_column(JSON)
    documents: Mapped[list[str]] = mapped_column(JSON)
    policy_code: Mapped[str | None] = mapped_column(String(CODE))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ProductStatus] = mapped_column(str_enum(ProductStatus))
    version: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(BigInteger)  # the catalogue revision it was saved at
    source: Mapped[str] = mapped_column(Text)
    notes: Mapped[list[str]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(120))


class ProductVersionRow(Base):
    """Every saved version of a product: its file-format mapping. Append-only (on PostgreSQL a
    trigger refuses UPDATE and DELETE); a product is retired, never deleted."""

    __tablename__ = "financing_product_versions"

    product_id: Mapped[int] = mapped_column(ForeignKey("financing_products.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    edited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    edited_by: Mapped[str] = mapped_column(String(120))


class PolicyRow(Base):
    __tablename__ = "financing_policies"
    __table_args__ = (CheckConstraint("amount_min <= amount_max", name="amount_range"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    summary_zh: Mapped[str] = mapped_column(Text)
    summary_en: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(String(200))
    doc_no: Mapped[str] = mapped_column(String(200))
    source_url: Mapped[str] = mapped_column(String(500))
    document_ref: Mapped[str | None] = mapped_column(String(64))  # documents.external_id
    cited_paragraph: Mapped[str | None] = mapped_column(Text)
    confirmed: Mapped[bool] = mapped_column(Boolean)
    mode: Mapped[PolicyMode] = mapped_column(str_enum(PolicyMode))
    benefit_kind: Mapped[BenefitKind] = mapped_column(str_enum(BenefitKind))
    benefit_zh: Mapped[str] = mapped_column(Text)
    benefit_en: Mapped[str] = mapped_column(Text)
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON)
    stages: Mapped[list[str]] = mapped_column(JSON)
    amount_min: Mapped[Decimal | None] = mapped_column(Money())
    amount_max: Mapped[Decimal | None] = mapped_column(Money())
    sizing: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ProductStatus] = mapped_column(str_enum(ProductStatus))
    version: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(Text)
    notes: Mapped[list[str]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(120))


class PolicyVersionRow(Base):
    """Every saved version of a policy (append-only)."""

    __tablename__ = "financing_policy_versions"

    policy_id: Mapped[int] = mapped_column(ForeignKey("financing_policies.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    edited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    edited_by: Mapped[str] = mapped_column(String(120))


class CatalogueRevisionRow(Base):
    """One row: the revision of the whole catalogue, raised by every write."""

    __tablename__ = "catalogue_revision"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
