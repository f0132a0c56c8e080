"""The scalar derivations of one enterprise agree with the frame derivations on a generated
region, on dates that move every window (the hand-made cases in test_snapshots check both)."""

from __future__ import annotations

from datetime import date
from functools import cache

import pytest

from kejin.assessment.inputs.frames import snapshot_from_row
from kejin.assessment.inputs.snapshots import build_snapshots
from kejin.region.model import DemoRegion, generate_region
from tests.unit.assessment.registry_rows import exact, single_snapshots


@cache
def region() -> DemoRegion:
    return generate_region(300, seed=7, as_of=date(2025, 12, 31))


@pytest.mark.parametrize("on", [date(2026, 6, 30), date(2025, 1, 1), date(2024, 2, 29)])
def test_every_generated_enterprise_gets_the_same_snapshot_from_both_paths(on: date) -> None:
    frames = region().frames
    built = [snapshot_from_row(row) for row in build_snapshots(frames, on).iter_rows(named=True)]
    assert [exact(one) for one in single_snapshots(frames, on)] == [exact(one) for one in built]
