"""Golden financing maps (`golden/*.json`): Lin's start-up from JOURNEYS.md and edge firms, each
product's checklist condition by condition, amounts, ranking and policy lists."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from kejin.matching.explain import match_one
from tests.unit.matching.firms import CATALOGUE
from tests.unit.matching.golden_firms import snapshot_from, written_map

GOLDEN = Path(__file__).parent / "golden"
FILES = sorted(GOLDEN.glob("*.json"))


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_the_financing_map_of_a_golden_firm_is_as_written(path: Path) -> None:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    match = match_one(
        CATALOGUE, snapshot_from(case["snapshot"]), dt.date.fromisoformat(case["date"])
    )
    found = written_map(match)
    if os.environ.get("KEJIN_UPDATE_GOLDEN") == "1":
        case["expect"] = found
        text = json.dumps(case, ensure_ascii=False, indent=1)
        path.write_text(text + "\n", encoding="utf-8")
    assert found == case["expect"]


def test_there_is_a_golden_map_for_lin_and_for_the_edges() -> None:
    assert {"lin", "nothing_known", "mature_borrower", "seed_in_default"} <= {p.stem for p in FILES}
