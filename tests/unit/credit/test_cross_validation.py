"""Cross-validation refits the scorecard on the non-test rows fold by fold, seeded, and leaves
the scorecard that is trained and saved exactly as without it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
from click.testing import CliRunner

from kejin.cli import main
from kejin.credit.export import dumps
from kejin.credit.model import TrainingConfig
from kejin.credit.training import fit_scorecard


def _loans(rows: int = 3000) -> pl.DataFrame:
    """Debt raises the bad rate, R&D intensity lowers it."""
    rng = np.random.default_rng(21)
    debt, rd = rng.uniform(0, 1, rows), rng.uniform(0, 0.1, rows)
    bad = rng.random(rows) < 1 / (1 + np.exp(-(-2.0 + 2.5 * debt - 15 * rd)))
    return pl.DataFrame({"debt": debt, "rd": rd, "bad": bad.astype(np.int8)})


def test_cross_validation_measures_every_fold_of_the_non_test_rows() -> None:
    fitted = fit_scorecard(_loans(), TrainingConfig(target="bad", folds=4), "loans")
    assert len(fitted.folds) == 4
    non_test = len(fitted.split.train) + len(fitted.split.validation)
    assert sum(fold.rows for fold in fitted.folds) == non_test
    rate = fitted.events.mean()
    assert all(abs(fold.event_rate - rate) < 0.01 for fold in fitted.folds)
    assert all(fold.auc > 0.6 for fold in fitted.folds)


def test_the_saved_scorecard_is_the_same_with_or_without_cross_validation() -> None:
    plain = fit_scorecard(_loans(), TrainingConfig(target="bad"), "loans")
    validated = fit_scorecard(_loans(), TrainingConfig(target="bad", folds=3), "loans")
    assert plain.folds == ()
    assert dumps(validated.scorecard) == dumps(plain.scorecard)


def test_cross_validation_is_the_same_on_every_run_of_a_seed_and_differs_across_seeds() -> None:
    first = fit_scorecard(_loans(), TrainingConfig(target="bad", folds=3, seed=5), "loans")
    again = fit_scorecard(_loans(), TrainingConfig(target="bad", folds=3, seed=5), "loans")
    other = fit_scorecard(_loans(), TrainingConfig(target="bad", folds=3, seed=6), "loans")
    assert first.folds == again.folds
    assert first.folds != other.folds


def test_the_card_and_its_markdown_show_each_fold_and_the_mean_and_deviation(
    tmp_path: Path,
) -> None:
    data = tmp_path / "loans.csv"
    _loans().write_csv(data)
    model = tmp_path / "model"
    command = ["credit", "train", str(data), "--target", "bad", "--folds", "3", "--out", str(model)]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    card = json.loads((model / "card.json").read_text())
    section = card["cross_validation"]
    assert section["folds"] == len(section["per_fold"]) == 3
    aucs = [fold["auc"] for fold in section["per_fold"]]
    assert section["summary"]["auc"]["mean"] == np.mean(aucs)
    mean = section["summary"]["auc"]["mean"]
    assert f"3-fold cross-validation: AUC {mean:.3f} ±" in result.output
    markdown = (model / "card.md").read_text()
    assert "## Cross-validation (3 folds" in markdown
    assert f"{mean:.3f} ± {section['summary']['auc']['sd']:.3f}" in markdown


def test_fewer_than_two_folds_are_refused_by_the_command(tmp_path: Path) -> None:
    data = tmp_path / "loans.csv"
    _loans(200).write_csv(data)
    result = CliRunner().invoke(
        main, ["credit", "train", str(data), "--target", "bad", "--folds", "1"]
    )
    assert result.exit_code == 2
    assert "--folds" in result.output
