"""Identifiers of demo enterprises, vectorised: credit codes and unique Chinese names.

A unified social credit code (统一社会信用代码, GB 32100-2015) is '9' (market regulator) + '1'
(enterprise) + a 6-digit administrative division code + a 9-character organisation code
(8 characters and its own GB 11714 check character) + the GB 32100 check character. Both check
characters are computed with NumPy over whole arrays; python-stdnum stays the reference in tests.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from numpy.typing import NDArray

from kejin.region import calibration as cal

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
ORG_BODY_SPACE = 10**8
_ALPHABET_BYTES = np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)


def affine_unique(index: NDArray[np.int64], space: int, salt: int) -> NDArray[np.int64]:
    """A seeded bijection of `index` onto [0, space): distinct inputs give distinct outputs."""
    multiplier = (salt * 2_654_435_761) % space or 1
    while math.gcd(multiplier, space) != 1:
        multiplier += 1
    return (index * multiplier + salt * 40_503) % space


def credit_codes(index: NDArray[np.int64], division: NDArray[np.str_], salt: int) -> pl.Series:
    """Valid, distinct credit codes for firms numbered `index` registered in `division`."""
    body = affine_unique(index, ORG_BODY_SPACE, salt)
    digits = (body[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    org_check = (11 - (digits * ORG_WEIGHTS).sum(axis=1) % 11) % 11  # 10 → 'X', 11 → '0'
    org_check_value = np.where(org_check == 10, USCC_ALPHABET.index("X"), org_check)
    division_digits = np.frombuffer(division.astype("S6").tobytes(), np.uint8).reshape(-1, 6)
    values = np.empty((len(index), 18), dtype=np.int64)
    values[:, 0], values[:, 1] = 9, 1
    values[:, 2:8] = division_digits - ord("0")
    values[:, 8:16] = digits
    values[:, 16] = org_check_value
    values[:, 17] = (31 - (values[:, :17] * USCC_WEIGHTS).sum(axis=1) % 31) % 31
    text = _ALPHABET_BYTES[values].view("S18").ravel()
    return pl.Series("uscc", text).cast(pl.Utf8)


def unique_names(
    index: NDArray[np.int64],
    *,
    cluster: NDArray[np.int64],
    cluster_counts: NDArray[np.int64],
    words: list[tuple[str, ...]],
    salt: int,
) -> pl.Series:
    """Names `CITY + brand + industry word + 有限公司`, distinct within and across clusters.

    Firm `index` takes slot `affine_unique(rank in its cluster)` among brand × word
    combinations; brands grow from 2 to 3 characters when a cluster is too large for 2.
    """
    pool = len(cal.BRAND_CHARS)
    rank = _rank_within(cluster, len(words))
    n_words = np.array([len(w) for w in words])[cluster]
    brand_len = np.where(cluster_counts[cluster] > pool**2 * n_words, 3, 2)
    space = (pool**brand_len) * n_words
    slot = np.empty_like(index)
    for group in np.unique(cluster):
        mask = cluster == group
        slot[mask] = affine_unique(rank[mask], int(space[mask][0]), salt + int(group))
    word_idx = slot % n_words
    chars = pl.Series(list(cal.BRAND_CHARS))
    parts = [chars.gather((slot // n_words // pool**k) % pool) for k in range(3)]
    all_words = pl.Series([w for ws in words for w in ws])
    offsets = np.cumsum([0] + [len(w) for w in words])[:-1]
    frame = pl.DataFrame(
        {
            "a": parts[0],
            "b": parts[1],
            "c": parts[2],
            "three": brand_len == 3,
            "word": all_words.gather(offsets[cluster] + word_idx),
        }
    )
    return frame.select(
        pl.concat_str(
            pl.lit(cal.CITY),
            "a",
            "b",
            pl.when("three").then("c").otherwise(pl.lit("")),
            "word",
            pl.lit("有限公司"),
        ).alias("name")
    ).to_series()


def _rank_within(group: NDArray[np.int64], groups: int) -> NDArray[np.int64]:
    """Position of each element among the elements of its group, in array order."""
    order = np.argsort(group, kind="stable")
    counts = np.bincount(group, minlength=groups)
    starts = np.cumsum(counts) - counts
    rank = np.empty_like(group)
    rank[order] = np.arange(len(group)) - np.repeat(starts, counts)
    return rank
