"""Use cases of the credit model: train from a data file or a database table into a model
directory, read its card, score a data file. A model directory holds `scorecard.json` (the
artefact), `card.json` and `card.md` (the model card) and `scorecard.sql` (the SQL export)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from kejin.bootstrap import Platform
from kejin.credit import monitoring
from kejin.credit.card import model_card, render_markdown
from kejin.credit.data import read_table
from kejin.credit.database import database_source, read_database_table
from kejin.credit.errors import UnreadableData
from kejin.credit.export import dumps, loads, sql_expressions
from kejin.credit.model import Challenger, Scorecard, TrainingConfig
from kejin.credit.monitoring import Monitoring
from kejin.credit.region import region_table
from kejin.credit.scoring import score_frame

if TYPE_CHECKING:
    from kejin.credit.challenger import ChallengerResult
    from kejin.credit.training import Fitted

ARTEFACT = "scorecard.json"
CARD = "card.json"
CARD_MARKDOWN = "card.md"
SQL = "scorecard.sql"
LOANS = "loans.parquet"


@dataclasses.dataclass(frozen=True, slots=True)
class Trained:
    """Where a trained model was written, and its card."""

    directory: Path
    card: dict[str, Any]


def train(data: Path, config: TrainingConfig, directory: Path) -> Trained:
    """Fit a scorecard on the CSV or Parquet file `data` and write the model directory."""
    return _train(read_table(data), config, data.name, directory)


def train_from_table(
    platform: Platform, table: str, config: TrainingConfig, directory: Path
) -> Trained:
    """Fit a scorecard on a table or view of the platform's database and write the model
    directory."""
    frame = read_database_table(platform.engine, table)
    return _train(frame, config, database_source(platform.engine, table), directory)


def _train(frame: pl.DataFrame, config: TrainingConfig, source: str, directory: Path) -> Trained:
    # optbinning (with OR-Tools) takes over a second to import; only training needs it, so
    # every other `kejin` command and the web app load without it.
    from kejin.credit.training import fit_scorecard  # noqa: PLC0415

    fitted = fit_scorecard(frame, config, source)
    return _write(fitted, directory, _challenger(fitted, config))


def _challenger(fitted: Fitted, config: TrainingConfig) -> ChallengerResult | None:
    if config.challenger is not Challenger.LIGHTGBM:
        return None
    from kejin.credit.challenger import fit_lightgbm  # noqa: PLC0415 — LightGBM is optional

    return fit_lightgbm(fitted, config)


def _write(fitted: Fitted, directory: Path, challenger: ChallengerResult | None = None) -> Trained:
    """Write a fitted scorecard's model directory (the challenger only into its card)."""
    card = model_card(fitted, challenger)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / ARTEFACT).write_text(dumps(fitted.scorecard), encoding="utf-8")
    (directory / CARD).write_text(json.dumps(card, indent=2, ensure_ascii=False), encoding="utf-8")
    (directory / CARD_MARKDOWN).write_text(render_markdown(card), encoding="utf-8")
    (directory / SQL).write_text(_sql_file(fitted.scorecard), encoding="utf-8")
    return Trained(directory, card)


def _sql_file(scorecard: Scorecard) -> str:
    parts = [
        f"-- {name}\n{expression}\n" for name, expression in sql_expressions(scorecard).items()
    ]
    return "\n".join(parts)


def load_model(directory: Path) -> Scorecard:
    """The scorecard of a model directory (or of an artefact file given directly)."""
    path = directory / ARTEFACT if directory.is_dir() else directory
    if not path.is_file():
        raise UnreadableData("no scorecard artefact at {path}", path=str(path))
    return loads(path.read_text(encoding="utf-8"))


def report(directory: Path) -> str:
    """The model card of a model directory, as Markdown."""
    path = directory / CARD
    if not path.is_file():
        raise UnreadableData("no model card at {path}", path=str(path))
    return render_markdown(json.loads(path.read_text(encoding="utf-8")))


def score(directory: Path, data: Path) -> pl.DataFrame:
    """The rows of `data` with their score and PD under the model."""
    return score_frame(load_model(directory), read_table(data))


def region_training_table(platform: Platform) -> pl.DataFrame:
    """The demo region's loans with their borrowers' signals at the start (read only)."""
    with platform.engine.connect() as conn:
        return region_table(conn)


def compare_on_region(platform: Platform, directory: Path, seed: int) -> dict[str, Any]:
    """Compare the financial-only and the tech-aware scorecard on the stored region; write
    `comparison.json` and `comparison.md`, the two model directories (`financial/`, `tech/`)
    and the training table (`loans.parquet`) into `directory`."""
    from kejin.credit.compare import compare, render_markdown  # noqa: PLC0415 — optbinning

    table = region_training_table(platform)
    result, fitted = compare(table, seed)
    directory.mkdir(parents=True, exist_ok=True)
    table.write_parquet(directory / LOANS)
    for name, model in fitted.items():
        _write(model, directory / name)
    (directory / "comparison.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    (directory / "comparison.md").write_text(render_markdown(result), encoding="utf-8")
    return result


def monitor(directory: Path, data: pl.DataFrame, period_of: str | None) -> Monitoring:
    """Stability of `data` against the training data of the model in `directory`."""
    path = directory / CARD
    if not path.is_file():
        raise UnreadableData("no model card at {path}", path=str(path))
    card = json.loads(path.read_text(encoding="utf-8"))
    bands = {float(b["from"]): int(b["rows"]) for b in card["score_distribution"]}
    return monitoring.monitor(load_model(directory), bands, data, period_of)
