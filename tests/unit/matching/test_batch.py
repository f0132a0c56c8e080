"""The batch matcher answers, for every firm, what `match_one` answers: each product's status,
unmet conditions, stage fit, amount and rank; each layer's best product and counts; each
policy's status, list and benefit. Partitions do not change the answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from kejin.assessment.batch.blocks import CODES
from kejin.assessment.inputs.frames import snapshot_frame
from kejin.assessment.model import Status
from kejin.matching.batch import layer_summary, match_frame, policy_lists
from kejin.matching.explain import match_one
from kejin.matching.model import PASSABLE, EnterpriseMatch
from kejin.products.model import Layer
from kejin.products.sizing import FEN_SCALE
from kejin.products.vocabulary import MATCH_VOCABULARY, MatchSnapshot
from tests.unit.matching.firms import CATALOGUE, ON, firms


def _fen(amount: Any) -> int:
    return int(amount.scaleb(FEN_SCALE))


def _expected_products(match: EnterpriseMatch) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for matches in match.layers.values():
        for m in matches:
            row |= {
                f"{m.code}.match": CODES[m.status],
                f"{m.code}.unmet": m.unmet,
                f"{m.code}.fit": m.stage_fit,
                f"{m.code}_low": _fen(m.amount.low),
                f"{m.code}_high": _fen(m.amount.high),
                f"{m.code}_indicative": m.amount.indicative,
                f"{m.code}.key": m.rank,
            }
    return row


def _expected_layers(match: EnterpriseMatch) -> dict[str, Any]:
    row: dict[str, Any] = {"stage": match.stage}
    for layer, matches in match.layers.items():
        best = matches[0]
        count = {s: sum(1 for m in matches if m.status is s) for s in Status}
        row |= {
            f"{layer}.best": best.code,
            f"{layer}.status": CODES[best.status],
            f"{layer}.amount_high": _fen(best.amount.high),
            f"{layer}.met": count[Status.MET],
            f"{layer}.review": count[Status.MANUAL_REVIEW],
            f"{layer}.unknown": count[Status.UNKNOWN],
        }
    return row


def _expected_policies(match: EnterpriseMatch) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for p in match.policies:
        row |= {
            f"{p.code}.status": CODES[p.status],
            f"{p.code}.list": p.list.value,
            f"{p.code}.benefit_high": None if p.benefit is None else _fen(p.benefit.high),
        }
    return row


def _assert_agree(snapshots: Sequence[MatchSnapshot], partition_rows: int) -> None:
    frame = snapshot_frame(snapshots, vocabulary=MATCH_VOCABULARY)
    frames = match_frame(CATALOGUE, frame, partition_rows=partition_rows, products=True)
    assert frames.products is not None
    tables = (frames.products, frames.layers, frames.policies)
    for number, snapshot in enumerate(snapshots):
        match = match_one(CATALOGUE, snapshot, ON, explain=False)
        expected = (_expected_products(match), _expected_layers(match), _expected_policies(match))
        for table, wanted in zip(tables, expected, strict=True):
            got = table.row(number, named=True)
            wrong = {k: (got[k], v) for k, v in wanted.items() if got[k] != v}
            assert not wrong, f"row {number}: {wrong}"


@settings(max_examples=30)
@given(st.lists(firms(), min_size=1, max_size=6), st.integers(1, 4))
def test_the_batch_matches_every_firm_as_the_scalar_matcher_does(
    snapshots: list[MatchSnapshot], partition_rows: int
) -> None:
    _assert_agree(snapshots, partition_rows)


def test_a_firm_with_nothing_known_is_matched_alike_by_both_paths() -> None:
    _assert_agree([MatchSnapshot()], 1)


@settings(max_examples=10)
@given(st.lists(firms(), min_size=1, max_size=5))
def test_product_reach_counts_firms_and_sums_amounts_by_stage_and_status(
    snapshots: list[MatchSnapshot],
) -> None:
    frames = match_frame(CATALOGUE, snapshot_frame(snapshots, vocabulary=MATCH_VOCABULARY))
    expected: dict[tuple[str, str | None, int], list[int]] = {}
    for snapshot in snapshots:
        for matches in match_one(CATALOGUE, snapshot, ON, explain=False).layers.values():
            for m in matches:
                cell = expected.setdefault((m.code, snapshot.stage, CODES[m.status]), [0, 0])
                cell[0] += 1
                cell[1] += _fen(m.amount.high)
    got = {
        (row["product"], row["stage"], row["status"]): [row["firms"], row["amount_high"]]
        for row in frames.reach.iter_rows(named=True)
    }
    assert got == expected


def test_an_empty_frame_gives_empty_answers() -> None:
    frames = match_frame(CATALOGUE, snapshot_frame([], vocabulary=MATCH_VOCABULARY))
    assert (frames.layers.height, frames.policies.height, frames.reach.height) == (0, 0, 0)
    assert layer_summary(frames.layers).height == 0


def test_the_layer_summary_counts_eligible_firms_and_their_best_amounts() -> None:
    lin = MatchSnapshot(
        stage="start_up", innovation_points=640, defaults_3y=0, serious_dishonesty=False
    )
    snapshots = [lin, MatchSnapshot(stage="start_up")]
    frames = match_frame(CATALOGUE, snapshot_frame(snapshots, vocabulary=MATCH_VOCABULARY))
    summary = layer_summary(frames.layers).filter(pl.col("layer") == Layer.BANK.value)
    matches = [match_one(CATALOGUE, s, ON, explain=False).layers[Layer.BANK] for s in snapshots]
    eligible = [m[0] for m in matches if m[0].status is Status.MET]
    assert summary.row(0, named=True) == {
        "stage": "start_up",
        "layer": "bank",
        "firms": 2,
        "eligible": len(eligible),
        "possible": sum(1 for m in matches if m[0].status in PASSABLE),
        "amount_available": sum(_fen(m.amount.high) for m in eligible),
    }


def test_policy_lists_add_up_to_every_firm_for_every_policy() -> None:
    snapshots = [MatchSnapshot(), MatchSnapshot(certifications=frozenset({"hnte"}))]
    frames = match_frame(CATALOGUE, snapshot_frame(snapshots, vocabulary=MATCH_VOCABULARY))
    lists = policy_lists(frames.policies, CATALOGUE)
    totals = lists.group_by("policy").agg(pl.sum("firms"))
    assert set(totals.get_column("firms")) == {2}
    assert totals.height == len(CATALOGUE.policies)
