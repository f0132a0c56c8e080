"""One firm's financing map: every product and policy in force evaluated by the rules engine,
each with a checklist of its conditions, the amount the firm could get, its all-in rate, and
products ranked per layer (`rank`). Policies fall into the automatic-entitlement list (免申即享)
or the apply-needed list.

This is the scalar reference of `batch.match_frame`: both give the same statuses, counts,
amounts and choices for the same snapshot.
"""

from __future__ import annotations

import datetime as dt

from kejin.assessment.model import CriterionResult, Status
from kejin.assessment.standards.engine import assess_many
from kejin.assessment.standards.rules import Criterion
from kejin.matching.catalogue import MatchCatalogue, PolicyEntry, ProductEntry, catalogue_on
from kejin.matching.model import (
    ChecklistItem,
    EnterpriseMatch,
    PolicyList,
    PolicyMatch,
    ProductMatch,
    conjuncts,
    match_status,
)
from kejin.matching.rank import rank_key
from kejin.products.loader import Catalogue
from kejin.products.model import Layer, PolicyMode
from kejin.products.sizing import FEN_SCALE, estimate
from kejin.products.vocabulary import MatchSnapshot

_OPEN = frozenset({Status.MET, Status.MANUAL_REVIEW, Status.UNKNOWN})


def match_one(
    catalogue: Catalogue | MatchCatalogue,
    snapshot: MatchSnapshot,
    on: dt.date,
    *,
    explain: bool = True,
) -> EnterpriseMatch:
    """The financing map of `snapshot` on `on` (a prepared catalogue must be for that date);
    without `explain` the checklist sentences are empty (statuses, inputs and amounts are the
    same)."""
    live = catalogue if isinstance(catalogue, MatchCatalogue) else catalogue_on(catalogue, on)
    if live.on != on:
        raise ValueError(f"the catalogue was prepared for {live.on}, not {on}")
    verdicts = assess_many(live.rulesets, snapshot, on, explain=explain)
    products = [
        product_match(entry, verdict.verdict, snapshot)
        for entry, verdict in zip(live.products, verdicts[: len(live.products)], strict=True)
    ]
    policies = tuple(
        policy_match(entry, verdict.verdict, snapshot)
        for entry, verdict in zip(live.policies, verdicts[len(live.products) :], strict=True)
    )
    layers = {
        layer: tuple(sorted((m for m in products if m.layer is layer), key=lambda m: m.rank))
        for layer in Layer
    }
    return EnterpriseMatch(on, snapshot.stage, layers, policies)


def product_match(
    entry: ProductEntry, verdict: CriterionResult, snapshot: MatchSnapshot
) -> ProductMatch:
    spec = entry.spec
    status = match_status(verdict.status)
    items = checklist(entry.ruleset.root, verdict)
    unmet = sum(1 for item in items if item.status is Status.UNMET)
    stage_fit = snapshot.stage is not None and snapshot.stage in spec.stages
    amount = estimate(entry.sizing, spec.amount, snapshot)
    high_fen = int(amount.high.scaleb(FEN_SCALE))
    key = rank_key(status, stage_fit, unmet, high_fen, rate=entry.rate, index=entry.index)
    return ProductMatch(
        spec.code, spec.layer, status, stage_fit, unmet, items, amount, entry.rate, key
    )


def policy_match(
    entry: PolicyEntry, verdict: CriterionResult, snapshot: MatchSnapshot
) -> PolicyMatch:
    spec = entry.spec
    status = match_status(verdict.status)
    benefit = (
        None
        if entry.sizing is None or spec.amount is None
        else estimate(entry.sizing, spec.amount, snapshot)
    )
    return PolicyMatch(
        spec.code,
        spec.mode,
        status,
        policy_list(spec.mode, status),
        checklist(entry.ruleset.root, verdict),
        benefit,
    )


def policy_list(mode: PolicyMode, status: Status) -> PolicyList:
    """免申即享 when automatic and every condition met; apply when still possible."""
    if mode is PolicyMode.AUTOMATIC and status is Status.MET:
        return PolicyList.AUTOMATIC
    return PolicyList.APPLY if status in _OPEN else PolicyList.NONE


def checklist(root: Criterion, verdict: CriterionResult) -> tuple[ChecklistItem, ...]:
    """The top-level conditions (`model.conjuncts`), each with its answer."""
    answers = verdict.children if root.kind == "all_of" else (verdict,)
    return tuple(_item(c, r) for c, r in zip(conjuncts(root), answers, strict=True))


def _item(criterion: Criterion, result: CriterionResult) -> ChecklistItem:
    options = (
        tuple(_item(c, r) for c, r in zip(criterion.children, result.children, strict=True))
        if criterion.kind == "any_of"
        else ()
    )
    return ChecklistItem(
        criterion.id,
        result.status,
        criterion.label_zh,
        criterion.label_en,
        result.sentence_zh,
        result.sentence_en,
        result.inputs,
        options,
    )
