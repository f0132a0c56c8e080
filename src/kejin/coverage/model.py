"""Pure coverage arithmetic: the cells of the stage × layer table from counted rows, the flags
of weak cells, and the conditions that keep the gap firms of one cell out of a layer.

A cell's firms are those of a stage in the newest match run; `eligible` firms meet at least one
product of the layer, `possible` ones meet one or may pass on the provider's review.
`amount_available` sums each eligible firm's best amount in the layer (one product per firm,
not every product). The "any layer" row (`layer` None) counts a firm once over all layers.
Needs are counted by the stage the firm had when it posted and by the layers of the
instruments it accepts: a need naming a loan and a guarantee counts in both layers, once in
the "any layer" row.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from typing import Any

import polars as pl

from kejin.assessment.batch.blocks import CODES
from kejin.assessment.batch.verdicts import assess_frame
from kejin.assessment.model import Status
from kejin.assessment.standards.rules import RuleSet
from kejin.matching.model import conjuncts
from kejin.products.model import Layer
from kejin.products.vocabulary import MATCH_VOCABULARY
from kejin.registry.model import Stage

STAGE_ORDER: tuple[str | None, ...] = (*(stage.value for stage in Stage), None)
LAYER_ORDER: tuple[str | None, ...] = (None, *(layer.value for layer in Layer))
_UNMET = CODES[Status.UNMET]
_KEYS = ("enterprise_id", "uscc")


class Weakness(StrEnum):
    """Why a cell is flagged."""

    FEW_ELIGIBLE = "few_eligible"  # share eligible under the threshold
    FEW_POSSIBLE = "few_possible"  # share eligible or on review under the threshold
    SHORT_OF_NEEDS = "short_of_needs"  # available / needed under the threshold


@dataclasses.dataclass(frozen=True, slots=True)
class CoverageConfig:
    """The thresholds that flag weak cells (`config/coverage-2025.json`, a proposal)."""

    version: str
    min_share_eligible: Decimal
    min_share_possible: Decimal
    min_ratio: Decimal
    early_stages: frozenset[str]
    needs_window_months: int
    instrument_layers: Mapping[str, tuple[str, ...]]


def parse_config(data: Mapping[str, Any]) -> CoverageConfig:
    return CoverageConfig(
        version=str(data["version"]),
        min_share_eligible=Decimal(data["min_share_eligible"]),
        min_share_possible=Decimal(data["min_share_possible"]),
        min_ratio=Decimal(data["min_ratio_available_to_needed"]),
        early_stages=frozenset(Stage(s).value for s in data["early_stages"]),
        needs_window_months=int(data["needs_window_months"]),
        instrument_layers={
            key: tuple(Layer(layer).value for layer in layers)
            for key, layers in data["instrument_layers"].items()
        },
    )


def shipped_config() -> CoverageConfig:
    """The thresholds shipped with Kejin."""
    text = (resources.files("kejin.coverage") / "config" / "coverage-2025.json").read_text("utf-8")
    return parse_config(json.loads(text))


def needs_since(today: dt.date, config: CoverageConfig) -> dt.date:
    """The first day of the needs window ending `today` (the same day N months back)."""
    months = today.year * 12 + today.month - 1 - config.needs_window_months
    year, month = divmod(months, 12)
    return dt.date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


@dataclasses.dataclass(frozen=True, slots=True)
class LayerCount:
    """Counted firms of one stage in one layer (None: any layer) of a match run."""

    stage: str | None
    layer: str | None
    firms: int
    eligible: int
    possible: int
    amount_available: Decimal


@dataclasses.dataclass(frozen=True, slots=True)
class NeedCount:
    """Needs posted by firms of one stage accepting the same instruments, and their amount."""

    stage: str | None
    instruments: tuple[str, ...]
    needs: int
    amount: Decimal


@dataclasses.dataclass(frozen=True, slots=True)
class CoverageCell:
    stage: str | None
    layer: str | None  # None: any layer
    firms: int
    eligible: int
    possible: int
    share_eligible: Decimal | None
    share_possible: Decimal | None
    amount_available: Decimal
    needs: int
    needs_amount: Decimal
    ratio: Decimal | None  # available / needed; None without needs
    weaknesses: tuple[Weakness, ...]
    early: bool  # seed or start-up: the early-stage gap


def need_cells(
    needs: Iterable[NeedCount], config: CoverageConfig
) -> dict[tuple[str | None, str | None], tuple[int, Decimal]]:
    """Needs and their amount per (stage, layer), and per (stage, None) each need once."""
    cells: dict[tuple[str | None, str | None], tuple[int, Decimal]] = {}

    def add(key: tuple[str | None, str | None], found: NeedCount) -> None:
        count, amount = cells.get(key, (0, Decimal(0)))
        cells[key] = (count + found.needs, amount + found.amount)

    for found in needs:
        layers = {
            layer for name in found.instruments for layer in config.instrument_layers.get(name, ())
        }
        for layer in sorted(layers):
            add((found.stage, layer), found)
        add((found.stage, None), found)
    return cells


def coverage_cells(
    counts: Iterable[LayerCount], needs: Iterable[NeedCount], config: CoverageConfig
) -> list[CoverageCell]:
    """Every counted cell with its shares, needs, ratio and flags, in life-cycle order and,
    per stage, the "any layer" row first."""
    needed = need_cells(needs, config)
    cells = [_cell(count, needed.get((count.stage, count.layer)), config) for count in counts]
    return sorted(cells, key=lambda c: (_index(STAGE_ORDER, c.stage), _index(LAYER_ORDER, c.layer)))


def _index(order: Sequence[str | None], value: str | None) -> int:
    return order.index(value) if value in order else len(order)


def _share(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def _cell(
    count: LayerCount, needed: tuple[int, Decimal] | None, config: CoverageConfig
) -> CoverageCell:
    needs, amount = needed or (0, Decimal(0))
    eligible = _share(count.eligible, count.firms)
    possible = _share(count.possible, count.firms)
    ratio = count.amount_available / amount if amount else None
    weaknesses = tuple(
        weakness
        for weakness, weak in (
            (Weakness.FEW_ELIGIBLE, eligible is not None and eligible < config.min_share_eligible),
            (Weakness.FEW_POSSIBLE, possible is not None and possible < config.min_share_possible),
            (Weakness.SHORT_OF_NEEDS, ratio is not None and ratio < config.min_ratio),
        )
        if weak
    )
    return CoverageCell(
        stage=count.stage,
        layer=count.layer,
        firms=count.firms,
        eligible=count.eligible,
        possible=count.possible,
        share_eligible=eligible,
        share_possible=possible,
        amount_available=count.amount_available,
        needs=needs,
        needs_amount=amount,
        ratio=ratio,
        weaknesses=weaknesses,
        early=count.stage in config.early_stages,
    )


# ---- what blocks the gap firms ------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Blocker:
    """One top-level condition (by its wording) of a layer's products, over a cell's gap firms:
    firms for which it fails in at least one product, and firms for which it is the only
    failing condition of some product (they would qualify for that product if it were met)."""

    label_zh: str
    label_en: str
    products: int  # products of the layer that set the condition
    firms_failing: int
    firms_sole_blocker: int


def blockers(rulesets: Sequence[RuleSet], frame: pl.DataFrame, on: dt.date) -> list[Blocker]:
    """The conditions of `rulesets` (one layer's products) that block the firms of `frame` (a
    match-snapshot frame of the gap firms), most sole blocks first, then most failures."""
    if frame.height == 0 or not rulesets:
        return []
    verdicts = assess_frame(
        list(rulesets), frame, on, detail=True, codes=True, vocabulary=MATCH_VOCABULARY
    ).drop(*_KEYS)
    failing: dict[tuple[str, str], list[pl.Expr]] = {}
    sole: dict[tuple[str, str], list[pl.Expr]] = {}
    for ruleset in rulesets:
        items = conjuncts(ruleset.root)
        fails = {c.id: pl.col(f"{c.id}.status") == _UNMET for c in items}
        unmet = pl.sum_horizontal(expr.cast(pl.Int8) for expr in fails.values())
        for item in items:
            key = (item.label_zh, item.label_en)
            failing.setdefault(key, []).append(fails[item.id])
            sole.setdefault(key, []).append(fails[item.id] & (unmet == 1))
    names = list(failing)
    counted = verdicts.select(
        *(pl.any_horizontal(failing[k]).fill_null(False).sum().alias(f"f{i}")
          for i, k in enumerate(names)),
        *(pl.any_horizontal(sole[k]).fill_null(False).sum().alias(f"s{i}")
          for i, k in enumerate(names)),
    ).row(0, named=True)  # fmt: skip
    found = [
        Blocker(zh, en, len(failing[(zh, en)]), int(counted[f"f{i}"]), int(counted[f"s{i}"]))
        for i, (zh, en) in enumerate(names)
    ]
    return sorted(
        (b for b in found if b.firms_failing),
        key=lambda b: (-b.firms_sole_blocker, -b.firms_failing, b.label_en),
    )
