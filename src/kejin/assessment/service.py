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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection, Row, delete, select
from sqlalchemy.orm import Session

from kejin.assessment import repository, views
from kejin.assessment.dask_engine import assess_on_dask, dask_client, registry_partitions
from kejin.assessment.errors import NoAssessmentRun
from kejin.assessment.frames import snapshot_from_row
from kejin.assessment.model import Status
from kejin.assessment.orm import (
    AssessmentRunRow,
    EnterpriseScoreRow,
    PointsCohortRow,
    PointsScoreRow,
    StandardResultRow,
)
from kejin.assessment.partitioned import PartitionedRun, Scratch, SummaryCounter
from kejin.assessment.pipeline import (
    Catalogue,
    Statistics,
    assess_snapshots,
    load_catalogue,
)
from kejin.assessment.points_config import PointsConfig, load_points_config
from kejin.assessment.schemas import (
    DrillDown,
    DrillDownItem,
    DrillDownPage,
    EnterpriseAssessment,
    RegionAssessment,
    RunRead,
    StandardRef,
    SummaryCell,
)
from kejin.assessment.snapshots import build_snapshots
from kejin.assessment.stage import stage_of
from kejin.consent import service as consent
from kejin.consent.model import DataScope, GrantPurpose
from kejin.core.bulk import insert_frame
from kejin.core.errors import FieldProblem, InvalidInput
from kejin.core.pagination import PageRequest
from kejin.core.progress import ProgressCallback, no_progress
from kejin.core.uow import UnitOfWork
from kejin.identity.model import Principal, Role
from kejin.registry import service as registry
from kejin.registry.imports import read_enterprise_file
from kejin.registry.model import IndustryCluster, Stage

UowFactory = Callable[[], UnitOfWork]
KEEP_RUNS = 3
# Steps a registry run reports to the progress callback, in order.
RUN_STEPS = ("read", "assess", "store")
# What an institution user reads an assessment for unless they choose otherwise.
DEFAULT_PURPOSES = {
    Role.BANK_OFFICER: GrantPurpose.CREDIT_ASSESSMENT,
    Role.BANK_APPROVER: GrantPurpose.CREDIT_ASSESSMENT,
    Role.FUND_MANAGER: GrantPurpose.INVESTMENT_DUE_DILIGENCE,
    Role.GOVERNMENT_ANALYST: GrantPurpose.POLICY_SUPPORT,
    Role.PLATFORM_ADMIN: GrantPurpose.POLICY_SUPPORT,
}


@cache
def shipped_catalogue() -> Catalogue:
    """The catalogue shipped with Kejin, read once per process: its files are package data."""
    return load_catalogue()


@cache
def _points_config(version: str) -> PointsConfig:
    return load_points_config(version)


def standard_refs(rule_versions: dict[str, Any]) -> list[StandardRef]:
    """The names and sources of the standards a run used (by code and version)."""
    known = shipped_catalogue().rulesets
    versions = {(r.version.code, r.version.version): r.version for r in known}
    refs = []
    for code, used in rule_versions.items():
        found = versions.get((code, str(used.get("version"))))
        refs.append(
            StandardRef(
                code=code,
                name_zh=found.name_zh if found else code,
                name_en=found.name_en if found else code,
                version=str(used.get("version", "")),
                doc_no=str(used.get("doc_no", "")),
                source_url=found.source_url if found else "",
            )
        )
    return refs


@dataclasses.dataclass(frozen=True)
class FileAssessment:
    """The answers for the valid enterprises of a file, and the problems of the others."""

    results: pl.DataFrame
    problems: list[FieldProblem]
    rejected: int
    rule_versions: dict[str, object]
    config_versions: dict[str, str]


@dataclasses.dataclass(frozen=True)
class DrillDownExport:
    """Every row of a drill-down the reader may see, and the run and cell they come from."""

    run: RunRead
    query: DrillDown
    items: list[DrillDownItem]
    total: int  # enterprises in the cell, listed or not


