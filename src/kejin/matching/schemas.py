"""The financing map as the API and pages send it: one firm's products per layer with their
checklists, amounts and rates, the policies it is entitled to or may apply for, what unlocks
the nearest misses, and its financing path; plus a stored match run's head.

`*_read` functions turn the pure results (`matching.model`, `matching.path`, advice plans) into
these models, naming each product and provider from the catalogue they were matched against.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from kejin.assessment.advice.plans import Advice
from kejin.assessment.model import Status
from kejin.matching.catalogue import MatchCatalogue
from kejin.matching.model import (
    ChecklistItem,
    EnterpriseMatch,
    PolicyList,
    PolicyMatch,
    ProductMatch,
)
from kejin.matching.path import FinancingPath
from kejin.matching.unlock import Unlock
from kejin.products.loader import Catalogue
from kejin.products.model import Instrument, Layer, PolicyMode, ProductFamily
from kejin.products.sizing import EstimatedAmount
from kejin.registry.model import Stage


class ChecklistRead(BaseModel):
    """One condition of a product or policy: status, sentences, inputs read; a group's options."""

    id: str
    status: Status
    label_zh: str
    label_en: str
    sentence_zh: str
    sentence_en: str
    inputs: dict[str, Any]
    options: list[ChecklistRead] = []


class AmountRead(BaseModel):
    """The estimated amount range (CNY) and how it was sized; `indicative` when an input was
    unknown."""

    low: Decimal
    high: Decimal
    basis_zh: str
    basis_en: str
    indicative: bool


class ProductMatchRead(BaseModel):
    code: str
    name_zh: str
    name_en: str
    provider_zh: str
    provider_en: str
    layer: Layer
    family: ProductFamily
    instrument: Instrument
    status: Status
    stage_fit: bool
    unmet: int
    amount: AmountRead
    rate: Decimal | None  # all-in yearly rate; null for equity, subsidies, grants, services
    checklist: list[ChecklistRead]


class LayerRead(BaseModel):
    layer: Layer
    products: list[ProductMatchRead]  # best first


class PolicyMatchRead(BaseModel):
    code: str
    name_zh: str
    name_en: str
    mode: PolicyMode
    status: Status
    listed: PolicyList  # automatic (免申即享), apply or none
    benefit: AmountRead | None
    checklist: list[ChecklistRead]


class PlanRead(BaseModel):
    sentence_zh: str
    sentence_en: str
    cost: Decimal
    months: int
    outcome: Status


class MissingRead(BaseModel):
    input: str
    sentence_zh: str
    sentence_en: str


class UnlockRead(BaseModel):
    """What would make a missed product pass: data to provide first and verified plans."""

    code: str
    name_zh: str
    name_en: str
    status: Status
    sentence_zh: str
    sentence_en: str
    missing: list[MissingRead]
    plans: list[PlanRead]  # least effort first


class EnterpriseFinancing(BaseModel):
    """One firm's financing map on a date against the live catalogue."""

    enterprise_id: int
    uscc: str
    name: str
    evaluated_on: dt.date
    stage: Stage | None
    catalogue_revision: int
    layers: list[LayerRead]
    entitled: list[PolicyMatchRead]  # 免申即享
    apply_needed: list[PolicyMatchRead]
    unlocks: list[UnlockRead]  # the nearest misses (empty unless asked for)
    path: FinancingPathRead | None = None  # when asked for


class StageStepRead(BaseModel):
    stage: Stage
    revenue: Decimal
    cost: Decimal
    months: int
    sentence_zh: str
    sentence_en: str
    products: list[ProductMatchRead]


class FarProductRead(BaseModel):
    product: ProductMatchRead
    blocking: list[ChecklistRead]


class FinancingPathRead(BaseModel):
    """Now, the next stage and what gets the firm there, and what is still far and why."""

    uscc: str
    evaluated_on: dt.date
    stage: Stage | None
    now: list[ProductMatchRead]
    next: StageStepRead | None
    far: list[FarProductRead]


