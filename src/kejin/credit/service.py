"""Use cases of the credit model: train from a data file or a database table into a model
directory, read its card, score a data file, put the tech-aware scorecard of the stored region
in service. A model directory holds `scorecard.json` (the artefact), `card.json` and `card.md`
(the model card) and `scorecard.sql` (the SQL export); the models in service live under
`<data dir>/credit/models/`."""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from kejin.bootstrap import Platform
from kejin.core.progress import ProgressCallback, no_progress
from kejin.credit import monitoring
from kejin.credit.card import model_card, render_markdown
from kejin.credit.data import fingerprint, read_table
from kejin.credit.database import database_source, read_database_table
from kejin.credit.errors import UnreadableData
from kejin.credit.export import dumps, loads, sql_expressions
from kejin.credit.features import usable_columns
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
MODELS = Path("credit") / "models"
# The feature set of the model the demo puts in service (`features.FEATURE_SETS`).
REGION_MODEL = "tech"


def models_folder(data_dir: Path) -> Path:
    """Where the models in service live: one directory each, the newest in use."""
    return data_dir / MODELS


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


@dataclasses.dataclass(frozen=True, slots=True)
class InService:
    """The region model in service, and whether this call trained it (else a model trained on
    the same table was already there)."""

    directory: Path
    trained: bool


def serve_region_model(platform: Platform, progress: ProgressCallback = no_progress) -> InService:
    """Train the tech-aware scorecard on the stored region's loans, as `compare_on_region` does,
    and put it in service as `<data dir>/credit/models/region-tech-<fingerprint>`. The name is
    the training table's fingerprint, so a table already trained on is not trained again; the
    directory is written aside and moved in whole."""
    progress("read", 0, 1)
    table = usable_columns(region_training_table(platform))
    progress("read", 1, 1)
    # without the loan ids, which a re-run of the demo renumbers (PostgreSQL sequences go on)
    digest = fingerprint(table.drop("loan_id")).removeprefix("sha256:")[:12]
    folder = models_folder(Path(platform.settings.data_dir))
    directory = folder / f"region-{REGION_MODEL}-{digest}"
    progress("train", 0, 1)
    trained = not (directory / ARTEFACT).is_file()
    if trained:
        folder.mkdir(parents=True, exist_ok=True)
        aside = Path(tempfile.mkdtemp(prefix=".training-", dir=folder.parent))
        try:
            from kejin.credit.compare import fit_feature_set  # noqa: PLC0415 — optbinning

            _write(fit_feature_set(table, REGION_MODEL), aside)
            aside.rename(directory)
        finally:
            shutil.rmtree(aside, ignore_errors=True)
    progress("train", 1, 1)
    return InService(directory, trained)


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