def assess_file(path: Path, on: date, catalogue: Catalogue | None = None) -> FileAssessment:
    """Assess every enterprise of an import file as of `on`, touching no database; the file's
    enterprises are their own population for innovation points."""
    catalogue = catalogue or shipped_catalogue()
    read = read_enterprise_file(path)
    results, _ = assess_snapshots(build_snapshots(read.frames, on), on, catalogue)
    return FileAssessment(
        results=results,
        problems=read.problems,
        rejected=read.rejected,
        rule_versions=catalogue.versions(on),
        config_versions=catalogue.config_versions(),
    )


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
        _prune(work.session)
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
    store_statistics(conn, run.id, assessed.statistics)
    summary = SummaryCounter(standards)
    for results in assessed.results:
        store_results(conn, run.id, results, standards)
        summary.add(results)
    run.enterprises = summary.enterprises
    run.summary = summary.cells()
    run.finished_at = datetime.now(UTC)


def store_results(
    conn: Connection, run_id: int, results: pl.DataFrame, standards: tuple[str, ...]
) -> None:
    """Write verdicts, stage and points of a run's results (or one partition of them) in bulk
    (points and money as storage ints)."""
    run = pl.lit(run_id, dtype=pl.Int64).alias("run_id")
    stored = results.filter(pl.col("enterprise_id").is_not_null())
    verdicts = pl.concat(
        [
            stored.select(
                run,
                "enterprise_id",
                pl.lit(code).alias("standard"),
                pl.col(f"{code}.status").alias("status"),
                _hundredths(f"{code}.low").alias("points_low"),
                _hundredths(f"{code}.high").alias("points_high"),
            )
            for code in standards
        ]
    )
    insert_frame(conn, StandardResultRow.__table__, verdicts)  # type: ignore[arg-type]
    scores = stored.select(
        run,
        "enterprise_id",
        "cluster",
        "stage",
        "innovation_points",
        "points_rank",
        pl.col("points_band").alias("band"),
        _json_list("top_indicators"),
    )
    insert_frame(conn, EnterpriseScoreRow.__table__, scores)  # type: ignore[arg-type]


def store_statistics(conn: Connection, run_id: int, statistics: Statistics) -> None:
    """Write a run's merged cohort and score tables."""
    run = pl.lit(run_id, dtype=pl.Int64).alias("run_id")
    cohorts = statistics.cohorts.select(
        run, "region", "cluster", pl.col("stage").cast(pl.String), "indicator", "bucket", "count"
    )
    insert_frame(conn, PointsCohortRow.__table__, cohorts)  # type: ignore[arg-type]
    ranking = statistics.scores.select(
        run, "region", pl.col("stage").cast(pl.String), "innovation_points", "count"
    )
    insert_frame(conn, PointsScoreRow.__table__, ranking)  # type: ignore[arg-type]


def _hundredths(column: str) -> pl.Expr:
    return (pl.col(column) * 100).cast(pl.Int64)


def _json_list(column: str) -> pl.Expr:
    """A list of plain identifiers as JSON text, built column-wise (ids hold no quotes)."""
    joined = pl.col(column).list.join('","')
    return (
        pl.when(pl.col(column).list.len() == 0)
        .then(pl.lit("[]"))
        .otherwise(pl.lit('["') + joined + pl.lit('"]'))
        .alias(column)
    )


def _prune(session: Session) -> None:
    """Drop the stored results of all but the newest `KEEP_RUNS` runs."""
    kept = select(AssessmentRunRow.id).order_by(AssessmentRunRow.id.desc()).limit(KEEP_RUNS)
    old = select(AssessmentRunRow.id).where(AssessmentRunRow.id.not_in(kept.scalar_subquery()))
    for table in (StandardResultRow, EnterpriseScoreRow, PointsCohortRow, PointsScoreRow):
        session.execute(delete(table).where(table.run_id.in_(old.scalar_subquery())))


def latest_run(uow: UowFactory) -> RunRead:
    """The newest finished run; none yet is an error the pages turn into an empty state."""
    with uow() as work:
        return RunRead.model_validate(_newest_run(work.session), from_attributes=True)


