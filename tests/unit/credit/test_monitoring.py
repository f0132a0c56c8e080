"""Population stability: PSI on hand-made bins, its bands, each feature's bins and the score
distribution against a model's training data, from Python and from `kejin credit monitor`."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from kejin.cli import main
from kejin.credit import monitoring, service
from kejin.credit.model import FeatureKind, FeatureScorecard, ScoredBin, Trend
from kejin.credit.monitoring import Stability, psi, score_psi, stability
from tests.credit_data import german_credit_path


def test_psi_of_identical_shares_is_zero() -> None:
    assert psi(np.array([10, 30, 60]), np.array([1, 3, 6])) == pytest.approx(0.0, abs=1e-15)


def test_psi_of_a_half_half_split_moving_to_a_quarter_three_quarters() -> None:
    # (0.25 − 0.5)·ln(0.25/0.5) + (0.75 − 0.5)·ln(0.75/0.5)
    expected = 0.25 * math.log(2) + 0.25 * math.log(1.5)
    assert psi(np.array([50, 50]), np.array([25, 75])) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(0.274653, abs=1e-6)


def test_psi_is_symmetric_in_the_two_distributions() -> None:
    a, b = np.array([20, 30, 50]), np.array([40, 40, 20])
    assert psi(a, b) == pytest.approx(psi(b, a), rel=1e-12)


def test_an_empty_bin_counts_as_a_share_of_one_in_ten_thousand() -> None:
    # actual shares (1, 1e-4) against expected (0.5, 0.5)
    expected = 0.5 * math.log(2) + (0.5 - 1e-4) * math.log(0.5 / 1e-4)
    assert psi(np.array([50, 50]), np.array([50, 0])) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0.0, Stability.STABLE),
        (0.0999, Stability.STABLE),
        (0.1, Stability.SHIFT),
        (0.2499, Stability.SHIFT),
        (0.25, Stability.SIGNIFICANT),
        (1.3, Stability.SIGNIFICANT),
    ],
)
def test_psi_bands_are_under_a_tenth_stable_and_from_a_quarter_significant(
    value: float, band: Stability
) -> None:
    assert stability(value) is band


def _bin(count: int) -> ScoredBin:
    return ScoredBin("b", count, 0, 0.0, 0.0, 0.0)


def test_values_fall_into_the_bins_scoring_uses_with_special_and_missing_last() -> None:
    feature = FeatureScorecard(
        "x",
        FeatureKind.NUMERIC,
        Trend.ASCENDING,
        -1.0,
        (_bin(25), _bin(25), _bin(50)),
        _bin(0),
        _bin(0),
        splits=(1.0, 2.0),
        special_codes=(-999.0,),
    )
    values = pl.Series([0.5, 1.0, 1.5, 2.0, 7.0, -999.0, None])
    assert monitoring.bin_index(feature, values).tolist() == [0, 1, 1, 2, 2, 3, 4]
    stable = monitoring.feature_stability(feature, pl.Series([0.0, 1.5, 3.0, 3.0]))
    assert stable.actual == (0.25, 0.25, 0.5, 0.0, 0.0)
    assert stable.psi == pytest.approx(0.0, abs=1e-3)
    assert stable.band is Stability.STABLE


def test_categories_fall_into_their_groups_and_unseen_ones_into_missing() -> None:
    feature = FeatureScorecard(
        "c",
        FeatureKind.CATEGORICAL,
        Trend.AUTO_ASC_DESC,
        -1.0,
        (_bin(1), _bin(1)),
        _bin(0),
        _bin(0),
        categories=(("a", "b"), ("c",)),
    )
    values = pl.Series(["a", "c", "b", "z", None])
    assert monitoring.bin_index(feature, values).tolist() == [0, 1, 0, 3, 3]


def test_scores_outside_the_training_bands_join_the_nearest_band_below_or_the_lowest() -> None:
    bands = {400.0: 50, 440.0: 50}  # no training score fell in 420–439
    same = score_psi(bands, np.array([405.0, 425.0, 445.0, 500.0]))
    assert same == pytest.approx(0.0, abs=1e-12)
    low = score_psi(bands, np.array([100.0, 100.0, 100.0, 450.0]))
    assert low == pytest.approx(psi(np.array([50, 50]), np.array([3, 1])))


@pytest.fixture(scope="module")
def german_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    model = tmp_path_factory.mktemp("model")
    trained = CliRunner().invoke(
        main,
        [
            "credit",
            "train",
            str(german_credit_path()),
            "--target",
            "creditability",
            "--event",
            "bad",
            "--out",
            str(model),
        ],
    )
    assert trained.exit_code == 0, trained.output
    return model


def test_the_training_data_itself_is_stable_and_a_skewed_sample_is_not(
    german_model: Path,
) -> None:
    data = pl.read_csv(german_credit_path())
    same = service.monitor(german_model, data, None)
    assert same.score_psi == pytest.approx(0.0, abs=1e-12)
    assert all(f.band is Stability.STABLE for f in same.features)
    young = data.filter(pl.col("age_in_years") < 28)
    skewed = service.monitor(german_model, young, None)
    assert stability(skewed.score_psi) is not Stability.STABLE
    age = next(f for f in skewed.features if f.name == "age_in_years")
    assert age.band is Stability.SIGNIFICANT


def test_kejin_credit_monitor_prints_the_score_and_feature_table_by_quarter(
    german_model: Path, tmp_path: Path
) -> None:
    data = pl.read_csv(german_credit_path()).with_columns(
        pl.date_range(pl.date(2024, 1, 1), pl.date(2026, 9, 26), "1d", eager=True)
        .head(1000)
        .alias("start_on")
    )
    path = tmp_path / "now.csv"
    data.write_csv(path)
    result = CliRunner().invoke(
        main, ["credit", "monitor", str(german_model), str(path), "--period", "start_on"]
    )
    assert result.exit_code == 0, result.output
    assert "1,000 rows; score PSI 0.0000 (stable)" in result.output
    assert "age_in_years" in result.output
    assert "2024-Q1" in result.output
    assert "2026-Q3" in result.output


@pytest.mark.parametrize(
    ("on", "count", "ends"),
    [
        (date(2025, 12, 31), 2, (date(2025, 9, 30), date(2025, 12, 31))),
        (date(2026, 1, 15), 3, (date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31))),
        (date(2024, 3, 30), 1, (date(2023, 12, 31),)),
        (date(2024, 3, 31), 1, (date(2024, 3, 31),)),
    ],
)
def test_quarter_ends_are_the_last_ones_on_or_before_the_day_oldest_first(
    on: date, count: int, ends: tuple[date, ...]
) -> None:
    assert monitoring.quarter_ends(on, count) == ends


def test_the_score_distribution_sits_in_the_training_bands_beside_their_rows() -> None:
    bands = {400.0: 50, 420.0: 30, 440.0: 20}
    counted = monitoring.band_counts(bands, np.array([300.0, 419.9, 420.0, 455.0, 900.0]))
    assert [(b.lower, b.expected, b.actual) for b in counted] == [
        (400.0, 50, 2),
        (420.0, 30, 1),
        (440.0, 20, 2),
    ]
    assert monitoring.bands_psi(counted) == pytest.approx(
        psi(np.array([50, 30, 20]), np.array([2, 1, 2]))
    )
