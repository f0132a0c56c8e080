"""Stored assessment runs: writing a run's verdicts, scores and cohort statistics in bulk,
pruning old runs, and the queries that read them back (the newest run, its statistics, the
rows of one region-view cell).

A run stores one row per enterprise (`EnterpriseResultRow`). Its verdicts under the run's
standards, taken in the order of their codes sorted, are kept as one letter each (`LETTERS`)
in `verdicts` — `mkuu…` — and their points as `low/high` fields in hundredths of a point,
comma-separated, in `points` — `1050/1200,,800/800,…` — so that a run of a million enterprises
writes a million rows, not seven. A drill-down filters on the letter at the standard's place
(`substr`) and decodes the few rows it shows (`cell_rows`). On PostgreSQL a run's rows are a
partition of their own, dropped whole when the run is pruned (`kejin.core.bulk`).

The merged cohort table is stored one row per cohort × indicator, its histogram as
`bucket:count` pairs in one field (`histogram_rows`, read back by `cohorts_of`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import polars as pl
from sqlalchemy import Connection, Row, Select, Table, delete, func, select
from sqlalchemy.orm import Session

from kejin.assessment.model import Status
from kejin.assessment.orm import (
    AssessmentRunRow,
    EnterpriseResultRow,
    PointsCohortRow,
    PointsScoreRow,
)
from kejin.assessment.points.cohorts import merge_cohorts
from kejin.assessment.points.rank import merge_scores
from kejin.assessment.runs.pipeline import Statistics
from kejin.assessment.schemas import NO_STAGE, DrillDown
from kejin.core.bulk import delete_partitions, insert_frame, partition_loader
from kejin.core.money import from_scaled_int
from kejin.registry.model import IndustryCluster, Stage

AnySelect = Select[*tuple[Any, ...]]
# A verdict's letter in `EnterpriseResultRow.verdicts`; stored rows depend on it: never reuse one.
LETTERS = {
    Status.MET: "m",
    Status.UNMET: "u",
    Status.UNKNOWN: "k",
    Status.MANUAL_REVIEW: "r",
    Status.NOT_APPLICABLE: "n",
}
STATUSES = {letter: status for status, letter in LETTERS.items()}
_RESULTS: Table = EnterpriseResultRow.__table__  # type: ignore[assignment]
_HISTOGRAM_KEYS = ("region", "cluster", "stage", "indicator")  # one stored histogram each
_CELL_ORDER = ("stage", "cluster", "verdicts")  # the drill-down index's columns after the run


@contextmanager
def results_writer(
    conn: Connection, run_id: int, standards: Iterable[str]
) -> Iterator[Callable[[pl.DataFrame], None]]:
    """A writer of a run's results (the whole frame, or one partition of it at a time) in bulk,
    one row per enterprise; the rows are complete when the block ends (on PostgreSQL the run's
    partition is indexed and attached then: `kejin.core.bulk.partition_loader`)."""
    codes = tuple(standards)
    # on PostgreSQL rows go in the drill-down index's order: it is built over presorted rows,
    # and a cell's rows lie together
    with partition_loader(conn, _RESULTS, "run_id", run_id, _CELL_ORDER) as write:

        def write_results(results: pl.DataFrame) -> None:
            write(result_rows(run_id, results, codes))

        yield write_results


def result_rows(run_id: int, results: pl.DataFrame, standards: Iterable[str]) -> pl.DataFrame:
    """The `EnterpriseResultRow` rows of assessed enterprises, verdicts encoded, in storage
    values (points in hundredths, top indicators as JSON text)."""
    codes = sorted(standards)
    return results.filter(pl.col("enterprise_id").is_not_null()).select(
        pl.lit(run_id, dtype=pl.Int64).alias("run_id"),
        "enterprise_id",
        "cluster",
        "stage",
        pl.concat_str([_letter(code) for code in codes]).alias("verdicts"),
        pl.concat_str([_points(code) for code in codes], separator=",").alias("points"),
        "innovation_points",
        "points_rank",
        pl.col("points_band").alias("band"),
        _json_list("top_indicators"),
    )


def store_statistics(conn: Connection, run_id: int, statistics: Statistics) -> None:
    """Write a run's merged cohort and score tables."""
    run = pl.lit(run_id, dtype=pl.Int64).alias("run_id")
    insert_frame(conn, PointsCohortRow.__table__, histogram_rows(run_id, statistics.cohorts))  # type: ignore[arg-type]
    ranking = statistics.scores.select(
        run, "region", pl.col("stage").cast(pl.String), "innovation_points", "count"
    )
    insert_frame(conn, PointsScoreRow.__table__, ranking)  # type: ignore[arg-type]


