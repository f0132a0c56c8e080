"""AUC and KS against a direct count, the decile calibration, the stratified split and the
target encoding."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.credit.data import event_indicator, stratified_split
from kejin.credit.errors import TargetNotBinary
from kejin.credit.metrics import calibration, discrimination


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
