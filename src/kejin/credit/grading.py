"""Use of a score in lending (授信): PD → grade T1–T10, a suggested limit and price, the main
adverse reasons and counterfactual advice ("what would raise my grade").

Pure: frozen values over a scorecard and a grade table (`config/grades-<year>.json`, a proposal
documented in docs/credit.md). Money is `Decimal`; points and PDs stay floats as in the scorecard.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import math
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from kejin.core.money import money
from kejin.credit.errors import UnknownArtefact
from kejin.credit.model import FeatureKind, FeatureScorecard, Scaling, Scorecard, ScoredBin
from kejin.products.model import LprTenor
from kejin.products.pricing import BASIS_POINT, LprTable, shipped_lpr

GRADE_TABLE = "grades-2025.json"
Value = float | str | None


@dataclasses.dataclass(frozen=True, slots=True)
class GradeBand:
    """One grade: PDs up to `pd_upper`, its limit share of revenue, cap and spread over LPR."""

    grade: str
    pd_upper: float
    revenue_share: Decimal
    cap: Decimal
    spread_bp: int


@dataclasses.dataclass(frozen=True, slots=True)
class GradeTable:
    version: str
    bands: tuple[GradeBand, ...]  # best grade first
    product_cap: Decimal
    lpr_tenor: LprTenor
    actionable: frozenset[str]

    def __post_init__(self) -> None:
        uppers = [band.pd_upper for band in self.bands]
        if not uppers or uppers != sorted(set(uppers)) or uppers[-1] != 1.0:
            raise UnknownArtefact("grade bounds must rise strictly and end at a PD of 1")

    def band_of(self, pd: float) -> GradeBand:
        """The first grade whose upper PD bound `pd` does not exceed."""
        return next(band for band in self.bands if pd <= band.pd_upper)

    def better(self, band: GradeBand) -> GradeBand | None:
        """The grade just above `band`, or None for the best."""
        place = self.bands.index(band)
        return self.bands[place - 1] if place else None


def parse_grade_table(data: Mapping[str, Any]) -> GradeTable:
    bands = tuple(
        GradeBand(
            grade=row["grade"],
            pd_upper=float(row["pd_upper"]),
            revenue_share=Decimal(row["revenue_share"]),
            cap=money(row["cap"]),
            spread_bp=int(row["spread_bp"]),
        )
        for row in data["grades"]
    )
    return GradeTable(
        version=data["version"],
        bands=bands,
        product_cap=money(data["product_cap"]),
        lpr_tenor=LprTenor(data["lpr_tenor"]),
        actionable=frozenset(data.get("actionable", ())),
    )


@functools.cache
def shipped_grade_table() -> GradeTable:
    """The grade table shipped with Kejin."""
    path = Path(str(resources.files("kejin.credit") / "config" / GRADE_TABLE))
    return parse_grade_table(json.loads(path.read_text(encoding="utf-8")))


def suggested_limit(band: GradeBand, revenue: Decimal | None, table: GradeTable) -> Decimal:
    """The grade's share of last-year revenue, capped by the grade and the product cap; zero
    without revenue or for a grade that gets no limit."""
    if revenue is None or revenue <= 0:
        return money(0)
    return money(min(revenue * band.revenue_share, band.cap, table.product_cap))


def suggested_rate(
    band: GradeBand, on: dt.date, table: GradeTable, lpr: LprTable | None = None
) -> Decimal:
    """The annual rate: the LPR of the day plus the grade's spread."""
    base = (lpr or shipped_lpr()).rate(table.lpr_tenor, on)
    return base + band.spread_bp * BASIS_POINT


def score_of_pd(pd: float, scaling: Scaling) -> float:
    """The score a PD stands for (the inverse of `Scaling.pd_of_score`)."""
    return scaling.score_of_log_odds(math.log(pd / (1.0 - pd)))


# --- where a value falls -------------------------------------------------------------------


