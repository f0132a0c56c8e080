"""Which providers' products fit a need: the firm's live match (every published product in force,
on the firm's shared data) narrowed to products whose instrument the need accepts and whose
amount and term ranges hold the need's. A product fits when the firm meets its eligibility or
only the provider's own review is left (manual_review)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from kejin.assessment.model import Status
from kejin.core.uow import UnitOfWork
from kejin.matching import reads as matching
from kejin.needs.model import NeedSpec, fits
from kejin.registry.model import Stage

FITTING = frozenset({Status.MET, Status.MANUAL_REVIEW})


@dataclasses.dataclass(frozen=True, slots=True)
class Fit:
    product_code: str
    product_version: int
    institution_id: int
    match_status: Status
    amount_high: Decimal | None


@dataclasses.dataclass(frozen=True, slots=True)
class NeedFit:
    stage: Stage | None  # the firm's life-cycle stage on the day
    fits: tuple[Fit, ...]  # in product-code order


def need_fit(work: UnitOfWork, enterprise_id: int, need: NeedSpec, on: dt.date) -> NeedFit:
    """The products that fit `need` for the firm on `on`, as stored now."""
    live, compiled = matching.live_catalogue(work, on)
    found = matching.enterprise_match(work, enterprise_id, on, explain=False)
    specs = {entry.code: entry.spec for entry in compiled.products}
    matches = [match for layer in found.layers.values() for match in layer]
    chosen = []
    for match in sorted(matches, key=lambda m: m.code):
        spec = specs[match.code]
        if match.status in FITTING and not fits(need, spec.instrument, spec.amount, spec.term):
            chosen.append(
                Fit(
                    product_code=spec.code,
                    product_version=live.versions[spec.code],
                    institution_id=live.institutions[spec.provider],
                    match_status=match.status,
                    amount_high=match.amount.high,
                )
            )
    stage = None if found.stage is None else Stage(found.stage)
    return NeedFit(stage, tuple(chosen))


def product_fit(
    work: UnitOfWork, enterprise_id: int, need: NeedSpec, code: str, on: dt.date
) -> Fit | None:
    """The fit of one product, by its current version; None if it does not fit (or is gone)."""
    fitting = need_fit(work, enterprise_id, need, on).fits
    return next((found for found in fitting if found.product_code == code), None)
