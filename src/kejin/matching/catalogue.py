"""The catalogue as the matcher reads it on one date: published products and policies in force,
each with its eligibility rule set, its amount rule and its all-in rate, in code order."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from kejin.assessment.standards.rules import RuleSet
from kejin.products.loader import Catalogue, eligibility_ruleset
from kejin.products.model import Layer, PolicySpec, ProductSpec, ProductStatus
from kejin.products.pricing import LprTable, all_in_rate
from kejin.products.sizing import Sizing, parse_sizing


@dataclasses.dataclass(frozen=True, slots=True)
class ProductEntry:
    spec: ProductSpec
    ruleset: RuleSet
    sizing: Sizing
    rate: Decimal | None  # all-in yearly rate on the date; None where there is no rate
    index: int  # position in code order: the last ranking key

    @property
    def code(self) -> str:
        return self.spec.code


@dataclasses.dataclass(frozen=True, slots=True)
class PolicyEntry:
    spec: PolicySpec
    ruleset: RuleSet
    sizing: Sizing | None

    @property
    def code(self) -> str:
        return self.spec.code


@dataclasses.dataclass(frozen=True, slots=True)
class MatchCatalogue:
    on: dt.date
    products: tuple[ProductEntry, ...]  # in code order
    policies: tuple[PolicyEntry, ...]  # in code order

    @property
    def rulesets(self) -> list[RuleSet]:
        """Every product's rule set, then every policy's: one batch over all of them."""
        return [e.ruleset for e in self.products] + [e.ruleset for e in self.policies]

    def layer(self, layer: Layer) -> tuple[ProductEntry, ...]:
        return tuple(entry for entry in self.products if entry.spec.layer is layer)


def catalogue_on(catalogue: Catalogue, on: dt.date, lpr: LprTable | None = None) -> MatchCatalogue:
    """The published products and policies valid on `on`, ready to match."""
    products = sorted((s for s in catalogue.products if _live(s, on)), key=lambda spec: spec.code)
    policies = sorted((s for s in catalogue.policies if _live(s, on)), key=lambda s: s.code)
    return MatchCatalogue(
        on,
        tuple(
            ProductEntry(
                spec,
                eligibility_ruleset(spec, spec.provider),
                parse_sizing(spec.sizing),
                all_in_rate(spec.pricing, on, lpr),
                index,
            )
            for index, spec in enumerate(products)
        ),
        tuple(
            PolicyEntry(
                spec,
                eligibility_ruleset(spec, spec.document.issuer),
                None if spec.sizing is None else parse_sizing(spec.sizing),
            )
            for spec in policies
        ),
    )


def _live(spec: ProductSpec | PolicySpec, on: dt.date) -> bool:
    return spec.status is ProductStatus.PUBLISHED and spec.validity.covers(on)
