"""The scorecard (评分卡) as a plain value: bins, points, scaling. No framework, no fitting.

Scaling follows the points-to-double-odds convention of the scorecard literature (N. Siddiqi,
*Credit Risk Scorecards*, Wiley 2006, chapter "Scorecard scaling"):

    score = offset + factor × ln(good:bad odds),  factor = PDO / ln 2,
    offset = base_score − factor × ln(base_odds).

Defaults: 600 points at good:bad odds of 50:1, and the odds double every 20 points (PDO). With
log-odds of the *event* (bad) `logit(PD) = intercept + Σ βⱼ·WoEᵢⱼ`, each bin carries
`points = offset/n − factor × (intercept/n + βⱼ·WoEᵢⱼ)`, so the sum of a row's points is its score
and `PD = 1 / (1 + exp((score − offset) / factor))` exactly.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping
from enum import StrEnum

FORMAT = "kejin-credit-scorecard/1"


class FeatureKind(StrEnum):
    NUMERIC = "numeric"
    CATEGORICAL = "categorical"


class Trend(StrEnum):
    """Monotonic constraint on a feature's event rate across its ordered bins."""

    AUTO_ASC_DESC = "auto_asc_desc"
    ASCENDING = "ascending"
    DESCENDING = "descending"


class Challenger(StrEnum):
    """A model fitted beside the scorecard only to compare its discrimination."""

    LIGHTGBM = "lightgbm"


@dataclasses.dataclass(frozen=True, slots=True)
class Scaling:
    """Points-to-double-odds scaling: `base_score` points at good:bad odds `base_odds`."""

    base_score: float = 600.0
    base_odds: float = 50.0
    pdo: float = 20.0

    @property
    def factor(self) -> float:
        return self.pdo / math.log(2)

    @property
    def offset(self) -> float:
        return self.base_score - self.factor * math.log(self.base_odds)

    def score_of_log_odds(self, event_log_odds: float) -> float:
        """The score of a row whose event (bad) log-odds are `event_log_odds`."""
        return self.offset - self.factor * event_log_odds

    def pd_of_score(self, score: float) -> float:
        """The probability of the event (PD) a score stands for."""
        return 1.0 / (1.0 + math.exp((score - self.offset) / self.factor))


DEFAULT_SEED = 20_240_601


@dataclasses.dataclass(frozen=True, slots=True)
class TrainingConfig:
    """What to fit and how. Defaults follow common scorecard practice: every bin holds at least
    5% of the training rows, features under an information value of 0.02 are dropped as
    unpredictive, and bins are monotonic in whichever direction fits best. With `folds`, the
    scorecard is also cross-validated on the training and validation rows; with `challenger`, a
    challenger model is fitted on the same rows for comparison."""

    target: str
    event: str | None = None
    features: tuple[str, ...] | None = None
    trend: Trend = Trend.AUTO_ASC_DESC
    trends: Mapping[str, Trend] = dataclasses.field(default_factory=dict)
    special_codes: Mapping[str, tuple[float, ...]] = dataclasses.field(default_factory=dict)
    fractions: tuple[float, float, float] = (0.6, 0.2, 0.2)
    seed: int = DEFAULT_SEED
    folds: int | None = None
    challenger: Challenger | None = None
    min_bin_size: float = 0.05
    min_iv: float = 0.02
    category_cutoff: float | None = 0.02
    right_signs: bool = True
    regularisation: float = 1.0
    scaling: Scaling = dataclasses.field(default_factory=Scaling)


@dataclasses.dataclass(frozen=True, slots=True)
class ScoredBin:
    """One bin of a feature: its rule in words, the training counts, WoE, IV and points."""

    label: str
    count: int
    events: int
    woe: float
    iv: float
    points: float

    @property
    def event_rate(self) -> float:
        return self.events / self.count if self.count else 0.0


@dataclasses.dataclass(frozen=True, slots=True)
class FeatureScorecard:
    """One feature's bins. Numeric bins are right-open intervals cut at `splits`
    (bin i holds splits[i-1] ≤ x < splits[i]); categorical bins are groups of `categories`.
    Values in `special_codes` fall into `special`; nulls, NaN and unseen categories into
    `missing`."""

    name: str
    kind: FeatureKind
    trend: Trend
    coefficient: float
    bins: tuple[ScoredBin, ...]
    special: ScoredBin
    missing: ScoredBin
    splits: tuple[float, ...] = ()
    categories: tuple[tuple[str, ...], ...] = ()
    special_codes: tuple[float, ...] = ()

    @property
    def iv(self) -> float:
        """Information value of the feature: the sum over all its bins."""
        return sum(b.iv for b in (*self.bins, self.special, self.missing))


@dataclasses.dataclass(frozen=True, slots=True)
class DataSource:
    """Where the training data came from and what it held."""

    source: str
    rows: int
    event_rate: float
    fingerprint: str


@dataclasses.dataclass(frozen=True, slots=True)
class Scorecard:
    """A trained scorecard: everything needed to score without refitting."""

    target: str
    event: str
    intercept: float
    scaling: Scaling
    features: tuple[FeatureScorecard, ...]
    data: DataSource
    seed: int

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features)


def bin_points(
    woe: float, coefficient: float, intercept: float, n_features: int, scaling: Scaling
) -> float:
    """Points of one bin: its share of the offset and the intercept, minus its WoE term."""
    share = scaling.offset / n_features
    return share - scaling.factor * (intercept / n_features + coefficient * woe)


def is_monotonic(rates: list[float], trend: Trend) -> bool:
    """Whether event rates across ordered bins follow `trend` (auto_asc_desc: either direction)."""
    rising = all(a <= b for a, b in itertools.pairwise(rates))
    falling = all(a >= b for a, b in itertools.pairwise(rates))
    if trend is Trend.ASCENDING:
        return rising
    if trend is Trend.DESCENDING:
        return falling
    return rising or falling
