"""A LightGBM challenger (挑战者模型): gradient-boosted trees fitted on the scorecard's training
rows and candidate features, only to measure how much discrimination the scorecard's monotonic,
additive form leaves on the table. It is never saved nor put in service; its test metrics go
into the model card beside the scorecard's.

LightGBM is an optional dependency (the `challenger` extra) and is imported only when a
challenger is fitted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from kejin.credit.errors import ChallengerUnavailable
from kejin.credit.metrics import Discrimination, discrimination
from kejin.credit.model import FeatureKind, TrainingConfig, Trend
from kejin.credit.training import Fitted, candidate_features, feature_kind

ROUNDS = 2_000
PATIENCE = 50
# One thread: on a loaded machine LightGBM's OpenMP threads wait for each other so long that
# two threads ran 17 times slower than one (20,000 rows, load 10 on 2 cores); one thread is
# also reproducible without further care.
THREADS = 1
_CONSTRAINT = {Trend.ASCENDING: 1, Trend.DESCENDING: -1}


@dataclasses.dataclass(frozen=True, slots=True)
class ChallengerResult:
    """What the card records of a challenger: its kind, size and test discrimination."""

    model: str
    features: int
    trees: int
    test: Discrimination


def fit_lightgbm(fitted: Fitted, config: TrainingConfig) -> ChallengerResult:
    """Fit LightGBM on the scorecard's training rows, stop early on its validation rows and
    measure it on its test rows. Numeric features whose trend is set ascending or descending
    keep it as a monotone constraint; categorical features use LightGBM's own splits."""
    try:
        import lightgbm  # noqa: PLC0415 — optional, and only a challenger needs it
    except ImportError:
        raise ChallengerUnavailable(
            "the challenger needs LightGBM: install kejin[challenger]"
        ) from None
    names = candidate_features(fitted.frame, config)
    kinds = {n: feature_kind(fitted.frame.schema[n]) for n in names}
    table = _lightgbm_frame(fitted.frame, names, kinds)
    split, events = fitted.split, fitted.events
    train = lightgbm.Dataset(table.iloc[split.train], label=events[split.train])
    validation = train.create_valid(table.iloc[split.validation], label=events[split.validation])
    booster = lightgbm.train(
        lightgbm_parameters(names, kinds, config.trends, config.trend, config.seed),
        train,
        num_boost_round=ROUNDS,
        valid_sets=[validation],
        callbacks=[lightgbm.early_stopping(PATIENCE, verbose=False)],
    )
    predicted = np.asarray(
        booster.predict(table.iloc[split.test], num_iteration=booster.best_iteration)
    )
    test = discrimination(predicted, events[split.test])
    return ChallengerResult("lightgbm", len(names), booster.best_iteration, test)


def lightgbm_parameters(
    names: list[str],
    kinds: Mapping[str, FeatureKind],
    trends: Mapping[str, Trend],
    trend: Trend,
    seed: int,
) -> dict[str, Any]:
    """Seeded, deterministic settings (the same data gives the same trees on any run), with a
    monotone constraint for each numeric feature whose trend is set ascending (+1: the bad
    rate rises with the value) or descending (−1); 0 (none) for the rest."""
    constraints = [
        _CONSTRAINT.get(trends.get(n, trend), 0) if kinds[n] is FeatureKind.NUMERIC else 0
        for n in names
    ]
    return {
        "objective": "binary",
        "metric": "auc",
        "learning_rate": 0.05,
        "num_leaves": 31,
        "min_data_in_leaf": 20,
        "monotone_constraints": constraints,
        "seed": seed,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": THREADS,
        "verbose": -1,
    }


def _lightgbm_frame(
    frame: pl.DataFrame, names: list[str], kinds: Mapping[str, FeatureKind]
) -> pd.DataFrame:
    """Numeric columns as floats (nulls → NaN), the rest as pandas categoricals whose
    categories are the column's sorted values, so every part of the data codes them alike."""
    columns: dict[str, Any] = {}
    for name in names:
        if kinds[name] is FeatureKind.NUMERIC:
            columns[name] = frame[name].cast(pl.Float64).to_numpy()
        else:
            text = frame[name].cast(pl.String)
            categories = sorted(text.drop_nulls().unique().to_list())
            columns[name] = pd.Categorical(text.to_list(), categories=categories)
    return pd.DataFrame(columns)
