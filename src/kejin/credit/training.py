"""Fitting a scorecard: optbinning's monotonic binning, then a logistic regression on WoE, and
optionally the same fit repeated over cross-validation folds of the non-test rows.

pandas appears only here (and in the challenger), at the optbinning/scikit-learn boundary;
everything before and after is Polars and plain values. Points are computed by our own scaling
(`model.bin_points`) on top of optbinning's binning tables rather than by optbinning's `Scorecard`,
so that the artefact is a plain JSON value whose every number is explained by one formula.
"""

from __future__ import annotations

import contextlib
import dataclasses
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
from optbinning import BinningProcess
from sklearn.linear_model import LogisticRegression

from kejin.credit.data import (
    Split,
    event_indicator,
    event_of,
    fingerprint,
    stratified_folds,
    stratified_split,
)
from kejin.credit.errors import MissingFeature, NoPredictiveFeature
from kejin.credit.metrics import Discrimination, discrimination
from kejin.credit.model import (
    DataSource,
    FeatureKind,
    FeatureScorecard,
    Scorecard,
    ScoredBin,
    TrainingConfig,
    Trend,
    bin_points,
)
from kejin.credit.scoring import PD, score_frame


@dataclasses.dataclass(frozen=True, slots=True)
class Fitted:
    """A trained scorecard with the data it was trained on, its events and its split, and
    the scorecard's discrimination on each held-out fold when it was cross-validated."""

    scorecard: Scorecard
    frame: pl.DataFrame
    events: np.ndarray
    split: Split
    folds: tuple[Discrimination, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class _Problem:
    """What every fit of one training run shares: the data, its events, the candidate
    features and their kinds, the event outcome and the settings."""

    frame: pl.DataFrame
    events: np.ndarray
    names: list[str]
    kinds: Mapping[str, FeatureKind]
    event: str
    config: TrainingConfig


def fit_scorecard(frame: pl.DataFrame, config: TrainingConfig, source: str) -> Fitted:
    """Bin the training part, keep the predictive features, fit the logistic scorecard; with
    `config.folds`, cross-validate the same fit on the training and validation rows."""
    event = event_of(frame, config.target, config.event)
    events = event_indicator(frame, config.target, event).to_numpy()
    names = candidate_features(frame, config)
    kinds = {n: feature_kind(frame.schema[n]) for n in names}
    problem = _Problem(frame, events, names, kinds, event, config)
    split = stratified_split(events, config.fractions, config.seed)
    data = DataSource(source, frame.height, float(events.mean()), fingerprint(frame))
    scorecard = _fit(problem, split.train, data)
    folds = _cross_validate(problem, split, data) if config.folds else ()
    return Fitted(scorecard, frame, events, split, folds)


def candidate_features(frame: pl.DataFrame, config: TrainingConfig) -> list[str]:
    """The features offered to the binning: the configured ones, or every column but the
    target; all must be in the data."""
    names = list(config.features or [c for c in frame.columns if c != config.target])
    absent = [n for n in names if n not in frame.columns]
    if absent:
        raise MissingFeature("the data lacks the scorecard's features {names}", names=absent)
    return names


def feature_kind(dtype: pl.DataType) -> FeatureKind:
    """Numeric columns are numeric features, every other column categorical."""
    return FeatureKind.NUMERIC if dtype.is_numeric() else FeatureKind.CATEGORICAL


def _cross_validate(
    problem: _Problem, split: Split, data: DataSource
) -> tuple[Discrimination, ...]:
    """Refit on all folds but one of the non-test rows and measure on the one left out, for
    each fold in turn; the test rows stay held out."""
    rows = np.sort(np.concatenate([split.train, split.validation]))
    folds = stratified_folds(problem.events, rows, problem.config.folds or 0, problem.config.seed)
    results = []
    for held in folds:
        scorecard = _fit(problem, np.setdiff1d(rows, held), data)
        pd_values = score_frame(scorecard, problem.frame[held])[PD].to_numpy()
        results.append(discrimination(pd_values, problem.events[held]))
    return tuple(results)


def _fit(problem: _Problem, rows: np.ndarray, data: DataSource) -> Scorecard:
    """The scorecard fitted on `rows` of the problem's data."""
    config, names, kinds = problem.config, problem.names, problem.kinds
    events = problem.events[rows]
    train = _to_pandas(problem.frame[rows], names, kinds)
    with _quiet_optbinning():
        process = _binning_process(names, kinds, config).fit(train, events)
        tables = {n: process.get_binned_variable(n).binning_table.build() for n in names}
        ivs = {n: float(tables[n].loc["Totals", "IV"]) for n in names}
        chosen = [n for n in names if ivs[n] >= config.min_iv]
        if not chosen:
            raise NoPredictiveFeature(
                "no feature reaches an information value of {iv}", iv=config.min_iv
            )
        woe = process.transform(
            train, metric="woe", metric_special="empirical", metric_missing="empirical"
        )[chosen]
    chosen, regression = _fit_with_right_signs(woe, events, chosen, ivs, config)
    intercept = float(regression.intercept_[0])
    features = tuple(
        _feature(
            name,
            kind=kinds[name],
            process=process,
            table=tables[name],
            coefficient=float(beta),
            intercept=intercept,
            n_features=len(chosen),
            config=config,
        )
        for name, beta in zip(chosen, regression.coef_[0], strict=True)
    )
    return Scorecard(
        config.target, problem.event, intercept, config.scaling, features, data, config.seed
    )


def _fit_with_right_signs(
    woe: pd.DataFrame,
    events: np.ndarray,
    chosen: list[str],
    ivs: Mapping[str, float],
    config: TrainingConfig,
) -> tuple[list[str], LogisticRegression]:
    """Fit the regression, then drop the weakest feature whose coefficient has the wrong sign
    and refit, until every coefficient is negative. WoE is ln(good share / bad share), so a
    negative β is what makes a better bin earn more points; a positive β (from features that
    say the same thing as others) would make the card contradict its own binning tables."""
    while True:
        regression = LogisticRegression(C=config.regularisation, max_iter=1000)
        regression.fit(woe[chosen].to_numpy(), events)
        wrong = [n for n, b in zip(chosen, regression.coef_[0], strict=True) if b >= 0]
        if not wrong or not config.right_signs or len(chosen) == 1:
            return chosen, regression
        weakest = min(wrong, key=lambda name: ivs[name])
        chosen = [n for n in chosen if n != weakest]


@contextlib.contextmanager
def _quiet_optbinning() -> Iterator[None]:
    """optbinning 1.0 appends its totals row with a dtype change pandas 3 deprecates; the
    result is still right, so that one warning is silenced around optbinning calls only."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=pd.errors.Pandas4Warning)
        yield


def _to_pandas(
    frame: pl.DataFrame, names: list[str], kinds: Mapping[str, FeatureKind]
) -> pd.DataFrame:
    """Numeric columns as float arrays (nulls → NaN), the rest as object arrays of strings."""
    columns: dict[str, np.ndarray] = {}
    for name in names:
        if kinds[name] is FeatureKind.NUMERIC:
            columns[name] = frame[name].cast(pl.Float64).to_numpy()
        else:
            columns[name] = np.array(frame[name].cast(pl.String).to_list(), dtype=object)
    return pd.DataFrame(columns)


def _binning_process(
    names: list[str], kinds: Mapping[str, FeatureKind], config: TrainingConfig
) -> BinningProcess:
    params: dict[str, dict[str, Any]] = {}
    for name in names:
        params[name] = {"monotonic_trend": str(config.trends.get(name, config.trend))}
        if kinds[name] is FeatureKind.CATEGORICAL and config.category_cutoff:
            params[name]["cat_cutoff"] = config.category_cutoff
        if name in config.special_codes:
            params[name]["special_codes"] = list(config.special_codes[name])
    categorical = [n for n in names if kinds[n] is FeatureKind.CATEGORICAL]
    return BinningProcess(
        names,
        categorical_variables=categorical,
        min_bin_size=config.min_bin_size,
        binning_fit_params=params,
    )


def _feature(
    name: str,
    *,
    kind: FeatureKind,
    process: BinningProcess,
    table: pd.DataFrame,
    coefficient: float,
    intercept: float,
    n_features: int,
    config: TrainingConfig,
) -> FeatureScorecard:
    """One feature's bins from its binning table, with points by the scorecard's scaling."""
    binned = process.get_binned_variable(name)
    rows = [table.loc[i] for i in table.index if i != "Totals"]
    if kind is FeatureKind.NUMERIC:
        splits = tuple(float(s) for s in binned.splits)
        labels = _interval_labels(splits)
        categories: tuple[tuple[str, ...], ...] = ()
    else:
        splits = ()
        categories = tuple(tuple(str(v) for v in group) for group in binned.splits)
        labels = [", ".join(group) for group in categories]
    labels = [*labels, "special", "missing"]
    bins = [
        ScoredBin(
            label=label,
            count=int(row["Count"]),
            events=int(row["Event"]),
            woe=float(row["WoE"]),
            iv=float(row["IV"]),
            points=bin_points(
                float(row["WoE"]), coefficient, intercept, n_features, config.scaling
            ),
        )
        for label, row in zip(labels, rows, strict=True)
    ]
    return FeatureScorecard(
        name=name,
        kind=kind,
        trend=Trend(config.trends.get(name, config.trend)),
        coefficient=coefficient,
        bins=tuple(bins[:-2]),
        special=bins[-2],
        missing=bins[-1],
        splits=splits,
        categories=categories,
        special_codes=tuple(config.special_codes.get(name, ())),
    )


def _interval_labels(splits: tuple[float, ...]) -> list[str]:
    edges = ["-inf", *(f"{s:.6g}" for s in splits), "inf"]
    return [f"{'(' if i == 0 else '['}{edges[i]}, {edges[i + 1]})" for i in range(len(edges) - 1)]
