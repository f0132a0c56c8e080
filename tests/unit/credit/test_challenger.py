"""The LightGBM challenger: fitted on the scorecard's rows, seeded, measured on the test rows
and recorded in the card beside the scorecard; where the outcome hangs on an interaction an
additive scorecard cannot express, the challenger ranks better."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from kejin.cli import main
from kejin.credit.card import model_card
from kejin.credit.challenger import fit_lightgbm, lightgbm_parameters
from kejin.credit.errors import ChallengerUnavailable
from kejin.credit.model import Challenger, FeatureKind, TrainingConfig, Trend
from kejin.credit.training import fit_scorecard
from tests.credit_data import german_credit_path, german_fit


def _interaction(rows: int = 6000) -> pl.DataFrame:
    """The bad rate rises with `debt` alone, and far more where `growth` and `margin` have
    the same sign — an interaction with no marginal effect of either."""
    rng = np.random.default_rng(3)
    debt, growth, margin = rng.uniform(0, 1, rows), rng.normal(size=rows), rng.normal(size=rows)
    log_odds = -1.0 + 1.5 * debt + 2.5 * np.sign(growth * margin)
    bad = rng.random(rows) < 1 / (1 + np.exp(-log_odds))
    sector = rng.choice(["software", "biotech", "devices"], rows)
    return pl.DataFrame(
        {"debt": debt, "growth": growth, "margin": margin, "sector": sector, "bad": bad}
    ).with_columns(pl.col("bad").cast(pl.Int8))


def test_on_an_interaction_the_challenger_ranks_better_than_the_additive_scorecard() -> None:
    config = TrainingConfig(target="bad", challenger=Challenger.LIGHTGBM)
    fitted = fit_scorecard(_interaction(), config, "interaction")
    result = fit_lightgbm(fitted, config)
    card = model_card(fitted, result)
    section = card["challenger"]
    assert section["test"]["auc"] == result.test.auc
    assert section["test"]["rows"] == len(fitted.split.test)
    assert section["scorecard_test"]["auc"] == card["splits"]["test"]["auc"]
    assert section["difference"]["auc"] == result.test.auc - card["splits"]["test"]["auc"]
    assert section["features"] == 4
    assert section["trees"] > 0
    assert section["difference"]["auc"] > 0.1


def test_the_challenger_gives_the_same_trees_and_metrics_on_every_run() -> None:
    config = TrainingConfig(target="bad")
    fitted = fit_scorecard(_interaction(2000), config, "interaction")
    assert fit_lightgbm(fitted, config) == fit_lightgbm(fitted, config)


def test_the_challenger_runs_on_german_credit_and_its_metrics_are_in_the_card() -> None:
    fitted = german_fit()
    config = TrainingConfig(target="creditability", event="bad")
    card = model_card(fitted, fit_lightgbm(fitted, config))
    section = card["challenger"]
    assert section["features"] == 20
    assert section["test"]["rows"] == 200
    assert 0.5 < section["test"]["auc"] <= 1.0
    for measure in ("auc", "ks", "gini"):
        expected = section["test"][measure] - card["splits"]["test"][measure]
        assert section["difference"][measure] == expected


def test_the_train_command_writes_the_challenger_only_into_the_card(tmp_path: Path) -> None:
    model = tmp_path / "model"
    command = [
        "credit", "train", str(german_credit_path()), "--target", "creditability",
        "--event", "bad", "--challenger", "lightgbm", "--out", str(model),
    ]  # fmt: skip
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert {p.name for p in model.iterdir()} == {
        "scorecard.json", "card.json", "card.md", "scorecard.sql"
    }  # fmt: skip
    card = json.loads((model / "card.json").read_text())
    assert f"challenger lightgbm: test AUC {card['challenger']['test']['auc']:.3f}" in result.output
    assert "## Challenger on the test split" in (model / "card.md").read_text()


def test_only_numeric_features_with_a_set_direction_get_a_monotone_constraint() -> None:
    names = ["debt", "rd", "age", "sector"]
    kinds = dict.fromkeys(names[:3], FeatureKind.NUMERIC) | {"sector": FeatureKind.CATEGORICAL}
    trends = {"debt": Trend.ASCENDING, "rd": Trend.DESCENDING, "sector": Trend.ASCENDING}
    parameters = lightgbm_parameters(names, kinds, trends, Trend.AUTO_ASC_DESC, seed=9)
    assert parameters["monotone_constraints"] == [1, -1, 0, 0]
    assert parameters["seed"] == 9
    assert parameters["deterministic"] is True
    everywhere = lightgbm_parameters(names, kinds, {}, Trend.DESCENDING, seed=9)
    assert everywhere["monotone_constraints"] == [-1, -1, -1, 0]


def test_without_lightgbm_installed_the_challenger_is_refused_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "lightgbm", None)  # what an absent package imports as
    config = TrainingConfig(target="bad")
    fitted = fit_scorecard(_interaction(1000), config, "interaction")
    with pytest.raises(ChallengerUnavailable, match=r"install kejin\[challenger\]"):
        fit_lightgbm(fitted, config)
