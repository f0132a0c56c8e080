"""Rows and specs into the read contracts, and marketplace filters into a query.

`Names` holds the provider codes once per use case (a dozen rows), so a product's provider,
programme owner and partners are named without a query per product.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kejin.products import repository
from kejin.products.model import PolicySpec, ProductSpec, ProviderSpec, Text
from kejin.products.orm import PolicyRow, ProductRow
from kejin.products.pricing import all_in_rate
from kejin.products.schemas import (
    PolicyRead,
    PricingRead,
    ProductFilters,
    ProductRead,
    ProviderRead,
)


@dataclasses.dataclass(frozen=True, slots=True)
class Names:
    """Provider codes ↔ institution ids, and each provider as read back."""

    codes: Mapping[int, str]  # institution id → provider code
    ids: Mapping[str, int]  # provider code → institution id
    reads: Mapping[str, ProviderRead]
    specs: Sequence[ProviderSpec]

    @classmethod
    def of(cls, session: Session) -> Names:
        rows = repository.providers(session)
        return cls(
            codes={row.institution_id: row.code for row in rows},
            ids={row.code: row.institution_id for row in rows},
            reads={
                row.code: ProviderRead(
                    code=row.code,
                    institution_id=row.institution_id,
                    name_zh=row.name_zh,
                    name_en=row.name_en,
                    kind=row.kind,
                )
                for row in rows
            },
            specs=[
                ProviderSpec(row.code, Text(row.name_zh, row.name_en), row.kind, tuple(row.notes))
                for row in rows
            ],
        )


def filtered(filters: ProductFilters, names: Names) -> Select[ProductRow]:
    """The products query narrowed by every filter held in columns (the stage is not)."""
    query = select(ProductRow).where(ProductRow.status == filters.status)
    for column, value in (
        (ProductRow.layer, filters.layer),
        (ProductRow.family, filters.family),
        (ProductRow.collateral, filters.collateral),
        (ProductRow.instrument, filters.instrument),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.provider is not None:
        query = query.where(ProductRow.provider_id == names.ids.get(filters.provider, -1))
    if filters.amount is not None:
        query = query.where(
            ProductRow.amount_min <= filters.amount, ProductRow.amount_max >= filters.amount
        )
    if filters.term is not None:
        query = query.where(
            ProductRow.term_min_months <= filters.term, ProductRow.term_max_months >= filters.term
        )
    return query


def product_read(spec: ProductSpec, row: ProductRow, names: Names) -> ProductRead:
    pricing = spec.pricing
    return ProductRead(
        code=spec.code,
        provider=names.reads[spec.provider],
        programme_owner=None if spec.programme_owner is None else names.reads[spec.programme_owner],
        partners=[names.reads[partner] for partner in spec.partners],
        layer=spec.layer,
        family=spec.family,
        instrument=spec.instrument,
        name_zh=spec.name.zh,
        name_en=spec.name.en,
        summary_zh=spec.summary.zh,
        summary_en=spec.summary.en,
        stages=list(spec.stages),
        amount_min=spec.amount.low,
        amount_max=spec.amount.high,
        term_min_months=None if spec.term is None else spec.term.low_months,
        term_max_months=None if spec.term is None else spec.term.high_months,
        pricing=PricingRead(
            basis=pricing.basis,
            spread_bp=pricing.spread_bp,
            lpr_tenor=pricing.lpr_tenor,
            rate=pricing.rate,
            fee_rate=pricing.fee_rate,
            subsidy_share=pricing.subsidy_share,
            all_in_rate=all_in_rate(pricing, dt.datetime.now(dt.UTC).date()),
        ),
        collateral=spec.collateral,
        eligibility=dict(spec.eligibility),
        sizing=dict(spec.sizing),
        documents=list(spec.documents),
        policy_code=spec.policy_code,
        valid_from=spec.validity.start,
        valid_to=spec.validity.end,
        status=spec.status,
        source=spec.provenance.source,
        notes=list(spec.provenance.notes),
        version=row.version,
        revision=row.revision,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def policy_read(
    spec: PolicySpec, row: PolicyRow, names: Names, carried: Mapping[str, list[str]]
) -> PolicyRead:
    document = spec.document
    return PolicyRead(
        code=spec.code,
        owner=names.reads[spec.owner],
        name_zh=spec.name.zh,
        name_en=spec.name.en,
        summary_zh=spec.summary.zh,
        summary_en=spec.summary.en,
        issuer=document.issuer,
        doc_no=document.doc_no,
        source_url=document.source_url,
        document_ref=document.document_ref,
        cited_paragraph=document.cited_paragraph,
        confirmed=document.confirmed,
        mode=spec.mode,
        benefit_kind=spec.benefit_kind,
        benefit_zh=spec.benefit.zh,
        benefit_en=spec.benefit.en,
        eligibility=dict(spec.eligibility),
        stages=list(spec.stages),
        amount_min=None if spec.amount is None else spec.amount.low,
        amount_max=None if spec.amount is None else spec.amount.high,
        valid_from=spec.validity.start,
        valid_to=spec.validity.end,
        status=spec.status,
        source=spec.provenance.source,
        notes=list(spec.provenance.notes),
        version=row.version,
        products=sorted(carried.get(spec.code, [])),
    )
