"""Discrimination and calibration of scores: AUC, KS, Gini, decile calibration, distribution."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import polars as pl


@dataclasses.dataclass(frozen=True, slots=True)
class Discrimination:
    """How well PDs rank events above non-events on one part of the data."""

    rows: int
    event_rate: float
    auc: float
    ks: float

    @property
    def gini(self) -> float:
        return 2.0 * self.auc - 1.0


@dataclasses.dataclass(frozen=True, slots=True)
class CalibrationBand:
    """One decile of predicted PD: the mean predicted and the observed event rate."""

    band: int
    rows: int
    predicted: float
    observed: float


def discrimination(pd_values: np.ndarray, events: np.ndarray) -> Discrimination:
    """AUC (the Mann–Whitney statistic, ties counted half) and the Kolmogorov–Smirnov distance."""
    order = np.argsort(pd_values, kind="stable")
    ranks = np.empty(len(pd_values), dtype=np.float64)
    sorted_values = pd_values[order]
    # average ranks over ties
    _, first, counts = np.unique(sorted_values, return_index=True, return_counts=True)
    mid = first + (counts - 1) / 2.0 + 1.0
    ranks[order] = np.repeat(mid, counts)
    n_event = int(events.sum())
    n_other = len(events) - n_event
    auc = (ranks[events == 1].sum() - n_event * (n_event + 1) / 2.0) / (n_event * n_other)
    ks = _ks(sorted_values, events[order], n_event, n_other)
    return Discrimination(len(events), n_event / len(events), float(auc), ks)


def across_folds(results: Sequence[Discrimination]) -> dict[str, dict[str, float]]:
    """Mean and sample standard deviation of AUC, KS and Gini over cross-validation folds."""
    values = {
        "auc": np.array([r.auc for r in results]),
        "ks": np.array([r.ks for r in results]),
        "gini": np.array([r.gini for r in results]),
    }
    return {
        name: {"mean": float(v.mean()), "sd": float(v.std(ddof=1)) if len(v) > 1 else 0.0}
        for name, v in values.items()
    }


def _ks(sorted_values: np.ndarray, sorted_events: np.ndarray, n_event: int, n_other: int) -> float:
    """The largest gap between the cumulative shares of events and non-events."""
    cum_event = np.cumsum(sorted_events) / n_event
    cum_other = np.cumsum(1 - sorted_events) / n_other
    last_of_value = np.r_[sorted_values[1:] != sorted_values[:-1], True]
    return float(np.max(np.abs(cum_event - cum_other)[last_of_value]))


def calibration(
    pd_values: np.ndarray, events: np.ndarray, bands: int = 10
) -> list[CalibrationBand]:
    """Mean predicted PD against the observed event rate in `bands` equal-count bands."""
    frame = pl.DataFrame({"pd": pd_values, "event": events}).sort("pd")
    frame = frame.with_columns((pl.int_range(pl.len()) * bands // pl.len()).alias("band"))
    table = (
        frame.group_by("band")
        .agg(pl.len().alias("rows"), pl.col("pd").mean(), pl.col("event").mean())
        .sort("band")
    )
    return [
        CalibrationBand(int(r["band"]) + 1, int(r["rows"]), float(r["pd"]), float(r["event"]))
        for r in table.iter_rows(named=True)
    ]


def score_histogram(scores: np.ndarray, width: float = 20.0) -> list[tuple[float, int]]:
    """Rows per score band of `width` points (the band's lower edge, the count)."""
    lower = np.floor(scores / width) * width
    edges, counts = np.unique(lower, return_counts=True)
    return [(float(e), int(c)) for e, c in zip(edges, counts, strict=True)]
