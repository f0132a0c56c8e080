"""The scorecard's scaling, its vectorised scoring and its JSON artefact, on a hand-made card."""

from __future__ import annotations

import math

import polars as pl
import pytest

from kejin.credit.errors import MissingFeature, UnknownArtefact
from kejin.credit.export import dumps, loads
from kejin.credit.model import (
    DataSource,
    FeatureKind,
    FeatureScorecard,
    Scaling,
    Scorecard,
    ScoredBin,
    Trend,
    bin_points,
    is_monotonic,
)
from kejin.credit.scoring import points_frame, score_frame


def _bin(label: str, points: float) -> ScoredBin:
    return ScoredBin(label=label, count=10, events=2, woe=0.1, iv=0.01, points=points)


def small_scorecard() -> Scorecard:
    age = FeatureScorecard(
        name="age",
        kind=FeatureKind.NUMERIC,
        trend=Trend.DESCENDING,
        coefficient=-0.8,
        bins=(_bin("(-inf, 30)", 10.0), _bin("[30, 50)", 20.0), _bin("[50, inf)", 30.0)),
        special=_bin("special", 5.0),
        missing=_bin("missing", 1.0),
        splits=(30.0, 50.0),
        special_codes=(-1.0,),
    )
    housing = FeatureScorecard(
        name="housing",
        kind=FeatureKind.CATEGORICAL,
        trend=Trend.AUTO_ASC_DESC,
        coefficient=-0.5,
        bins=(_bin("rent", 100.0), _bin("own, free", 200.0)),
        special=_bin("special", 0.0),
        missing=_bin("missing", 150.0),
        categories=(("rent",), ("own", "free")),
    )
    data = DataSource("hand-made", 100, 0.2, "sha256:0")
    return Scorecard("bad", "1", -1.2, Scaling(), (age, housing), data, seed=1)


def test_the_default_scaling_gives_600_points_at_odds_of_50_to_1_and_20_more_per_doubling() -> None:
    scaling = Scaling()
    assert scaling.score_of_log_odds(-math.log(50)) == pytest.approx(600.0)
    assert scaling.score_of_log_odds(-math.log(100)) == pytest.approx(620.0)
    assert scaling.pd_of_score(600.0) == pytest.approx(1 / 51)


def test_the_points_of_one_bin_per_feature_add_up_to_the_score_of_the_log_odds() -> None:
    scaling, intercept = Scaling(), -1.5
    terms = [(0.4, -0.9), (-0.2, -0.6), (1.1, -0.3)]
    points = sum(bin_points(w, b, intercept, len(terms), scaling) for w, b in terms)
    log_odds = intercept + sum(w * b for w, b in terms)
    assert points == pytest.approx(scaling.score_of_log_odds(log_odds))


def test_a_row_gets_the_points_of_its_bin_with_missing_special_and_unseen_values_handled() -> None:
    frame = pl.DataFrame(
        {
            "age": [25.0, 30.0, 49.9, 50.0, None, -1.0, float("nan")],
            "housing": ["rent", "own", "free", None, "boat", "rent", "own"],
        }
    )
    points = points_frame(small_scorecard(), frame)
    assert points["age"].to_list() == [10.0, 20.0, 20.0, 30.0, 1.0, 5.0, 1.0]
    assert points["housing"].to_list() == [100.0, 200.0, 200.0, 150.0, 150.0, 100.0, 200.0]


def test_the_score_is_the_sum_of_the_points_and_the_pd_follows_the_scaling() -> None:
    scorecard = small_scorecard()
    scored = score_frame(scorecard, pl.DataFrame({"age": [40], "housing": ["own"]}))
    assert scored["score"].item() == 220.0
    assert scored["pd"].item() == pytest.approx(scorecard.scaling.pd_of_score(220.0))


def test_data_lacking_a_feature_is_refused_naming_it() -> None:
    with pytest.raises(MissingFeature, match="housing"):
        score_frame(small_scorecard(), pl.DataFrame({"age": [40]}))


def test_the_artefact_reads_back_equal_to_the_scorecard_it_was_written_from() -> None:
    scorecard = small_scorecard()
    assert loads(dumps(scorecard)) == scorecard


def test_an_artefact_edited_after_writing_is_refused() -> None:
    text = dumps(small_scorecard()).replace("200.0", "250.0")
    with pytest.raises(UnknownArtefact):
        loads(text)


def test_monotonic_trends_accept_flat_steps_and_refuse_a_reversal() -> None:
    assert is_monotonic([0.1, 0.1, 0.3], Trend.ASCENDING)
    assert not is_monotonic([0.1, 0.3, 0.2], Trend.ASCENDING)
    assert is_monotonic([0.3, 0.2], Trend.AUTO_ASC_DESC)
    assert not is_monotonic([0.3, 0.2], Trend.ASCENDING)