def _absent(value: Value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def bin_index(feature: FeatureScorecard, value: Value) -> int | None:
    """The index of `value`'s regular bin, or None for the missing and special bins; the same
    tests in the same order as `scoring.points_expression`."""
    if _absent(value):
        return None
    if feature.kind is FeatureKind.NUMERIC:
        number = float(value)  # type: ignore[arg-type]
        if number in feature.special_codes:
            return None
        below = (i for i, split in enumerate(feature.splits) if number < split)
        return next(below, len(feature.bins) - 1)
    text = str(value)
    return next((i for i, group in enumerate(feature.categories) if text in group), None)


def scored_bin(feature: FeatureScorecard, value: Value) -> ScoredBin:
    """The bin `value` falls in (missing and unseen categories in `missing`)."""
    index = bin_index(feature, value)
    if index is not None:
        return feature.bins[index]
    numeric = feature.kind is FeatureKind.NUMERIC and not _absent(value)
    if numeric and float(value) in feature.special_codes:  # type: ignore[arg-type]
        return feature.special
    return feature.missing


# --- a firm's result -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Driver:
    """One feature's part in a score: the firm's bin and points, and the best bin's."""

    feature: str
    value: Value
    bin: ScoredBin
    best: ScoredBin

    @property
    def shortfall(self) -> float:
        return self.best.points - self.bin.points


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    """One step of advice: move `feature` from its value into bin `to` (reach `threshold`)."""

    feature: str
    value: Value
    to: ScoredBin
    threshold: float
    rising: bool  # True: raise the value to ≥ threshold; False: lower it below threshold
    gain: float


@dataclasses.dataclass(frozen=True, slots=True)
class Advice:
    """Changes that together lift the score to `target_grade` (`target_score` or more)."""

    target_grade: str
    target_score: float
    changes: tuple[Change, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Grading:
    score: float
    pd: float
    grade: str
    drivers: tuple[Driver, ...]  # scorecard order
    adverse: tuple[Driver, ...]  # by shortfall, largest first
    advice: Advice | None


def grade(
    scorecard: Scorecard, values: Mapping[str, Value], table: GradeTable, reasons: int = 3
) -> Grading:
    """Score one firm's `values` (absent or None = withheld → the missing bin), grade it, and
    give the adverse reasons and the advice to reach the next grade."""
    drivers = tuple(_driver(f, values.get(f.name)) for f in scorecard.features)
    score = math.fsum(d.bin.points for d in drivers)
    pd = scorecard.scaling.pd_of_score(score)
    band = table.band_of(pd)
    adverse = sorted((d for d in drivers if d.shortfall > 0), key=lambda d: -d.shortfall)
    return Grading(
        score=score,
        pd=pd,
        grade=band.grade,
        drivers=drivers,
        adverse=tuple(adverse[:reasons]),
        advice=_advice(scorecard, drivers, score, band, table),
    )


def _driver(feature: FeatureScorecard, value: Value) -> Driver:
    best = max(feature.bins, key=lambda b: b.points)
    return Driver(feature.name, value, scored_bin(feature, value), best)


def _advice(
    scorecard: Scorecard,
    drivers: tuple[Driver, ...],
    score: float,
    band: GradeBand,
    table: GradeTable,
) -> Advice | None:
    """The smallest change to reach the next grade: the single actionable feature that gets
    there with the fewest bins moved (then the most points); failing one, the largest gains
    taken greedily. None for the best grade or when no change reaches the next."""
    target = table.better(band)
    if target is None:
        return None
    needed = score_of_pd(target.pd_upper, scorecard.scaling)
    features = {f.name: f for f in scorecard.features}
    options = [
        change
        for d in drivers
        if d.feature in table.actionable
        for change in _moves(features[d.feature], d)
    ]
    enough = [c for c in options if score + c.gain >= needed]
    if enough:
        steps = {id(c): _steps(features[c.feature], c) for c in enough}
        best = min(enough, key=lambda c: (steps[id(c)], -c.gain))
        return Advice(target.grade, needed, (best,))
    chosen: list[Change] = []
    total = score
    for change in sorted(_best_per_feature(options), key=lambda c: -c.gain):
        chosen.append(change)
        total += change.gain
        if total >= needed:
            return Advice(target.grade, needed, tuple(chosen))
    return None


def _moves(feature: FeatureScorecard, driver: Driver) -> list[Change]:
    """Every better numeric bin the firm's value could move into, with the threshold."""
    index = bin_index(feature, driver.value)
    if feature.kind is not FeatureKind.NUMERIC or index is None:
        return []
    moves = []
    for target, scored in enumerate(feature.bins):
        gain = scored.points - driver.bin.points
        if gain <= 0 or target == index:
            continue
        rising = target > index
        threshold = feature.splits[target - 1] if rising else feature.splits[target]
        moves.append(Change(feature.name, driver.value, scored, threshold, rising, gain))
    return moves


def _steps(feature: FeatureScorecard, change: Change) -> int:
    return abs(feature.bins.index(change.to) - (bin_index(feature, change.value) or 0))


def _best_per_feature(options: list[Change]) -> list[Change]:
    best: dict[str, Change] = {}
    for change in options:
        if change.feature not in best or change.gain > best[change.feature].gain:
            best[change.feature] = change
    return list(best.values())
