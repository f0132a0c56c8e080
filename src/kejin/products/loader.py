"""The shipped catalogue (`catalogue/`): providers, products one file per layer, and policies,
read into specs.

Every fault is an `InvalidInput` naming the file, the product or policy code and the field
(`bank.json was refused`, problem `bank.kcb.points/amount.max`). Eligibility is checked as a
rule set over the match vocabulary, sizing as an amount rule, and every reference (provider,
partner, programme owner, policy) must resolve.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from kejin.assessment.standards.rules import RuleSet, parse_ruleset
from kejin.core.errors import FieldProblem, InvalidInput
from kejin.core.money import money
from kejin.identity.model import InstitutionKind
from kejin.products.model import (
    AmountRange,
    BenefitKind,
    Collateral,
    DocumentKind,
    Instrument,
    Layer,
    LprTenor,
    PolicyDocument,
    PolicyMode,
    PolicySpec,
    Pricing,
    PricingBasis,
    ProductFamily,
    ProductSpec,
    ProductStatus,
    Provenance,
    ProviderSpec,
    TermRange,
    Text,
    Validity,
    invalid,
)
from kejin.products.sizing import parse_sizing
from kejin.products.vocabulary import MATCH_INPUTS
from kejin.registry.model import Stage

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


@dataclasses.dataclass(frozen=True, slots=True)
class Catalogue:
    providers: Mapping[str, ProviderSpec]
    products: tuple[ProductSpec, ...]
    policies: tuple[PolicySpec, ...]


def shipped_directory() -> Path:
    return Path(str(resources.files("kejin.products") / "catalogue"))


def load_catalogue(directory: Path | None = None) -> Catalogue:
    """Providers, products and policies from `directory` (default: the shipped catalogue)."""
    folder = directory or shipped_directory()
    providers = {
        spec.code: spec for spec in _entries(folder / "providers.json", "providers", _provider)
    }
    products = tuple(
        spec
        for layer in Layer
        for spec in _entries(folder / "products" / f"{layer}.json", "products", _product)
    )
    policies = tuple(_entries(folder / "policies.json", "policies", _policy))
    catalogue = Catalogue(providers, products, policies)
    _check_references(catalogue)
    return catalogue


def parse_product(entry: Mapping[str, Any], layer: str) -> ProductSpec:
    """One product from its file-format mapping (numbers as `Decimal`, see `exact`); a fault is
    an `InvalidInput` with one problem named by field (`amount.max`)."""
    return _product(entry, layer)


def parse_policy(entry: Mapping[str, Any]) -> PolicySpec:
    return _policy(entry, "policies")


def ruleset_document(spec: ProductSpec | PolicySpec, issuer: str) -> dict[str, Any]:
    """The eligibility of `spec` as a rule-file mapping (docs/assessment.md)."""
    source_url = spec.document.source_url if isinstance(spec, PolicySpec) else ""
    doc_no = spec.document.doc_no if isinstance(spec, PolicySpec) else ""
    return {
        "code": spec.code,
        "name_zh": spec.name.zh,
        "name_en": spec.name.en,
        "issuer": issuer,
        "doc_no": doc_no,
        "version": spec.validity.start.isoformat(),
        "effective_from": spec.validity.start.isoformat(),
        "effective_to": spec.validity.end.isoformat() if spec.validity.end else None,
        "source_url": source_url,
        "verdict": spec.eligibility,
    }


def eligibility_ruleset(spec: ProductSpec | PolicySpec, issuer: str) -> RuleSet:
    return parse_ruleset(ruleset_document(spec, issuer), inputs=MATCH_INPUTS)


# --- files and errors -----------------------------------------------------------------------


def _entries(path: Path, key: str, build: Callable[[Mapping[str, Any], str], Any]) -> Iterator[Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, ValueError) as error:
        raise _located(path.name, "-", invalid("file", repr(error))) from error
    if data.get("layer", path.stem) != path.stem:
        raise _located(path.name, "-", invalid("layer", f"the file holds {path.stem} products"))
    entries: Sequence[Mapping[str, Any]] = data[key]
    for entry in entries:
        code = str(entry.get("code", "?"))
        try:
            yield build(entry, path.stem)
        except InvalidInput as error:
            raise _located(path.name, code, error) from error


def _located(file: str, code: str, error: InvalidInput) -> InvalidInput:
    """The error of one entry, its field given as `<code>/<field>`."""
    problem = error.problems[0] if error.problems else FieldProblem("-", str(error))
    located = dataclasses.replace(problem, field=f"{code}/{problem.field}")
    return InvalidInput("{file} was refused", problems=[located], file=file, code=code)


def _field(prefix: str, build: Callable[[], T]) -> T:
    """`build()`, with a missing key or a refused value reported under `prefix`."""
    try:
        return build()
    except InvalidInput as error:
        inner = error.problems[0] if error.problems else FieldProblem("", str(error))
        name = f"{prefix}.{inner.field}" if inner.field not in ("", prefix) else prefix
        raise invalid(name, inner.reason) from error
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise invalid(prefix, repr(error)) from error


def _enum(kind: type[E], data: Mapping[str, Any], key: str) -> E:
    return _field(key, lambda: kind(data[key]))


def _enums(kind: type[E], data: Mapping[str, Any], key: str) -> tuple[E, ...]:
    return _field(key, lambda: tuple(kind(value) for value in data[key]))


def _text(data: Mapping[str, Any], key: str) -> Text:
    return _field(key, lambda: Text(data[key]["zh"], data[key]["en"]))


def _date(data: Mapping[str, Any], key: str) -> dt.date:
    return _field(key, lambda: dt.date.fromisoformat(data[key]))


def _validity(data: Mapping[str, Any]) -> Validity:
    end = None if data.get("valid_to") is None else _date(data, "valid_to")
    return _field("valid_to", lambda: Validity(_date(data, "valid_from"), end))


def _amount(data: Mapping[str, Any], key: str) -> AmountRange:
    return _field(key, lambda: AmountRange(money(data[key]["min"]), money(data[key]["max"])))


def _provenance(data: Mapping[str, Any]) -> Provenance:
    return _field("source", lambda: Provenance(data["source"], tuple(data.get("notes", ()))))


def _term(data: Mapping[str, Any]) -> TermRange | None:
    spec = data.get("term_months")
    return (
        None if spec is None else _field("term_months", lambda: TermRange(spec["min"], spec["max"]))
    )


def _pricing(data: Mapping[str, Any]) -> Pricing:
    spec = data.get("pricing", {})
    return _field(
        "pricing",
        lambda: Pricing(
            basis=PricingBasis(spec["basis"]),
            spread_bp=spec.get("spread_bp"),
            lpr_tenor=LprTenor(spec.get("lpr_tenor", LprTenor.ONE_YEAR)),
            rate=spec.get("rate"),
            fee_rate=spec.get("fee_rate"),
            subsidy_share=spec.get("subsidy_share"),
        ),
    )


def _provider(data: Mapping[str, Any], _file: str) -> ProviderSpec:
    return ProviderSpec(
        code=_field("code", lambda: str(data["code"])),
        name=_text(data, "name"),
        kind=_enum(InstitutionKind, data, "kind"),
        notes=tuple(data.get("notes", ())),
    )


def _product(data: Mapping[str, Any], file: str) -> ProductSpec:
    layer = _field("layer", lambda: Layer(file))
    spec = ProductSpec(
        code=_field("code", lambda: str(data["code"])),
        provider=_field("provider", lambda: str(data["provider"])),
        layer=layer,
        family=_enum(ProductFamily, data, "family"),
        instrument=_enum(Instrument, data, "instrument"),
        name=_text(data, "name"),
        summary=_text(data, "summary"),
        stages=_enums(Stage, data, "stages"),
        amount=_amount(data, "amount"),
        term=_term(data),
        pricing=_pricing(data),
        collateral=_enum(Collateral, data, "collateral"),
        eligibility=_field("eligibility", lambda: dict(data["eligibility"])),
        sizing=_field("sizing", lambda: dict(data["sizing"])),
        documents=_enums(DocumentKind, data, "documents"),
        validity=_validity(data),
        provenance=_provenance(data),
        status=_enum(ProductStatus, data, "status"),
        programme_owner=data.get("programme_owner"),
        partners=tuple(data.get("partners", ())),
        policy_code=data.get("policy"),
    )
    parse_sizing(spec.sizing)
    _field("eligibility", lambda: eligibility_ruleset(spec, spec.provider))
    return spec


def _document(data: Mapping[str, Any]) -> PolicyDocument:
    spec = data["document"]
    return PolicyDocument(
        issuer=spec["issuer"],
        doc_no=spec["doc_no"],
        source_url=spec["source_url"],
        document_ref=spec.get("document_ref"),
        cited_paragraph=spec.get("cited_paragraph"),
        confirmed=bool(spec.get("confirmed", False)),
    )


def _policy(data: Mapping[str, Any], _file: str) -> PolicySpec:
    sizing = data.get("sizing")
    spec = PolicySpec(
        code=_field("code", lambda: str(data["code"])),
        owner=_field("owner", lambda: str(data["owner"])),
        name=_text(data, "name"),
        summary=_text(data, "summary"),
        document=_field("document", lambda: _document(data)),
        mode=_enum(PolicyMode, data, "mode"),
        benefit_kind=_enum(BenefitKind, data, "benefit_kind"),
        benefit=_text(data, "benefit"),
        eligibility=_field("eligibility", lambda: dict(data["eligibility"])),
        validity=_validity(data),
        provenance=_provenance(data),
        stages=_enums(Stage, data, "stages"),
        amount=None if data.get("amount") is None else _amount(data, "amount"),
        sizing=None if sizing is None else dict(sizing),
        status=_enum(ProductStatus, data, "status"),
    )
    if spec.sizing is not None:
        parse_sizing(spec.sizing)
    _field("eligibility", lambda: eligibility_ruleset(spec, spec.document.issuer))
    return spec


def _check_references(catalogue: Catalogue) -> None:
    policies = {policy.code for policy in catalogue.policies}
    seen: set[str] = set()
    specs: tuple[ProductSpec | PolicySpec, ...] = (*catalogue.products, *catalogue.policies)
    for spec in specs:
        file = f"{spec.layer}.json" if isinstance(spec, ProductSpec) else "policies.json"
        for field, code in _references(spec):
            if code not in (policies if field == "policy" else catalogue.providers):
                raise _located(file, spec.code, invalid(field, f"unknown code {code!r}"))
        if spec.code in seen:
            raise _located(file, spec.code, invalid("code", "the code is used twice"))
        seen.add(spec.code)


def _references(spec: ProductSpec | PolicySpec) -> Iterator[tuple[str, str]]:
    if isinstance(spec, PolicySpec):
        yield "owner", spec.owner
        return
    yield "provider", spec.provider
    yield from (("partners", partner) for partner in spec.partners)
    if spec.programme_owner is not None:
        yield "programme_owner", spec.programme_owner
    if spec.policy_code is not None:
        yield "policy", spec.policy_code
