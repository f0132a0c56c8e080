"""Vectorised scoring: a scorecard becomes one Polars expression per feature and their sum."""

from __future__ import annotations

import functools
import operator

import polars as pl

from kejin.credit.errors import MissingFeature
from kejin.credit.model import FeatureKind, FeatureScorecard, Scorecard

SCORE = "score"
PD = "pd"


def points_expression(feature: FeatureScorecard) -> pl.Expr:
    """The points a feature gives each row; missing first, then special codes, then the bins."""
    cases: list[tuple[pl.Expr, float]] = []
    if feature.kind is FeatureKind.NUMERIC:
        value = pl.col(feature.name).cast(pl.Float64)
        cases.append((value.is_null() | value.is_nan(), feature.missing.points))
        if feature.special_codes:
            cases.append((value.is_in(list(feature.special_codes)), feature.special.points))
        for split, scored in zip(feature.splits, feature.bins, strict=False):
            cases.append((value < split, scored.points))
        otherwise = feature.bins[-1].points
    else:
        text = pl.col(feature.name).cast(pl.String)
        cases.append((text.is_null(), feature.missing.points))
        for group, scored in zip(feature.categories, feature.bins, strict=True):
            cases.append((text.is_in(list(group)), scored.points))
        otherwise = feature.missing.points
    return _first_match(cases, otherwise).alias(feature.name)


def _first_match(cases: list[tuple[pl.Expr, float]], otherwise: float) -> pl.Expr:
    """The value of the first case whose condition holds (a CASE WHEN chain)."""
    expression = pl.lit(otherwise)
    for condition, value in reversed(cases):
        expression = pl.when(condition).then(pl.lit(value)).otherwise(expression)
    return expression


def score_expression(scorecard: Scorecard) -> pl.Expr:
    """A row's score: the sum of its points over the scorecard's features, added left to right
    in the scorecard's order (a fixed order, so the same row always gets the same last bit;
    `sum_horizontal` may add in any order)."""
    points = [points_expression(f) for f in scorecard.features]
    return functools.reduce(operator.add, points).alias(SCORE)


def pd_expression(scorecard: Scorecard, score: pl.Expr) -> pl.Expr:
    """The probability of the event a score stands for (the inverse of the scaling)."""
    scaling = scorecard.scaling
    return (1.0 / (1.0 + ((score - scaling.offset) / scaling.factor).exp())).alias(PD)


def score_frame(scorecard: Scorecard, frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with two columns added: `score` and `pd`."""
    absent = [name for name in scorecard.feature_names if name not in frame.columns]
    if absent:
        raise MissingFeature("the data lacks the scorecard's features {names}", names=absent)
    scored = frame.with_columns(score_expression(scorecard))
    return scored.with_columns(pd_expression(scorecard, pl.col(SCORE)))


def points_frame(scorecard: Scorecard, frame: pl.DataFrame) -> pl.DataFrame:
    """Each row's points per feature (the breakdown behind a score)."""
    return frame.select([points_expression(f) for f in scorecard.features])
