"""`kejin credit train | report | score` on the German credit file: a model directory with the
artefact, the card and the SQL; the card in Markdown; the scores of a data file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from kejin.cli import main
from kejin.credit import service
from kejin.credit.scoring import score_frame
from tests.credit_data import german_credit_path


def test_train_report_and_score_work_from_the_command_line(tmp_path: Path) -> None:
    runner = CliRunner()
    model = tmp_path / "model"
    data = str(german_credit_path())
    trained = runner.invoke(
        main,
        [
            "credit",
            "train",
            data,
            "--target",
            "creditability",
            "--event",
            "bad",
            "--out",
            str(model),
        ],
    )
    assert trained.exit_code == 0, trained.output
    assert "test AUC" in trained.output
    assert {p.name for p in model.iterdir()} == {
        "scorecard.json",
        "card.json",
        "card.md",
        "scorecard.sql",
    }
    card = json.loads((model / "card.json").read_text())
    assert set(card["splits"]) == {"train", "validation", "test"}
    assert len(card["calibration_test"]) == 10

    report = runner.invoke(main, ["credit", "report", str(model)])
    assert report.exit_code == 0, report.output
    assert "## Discrimination" in report.output
    assert "status_of_existing_checking_account" in report.output

    out = tmp_path / "scored.csv"
    scored = runner.invoke(main, ["credit", "score", str(model), data, "--out", str(out)])
    assert scored.exit_code == 0, scored.output
    expected = score_frame(service.load_model(model), pl.read_csv(data))["score"]
    assert pl.read_csv(out)["score"].to_list() == expected.to_list()


def test_training_on_a_column_that_is_not_a_binary_target_fails_with_one_clear_line(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "credit",
            "train",
            str(german_credit_path()),
            "--target",
            "purpose",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 1
    assert "purpose" in result.output
    assert not (tmp_path / "scorecard.json").exists()


def test_the_kejin_command_loads_without_the_fitting_stack() -> None:
    probe = "import sys, kejin.cli; print(sorted({'optbinning', 'sklearn'} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_train_command_needs_exactly_one_of_a_data_file_and_a_table() -> None:
    runner = CliRunner()
    data = str(german_credit_path())
    neither = runner.invoke(main, ["credit", "train", "--target", "creditability"])
    both = runner.invoke(main, ["credit", "train", data, "--table", "t", "--target", "x"])
    for result in (neither, both):
        assert result.exit_code == 2
        assert "give either a DATA file or --table" in result.output
    stray = runner.invoke(
        main, ["credit", "train", data, "--database-url", "sqlite://", "--target", "x"]
    )
    assert stray.exit_code == 2
    assert "--database-url goes with --table" in stray.output