def default_purpose(role: Role) -> GrantPurpose | None:
    """The purpose an institution user reads for unless they choose another; None for
    enterprise users, who read their own enterprise without one."""
    return DEFAULT_PURPOSES.get(role)


def enterprise_assessment(
    uow: UowFactory,
    principal: Principal,
    code: str,
    purpose: str | None,
    *,
    on: date | None = None,
    catalogue: Catalogue | None = None,
    advice: bool = True,
) -> EnterpriseAssessment:
    """One enterprise's assessment as of `on` (default today): every standard in force with
    its explanation and (with `advice`, the slow part) what would meet it, the stage, and
    innovation points against the newest stored run's cohorts. Its own users read it; others
    need a live `assessment` grant for `purpose` (the read, or the refusal, is recorded), which
    institution staff must name."""
    catalogue = catalogue or shipped_catalogue()
    day = on or registry.today()
    with uow() as work:
        key = registry.enterprise_key(work, code)
        if purpose is None and not principal.is_enterprise_user:
            raise InvalidInput(
                "Name the purpose of your read; it must match the enterprise's grant",
                field="purpose",
            )
        consent.require_access(work.session, principal, key.id, DataScope.ASSESSMENT, purpose or "")
        frame = repository.load_snapshot(work.session.connection(), key.id, day)
        snapshot = snapshot_from_row(frame.row(0, named=True))
        run = _latest_run_row(work.session)
        statistics = _statistics(work.session, run) if run is not None else None
        work.commit()
    standards = views.standards(catalogue, snapshot, day, advice=advice)
    points = (
        views.points(
            snapshot,
            key.region,
            key.cluster.value,
            statistics,
            _points_config(run.points_config),
        )
        if run is not None and statistics is not None
        else None
    )
    return EnterpriseAssessment(
        enterprise_id=key.id,
        uscc=key.uscc,
        name=key.name,
        cluster=key.cluster,
        evaluated_on=day,
        stage=stage_of(snapshot, catalogue.points.stages).stage,
        points=points,
        run_id=None if run is None else run.id,
        run_evaluated_on=None if run is None else run.evaluated_on,
        standards=standards,
    )


def _latest_run_row(session: Session) -> AssessmentRunRow | None:
    return session.scalars(
        select(AssessmentRunRow)
        .where(AssessmentRunRow.finished_at.is_not(None))
        .order_by(AssessmentRunRow.id.desc())
        .limit(1)
    ).first()


def _newest_run(session: Session) -> AssessmentRunRow:
    run = _latest_run_row(session)
    if run is None:
        raise NoAssessmentRun("No assessment run has been stored yet")
    return run


_STATISTICS_CACHE: dict[tuple[str, int, datetime], Statistics] = {}


def _statistics(session: Session, run: AssessmentRunRow) -> Statistics | None:
    """A run's cohort and score tables; runs never change once finished, so they are cached
    per database and run (the newest few). The start time is part of the key: an emptied
    database hands out run ids again."""
    key = (session.get_bind().engine.url.render_as_string(), run.id, run.started_at)
    if key not in _STATISTICS_CACHE:
        found = repository.read_statistics(session.connection(), run.id, run.points_config)
        if found is None:
            return None
        while len(_STATISTICS_CACHE) >= KEEP_RUNS:
            _STATISTICS_CACHE.pop(next(iter(_STATISTICS_CACHE)))
        _STATISTICS_CACHE[key] = found
    return _STATISTICS_CACHE[key]


def region_assessment(uow: UowFactory) -> RegionAssessment:
    """The newest run's counts by standard × stage × cluster × status (empty before any run)."""
    with uow() as work:
        run = _latest_run_row(work.session)
        if run is None:
            return RegionAssessment(run=None, cells=[])
        return RegionAssessment(
            run=RunRead.model_validate(run, from_attributes=True),
            standards=standard_refs(run.rule_versions),
            cells=_cells(run.summary),
        )


