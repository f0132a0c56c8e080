"""Coverage arithmetic on hand-made rows (a golden table), the needs window, and blockers: the
batch count over a frame agrees with each firm's checklists from the scalar matcher."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kejin.assessment.inputs.frames import snapshot_frame
from kejin.assessment.model import Status
from kejin.coverage.model import (
    LayerCount,
    NeedCount,
    Weakness,
    blockers,
    coverage_cells,
    needs_since,
    shipped_config,
)
from kejin.matching.explain import match_one
from kejin.products.model import Layer
from kejin.products.vocabulary import MATCH_VOCABULARY, MatchSnapshot
from tests.unit.matching.firms import CATALOGUE, ON, firms

CONFIG = shipped_config()
WAN = Decimal(10_000)


def test_cells_carry_shares_needs_ratio_and_flags_as_the_golden_table_says() -> None:
    counts = [
        LayerCount("growth", "bank", 10, 8, 9, 4000 * WAN),
        LayerCount("start_up", None, 50, 20, 30, 900 * WAN),
        LayerCount("start_up", "bank", 50, 10, 30, 500 * WAN),
        LayerCount("start_up", "equity", 50, 0, 0, Decimal(0)),
        LayerCount(None, "bank", 2, 0, 0, Decimal(0)),
    ]
    needs = [
        NeedCount("start_up", ("loan", "guarantee"), 3, 600 * WAN),
        NeedCount("start_up", ("loan",), 1, 400 * WAN),
        NeedCount("growth", ("equity",), 1, 100 * WAN),
    ]
    cells = coverage_cells(counts, needs, CONFIG)
    table = [
        (c.stage, c.layer, c.share_eligible, c.share_possible, c.needs, c.needs_amount, c.ratio,
         c.weaknesses, c.early)
        for c in cells
    ]  # fmt: skip
    few, some, short = Weakness.FEW_ELIGIBLE, Weakness.FEW_POSSIBLE, Weakness.SHORT_OF_NEEDS
    assert table == [
        ("start_up", None, Decimal("0.4"), Decimal("0.6"), 4, 1000 * WAN, Decimal("0.9"),
         (short,), True),
        ("start_up", "equity", Decimal(0), Decimal(0), 0, Decimal(0), None, (few, some), True),
        ("start_up", "bank", Decimal("0.2"), Decimal("0.6"), 4, 1000 * WAN, Decimal("0.5"),
         (few, short), True),
        ("growth", "bank", Decimal("0.8"), Decimal("0.9"), 0, Decimal(0), None, (), False),
        (None, "bank", Decimal(0), Decimal(0), 0, Decimal(0), None, (few, some), False),
    ]  # fmt: skip


def test_a_need_naming_two_instruments_of_one_layer_counts_once_in_it() -> None:
    needs = [NeedCount("seed", ("guarantee", "insurance"), 1, 50 * WAN)]
    counts = [LayerCount("seed", "guarantee_insurance", 1, 1, 1, 100 * WAN)]
    (cell,) = coverage_cells(counts, needs, CONFIG)
    assert (cell.needs, cell.needs_amount, cell.ratio) == (1, 50 * WAN, Decimal(2))


def test_an_empty_stage_has_no_share_and_is_not_flagged() -> None:
    (cell,) = coverage_cells([LayerCount("seed", "bank", 0, 0, 0, Decimal(0))], [], CONFIG)
    assert (cell.share_eligible, cell.share_possible, cell.weaknesses) == (None, None, ())


def test_the_needs_window_goes_back_twelve_months_keeping_the_day_where_it_exists() -> None:
    assert needs_since(dt.date(2026, 11, 27), CONFIG) == dt.date(2025, 11, 27)
    assert needs_since(dt.date(2028, 2, 29), CONFIG) == dt.date(2027, 2, 28)


def _scalar_blockers(snapshots: list[MatchSnapshot], layer: Layer) -> dict[str, tuple[int, int]]:
    failing: Counter[str] = Counter()
    sole: Counter[str] = Counter()
    for snapshot in snapshots:
        match = match_one(CATALOGUE, snapshot, ON)
        fails, alone = set(), set()
        for product in match.layers.get(layer, ()):
            unmet = [c.label_en for c in product.checklist if c.status is Status.UNMET]
            fails.update(unmet)
            if len(unmet) == 1:
                alone.update(unmet)
        failing.update(fails)
        sole.update(alone)
    return {label: (failing[label], sole[label]) for label in failing}


@settings(max_examples=15)
@given(st.lists(firms(), min_size=1, max_size=6))
def test_blockers_count_as_each_firms_checklists_say(snapshots: list[MatchSnapshot]) -> None:
    frame = snapshot_frame(snapshots, vocabulary=MATCH_VOCABULARY)
    rulesets = [entry.ruleset for entry in CATALOGUE.layer(Layer.BANK)]
    found = blockers(rulesets, frame, ON)
    got = {b.label_en: (b.firms_failing, b.firms_sole_blocker) for b in found}
    assert got == _scalar_blockers(snapshots, Layer.BANK)
    keys = [(-b.firms_sole_blocker, -b.firms_failing) for b in found]
    assert keys == sorted(keys)


def test_no_gap_firm_means_no_blocker() -> None:
    frame = snapshot_frame([], vocabulary=MATCH_VOCABULARY)
    assert blockers([e.ruleset for e in CATALOGUE.products], frame, ON) == []