class MatchRunRead(BaseModel):
    """A stored match run."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    evaluated_on: dt.date
    assessment_run_id: int
    catalogue_revision: int
    enterprises: int
    started_at: dt.datetime
    finished_at: dt.datetime | None


# --- from the pure results ------------------------------------------------------------------


def checklist_read(item: ChecklistItem) -> ChecklistRead:
    return ChecklistRead(
        id=item.id,
        status=item.status,
        label_zh=item.label_zh,
        label_en=item.label_en,
        sentence_zh=item.sentence_zh,
        sentence_en=item.sentence_en,
        inputs={name: _plain(value) for name, value in item.inputs.items()},
        options=[checklist_read(option) for option in item.options],
    )


def _plain(value: object) -> object:
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def amount_read(amount: EstimatedAmount) -> AmountRead:
    return AmountRead(
        low=amount.low,
        high=amount.high,
        basis_zh=amount.basis.zh,
        basis_en=amount.basis.en,
        indicative=amount.indicative,
    )


def product_read(
    catalogue: Catalogue, match: ProductMatch, *, detail: bool = True
) -> ProductMatchRead:
    spec = next(p for p in catalogue.products if p.code == match.code)
    provider = catalogue.providers[spec.provider].name
    return ProductMatchRead(
        code=match.code,
        name_zh=spec.name.zh,
        name_en=spec.name.en,
        provider_zh=provider.zh,
        provider_en=provider.en,
        layer=spec.layer,
        family=spec.family,
        instrument=spec.instrument,
        status=match.status,
        stage_fit=match.stage_fit,
        unmet=match.unmet,
        amount=amount_read(match.amount),
        rate=match.rate,
        checklist=[checklist_read(item) for item in match.checklist] if detail else [],
    )


def policy_read(catalogue: Catalogue, match: PolicyMatch) -> PolicyMatchRead:
    spec = next(p for p in catalogue.policies if p.code == match.code)
    return PolicyMatchRead(
        code=match.code,
        name_zh=spec.name.zh,
        name_en=spec.name.en,
        mode=match.mode,
        status=match.status,
        listed=match.list,
        benefit=None if match.benefit is None else amount_read(match.benefit),
        checklist=[checklist_read(item) for item in match.checklist],
    )


def layers_read(catalogue: Catalogue, match: EnterpriseMatch) -> list[LayerRead]:
    return [
        LayerRead(layer=layer, products=[product_read(catalogue, p) for p in products])
        for layer, products in match.layers.items()
        if products
    ]


def unlock_read(catalogue: Catalogue, found: Unlock) -> UnlockRead:
    spec = next(p for p in catalogue.products if p.code == found.code)
    advice: Advice = found.advice
    return UnlockRead(
        code=found.code,
        name_zh=spec.name.zh,
        name_en=spec.name.en,
        status=advice.status,
        sentence_zh=advice.sentence_zh,
        sentence_en=advice.sentence_en,
        missing=[
            MissingRead(input=m.input, sentence_zh=m.sentence_zh, sentence_en=m.sentence_en)
            for m in advice.missing
        ],
        plans=[
            PlanRead(
                sentence_zh=plan.sentence_zh,
                sentence_en=plan.sentence_en,
                cost=plan.cost,
                months=plan.months,
                outcome=plan.outcome,
            )
            for plan in advice.plans
        ],
    )


def path_read(
    catalogue: Catalogue, compiled: MatchCatalogue, uscc: str, path: FinancingPath
) -> FinancingPathRead:
    def brief(match: ProductMatch) -> ProductMatchRead:
        return product_read(catalogue, match, detail=False)

    step = path.next
    return FinancingPathRead(
        uscc=uscc,
        evaluated_on=compiled.on,
        stage=path.stage,
        now=[brief(p) for p in path.now],
        next=None
        if step is None
        else StageStepRead(
            stage=step.stage,
            revenue=step.revenue,
            cost=step.cost,
            months=step.months,
            sentence_zh=step.sentence_zh,
            sentence_en=step.sentence_en,
            products=[brief(p) for p in step.products],
        ),
        far=[
            FarProductRead(
                product=brief(far.product),
                blocking=[checklist_read(item) for item in far.blocking],
            )
            for far in path.far
        ],
    )


EnterpriseFinancing.model_rebuild()
