"""AUC and KS against a direct count, the decile calibration, the stratified split, the
cross-validation folds and their summary, and the target encoding."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.credit.data import event_indicator, stratified_folds, stratified_split
from kejin.credit.errors import TargetNotBinary, TooFewForFolds
from kejin.credit.metrics import Discrimination, across_folds, calibration, discrimination


def _pairwise_auc(values: np.ndarray, events: np.ndarray) -> float:
    bad, good = values[events == 1], values[events == 0]
    wins = (bad[:, None] > good[None, :]).sum() + 0.5 * (bad[:, None] == good[None, :]).sum()
    return float(wins / (len(bad) * len(good)))


@given(st.lists(st.tuples(st.integers(0, 5), st.booleans()), min_size=2, max_size=40))
def test_the_auc_equals_the_share_of_event_non_event_pairs_ranked_right(
    rows: list[tuple[int, bool]],
) -> None:
    values = np.array([v for v, _ in rows], dtype=float)
    events = np.array([int(e) for _, e in rows])
    if events.min() == events.max():
        return
    assert discrimination(values, events).auc == pytest.approx(_pairwise_auc(values, events))


def test_a_perfect_ranking_has_auc_one_ks_one_and_gini_one() -> None:
    result = discrimination(np.array([0.1, 0.2, 0.8, 0.9]), np.array([0, 0, 1, 1]))
    assert (result.auc, result.ks, result.gini) == (1.0, 1.0, 1.0)


def test_calibration_puts_equal_counts_in_ten_bands_ordered_by_predicted_pd() -> None:
    rng = np.random.default_rng(3)
    pd_values = rng.random(1000)
    bands = calibration(pd_values, (rng.random(1000) < pd_values).astype(int))
    assert [b.rows for b in bands] == [100] * 10
    assert all(a.predicted < b.predicted for a, b in itertools.pairwise(bands))


def test_the_split_is_seeded_disjoint_complete_and_keeps_the_event_rate() -> None:
    events = np.array([1] * 300 + [0] * 700)
    split = stratified_split(events, (0.6, 0.2, 0.2), seed=5)
    again = stratified_split(events, (0.6, 0.2, 0.2), seed=5)
    rows = np.concatenate([split.train, split.validation, split.test])
    assert sorted(rows.tolist()) == list(range(1000))
    assert np.array_equal(split.test, again.test)
    assert [events[p].mean() for p in split.parts().values()] == [0.3, 0.3, 0.3]


def test_a_true_false_target_takes_true_as_the_event() -> None:
    frame = pl.DataFrame({"defaulted": [False, True, False, True]})
    assert event_indicator(frame, "defaulted", None).to_list() == [0, 1, 0, 1]
    assert event_indicator(frame, "defaulted", "true").to_list() == [0, 1, 0, 1]


def test_the_event_is_named_or_is_the_one_of_a_zero_one_target() -> None:
    frame = pl.DataFrame({"named": ["good", "bad", "good"], "coded": [0, 1, 1]})
    assert event_indicator(frame, "named", "bad").to_list() == [0, 1, 0]
    assert event_indicator(frame, "coded", None).to_list() == [0, 1, 1]
    with pytest.raises(TargetNotBinary):
        event_indicator(frame, "named", None)
    with pytest.raises(TargetNotBinary):
        event_indicator(pl.DataFrame({"t": [1, 2, 3]}), "t", None)


@given(
    st.lists(st.booleans(), min_size=12, max_size=200).filter(lambda e: 3 <= sum(e) <= len(e) - 3),
    st.integers(2, 3),
    st.integers(0, 2**31),
)
def test_folds_share_the_rows_out_once_each_with_the_event_rate_kept(
    outcomes: list[bool], folds: int, seed: int
) -> None:
    events = np.array(outcomes, dtype=int)
    rows = np.arange(len(events))[::2] if len(events) > 40 else np.arange(len(events))
    parts = stratified_folds(events, rows, folds, seed)
    assert len(parts) == folds
    assert sorted(np.concatenate(parts).tolist()) == rows.tolist()
    for outcome in (0, 1):
        counts = [int((events[part] == outcome).sum()) for part in parts]
        assert max(counts) - min(counts) <= 1
    sizes = [len(part) for part in parts]
    assert max(sizes) - min(sizes) <= 1
    again = stratified_folds(events, rows, folds, seed)
    assert all(np.array_equal(a, b) for a, b in zip(parts, again, strict=True))


def test_more_folds_than_events_is_refused_naming_both_counts() -> None:
    events = np.array([1, 1, 0, 0, 0, 0, 0, 0])
    with pytest.raises(TooFewForFolds, match="2 rows of one outcome cannot fill 3 folds"):
        stratified_folds(events, np.arange(8), 3, seed=1)


def test_the_fold_summary_is_the_mean_and_sample_deviation_of_each_measure() -> None:
    results = [Discrimination(100, 0.3, auc, ks) for auc, ks in ((0.7, 0.3), (0.8, 0.5))]
    summary = across_folds(results)
    assert summary["auc"] == {"mean": pytest.approx(0.75), "sd": pytest.approx(0.1 / 2**0.5)}
    assert summary["ks"] == {"mean": pytest.approx(0.4), "sd": pytest.approx(0.2 / 2**0.5)}
    assert summary["gini"] == {"mean": pytest.approx(0.5), "sd": pytest.approx(0.2 / 2**0.5)}
