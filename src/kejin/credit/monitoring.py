"""Population stability of a scorecard: PSI of the score distribution, characteristic
stability of each feature's bins, and drift by period. Pure NumPy / Polars.

PSI = Σᵢ (aᵢ − eᵢ) · ln(aᵢ / eᵢ) over bins, e and a the expected (training) and actual shares.
Bands follow scorecard practice (N. Siddiqi, *Credit Risk Scorecards*, Wiley 2006, chapter
"Post-implementation reports"): under 0.1 stable, 0.1 to 0.25 a shift worth examining, over
0.25 a significant shift."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum

import numpy as np
import polars as pl

from kejin.credit.model import FeatureKind, FeatureScorecard, Scorecard
from kejin.credit.scoring import SCORE, score_frame

STABLE_BELOW = 0.1
SHIFT_FROM = 0.25
FLOOR = 1e-4  # an empty bin's share, so that ln(a / e) stays finite


class Stability(StrEnum):
    STABLE = "stable"
    SHIFT = "shift"
    SIGNIFICANT = "significant"


def stability(psi_value: float) -> Stability:
    """The band of a PSI: < 0.1 stable, 0.1–0.25 shift, ≥ 0.25 significant."""
    if psi_value < STABLE_BELOW:
        return Stability.STABLE
    if psi_value < SHIFT_FROM:
        return Stability.SHIFT
    return Stability.SIGNIFICANT


def psi(expected: np.ndarray, actual: np.ndarray) -> float:
    """PSI of two count (or share) vectors over the same bins; empty bins take a share of 1e-4."""
    e = np.maximum(np.asarray(expected, np.float64) / np.sum(expected), FLOOR)
    a = np.maximum(np.asarray(actual, np.float64) / np.sum(actual), FLOOR)
    return float(np.sum((a - e) * np.log(a / e)))


@dataclasses.dataclass(frozen=True, slots=True)
class FeatureStability:
    """One feature's bins: the training and current shares, and their PSI."""

    name: str
    labels: tuple[str, ...]
    expected: tuple[float, ...]
    actual: tuple[float, ...]
    psi: float

    @property
    def band(self) -> Stability:
        return stability(self.psi)


def bin_index(feature: FeatureScorecard, values: pl.Series) -> np.ndarray:
    """Each value's bin: 0…n−1 the regular bins, n the special bin, n+1 missing (as scoring
    assigns them)."""
    n = len(feature.bins)
    if feature.kind is FeatureKind.NUMERIC:
        x = values.cast(pl.Float64).to_numpy()
        index = np.searchsorted(np.asarray(feature.splits), x, side="right")
        index = np.where(np.isin(x, feature.special_codes), n, index)
        return np.where(np.isnan(x), n + 1, index)
    group = {c: i for i, cats in enumerate(feature.categories) for c in cats}
    text = values.cast(pl.String).to_list()
    return np.array([n + 1 if v is None else group.get(v, n + 1) for v in text], np.int64)


def feature_stability(feature: FeatureScorecard, values: pl.Series) -> FeatureStability:
    """Characteristic stability of one feature: training shares of its bins against `values`."""
    bins = (*feature.bins, feature.special, feature.missing)
    expected = np.array([b.count for b in bins], np.float64)
    actual = np.bincount(bin_index(feature, values), minlength=len(bins)).astype(np.float64)
    return FeatureStability(
        feature.name,
        tuple(b.label for b in bins),
        tuple(expected / expected.sum()),
        tuple(actual / max(actual.sum(), 1.0)),
        psi(expected, actual) if actual.sum() else float("nan"),
    )


def band_counts(
    expected_bands: dict[float, int], scores: np.ndarray, width: float = 20.0
) -> tuple[ScoreBand, ...]:
    """The training bands of `width` points (lower edge → rows) beside the rows of `scores`
    in each; a score joins the training band at or below it, the lowest band if none."""
    edges = np.array(sorted(expected_bands))
    band = np.clip(
        np.searchsorted(edges, np.floor(scores / width) * width, side="right") - 1, 0, None
    )
    actual = np.bincount(band, minlength=len(edges))
    return tuple(
        ScoreBand(float(edge), expected_bands[edge], int(rows))
        for edge, rows in zip(edges, actual, strict=True)
    )


def score_psi(expected_bands: dict[float, int], scores: np.ndarray, width: float = 20.0) -> float:
    """PSI of `scores` against the training distribution in bands of `width` points."""
    return bands_psi(band_counts(expected_bands, scores, width))


def bands_psi(bands: tuple[ScoreBand, ...]) -> float:
    expected = np.array([b.expected for b in bands], np.float64)
    return psi(expected, np.array([b.actual for b in bands], np.float64))


@dataclasses.dataclass(frozen=True, slots=True)
class ScoreBand:
    """One score band of the training distribution: its lower edge, training and current
    rows."""

    lower: float
    expected: int
    actual: int


@dataclasses.dataclass(frozen=True, slots=True)
class Monitoring:
    """Stability of a scorecard on a population: the score PSI, each feature's, per period,
    and the score distribution in the training bands."""

    rows: int
    score_psi: float
    features: tuple[FeatureStability, ...]
    periods: tuple[tuple[str, int, float], ...]
    bands: tuple[ScoreBand, ...]

    @property
    def band(self) -> Stability:
        return stability(self.score_psi)


@dataclasses.dataclass(frozen=True, slots=True)
class MonitoringRun:
    """A stored monitoring of the registry's population on `as_of` by the model `model_version`."""

    id: int
    model_version: str
    as_of: dt.date
    created_at: dt.datetime
    started_by: str
    result: Monitoring


def monitor(
    scorecard: Scorecard,
    expected_bands: dict[float, int],
    frame: pl.DataFrame,
    period_of: str | None = None,
) -> Monitoring:
    """The stability report of `frame` against the scorecard's training data; with
    `period_of` (a date column) the score PSI of each calendar quarter too."""
    scored = score_frame(scorecard, frame)
    scores = scored[SCORE].to_numpy()
    features = tuple(feature_stability(f, frame[f.name]) for f in scorecard.features)
    periods: list[tuple[str, int, float]] = []
    if period_of is not None:
        quarter = scored.select(
            (
                pl.col(period_of).dt.year().cast(pl.String)
                + "-Q"
                + pl.col(period_of).dt.quarter().cast(pl.String)
            ).alias("q"),
            SCORE,
        )
        for (label,), part in sorted(quarter.group_by("q"), key=lambda g: str(g[0][0])):
            values = part[SCORE].to_numpy()
            periods.append((str(label), len(values), score_psi(expected_bands, values)))
    bands = band_counts(expected_bands, scores)
    return Monitoring(len(scores), bands_psi(bands), features, tuple(periods), bands)


def quarter_ends(on: dt.date, count: int) -> tuple[dt.date, ...]:
    """The last `count` calendar quarter ends on or before `on`, oldest first."""
    year, quarter = on.year, (on.month - 1) // 3 + 1
    ends: list[dt.date] = []
    while len(ends) < count:
        end = dt.date(year, 3 * quarter, 31 if quarter in {1, 4} else 30)
        if end <= on:
            ends.append(end)
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return tuple(reversed(ends))
