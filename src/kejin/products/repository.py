"""Catalogue storage: providers, products and policies in and out as specs, the conditional
update that makes a stale save fail, version rows and the catalogue revision. Never commits.

Rows hold their numbers exactly (Money, Ratio columns; JSON trees through `entries.plain` and
`entries.exact`), so a spec read back equals the spec written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from kejin.identity.orm import InstitutionRow
from kejin.products.entries import exact, plain
from kejin.products.model import (
    AmountRange,
    Collateral,
    DocumentKind,
    Instrument,
    Layer,
    PolicyDocument,
    PolicySpec,
    Pricing,
    ProductFamily,
    ProductSpec,
    Provenance,
    ProviderSpec,
    TermRange,
    Text,
    Validity,
)
from kejin.products.orm import (
    CatalogueRevisionRow,
    PolicyRow,
    PolicyVersionRow,
    ProductRow,
    ProductVersionRow,
    ProviderRow,
)
from kejin.registry.model import Stage

# --- providers and institutions -------------------------------------------------------------


def institution_ids(session: Session, names: Iterable[str]) -> dict[str, int]:
    """The ids of the institutions with these names (missing names are absent)."""
    rows = session.execute(
        select(InstitutionRow.name, InstitutionRow.id).where(InstitutionRow.name.in_(list(names)))
    )
    return {str(name): int(institution_id) for name, institution_id in rows}


def providers(session: Session) -> list[ProviderRow]:
    return list(session.scalars(select(ProviderRow).order_by(ProviderRow.kind, ProviderRow.code)))


def put_provider(session: Session, spec: ProviderSpec, institution_id: int) -> None:
    row = session.scalar(select(ProviderRow).where(ProviderRow.code == spec.code))
    if row is None:
        row = ProviderRow(code=spec.code)
        session.add(row)
    row.institution_id = institution_id
    row.name_zh, row.name_en, row.kind = spec.name.zh, spec.name.en, spec.kind
    row.notes = list(spec.notes)
    session.flush()


# --- the catalogue revision -----------------------------------------------------------------


def revision(session: Session) -> int:
    found = session.scalar(select(CatalogueRevisionRow.revision))
    return 0 if found is None else int(found)


def revision_stamp(session: Session) -> tuple[int, datetime | None]:
    """The revision and when it was raised (0, None before the first write)."""
    row = session.execute(
        select(CatalogueRevisionRow.revision, CatalogueRevisionRow.updated_at)
    ).first()
    return (0, None) if row is None else (int(row[0]), row[1])


def bump_revision(session: Session, now: datetime) -> int:
    """Raise the revision by one (creating the row at 1) and return it. The row stays locked
    until the caller's transaction ends, so catalogue writers queue behind each other."""
    raised = session.execute(
        update(CatalogueRevisionRow).values(
            revision=CatalogueRevisionRow.revision + 1, updated_at=now
        )
    )
    if getattr(raised, "rowcount", 0) == 0:
        session.add(CatalogueRevisionRow(id=1, revision=1, updated_at=now))
        session.flush()
    return revision(session)


# --- products -------------------------------------------------------------------------------


def product_row(session: Session, code: str) -> ProductRow | None:
    found: ProductRow | None = session.scalar(select(ProductRow).where(ProductRow.code == code))
    return found


def product_rows(session: Session, query: Select[ProductRow] | None = None) -> list[ProductRow]:
    base = query if query is not None else select(ProductRow)
    return list(session.scalars(base.order_by(ProductRow.layer, ProductRow.code)))


