"""Stored assessment runs: writing a run's verdicts, scores and cohort statistics in bulk,
pruning old runs, and the queries that read them back (the newest run, its statistics, the
rows of one region-view cell)."""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import Connection, Select, delete, func, select
from sqlalchemy.orm import Session

from kejin.assessment.orm import (
    AssessmentRunRow,
    EnterpriseScoreRow,
    PointsCohortRow,
    PointsScoreRow,
    StandardResultRow,
)
from kejin.assessment.points.cohorts import merge_cohorts
from kejin.assessment.points.rank import merge_scores
from kejin.assessment.runs.pipeline import Statistics
from kejin.assessment.schemas import NO_STAGE, DrillDown
from kejin.core.bulk import insert_frame

AnySelect = Select[*tuple[Any, ...]]


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


def prune(session: Session, keep: int) -> None:
    """Drop the stored results of all but the newest `keep` runs; run rows stay."""
    kept = select(AssessmentRunRow.id).order_by(AssessmentRunRow.id.desc()).limit(keep)
    old = select(AssessmentRunRow.id).where(AssessmentRunRow.id.not_in(kept.scalar_subquery()))
    for table in (StandardResultRow, EnterpriseScoreRow, PointsCohortRow, PointsScoreRow):
        session.execute(delete(table).where(table.run_id.in_(old.scalar_subquery())))


def latest_run_row(session: Session) -> AssessmentRunRow | None:
    return session.scalars(
        select(AssessmentRunRow)
        .where(AssessmentRunRow.finished_at.is_not(None))
        .order_by(AssessmentRunRow.id.desc())
        .limit(1)
    ).first()


def read_statistics(conn: Connection, run_id: int, config_version: str) -> Statistics | None:
    """A stored run's cohort and score tables, as the points passes read them."""
    cohorts = pl.read_database(
        select(
            PointsCohortRow.region,
            PointsCohortRow.cluster,
            PointsCohortRow.stage,
            PointsCohortRow.indicator,
            PointsCohortRow.bucket,
            PointsCohortRow.count,
        ).where(PointsCohortRow.run_id == run_id),
        conn,
    )
    scores = pl.read_database(
        select(
            PointsScoreRow.region,
            PointsScoreRow.stage,
            PointsScoreRow.innovation_points,
            PointsScoreRow.count,
        ).where(PointsScoreRow.run_id == run_id),
        conn,
    )
    if cohorts.is_empty():
        return None
    version = pl.lit(config_version).alias("config_version")
    return Statistics(
        cohorts=merge_cohorts([cohorts.with_columns(version)]),
        scores=merge_scores([scores.with_columns(version)]),
    )


def cell_query(run_id: int, query: DrillDown) -> AnySelect:
    """The stored verdicts of one region-view cell, with the enterprise's stage and points."""
    score = EnterpriseScoreRow
    result = StandardResultRow
    stmt: AnySelect = (
        select(
            result.enterprise_id,
            score.cluster,
            score.stage,
            result.status,
            result.points_low,
            result.points_high,
            score.innovation_points,
            score.band,
        )
        .join(
            score,
            (score.run_id == result.run_id) & (score.enterprise_id == result.enterprise_id),
        )
        .where(result.run_id == run_id, result.standard == query.standard)
    )
    if query.status is not None:
        stmt = stmt.where(result.status == query.status)
    if query.stage == NO_STAGE:
        stmt = stmt.where(score.stage.is_(None))
    elif query.stage is not None:
        stmt = stmt.where(score.stage == query.stage)
    if query.cluster is not None:
        stmt = stmt.where(score.cluster == query.cluster)
    return stmt


def shared_part(cell: AnySelect, readable: frozenset[int]) -> AnySelect:
    return cell.where(StandardResultRow.enterprise_id.in_(sorted(readable)))


def count_of(stmt: AnySelect) -> AnySelect:
    return select(func.count()).select_from(stmt.subquery())


def page_of(stmt: AnySelect, offset: int, size: int) -> AnySelect:
    score = EnterpriseScoreRow
    order = (score.innovation_points.is_(None), score.innovation_points.desc(), score.enterprise_id)
    return stmt.order_by(*order).offset(offset).limit(size)
