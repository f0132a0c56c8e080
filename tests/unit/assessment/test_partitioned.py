"""The assessment over partitions gives, for any split of a frame into partitions (empty ones
included), exactly what `assess_snapshots` gives for the whole frame: the same rows in the same
order, the same columns and types, the same statistics and the same region view."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from kejin.assessment.inputs.frames import SNAPSHOT_SCHEMA
from kejin.assessment.inputs.snapshots import build_snapshots
from kejin.assessment.runs import pipeline
from kejin.assessment.runs.partitioned import (
    FramePartition,
    Scratch,
    SummaryCounter,
    assess_partitions,
    frame_partitions,
)
from kejin.assessment.runs.pipeline import (
    Catalogue,
    Statistics,
    assess_snapshots,
    load_catalogue,
    summary_cells,
)
from kejin.region.model import generate_region

ON = dt.date(2026, 6, 30)
FIRMS = 900


@cache
def catalogue() -> Catalogue:
    return load_catalogue()


@cache
def region() -> pl.DataFrame:
    """A generated region's snapshots: several districts and clusters, cohorts large and small."""
    frames = generate_region(FIRMS, seed=21, as_of=dt.date(2025, 12, 31)).frames
    return build_snapshots(frames, ON)


@cache
def whole() -> tuple[pl.DataFrame, Statistics]:
    return assess_snapshots(region(), ON, catalogue())


def split(frame: pl.DataFrame, cuts: list[int]) -> list[FramePartition]:
    """`frame` cut at the given row numbers (repeated cuts give empty partitions)."""
    bounds = [0, *sorted(cuts), frame.height]
    return [
        FramePartition(f"part-{number}", frame.slice(start, stop - start))
        for number, (start, stop) in enumerate(itertools.pairwise(bounds))
    ]


@dataclasses.dataclass
class CountingPartition:
    """A partition that counts how often it is built."""

    key: str
    frame: pl.DataFrame
    builds: list[str]

    def snapshots(self, on: dt.date) -> pl.DataFrame:
        self.builds.append(self.key)
        return self.frame


def assert_same_run(parts: list[pl.DataFrame], statistics: Statistics) -> None:
    expected, expected_statistics = whole()
    assert_frame_equal(pl.concat(parts), expected)  # rows, order, columns and dtypes
    assert_frame_equal(statistics.cohorts, expected_statistics.cohorts)
    assert_frame_equal(statistics.scores, expected_statistics.scores)


@settings(max_examples=12, deadline=None)
@given(st.lists(st.integers(0, FIRMS), max_size=6), st.booleans())
def test_any_split_gives_the_results_of_the_whole_frame(cuts: list[int], kept: bool) -> None:
    with tempfile.TemporaryDirectory() as directory:
        scratch = Scratch(Path(directory)) if kept else None
        run = assess_partitions(split(region(), cuts), ON, catalogue(), scratch)
        assert_same_run(list(run.results), run.statistics)


