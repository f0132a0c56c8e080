"""A run's verdicts encoded into one row per enterprise decode to what was assessed: the
letter and points of every standard at its place, whatever order the standards come in."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import polars as pl
from hypothesis import given, settings

from kejin.assessment.model import Status
from kejin.assessment.points.cohorts import cohort_table, merge_cohorts
from kejin.assessment.points.config import load_points_config
from kejin.assessment.store import (
    LETTERS,
    STATUSES,
    cell_rows,
    cohorts_of,
    histogram_rows,
    result_rows,
)

from .points_data import frames, seeded_frame

STANDARDS = ("tech_sme", "hnte", "star")  # stored in the order of their codes sorted
POINTS = pl.Decimal(38, 2)


def _results() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "enterprise_id": [7, 8, None],
            "uscc": ["A", "B", "C"],
            "tech_sme.status": ["met", "manual_review", "met"],
            "tech_sme.low": pl.Series([Decimal(70), Decimal("62.5"), None], dtype=POINTS),
            "tech_sme.high": pl.Series([Decimal(70), Decimal("81.5"), None], dtype=POINTS),
            "hnte.status": ["unknown", "unmet", "met"],
            "hnte.low": pl.Series([None, None, None], dtype=POINTS),
            "hnte.high": pl.Series([None, None, None], dtype=POINTS),
            "star.status": ["not_applicable", "met", "met"],
            "star.low": pl.Series([None, Decimal(100), None], dtype=POINTS),
            "star.high": pl.Series([None, Decimal(100), None], dtype=POINTS),
            "cluster": ["ai", "software", "ai"],
            "stage": ["seed", None, "growth"],
            "innovation_points": [41, None, 3],
            "points_rank": [2, None, 1],
            "points_band": ["rest", None, "top5"],
            "top_indicators": [["revenue", "rd_expense"], None, ["revenue"]],  # 8: not scored
        }
    )


def test_every_status_has_a_letter_of_its_own() -> None:
    assert set(LETTERS) == set(Status)
    assert len(STATUSES) == len(Status)
    assert all(len(letter) == 1 for letter in LETTERS.values())


def test_verdicts_are_stored_one_row_per_enterprise_by_code_sorted() -> None:
    rows = result_rows(3, _results(), STANDARDS)
    assert rows.select(
        "run_id", "enterprise_id", "verdicts", "points", "top_indicators"
    ).rows() == [
        (3, 7, "knm", ",,7000/7000", '["revenue","rd_expense"]'),
        (3, 8, "umr", ",10000/10000,6250/8150", "[]"),
    ]


def test_stored_rows_decode_to_the_verdict_of_each_standard() -> None:
    results = _results().filter(pl.col("enterprise_id").is_not_null())
    stored = [
        SimpleNamespace(**row) for row in result_rows(3, results, STANDARDS).iter_rows(named=True)
    ]
    for code in STANDARDS:
        decoded = cell_rows(stored, STANDARDS, code)
        expected = results.select(
            "enterprise_id", f"{code}.status", f"{code}.low", f"{code}.high", "innovation_points"
        ).rows()
        got = [
            (row.enterprise_id, row.status, row.points_low, row.points_high, row.innovation_points)
            for row in decoded
        ]
        assert got == expected, code


@settings(max_examples=30, deadline=None)
@given(frames())
def test_stored_histograms_give_back_the_cohort_table(frame: pl.DataFrame) -> None:
    config = load_points_config()
    cohorts = cohort_table(frame, config)
    rows = histogram_rows(5, cohorts)
    decoded = cohorts_of(rows.drop("run_id")).with_columns(config_version=pl.lit(config.version))
    assert merge_cohorts([decoded]).equals(cohorts)
    assert rows.height == cohorts.select("region", "cluster", "stage", "indicator").n_unique()


def test_a_histogram_lists_its_buckets_in_order_the_missing_measure_first() -> None:
    config = load_points_config()
    cohorts = cohort_table(seeded_frame(400, seed=3), config)
    rows = histogram_rows(5, cohorts)
    assert any(histogram.startswith(":") for histogram in rows["histogram"])  # some missing
    for histogram in rows["histogram"]:
        buckets = [pair.split(":")[0] for pair in histogram.split(",")]
        known = [int(bucket) for bucket in buckets if bucket]
        assert buckets[: len(buckets) - len(known)] in ([], [""])
        assert known == sorted(known)
        assert len(set(known)) == len(known)