def histogram_rows(run_id: int, cohorts: pl.DataFrame) -> pl.DataFrame:
    """The `PointsCohortRow` rows of a merged cohort table (in its canonical order): one per
    cohort × indicator, its buckets as `bucket:count` pairs in the table's order."""
    pair = pl.concat_str(
        pl.col("bucket").cast(pl.String).fill_null(""), pl.lit(":"), pl.col("count").cast(pl.String)
    )
    return (
        cohorts.group_by(*_HISTOGRAM_KEYS, maintain_order=True)
        .agg(pair.str.join(",").alias("histogram"))
        .select(
            pl.lit(run_id, dtype=pl.Int64).alias("run_id"),
            *_HISTOGRAM_KEYS[:2],
            pl.col("stage").cast(pl.String),
            *_HISTOGRAM_KEYS[3:],
            "histogram",
        )
    )


def cohorts_of(histograms: pl.DataFrame) -> pl.DataFrame:
    """The cohort rows (`region`, `cluster`, `stage`, `indicator`, `bucket`, `count`) of stored
    histogram rows, in their stored order."""
    pairs = (
        histograms.select(*_HISTOGRAM_KEYS, pl.col("histogram").str.split(","))
        .explode("histogram")
        .with_columns(pl.col("histogram").str.split_exact(":", 1))
        .unnest("histogram")
    )
    bucket, count = pl.col("field_0"), pl.col("field_1")
    return pairs.select(
        *_HISTOGRAM_KEYS,
        bucket=pl.when(bucket != "").then(bucket).cast(pl.Int64),
        count=count.cast(pl.Int64),
    )


def _letter(code: str) -> pl.Expr:
    letters = {status.value: letter for status, letter in LETTERS.items()}
    return pl.col(f"{code}.status").replace_strict(letters, return_dtype=pl.String)


def _points(code: str) -> pl.Expr:
    """`low/high` in hundredths of a point; empty where the verdict has no points (a verdict
    has both or neither)."""
    low, high = ((pl.col(f"{code}.{end}") * 100).cast(pl.Int64) for end in ("low", "high"))
    return pl.concat_str([low, high], separator="/").fill_null("")


def _json_list(column: str) -> pl.Expr:
    """A list of plain identifiers as JSON text, built column-wise (ids hold no quotes); an
    enterprise without one (not scored: no stage or cohort on the day) stores an empty list."""
    joined = pl.col(column).list.join('","')
    return (
        pl.when(pl.col(column).is_null() | (pl.col(column).list.len() == 0))
        .then(pl.lit("[]"))
        .otherwise(pl.lit('["') + joined + pl.lit('"]'))
        .alias(column)
    )


def prune(session: Session, keep: int) -> None:
    """Drop the stored results of all but the newest `keep` runs; run rows stay."""
    kept = select(AssessmentRunRow.id).order_by(AssessmentRunRow.id.desc()).limit(keep)
    old = select(AssessmentRunRow.id).where(AssessmentRunRow.id.not_in(kept.scalar_subquery()))
    delete_partitions(session.connection(), _RESULTS, "run_id", session.scalars(old).all())
    for table in (PointsCohortRow, PointsScoreRow):
        session.execute(delete(table).where(table.run_id.in_(old.scalar_subquery())))


def read_results(
    conn: Connection, run_id: int, standards: Iterable[str], enterprise_id: int | None = None
) -> pl.DataFrame:
    """A stored run's answers in the pipeline's terms: per enterprise (by id) its `stage`,
    `cluster`, `innovation_points`, `points_band` and `<code>.status` (text) under each of
    `standards` (the run's codes), verdicts decoded from their letters. With `enterprise_id`,
    that enterprise's row only (a read by primary key)."""
    row = EnterpriseResultRow
    query = select(
        row.enterprise_id, row.cluster, row.stage, row.verdicts, row.innovation_points, row.band
    ).where(row.run_id == run_id)
    if enterprise_id is not None:
        query = query.where(row.enterprise_id == enterprise_id)
    stored = pl.read_database(
        query.order_by(row.enterprise_id),
        conn,
        schema_overrides={"innovation_points": pl.Int64, "band": pl.String, "stage": pl.String},
    )
    statuses = {letter: status.value for letter, status in STATUSES.items()}
    return stored.select(
        pl.col("enterprise_id").cast(pl.Int64),
        pl.col("cluster").cast(pl.String),
        "stage",
        "innovation_points",
        pl.col("band").alias("points_band"),
        *(
            pl.col("verdicts")
            .str.slice(place, 1)
            .replace_strict(statuses, return_dtype=pl.String)
            .alias(f"{code}.status")
            for place, code in enumerate(sorted(standards))
        ),
    )


