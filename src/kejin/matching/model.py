"""Pure matching vocabulary: a product's or policy's match for one firm, its checklist, the
firm's map across layers, what unlocks a missed product, and the financing path.

A match status is the eligibility verdict: `met`, `manual_review` (the provider judges the
rest), `unknown` (an input is missing) or `unmet`. A tree in which no condition applies
(`not_applicable`) blocks nothing, so it counts as met.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum

from kejin.assessment.model import InputValue, Status
from kejin.assessment.standards.rules import Criterion
from kejin.products.model import Layer, PolicyMode
from kejin.products.sizing import EstimatedAmount

# Best first: the order products are ranked in, and what "at least as good" means.
MATCH_ORDER: tuple[Status, ...] = (
    Status.MET,
    Status.MANUAL_REVIEW,
    Status.UNKNOWN,
    Status.UNMET,
)
PASSABLE = frozenset({Status.MET, Status.MANUAL_REVIEW})


def match_status(status: Status) -> Status:
    """The match status of an eligibility verdict: nothing applicable blocks nothing."""
    return Status.MET if status is Status.NOT_APPLICABLE else status


def conjuncts(root: Criterion) -> tuple[Criterion, ...]:
    """The top-level conditions of an eligibility tree: what a checklist shows and the ranking
    counts (the children of an all-of root, else the root itself)."""
    return root.children if root.kind == "all_of" else (root,)


class PolicyList(StrEnum):
    """Where a policy lands for one firm."""

    AUTOMATIC = "automatic"  # 免申即享: automatic mode and every condition met from shared data
    APPLY = "apply"  # the firm applies (apply mode, or a condition to be shown or judged)
    NONE = "none"  # a condition is not met


@dataclasses.dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One condition: its status, the engine's sentences and the inputs it read. A nested
    any-of is a group whose `options` are its alternatives."""

    id: str
    status: Status
    label_zh: str
    label_en: str
    sentence_zh: str
    sentence_en: str
    inputs: Mapping[str, InputValue]
    options: tuple[ChecklistItem, ...] = ()

    @property
    def is_group(self) -> bool:
        return bool(self.options)


@dataclasses.dataclass(frozen=True, slots=True)
class ProductMatch:
    """One product for one firm: verdict, checklist of its top-level conditions, the amount the
    firm could get and the all-in yearly rate (None: equity, subsidies, grants, services)."""

    code: str
    layer: Layer
    status: Status
    stage_fit: bool  # the firm's stage is one of the product's stages
    unmet: int  # top-level conditions not met
    checklist: tuple[ChecklistItem, ...]
    amount: EstimatedAmount
    rate: Decimal | None
    rank: int  # `rank.rank_key`: smaller is better


@dataclasses.dataclass(frozen=True, slots=True)
class PolicyMatch:
    """One policy for one firm and the list it lands in."""

    code: str
    mode: PolicyMode
    status: Status
    list: PolicyList
    checklist: tuple[ChecklistItem, ...]
    benefit: EstimatedAmount | None  # the money it pays, when it pays money


@dataclasses.dataclass(frozen=True, slots=True)
class EnterpriseMatch:
    """The financing map of one firm on one date: products ranked per layer, and policies."""

    evaluated_on: dt.date
    stage: str | None
    layers: Mapping[Layer, tuple[ProductMatch, ...]]  # best first
    policies: tuple[PolicyMatch, ...]  # in catalogue order

    @property
    def entitled(self) -> tuple[PolicyMatch, ...]:
        """免申即享: granted without applying."""
        return tuple(p for p in self.policies if p.list is PolicyList.AUTOMATIC)

    @property
    def apply_needed(self) -> tuple[PolicyMatch, ...]:
        return tuple(p for p in self.policies if p.list is PolicyList.APPLY)

    def product(self, code: str) -> ProductMatch:
        return next(m for matches in self.layers.values() for m in matches if m.code == code)
