"""The assessment over partitions: the passes of `pipeline.assess_snapshots`, one partition at a
time, so a registry larger than memory is assessed with results identical to one frame.

Innovation points need statistics of the whole population, so a run makes three passes over
the partitions, each row-local given what the passes before it merged:

1. build each partition's snapshots and count its cohorts (`count_cohorts`); the tables merge
   by adding counts (`merge_cohorts`) and are prepared once for lookups (`cohort_index`);
2. score each partition against the merged cohorts and count its points (`count_scores`); the
   score tables merge too (`merge_scores`);
3. assess each partition against both merged tables (`assess_one`): verdicts, stage, points
   and rank, exactly the columns and types `assess_snapshots` gives for those rows.

The steps are plain functions of a `PartitionSource` (a picklable recipe that builds one
partition's snapshot frame: from the database by id range, a generator, or a frame in memory),
so the same code runs in a loop here (`assess_partitions`) and as Dask tasks
(`kejin.assessment.dask_engine`), where workers build their partitions themselves and only the
small tables and the results travel. A `Scratch` directory keeps each built partition as an
Arrow IPC file from pass 1 to pass 3, so it is built once instead of three times, and the
part of its points that pass 3 reads from pass 2, so they are ranked, not scored twice; without
one (or when a file is gone, e.g. on another machine) a later pass works them out again.
Results come one partition at a time, to be stored or aggregated and dropped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from kejin.assessment.inputs.frames import SNAPSHOT_SCHEMA
from kejin.assessment.points.cohorts import (
    CohortIndex,
    cohort_index,
    cohort_table,
    innovation_points,
    merge_cohorts,
)
from kejin.assessment.points.rank import merge_scores, score_table
from kejin.assessment.runs.pipeline import (
    RANKED_INPUTS,
    Catalogue,
    Statistics,
    assess_against,
    assess_ranked,
    summary_cells,
)

SNAPSHOTS, POINTS = "snapshots", "points"  # the frames a Scratch keeps of a partition
CELL_SCHEMA: dict[str, pl.DataType] = {
    "standard": pl.String(),
    "stage": pl.String(),
    "cluster": pl.String(),
    "status": pl.String(),
    "count": pl.Int64(),
}


class PartitionSource(Protocol):
    """Builds the snapshot frame of one partition (`SNAPSHOT_SCHEMA`); `key` names it uniquely
    within a run. Implementations are small frozen dataclasses, so a worker receives the recipe
    and builds the frame where it is used."""

    @property
    def key(self) -> str: ...

    def snapshots(self, on: dt.date) -> pl.DataFrame: ...


@dataclasses.dataclass(frozen=True, slots=True)
class FramePartition:
    """A partition already in memory (a file's enterprises, tests)."""

    key: str
    frame: pl.DataFrame

    def snapshots(self, on: dt.date) -> pl.DataFrame:
        return self.frame


def frame_partitions(frame: pl.DataFrame, size: int) -> list[FramePartition]:
    """`frame` cut into consecutive partitions of at most `size` rows (one, empty, if it is)."""
    if size < 1:
        raise ValueError("a partition holds at least one row")
    starts = range(0, max(frame.height, 1), size)
    return [FramePartition(f"rows-{start}", frame.slice(start, size)) for start in starts]


@dataclasses.dataclass(frozen=True, slots=True)
class Scratch:
    """Where a partition's frames wait between passes (`directory`), or nowhere (`None`: every
    pass works them out again): its snapshots, kept by pass 1, and its points, kept by pass 2
    for pass 3. Files are written whole under a temporary name and renamed, so a pass retried
    elsewhere never reads half a file."""

    directory: Path | None = None

    def built(self, source: PartitionSource, on: dt.date) -> pl.DataFrame:
        """Pass 1: build the partition and keep it for the later passes (a pass 1 run again,
        e.g. after a worker was lost, takes the kept one)."""
        frame = self.kept(source, SNAPSHOTS)
        if frame is None:
            frame = source.snapshots(on)
            self.keep(source, SNAPSHOTS, frame)
        return frame

    def again(self, source: PartitionSource, on: dt.date) -> pl.DataFrame:
        """A later pass: the kept partition, or the partition built again."""
        frame = self.kept(source, SNAPSHOTS)
        return source.snapshots(on) if frame is None else frame

    def keep(self, source: PartitionSource, part: str, frame: pl.DataFrame) -> None:
        path = self._path(source, part)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{uuid.uuid4().hex}.part")
        frame.write_ipc(partial)
        os.replace(partial, path)

    def kept(self, source: PartitionSource, part: str) -> pl.DataFrame | None:
        path = self._path(source, part)
        return pl.read_ipc(path) if path is not None and path.exists() else None

    def drop(self, source: PartitionSource) -> None:
        for part in (SNAPSHOTS, POINTS):
            path = self._path(source, part)
            if path is not None:
                path.unlink(missing_ok=True)

    def _path(self, source: PartitionSource, part: str) -> Path | None:
        if self.directory is None:
            return None
        return self.directory / f"{source.key}.{part}.arrow"


# --- the steps, one partition each (in a loop here, or as Dask tasks) -------------------------


def count_cohorts(
    source: PartitionSource, on: dt.date, catalogue: Catalogue, scratch: Scratch
) -> pl.DataFrame:
    """Pass 1: the partition's cohort table."""
    return cohort_table(scratch.built(source, on), catalogue.points)


def count_scores(
    source: PartitionSource,
    on: dt.date,
    catalogue: Catalogue,
    cohorts: CohortIndex,
    scratch: Scratch,
) -> pl.DataFrame:
    """Pass 2: the partition's score table, its points read against the merged cohorts (what
    pass 3 needs of them is kept)."""
    points = innovation_points(scratch.again(source, on), cohorts, catalogue.points)
    scratch.keep(source, POINTS, points.select(RANKED_INPUTS))
    return score_table(points, catalogue.points)


@dataclasses.dataclass(frozen=True, slots=True)
class Ranking:
    """What pass 3 reads of the merged statistics: the prepared cohort index and the scores."""

    cohorts: CohortIndex
    scores: pl.DataFrame


def assess_one(
    source: PartitionSource,
    on: dt.date,
    catalogue: Catalogue,
    ranking: Ranking,
    scratch: Scratch,
) -> pl.DataFrame:
    """Pass 3: the partition's results, from the points pass 2 kept (or worked out again);
    its kept frames are no longer needed afterwards."""
    frame = scratch.again(source, on)
    points = scratch.kept(source, POINTS)
    if points is None:
        results = assess_against(frame, on, catalogue, ranking.cohorts, ranking.scores)
    else:
        results = assess_ranked(frame, on, catalogue, points, ranking.scores)
    scratch.drop(source)
    return results


# --- a whole run ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PartitionedRun:
    """The merged statistics of a run and its results, one partition at a time, in the order
    of the sources; consume `results` once, storing or aggregating each partition."""

    statistics: Statistics
    results: Iterator[pl.DataFrame]


def with_one_partition(sources: Sequence[PartitionSource]) -> Sequence[PartitionSource]:
    """`sources`, or one empty partition when there are none: an empty registry still has a
    (typed, empty) result and statistics, as `assess_snapshots` gives for an empty frame."""
    if sources:
        return sources
    return [FramePartition("empty", pl.DataFrame(schema=SNAPSHOT_SCHEMA))]


def assess_partitions(
    sources: Sequence[PartitionSource],
    on: dt.date,
    catalogue: Catalogue,
    scratch: Scratch | None = None,
) -> PartitionedRun:
    """The in-process engine over partitions: the three passes in a plain loop."""
    kept = scratch or Scratch()
    parts = with_one_partition(sources)
    cohorts = merge_cohorts(count_cohorts(part, on, catalogue, kept) for part in parts)
    index = cohort_index(cohorts, catalogue.points)
    scores = merge_scores(count_scores(part, on, catalogue, index, kept) for part in parts)
    ranking = Ranking(index, scores)
    results = (assess_one(part, on, catalogue, ranking, kept) for part in parts)
    return PartitionedRun(Statistics(cohorts, scores), results)


# --- the region view, aggregated partition by partition ---------------------------------------


class SummaryCounter:
    """Adds up `summary_cells` of result partitions; `cells()` equals `summary_cells` of all
    results at once (same cells, counts and order), and `enterprises` counts the rows seen."""

    def __init__(self, standards: tuple[str, ...]) -> None:
        self.standards = standards
        self.enterprises = 0
        self._parts: list[pl.DataFrame] = []

    def add(self, results: pl.DataFrame) -> None:
        self.enterprises += results.height
        cells = summary_cells(results, self.standards)
        self._parts.append(pl.DataFrame(cells, schema=CELL_SCHEMA, orient="row"))
        if len(self._parts) > 1:  # keep one running table, never one per partition
            self._parts = [_summed(self._parts)]

    def cells(self) -> list[dict[str, Any]]:
        if not self.standards:
            return []
        return _summed(self._parts).to_dicts() if self._parts else []


def _summed(parts: Iterable[pl.DataFrame]) -> pl.DataFrame:
    keys = [name for name in CELL_SCHEMA if name != "count"]
    return pl.concat(parts).group_by(keys).agg(pl.col("count").sum()).sort(keys)