def latest_run_row(session: Session) -> AssessmentRunRow | None:
    return session.scalars(
        select(AssessmentRunRow)
        .where(AssessmentRunRow.finished_at.is_not(None))
        .order_by(AssessmentRunRow.id.desc())
        .limit(1)
    ).first()


@dataclasses.dataclass(frozen=True, slots=True)
class RunHead:
    """What one enterprise's read needs of the newest run: not its summary or versions."""

    id: int
    started_at: datetime
    evaluated_on: date
    points_config: str


def latest_run_head(session: Session) -> RunHead | None:
    """The newest finished run's key columns (its JSON columns are not read)."""
    run = AssessmentRunRow
    found = session.execute(
        select(run.id, run.started_at, run.evaluated_on, run.points_config)
        .where(run.finished_at.is_not(None))
        .order_by(run.id.desc())
        .limit(1)
    ).first()
    return None if found is None else RunHead(*found)


def read_statistics(conn: Connection, run_id: int, config_version: str) -> Statistics | None:
    """A stored run's cohort and score tables, as the points passes read them."""
    histograms = pl.read_database(
        select(
            PointsCohortRow.region,
            PointsCohortRow.cluster,
            PointsCohortRow.stage,
            PointsCohortRow.indicator,
            PointsCohortRow.histogram,
        ).where(PointsCohortRow.run_id == run_id),
        conn,
        schema_overrides={"region": pl.String, "cluster": pl.String, "stage": pl.String},
    )
    cohorts = cohorts_of(histograms)
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


@dataclasses.dataclass(frozen=True, slots=True)
class CellRow:
    """One enterprise of a region-view cell: its verdict under the cell's standard, its stage
    and its innovation points."""

    enterprise_id: int
    cluster: IndustryCluster
    stage: Stage | None
    status: Status
    points_low: Decimal | None
    points_high: Decimal | None
    innovation_points: int | None
    band: str | None


def cell_query(run_id: int, standards: Iterable[str], query: DrillDown) -> AnySelect:
    """The stored results of one region-view cell of a run that assessed `standards`."""
    result = EnterpriseResultRow
    stmt: AnySelect = select(
        result.enterprise_id,
        result.cluster,
        result.stage,
        result.verdicts,
        result.points,
        result.innovation_points,
        result.band,
    ).where(result.run_id == run_id)
    if query.status is not None:
        at = _position(standards, query.standard)
        stmt = stmt.where(func.substr(result.verdicts, at + 1, 1) == LETTERS[query.status])
    if query.stage == NO_STAGE:
        stmt = stmt.where(result.stage.is_(None))
    elif query.stage is not None:
        stmt = stmt.where(result.stage == query.stage)
    if query.cluster is not None:
        stmt = stmt.where(result.cluster == query.cluster)
    return stmt


def cell_rows(rows: Iterable[Row[Any]], standards: Iterable[str], standard: str) -> list[CellRow]:
    """Rows of `cell_query` with the verdict under `standard` decoded."""
    at = _position(standards, standard)
    found = []
    for row in rows:
        field = row.points.split(",")[at]
        low, high = field.split("/") if field else (None, None)
        found.append(
            CellRow(
                enterprise_id=row.enterprise_id,
                cluster=row.cluster,
                stage=row.stage,
                status=STATUSES[row.verdicts[at]],
                points_low=_from_hundredths(low),
                points_high=_from_hundredths(high),
                innovation_points=row.innovation_points,
                band=row.band,
            )
        )
    return found


def _position(standards: Iterable[str], standard: str) -> int:
    """Where `standard` is in a stored row's verdicts: runs store them by code, sorted."""
    return sorted(standards).index(standard)


def _from_hundredths(value: str | None) -> Decimal | None:
    return None if value is None else from_scaled_int(int(value), 2)


def shared_part(cell: AnySelect, readable: frozenset[int]) -> AnySelect:
    return cell.where(EnterpriseResultRow.enterprise_id.in_(sorted(readable)))


def count_of(stmt: AnySelect) -> AnySelect:
    return select(func.count()).select_from(stmt.subquery())


def page_of(stmt: AnySelect, offset: int, size: int) -> AnySelect:
    result = EnterpriseResultRow
    order = (
        result.innovation_points.is_(None),
        result.innovation_points.desc(),
        result.enterprise_id,
    )
    return stmt.order_by(*order).offset(offset).limit(size)