def product_spec(row: ProductRow, codes: Mapping[int, str]) -> ProductSpec:
    """The spec of a product row; `codes` maps institution ids to provider codes."""
    term = (
        None
        if row.term_min_months is None or row.term_max_months is None
        else TermRange(row.term_min_months, row.term_max_months)
    )
    return ProductSpec(
        code=row.code,
        provider=codes[row.provider_id],
        layer=Layer(row.layer),
        family=ProductFamily(row.family),
        instrument=Instrument(row.instrument),
        name=Text(row.name_zh, row.name_en),
        summary=Text(row.summary_zh, row.summary_en),
        stages=tuple(Stage(stage) for stage in row.stages),
        amount=AmountRange(row.amount_min, row.amount_max),
        term=term,
        pricing=Pricing(
            basis=row.pricing_basis,
            spread_bp=row.rate_spread_bp,
            lpr_tenor=row.lpr_tenor,
            rate=row.rate,
            fee_rate=row.fee_rate,
            subsidy_share=row.subsidy_share,
        ),
        collateral=Collateral(row.collateral),
        eligibility=exact(row.eligibility),
        sizing=exact(row.sizing),
        documents=tuple(DocumentKind(document) for document in row.documents),
        validity=Validity(row.valid_from, row.valid_to),
        provenance=Provenance(row.source, tuple(row.notes)),
        status=row.status,
        programme_owner=None if row.programme_owner_id is None else codes[row.programme_owner_id],
        partners=tuple(row.partners),
        policy_code=row.policy_code,
    )


def product_columns(spec: ProductSpec, ids: Mapping[str, int]) -> dict[str, Any]:
    """The column values of `spec`; `ids` maps provider codes to institution ids."""
    return {
        "provider_id": ids[spec.provider],
        "programme_owner_id": None if spec.programme_owner is None else ids[spec.programme_owner],
        "partners": list(spec.partners),
        "layer": spec.layer,
        "family": spec.family,
        "instrument": spec.instrument,
        "name_zh": spec.name.zh,
        "name_en": spec.name.en,
        "summary_zh": spec.summary.zh,
        "summary_en": spec.summary.en,
        "stages": [stage.value for stage in spec.stages],
        "amount_min": spec.amount.low,
        "amount_max": spec.amount.high,
        "term_min_months": None if spec.term is None else spec.term.low_months,
        "term_max_months": None if spec.term is None else spec.term.high_months,
        "pricing_basis": spec.pricing.basis,
        "lpr_tenor": spec.pricing.lpr_tenor,
        "rate_spread_bp": spec.pricing.spread_bp,
        "rate": _ratio(spec.pricing.rate),
        "fee_rate": _ratio(spec.pricing.fee_rate),
        "subsidy_share": _ratio(spec.pricing.subsidy_share),
        "collateral": spec.collateral,
        "eligibility": plain(spec.eligibility),
        "sizing": plain(spec.sizing),
        "documents": [document.value for document in spec.documents],
        "policy_code": spec.policy_code,
        "valid_from": spec.validity.start,
        "valid_to": spec.validity.end,
        "status": spec.status,
        "source": spec.provenance.source,
        "notes": list(spec.provenance.notes),
    }


def _ratio(value: Decimal | int | None) -> Decimal | None:
    """A rate as `Decimal` (a file may write a whole share as the integer 1)."""
    return None if value is None else Decimal(value)


def insert_product(session: Session, code: str, columns: Mapping[str, Any]) -> ProductRow:
    row = ProductRow(code=code, version=1, **columns)
    session.add(row)
    session.flush()
    return row


