"""Use cases that show one enterprise's financing map: the products per layer and policies
(免申即享 and apply-needed), the financing path, and what unlocks a missed product.

The map reads the firm's assessment, so access follows the assessment's consent: the firm's own
users read it; institution staff and government analysts need a live grant of the `assessment`
scope for the purpose they name (every read and refusal is recorded). The catalogue is the
live one, so a product edited a moment ago is matched as it now stands.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from functools import cache

from kejin.assessment.advice.effort import EffortModel
from kejin.assessment.service import shipped_catalogue
from kejin.consent import service as consent
from kejin.consent.model import DataScope
from kejin.core.errors import InvalidInput
from kejin.core.uow import UnitOfWork
from kejin.identity.model import Principal
from kejin.matching import reads
from kejin.matching.catalogue import MatchCatalogue
from kejin.matching.explain import match_one
from kejin.matching.model import EnterpriseMatch
from kejin.matching.path import financing_path
from kejin.matching.schemas import (
    EnterpriseFinancing,
    FinancingPathRead,
    UnlockRead,
    layers_read,
    path_read,
    policy_read,
    unlock_read,
)
from kejin.matching.unlock import financing_effort_model, linked_rulesets, nearest_unlocks, unlock
from kejin.products.imports import LiveCatalogue
from kejin.products.vocabulary import MatchSnapshot
from kejin.registry import service as registry
from kejin.registry.model import Stage

UowFactory = Callable[[], UnitOfWork]
NEAREST_PER_LAYER = 1  # misses advised on the page; the others on demand


@cache
def effort_model() -> EffortModel:
    """The assessment's effort model with the financing inputs priced, read once per process."""
    return financing_effort_model()


@dataclasses.dataclass(frozen=True, slots=True)
class _Basis:
    """What one read needs: who the firm is, its match snapshot and the catalogue."""

    enterprise_id: int
    uscc: str
    name: str
    snapshot: MatchSnapshot
    live: LiveCatalogue
    compiled: MatchCatalogue


def _basis(
    uow: UowFactory, principal: Principal, uscc: str, purpose: str | None, on: dt.date
) -> _Basis:
    with uow() as work:
        key = registry.enterprise_key(work, uscc)
        if purpose is None and not principal.is_enterprise_user:
            raise InvalidInput(
                "Name the purpose of your read; it must match the enterprise's grant",
                field="purpose",
            )
        consent.require_access(work.session, principal, key.id, DataScope.ASSESSMENT, purpose or "")
        live, compiled = reads.live_catalogue(work, on)
        snapshot = reads.match_basis(work, key.id, on)
        work.commit()
    return _Basis(key.id, key.uscc, key.name, snapshot, live, compiled)


def enterprise_financing(
    uow: UowFactory,
    principal: Principal,
    uscc: str,
    purpose: str | None,
    *,
    on: dt.date | None = None,
    unlocks: bool = False,
    path: bool = False,
) -> EnterpriseFinancing:
    """One firm's map on `on` (default today): every product in force ranked per layer with its
    checklist, amount and rate, and the policies it is entitled to or may apply for; with
    `unlocks`, what would make the nearest miss of each layer pass; with `path`, the financing
    path too (one read recorded for all of it)."""
    day = on or registry.today()
    basis = _basis(uow, principal, uscc, purpose, day)
    match = match_one(basis.compiled, basis.snapshot, day)
    catalogue = basis.live.catalogue
    advised = (
        nearest_unlocks(
            basis.compiled,
            match,
            basis.snapshot,
            effort_model(),
            linked_rulesets(shipped_catalogue().rulesets, day),
            per_layer=NEAREST_PER_LAYER,
        )
        if unlocks
        else ()
    )
    return EnterpriseFinancing(
        enterprise_id=basis.enterprise_id,
        uscc=basis.uscc,
        name=basis.name,
        evaluated_on=day,
        stage=None if match.stage is None else Stage(match.stage),
        catalogue_revision=basis.live.revision,
        layers=layers_read(catalogue, match),
        entitled=[policy_read(catalogue, p) for p in match.entitled],
        apply_needed=[policy_read(catalogue, p) for p in match.apply_needed],
        unlocks=[unlock_read(catalogue, found) for found in advised],
        path=_path(basis, match) if path else None,
    )


def _path(basis: _Basis, match: EnterpriseMatch) -> FinancingPathRead:
    rules = shipped_catalogue().points.stages
    found = financing_path(basis.compiled, basis.snapshot, rules, effort_model(), match)
    return path_read(basis.live.catalogue, basis.compiled, basis.uscc, found)


def enterprise_path(
    uow: UowFactory,
    principal: Principal,
    uscc: str,
    purpose: str | None,
    *,
    on: dt.date | None = None,
) -> FinancingPathRead:
    """The firm's financing path: what fits now, the next stage and what gets it there, and
    what is still far away and why."""
    day = on or registry.today()
    basis = _basis(uow, principal, uscc, purpose, day)
    return _path(basis, match_one(basis.compiled, basis.snapshot, day))


def product_unlock(
    uow: UowFactory,
    principal: Principal,
    uscc: str,
    code: str,
    purpose: str | None,
    *,
    on: dt.date | None = None,
) -> UnlockRead:
    """What would make product `code` pass for the firm (404 if it is not offered on the
    date)."""
    day = on or registry.today()
    basis = _basis(uow, principal, uscc, purpose, day)
    linked = linked_rulesets(shipped_catalogue().rulesets, day)
    found = unlock(basis.compiled, code, basis.snapshot, effort_model(), linked)
    return unlock_read(basis.live.catalogue, found)