def test_partitions_assessed_alone_would_differ_so_the_merge_matters() -> None:
    parts = split(region(), [FIRMS // 3, 2 * FIRMS // 3])
    alone = pl.concat([assess_snapshots(part.frame, ON, catalogue())[0] for part in parts])
    assert not alone.equals(whole()[0])
    assert (alone["innovation_points"] != whole()[0]["innovation_points"]).any()


def test_the_region_view_adds_up_over_partitions(tmp_path: Path) -> None:
    run = assess_partitions(frame_partitions(region(), 250), ON, catalogue(), Scratch(tmp_path))
    standards = tuple(catalogue().versions(ON))
    counter = SummaryCounter(standards)
    for part in run.results:
        counter.add(part)
    assert counter.enterprises == FIRMS
    cells = counter.cells()
    assert cells == summary_cells(whole()[0], standards)
    assert {cell["standard"] for cell in cells} == set(standards)


def test_with_scratch_each_partition_is_built_once_and_its_file_removed(tmp_path: Path) -> None:
    builds: list[str] = []
    parts = [
        CountingPartition(part.key, part.frame, builds) for part in frame_partitions(region(), 400)
    ]
    run = assess_partitions(parts, ON, catalogue(), Scratch(tmp_path))
    assert sorted(builds) == sorted(part.key for part in parts)
    kept = sorted(path.name for path in tmp_path.iterdir())  # for pass 3
    assert kept == sorted(
        f"{part.key}.{frame}.arrow" for part in parts for frame in ("snapshots", "points")
    )
    assert_same_run(list(run.results), run.statistics)
    assert list(tmp_path.iterdir()) == []
    assert sorted(builds) == sorted(part.key for part in parts)


def test_without_scratch_or_with_its_file_gone_a_partition_is_built_again(
    tmp_path: Path,
) -> None:
    builds: list[str] = []
    parts = [
        CountingPartition(f"p{n}", part.frame, builds)
        for n, part in enumerate(split(region(), [500]))
    ]
    run = assess_partitions(parts, ON, catalogue())
    assert_same_run(list(run.results), run.statistics)
    assert sorted(builds) == ["p0"] * 3 + ["p1"] * 3
    builds.clear()
    run = assess_partitions(parts, ON, catalogue(), Scratch(tmp_path))
    (tmp_path / "p1.snapshots.arrow").unlink()
    (tmp_path / "p0.points.arrow").unlink()  # pass 3 reads p0's points against the cohorts again
    assert_same_run(list(run.results), run.statistics)
    assert sorted(builds) == ["p0", "p1", "p1"]


def test_no_partitions_give_the_typed_empty_answer_of_an_empty_frame() -> None:
    empty = pl.DataFrame(schema=SNAPSHOT_SCHEMA)
    expected, statistics = assess_snapshots(empty, ON, catalogue())
    for sources in ([], [FramePartition("empty", empty)]):
        run = assess_partitions(sources, ON, catalogue())
        results = list(run.results)
        assert len(results) == 1
        assert_frame_equal(results[0], expected)
        assert_frame_equal(run.statistics.cohorts, statistics.cohorts)
    counter = SummaryCounter(tuple(catalogue().versions(ON)))
    counter.add(expected)
    assert counter.cells() == [] == summary_cells(expected, tuple(catalogue().versions(ON)))


def test_a_frame_is_cut_into_partitions_of_the_size_asked() -> None:
    parts = frame_partitions(region(), 400)
    assert [part.frame.height for part in parts] == [400, 400, 100]
    assert len({part.key for part in parts}) == 3
    assert [part.frame.height for part in frame_partitions(region().clear(), 400)] == [0]
    with pytest.raises(ValueError, match="at least one row"):
        frame_partitions(region(), 0)


def test_pass_two_in_slices_on_several_cores_gives_the_whole_frames_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`assess_snapshots` scores large frames in slices, a thread each; any slicing gives the
    rows of one piece."""
    scored: list[int] = []
    unsliced = pipeline.innovation_points

    def counting(firms: Any, *args: Any) -> pl.DataFrame:
        scored.append(firms.frame.height)
        return unsliced(firms, *args)

    monkeypatch.setattr(pipeline, "innovation_points", counting)
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 3)
    monkeypatch.setattr(pipeline, "POINTS_SLICE", 10**9)
    one_piece = assess_snapshots(region(), ON, catalogue())
    monkeypatch.setattr(pipeline, "POINTS_SLICE", 200)  # 900 firms: three slices of 300
    sliced = assess_snapshots(region(), ON, catalogue())
    assert scored == [FIRMS, 300, 300, 300]
    assert_frame_equal(sliced[0], one_piece[0])
    assert_frame_equal(sliced[1].cohorts, one_piece[1].cohorts)
    assert_frame_equal(sliced[1].scores, one_piece[1].scores)