def update_product(
    session: Session, product_id: int, expected_version: int, columns: Mapping[str, Any]
) -> bool:
    """`UPDATE … SET …, version = version + 1 WHERE id = :id AND version = :expected`: False
    when another save came first (nothing is written)."""
    done = session.execute(
        update(ProductRow)
        .where(ProductRow.id == product_id, ProductRow.version == expected_version)
        .values(version=ProductRow.version + 1, **columns)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return getattr(done, "rowcount", 0) == 1


def add_product_version(
    session: Session,
    product_id: int,
    version: int,
    body: Mapping[str, Any],
    *,
    at: datetime,
    by: str,
) -> None:
    session.add(
        ProductVersionRow(
            product_id=product_id, version=version, body=plain(body), edited_at=at, edited_by=by
        )
    )
    session.flush()


def product_versions(session: Session, product_id: int) -> list[ProductVersionRow]:
    return list(
        session.scalars(
            select(ProductVersionRow)
            .where(ProductVersionRow.product_id == product_id)
            .order_by(ProductVersionRow.version.desc())
        )
    )


# --- policies -------------------------------------------------------------------------------


def policy_row(session: Session, code: str) -> PolicyRow | None:
    found: PolicyRow | None = session.scalar(select(PolicyRow).where(PolicyRow.code == code))
    return found


def policy_rows(session: Session) -> list[PolicyRow]:
    return list(session.scalars(select(PolicyRow).order_by(PolicyRow.mode, PolicyRow.code)))


def policy_spec(row: PolicyRow, codes: Mapping[int, str]) -> PolicySpec:
    amount = (
        None
        if row.amount_min is None or row.amount_max is None
        else AmountRange(row.amount_min, row.amount_max)
    )
    return PolicySpec(
        code=row.code,
        owner=codes[row.owner_id],
        name=Text(row.name_zh, row.name_en),
        summary=Text(row.summary_zh, row.summary_en),
        document=PolicyDocument(
            issuer=row.issuer,
            doc_no=row.doc_no,
            source_url=row.source_url,
            document_ref=row.document_ref,
            cited_paragraph=row.cited_paragraph,
            confirmed=row.confirmed,
        ),
        mode=row.mode,
        benefit_kind=row.benefit_kind,
        benefit=Text(row.benefit_zh, row.benefit_en),
        eligibility=exact(row.eligibility),
        validity=Validity(row.valid_from, row.valid_to),
        provenance=Provenance(row.source, tuple(row.notes)),
        stages=tuple(Stage(stage) for stage in row.stages),
        amount=amount,
        sizing=None if row.sizing is None else exact(row.sizing),
        status=row.status,
    )


def policy_columns(spec: PolicySpec, ids: Mapping[str, int]) -> dict[str, Any]:
    document = spec.document
    return {
        "owner_id": ids[spec.owner],
        "name_zh": spec.name.zh,
        "name_en": spec.name.en,
        "summary_zh": spec.summary.zh,
        "summary_en": spec.summary.en,
        "issuer": document.issuer,
        "doc_no": document.doc_no,
        "source_url": document.source_url,
        "document_ref": document.document_ref,
        "cited_paragraph": document.cited_paragraph,
        "confirmed": document.confirmed,
        "mode": spec.mode,
        "benefit_kind": spec.benefit_kind,
        "benefit_zh": spec.benefit.zh,
        "benefit_en": spec.benefit.en,
        "eligibility": plain(spec.eligibility),
        "stages": [stage.value for stage in spec.stages],
        "amount_min": None if spec.amount is None else spec.amount.low,
        "amount_max": None if spec.amount is None else spec.amount.high,
        "sizing": None if spec.sizing is None else plain(spec.sizing),
        "valid_from": spec.validity.start,
        "valid_to": spec.validity.end,
        "status": spec.status,
        "source": spec.provenance.source,
        "notes": list(spec.provenance.notes),
    }


def insert_policy(session: Session, code: str, columns: Mapping[str, Any]) -> PolicyRow:
    row = PolicyRow(code=code, version=1, **columns)
    session.add(row)
    session.flush()
    return row


def update_policy(
    session: Session, policy_id: int, expected_version: int, columns: Mapping[str, Any]
) -> bool:
    done = session.execute(
        update(PolicyRow)
        .where(PolicyRow.id == policy_id, PolicyRow.version == expected_version)
        .values(version=PolicyRow.version + 1, **columns)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return getattr(done, "rowcount", 0) == 1


def add_policy_version(
    session: Session,
    policy_id: int,
    version: int,
    body: Mapping[str, Any],
    *,
    at: datetime,
    by: str,
) -> None:
    session.add(
        PolicyVersionRow(
            policy_id=policy_id, version=version, body=plain(body), edited_at=at, edited_by=by
        )
    )
    session.flush()
