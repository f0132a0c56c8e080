"""Training options: special codes and missing values get bins of their own, a feature's own
trend is obeyed, uninformative features are dropped, and data is read from CSV or Parquet."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from kejin.cli import main
from kejin.credit.data import read_table
from kejin.credit.errors import MissingFeature, NoPredictiveFeature, UnreadableData
from kejin.credit.model import TrainingConfig, Trend, is_monotonic
from kejin.credit.scoring import points_frame
from kejin.credit.training import fit_scorecard
from tests.credit_data import german_credit_path


def _loans(rows: int = 4000) -> pl.DataFrame:
    """Debt ratio raises the bad rate; -999 means "not reported"; a coin toss predicts nothing."""
    rng = np.random.default_rng(8)
    debt = rng.uniform(0, 1, rows)
    bad = (rng.random(rows) < 0.05 + 0.3 * debt).astype(np.int8)
    reported = debt.copy()
    reported[:200] = -999.0
    frame = pl.DataFrame({"debt": reported, "noise": rng.integers(0, 2, rows), "bad": bad})
    return frame.with_columns(
        pl.when(pl.int_range(pl.len()).is_between(200, 399))
        .then(None)
        .otherwise("debt")
        .alias("debt")
    )


def test_special_codes_and_missing_values_are_binned_and_scored_apart() -> None:
    config = TrainingConfig(target="bad", special_codes={"debt": (-999.0,)})
    scorecard = fit_scorecard(_loans(), config, "loans").scorecard
    (debt,) = (f for f in scorecard.features if f.name == "debt")
    assert debt.special.count > 0
    assert debt.missing.count > 0
    points = points_frame(scorecard, pl.DataFrame({"debt": [-999.0, None], "noise": [0.0, 0.0]}))
    assert points["debt"].to_list() == [debt.special.points, debt.missing.points]


def test_a_feature_without_information_is_dropped_and_the_informative_one_kept() -> None:
    scorecard = fit_scorecard(_loans(), TrainingConfig(target="bad"), "loans").scorecard
    assert scorecard.feature_names == ("debt",)


def test_a_feature_forced_against_its_direction_still_has_monotonic_bins() -> None:
    config = TrainingConfig(target="bad", trends={"debt": Trend.DESCENDING}, min_iv=0.0)
    fitted = fit_scorecard(_loans(), config, "loans")
    (debt,) = (f for f in fitted.scorecard.features if f.name == "debt")
    assert debt.trend is Trend.DESCENDING
    assert is_monotonic([b.event_rate for b in debt.bins], Trend.DESCENDING)


def test_data_where_nothing_predicts_the_target_is_refused() -> None:
    with pytest.raises(NoPredictiveFeature):
        fit_scorecard(_loans().drop("debt"), TrainingConfig(target="bad"), "loans")


def test_training_on_features_the_data_lacks_is_refused_naming_them() -> None:
    config = TrainingConfig(target="bad", features=("debt", "income"))
    with pytest.raises(MissingFeature, match="income"):
        fit_scorecard(_loans(), config, "loans")


def test_parquet_reads_like_csv_and_other_formats_are_refused(tmp_path: Path) -> None:
    frame = pl.read_csv(german_credit_path())
    frame.write_parquet(tmp_path / "german.parquet")
    assert read_table(tmp_path / "german.parquet").equals(read_table(german_credit_path()))
    (tmp_path / "german.xlsx").write_bytes(b"")
    with pytest.raises(UnreadableData):
        read_table(tmp_path / "german.xlsx")


def test_the_train_command_passes_special_codes_and_feature_trends(tmp_path: Path) -> None:
    arguments = [
        "credit",
        "train",
        str(german_credit_path()),
        "--target",
        "creditability",
        "--event",
        "bad",
        "--out",
        str(tmp_path),
        "--special",
        "duration_in_month=24",
        "--trend-of",
        "age_in_years=descending",
    ]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    features = {f["name"]: f for f in json.loads((tmp_path / "card.json").read_text())["features"]}
    assert features["age_in_years"]["trend"] == "descending"
    special = next(b for b in features["duration_in_month"]["bins"] if b["label"] == "special")
    assert special["count"] > 0


def test_a_malformed_feature_option_is_refused() -> None:
    result = CliRunner().invoke(
        main,
        [
            "credit",
            "train",
            str(german_credit_path()),
            "--target",
            "creditability",
            "--trend-of",
            "age_in_years",
        ],
    )
    assert result.exit_code == 2
    assert "FEATURE=VALUE" in result.output
