"""What would unlock a missed product: the smallest verified change plans, by effort.

The assessment's advice (`assessment.advice.plans.advise`) searches the product's eligibility
tree like any rule set, with the assessment's effort model extended by the financing inputs'
prices (`config/effort-financing-<version>.json`, docs/matching.md): a granted invention raises
the pledgeable inventions and the Class I IP alike; a standard to meet is priced by the
cheapest plan of its own rule set (`linked`); lending records, points and stage are fixed, with
the reason. Every plan is verified by the engine, so it does meet the product.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from importlib import resources
from pathlib import Path

from kejin.assessment.advice.effort import EffortModel, load_effort_model, parse_effort_model
from kejin.assessment.advice.plans import Advice, advise
from kejin.assessment.standards.rules import RuleSet
from kejin.matching.catalogue import MatchCatalogue
from kejin.matching.errors import ProductNotInForce
from kejin.matching.model import PASSABLE, EnterpriseMatch
from kejin.products.vocabulary import MATCH_INPUTS, MatchSnapshot

FINANCING_EFFORT = "financing-2025"


def financing_effort_model(version: str = FINANCING_EFFORT) -> EffortModel:
    """The assessment's latest effort model with the financing inputs priced too."""
    folder = Path(str(resources.files("kejin.matching") / "config"))
    data = json.loads(
        (folder / f"effort-{version}.json").read_text(encoding="utf-8"), parse_float=Decimal
    )
    return load_effort_model().extended(parse_effort_model(data, inputs=MATCH_INPUTS))


@dataclasses.dataclass(frozen=True, slots=True)
class Unlock:
    """The advice for one missed product."""

    code: str
    advice: Advice


def linked_rulesets(rulesets: Iterable[RuleSet], on: dt.date) -> dict[str, RuleSet]:
    """The assessment rule sets in force on `on`, by code: they price a standard to meet."""
    return {r.version.code: r for r in rulesets if r.version.in_force(on)}


def unlock(
    catalogue: MatchCatalogue,
    code: str,
    snapshot: MatchSnapshot,
    model: EffortModel,
    linked: Mapping[str, RuleSet],
) -> Unlock:
    """The change plans that would make product `code` pass for `snapshot`."""
    entry = next((e for e in catalogue.products if e.code == code), None)
    if entry is None:
        raise ProductNotInForce(
            "No product {code} is offered on {date}", code=code, date=catalogue.on.isoformat()
        )
    return Unlock(code, advise(entry.ruleset, snapshot, catalogue.on, model, linked=linked))


def nearest_unlocks(
    catalogue: MatchCatalogue,
    match: EnterpriseMatch,
    snapshot: MatchSnapshot,
    model: EffortModel,
    linked: Mapping[str, RuleSet],
    *,
    per_layer: int = 3,
) -> tuple[Unlock, ...]:
    """Unlocks for the `per_layer` best-ranked missed products of each layer (the nearest
    misses: fewest unmet conditions first); the others are advised on demand."""
    missed = [
        product.code
        for products in match.layers.values()
        for product in [p for p in products if p.status not in PASSABLE][:per_layer]
    ]
    return tuple(unlock(catalogue, code, snapshot, model, linked) for code in missed)
