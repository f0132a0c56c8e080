"""Use cases of the technology assessment: assess an import file, run the whole registry and store
the results, and read one enterprise's assessment (consent applies).

A registry run reads every snapshot, assesses it in one pass (`pipeline.assess_snapshots`), or
partition by partition on Dask (`dask_engine`), and stores the verdicts, stage, points and the
cohort statistics with the versions used, in one transaction. Results of all but the newest
`KEEP_RUNS` runs are pruned; run rows stay.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path

import polars as pl

from kejin.assessment import repository, store
from kejin.assessment.dask_engine import assess_on_dask, dask_client, registry_partitions
from kejin.assessment.inputs.snapshots import build_snapshots
from kejin.assessment.orm import (
    AssessmentRunRow,
)
from kejin.assessment.runs.partitioned import PartitionedRun, Scratch, SummaryCounter
from kejin.assessment.runs.pipeline import (
    Catalogue,
    assess_snapshots,
    load_catalogue,
)
from kejin.assessment.schemas import (
    RunRead,
)
from kejin.core.errors import FieldProblem
from kejin.core.progress import ProgressCallback, no_progress
from kejin.core.uow import UnitOfWork
from kejin.registry.imports import read_enterprise_file

UowFactory = Callable[[], UnitOfWork]
KEEP_RUNS = 3
# Steps a registry run reports to the progress callback, in order.
RUN_STEPS = ("read", "assess", "store")


@cache
def shipped_catalogue() -> Catalogue:
    """The catalogue shipped with Kejin, read once per process: its files are package data."""
    return load_catalogue()


@dataclasses.dataclass(frozen=True)
class FileAssessment:
    """The answers for the valid enterprises of a file, and the problems of the others."""

    results: pl.DataFrame
    problems: list[FieldProblem]
    rejected: int
    rule_versions: dict[str, object]
    config_versions: dict[str, str]
    snapshots: pl.DataFrame  # the valid enterprises' snapshots, row for row with `results`
    ip_assets: pl.DataFrame  # their IP assets as the file gives them (by `uscc`)


def assess_file(path: Path, on: date, catalogue: Catalogue | None = None) -> FileAssessment:
    """Assess every enterprise of an import file as of `on`, touching no database; the file's
    enterprises are their own population for innovation points."""
    catalogue = catalogue or shipped_catalogue()
    read = read_enterprise_file(path)
    snapshots = build_snapshots(read.frames, on)
    results, _ = assess_snapshots(snapshots, on, catalogue)
    return FileAssessment(
        results=results,
        problems=read.problems,
        rejected=read.rejected,
        rule_versions=catalogue.versions(on),
        config_versions=catalogue.config_versions(),
        snapshots=snapshots,
        ip_assets=read.frames.ip_assets,
    )


@dataclasses.dataclass(frozen=True)
class StoredAnswers:
    """The newest run's answers beside the registry's snapshots on its date, row for row."""

    run_id: int
    evaluated_on: date  # the snapshots' date
    snapshots: pl.DataFrame  # the snapshot frame (keys and inputs), by enterprise id
    results: pl.DataFrame  # `stage`, `innovation_points`, `points_band`, `<code>.status`


def stored_answers(
    work: UnitOfWork, on: date | None = None, ids: Collection[int] | None = None
) -> StoredAnswers | None:
    """The snapshots of every enterprise (or of those of `ids`, read in this process) as of
    `on` (default: the run's date) and the newest finished run's stored answers for the same
    rows (None before the first run). A firm registered after the run has no stored answer:
    its row has nulls. Reads inside the caller's unit of work."""
    run = store.latest_run_row(work.session)
    if run is None:
        return None
    conn = work.session.connection()
    day = on or run.evaluated_on
    snapshots = (
        repository.load_snapshots(conn, day)
        if ids is None
        else repository.load_snapshots_of(conn, ids, day)
    )
    stored = store.read_results(conn, run.id, run.rule_versions).drop("cluster")
    results = snapshots.select("enterprise_id").join(
        stored, on="enterprise_id", how="left", maintain_order="left"
    )
    return StoredAnswers(run.id, on or run.evaluated_on, snapshots, results.drop("enterprise_id"))


def latest_run_id(work: UnitOfWork) -> int | None:
    """The newest finished run's id (None before the first run)."""
    head = store.latest_run_head(work.session)
    return None if head is None else head.id


class Engine(StrEnum):
    """How a registry run assesses: in this process over one frame, or in partitions on Dask."""

    POLARS = "polars"
    DASK = "dask"


def run_registry(
    uow: UowFactory,
    on: date,
    *,
    started_by: str,
    progress: ProgressCallback = no_progress,
    catalogue: Catalogue | None = None,
    engine: Engine = Engine.POLARS,
    scheduler: str | None = None,
    partition_size: int = repository.DEFAULT_PARTITION,
) -> RunRead:
    """Assess every enterprise of the registry as of `on` and store the run.

    `Engine.DASK` runs the partitioned passes on the Dask cluster at `scheduler` (default: a
    local one) in partitions of `partition_size` ids and stores each result partition as it
    comes, in the same transaction; the rows stored are those of the in-process engine."""
    catalogue = catalogue or shipped_catalogue()
    run = _new_run(on, catalogue, engine, started_by)
    standards = tuple(catalogue.versions(on))
    with uow() as work:
        conn = work.session.connection()
        if engine is Engine.DASK:
            with dask_client(scheduler) as client, _scratch(scheduler) as scratch:
                sources = registry_partitions(conn, partition_size)
                assessed = assess_on_dask(client, sources, on, catalogue, scratch=scratch)
                progress("read", 1, len(RUN_STEPS))
                progress("assess", 2, len(RUN_STEPS))
                _store_run(work, run, assessed, standards)
        else:
            frame = repository.load_snapshots(conn, on)
            progress("read", 1, len(RUN_STEPS))
            results, statistics = assess_snapshots(frame, on, catalogue)
            progress("assess", 2, len(RUN_STEPS))
            whole = PartitionedRun(statistics, iter([results]))
            _store_run(work, run, whole, standards)
        store.prune(work.session, KEEP_RUNS)
        work.commit()
        progress("store", 3, len(RUN_STEPS))
        return RunRead.model_validate(run, from_attributes=True)


@contextmanager
def _scratch(scheduler: str | None) -> Iterator[Scratch]:
    """A temporary directory where a local cluster keeps built partitions between passes;
    none for a remote cluster, whose workers may not share this machine's disk."""
    if scheduler:
        yield Scratch()
        return
    with tempfile.TemporaryDirectory(prefix="kejin-assess-") as directory:
        yield Scratch(Path(directory))


def _new_run(on: date, catalogue: Catalogue, engine: Engine, started_by: str) -> AssessmentRunRow:
    return AssessmentRunRow(
        started_at=datetime.now(UTC),
        evaluated_on=on,
        engine=engine.value,
        points_config=catalogue.points.version,
        enterprises=0,
        rule_versions=catalogue.versions(on),
        config_versions=catalogue.config_versions(),
        started_by=started_by,
    )


def _store_run(
    work: UnitOfWork, run: AssessmentRunRow, assessed: PartitionedRun, standards: tuple[str, ...]
) -> None:
    """The run row, its statistics and its results, stored partition by partition (each
    dropped once written), with the region view added up as they pass."""
    work.session.add(run)
    work.session.flush()
    conn = work.session.connection()
    store.store_statistics(conn, run.id, assessed.statistics)
    summary = SummaryCounter(standards)
    with store.results_writer(conn, run.id, standards) as write:
        for results in assessed.results:
            write(results)
            summary.add(results)
    run.enterprises = summary.enterprises
    run.summary = summary.cells()
    run.finished_at = datetime.now(UTC)