def _cells(summary: list[dict[str, Any]]) -> list[SummaryCell]:
    """The stored summary (one row per standard × stage × cluster × status) as cells holding
    their counts by status."""
    counts: dict[tuple[str, str | None, str], dict[Status, int]] = {}
    for row in summary:
        cell = counts.setdefault((row["standard"], row["stage"], row["cluster"]), {})
        status = Status(row["status"])
        cell[status] = cell.get(status, 0) + int(row["count"])
    return [
        SummaryCell(
            standard=standard,
            stage=None if stage is None else Stage(stage),
            cluster=IndustryCluster(cluster),
            counts=found,
            total=sum(found.values()),
        )
        for (standard, stage, cluster), found in counts.items()
    ]


def drill_down(
    uow: UowFactory, principal: Principal, query: DrillDown, request: PageRequest
) -> DrillDownPage:
    """The enterprises of one cell of the region view in the newest run, best points first.

    Counts cover every enterprise; rows are listed only where the reader may see the
    assessment (their own enterprise, or a live `assessment` grant to their institution), and
    the rows shown are recorded as reads.
    """
    with uow() as work:
        cell = _cell(work, principal, query)
        total = work.session.scalar(repository.count_of(cell.whole)) or 0
        listed = work.session.scalar(repository.count_of(cell.shared)) or 0
        found = list(
            work.session.execute(repository.page_of(cell.shared, request.offset, request.size))
        )
        items = _items(work, principal, cell, found)
        work.commit()
    return DrillDownPage(
        run_id=cell.run.id,
        evaluated_on=cell.run.evaluated_on,
        standards=standard_refs(cell.run.rule_versions),
        items=items,
        total=total,
        shared=listed,
        page=request.page,
        size=request.size,
        pages=max(1, -(-listed // request.size)),
    )


def drill_down_export(uow: UowFactory, principal: Principal, query: DrillDown) -> DrillDownExport:
    """Every row of a drill-down the reader may see (all pages), for a CSV export; each row is
    recorded as a read."""
    with uow() as work:
        cell = _cell(work, principal, query)
        total = work.session.scalar(repository.count_of(cell.whole)) or 0
        listed = work.session.scalar(repository.count_of(cell.shared)) or 0
        found = list(work.session.execute(repository.page_of(cell.shared, 0, listed)))
        items = _items(work, principal, cell, found)
        work.commit()
    return DrillDownExport(run=cell.run, query=query, items=items, total=total)


@dataclasses.dataclass(frozen=True, slots=True)
class _Cell:
    """A drill-down's run, its rows (`whole`) and those the reader may see (`shared`)."""

    run: RunRead
    points_config: str
    whole: repository.AnySelect
    shared: repository.AnySelect


def _cell(work: UnitOfWork, principal: Principal, query: DrillDown) -> _Cell:
    run = _newest_run(work.session)
    if query.standard not in run.rule_versions:
        raise InvalidInput(
            "The newest run did not assess standard {standard}",
            field="standard",
            standard=query.standard,
        )
    readable = consent.readable_enterprise_ids(work.session, principal, DataScope.ASSESSMENT)
    whole = repository.cell_query(run.id, query)
    return _Cell(
        RunRead.model_validate(run, from_attributes=True),
        run.points_config,
        whole,
        repository.shared_part(whole, readable),
    )


def _items(
    work: UnitOfWork, principal: Principal, cell: _Cell, rows: list[Row[Any]]
) -> list[DrillDownItem]:
    """The rows as items, named from the registry; their reads are recorded."""
    ids = [row.enterprise_id for row in rows]
    consent.record_list_reads(work.session, principal, ids, DataScope.ASSESSMENT)
    keys = registry.enterprise_keys(work, ids)
    bands = {band.id: band for band in _points_config(cell.points_config).bands}
    return [
        DrillDownItem(
            uscc=keys[row.enterprise_id].uscc,
            name=keys[row.enterprise_id].name,
            cluster=row.cluster,
            stage=row.stage,
            status=row.status,
            points_low=row.points_low,
            points_high=row.points_high,
            innovation_points=row.innovation_points,
            band=row.band,
            band_zh=bands[row.band].zh if row.band in bands else None,
            band_en=bands[row.band].en if row.band in bands else None,
        )
        for row in rows
    ]
