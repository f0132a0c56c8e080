"""Seeded synthetic credit data for the credit benchmarks: numeric and categorical features, a
few nulls, and a bad/good outcome drawn from a known logistic model."""

from __future__ import annotations

import numpy as np
import polars as pl

CATEGORIES = ["a", "b", "c", "d", "e", "f"]


def credit_frame(rows: int, features: int, seed: int) -> pl.DataFrame:
    """`features` columns (one in six categorical) and a 0/1 column `bad` (about 10% bad)."""
    rng = np.random.default_rng(seed)
    log_odds = np.full(rows, -2.6)
    columns: dict[str, pl.Series] = {}
    for index in range(features):
        weight = rng.uniform(-0.6, 0.6)
        if index % 6 == 5:
            codes = rng.integers(0, len(CATEGORIES), rows)
            log_odds += weight * (codes - 2.5) / 2.5
            columns[f"x{index:02d}"] = pl.Series(np.array(CATEGORIES)[codes])
        else:
            values = rng.normal(size=rows)
            log_odds += weight * values
            values[rng.random(rows) < 0.02] = np.nan
            columns[f"x{index:02d}"] = pl.Series(values).fill_nan(None)
    bad = (rng.random(rows) < 1.0 / (1.0 + np.exp(-log_odds))).astype(np.int8)
    return pl.DataFrame(columns).with_columns(pl.Series("bad", bad))
