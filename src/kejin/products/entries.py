"""Catalogue entries as files hold them: a spec back to its file-format mapping (the inverse of
`loader.parse_product` / `parse_policy`), and JSON numbers kept exact.

Versions, exports and JSON columns store these mappings; `exact` reads their numbers back as
`Decimal`, so a spec survives the round trip unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kejin.products.model import (
    PolicySpec,
    PricingBasis,
    ProductSpec,
    ProductStatus,
    Provenance,
    Text,
    Validity,
)


def product_entry(spec: ProductSpec) -> dict[str, Any]:
    """The file-format mapping of `spec`, as in `catalogue/products/<layer>.json`; `parse_product`
    reads it back to an equal spec."""
    pricing = {
        name: value
        for name, value in (
            ("basis", spec.pricing.basis.value),
            ("spread_bp", spec.pricing.spread_bp),
            ("rate", spec.pricing.rate),
            ("fee_rate", spec.pricing.fee_rate),
            ("subsidy_share", spec.pricing.subsidy_share),
        )
        if value is not None
    }
    if spec.pricing.basis is PricingBasis.LPR_SPREAD:
        pricing["lpr_tenor"] = spec.pricing.lpr_tenor.value
    entry: dict[str, Any] = {
        "code": spec.code,
        "provider": spec.provider,
        "family": spec.family.value,
        "instrument": spec.instrument.value,
        "name": _text_entry(spec.name),
        "summary": _text_entry(spec.summary),
        "stages": [stage.value for stage in spec.stages],
        "amount": {"min": spec.amount.low, "max": spec.amount.high},
        "term_months": None
        if spec.term is None
        else {"min": spec.term.low_months, "max": spec.term.high_months},
        "pricing": pricing,
        "collateral": spec.collateral.value,
        "eligibility": dict(spec.eligibility),
        "sizing": dict(spec.sizing),
        "documents": [document.value for document in spec.documents],
        "policy": spec.policy_code,
        "programme_owner": spec.programme_owner,
        "partners": list(spec.partners),
    }
    return entry | _validity_entry(spec.validity, spec.status, spec.provenance)


def policy_entry(spec: PolicySpec) -> dict[str, Any]:
    """The file-format mapping of `spec`, as in `catalogue/policies.json`."""
    document = spec.document
    entry: dict[str, Any] = {
        "code": spec.code,
        "owner": spec.owner,
        "name": _text_entry(spec.name),
        "summary": _text_entry(spec.summary),
        "document": {
            "issuer": document.issuer,
            "doc_no": document.doc_no,
            "source_url": document.source_url,
            "document_ref": document.document_ref,
            "cited_paragraph": document.cited_paragraph,
            "confirmed": document.confirmed,
        },
        "mode": spec.mode.value,
        "benefit_kind": spec.benefit_kind.value,
        "benefit": _text_entry(spec.benefit),
        "eligibility": dict(spec.eligibility),
        "stages": [stage.value for stage in spec.stages],
        "amount": None
        if spec.amount is None
        else {"min": spec.amount.low, "max": spec.amount.high},
        "sizing": None if spec.sizing is None else dict(spec.sizing),
    }
    return entry | _validity_entry(spec.validity, spec.status, spec.provenance)


def plain(value: Any) -> Any:
    """`value` with every `Decimal` as a JSON number (an int when whole), for JSON columns and
    exports; `exact` reads such numbers back as `Decimal`."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def exact(value: Any) -> Any:
    """Decoded JSON with every fractional number as `Decimal`, as the loader reads files."""
    return json.loads(json.dumps(plain(value), ensure_ascii=False), parse_float=Decimal)


def _text_entry(text: Text) -> dict[str, str]:
    return {"zh": text.zh, "en": text.en}


def _validity_entry(
    validity: Validity, status: ProductStatus, provenance: Provenance
) -> dict[str, Any]:
    return {
        "valid_from": validity.start.isoformat(),
        "valid_to": None if validity.end is None else validity.end.isoformat(),
        "status": status.value,
        "source": provenance.source,
        "notes": list(provenance.notes),
    }
