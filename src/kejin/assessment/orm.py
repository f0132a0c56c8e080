"""Stored assessments: one run row per batch (with the rule and configuration versions it used),
then one row per enterprise holding its verdicts under every standard, its stage and its
innovation points, and the run's cohort and score tables.

A run records everything needed to reproduce it: the evaluation date, the version of every rule
set and configuration file, and the engine. Results of older runs are pruned (see the service);
their run rows stay as history.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kejin.core.db import Base, str_enum
from kejin.registry.model import IndustryCluster, Stage


class AssessmentRunRow(Base):
    __tablename__ = "assessment_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    evaluated_on: Mapped[date] = mapped_column(Date)
    engine: Mapped[str] = mapped_column(String(16))  # "polars" or "dask"
    points_config: Mapped[str] = mapped_column(String(32))  # innovation-points config version
    enterprises: Mapped[int] = mapped_column(Integer, default=0)
    # per rule-set code: the version, document number and start date used
    rule_versions: Mapped[dict[str, Any]] = mapped_column(JSON)
    # the version of the stage rules and of the innovation-points configuration
    config_versions: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_by: Mapped[str] = mapped_column(String(64))
    # enterprises per standard × stage × cluster × status, for the region view
    summary: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class EnterpriseResultRow(Base):
    """One enterprise in one run: its verdict and points under every standard the run assessed,
    its life-cycle stage and its innovation points.

    The verdicts are kept compactly in one row rather than one row per standard (seven times
    fewer rows to write and index): `verdicts` holds one letter per standard and `points` one
    `low/high` field per standard (hundredths of a point, empty when the verdict has none),
    both in the order of the run's standard codes sorted (see `kejin.assessment.store`).

    No foreign keys: the rows are derived, written in bulk by the run that creates the run row
    in the same transaction, and deleted by run when runs are pruned (on PostgreSQL a run's
    rows are one partition, dropped whole); checking two keys per row
    made storing a run several times slower. No use case deletes an enterprise. The cohort
    and score tables of a run are derived and pruned the same way (over a million cohort rows
    for a million enterprises), so they have no key to the run either.
    """

    __tablename__ = "enterprise_results"
    # The region view's drill-down: a run's cell by stage and cluster, the status filter read
    # from the index itself. On PostgreSQL each run's rows are a partition of their own, written
    # bare and indexed once (`kejin.core.bulk.partition_loader`), and pruned by dropping it.
    __table_args__ = (
        Index("ix_enterprise_results_run_cell", "run_id", "stage", "cluster", "verdicts"),
        {"postgresql_partition_by": "LIST (run_id)"},
    )

    run_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster: Mapped[IndustryCluster] = mapped_column(str_enum(IndustryCluster))  # at the run
    stage: Mapped[Stage | None] = mapped_column(str_enum(Stage))
    verdicts: Mapped[str] = mapped_column(String(64))
    points: Mapped[str] = mapped_column(Text)
    innovation_points: Mapped[int | None] = mapped_column(Integer)
    points_rank: Mapped[int | None] = mapped_column(Integer)  # 1 + firms of the stage above
    band: Mapped[str | None] = mapped_column(String(16))  # configured bands: "top5", …
    top_indicators: Mapped[list[str]] = mapped_column(JSON)


class PointsCohortRow(Base):
    """Merged cohort histograms of a run, one row per cohort × indicator: firms per grid bucket,
    so that one enterprise can later be scored alone exactly as the run scored it.

    `histogram` holds the buckets in ascending order as `bucket:count` pairs, comma-separated,
    the bucket empty for a missing measure (it comes first): `:12,40:3,41:7`. A million
    enterprises give about 5,000 rows, where one row per bucket gave 1.26 million."""

    __tablename__ = "points_cohorts"
    __table_args__ = (Index("ix_points_cohorts_run_cohort", "run_id", "region", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(Integer)  # no foreign key: see EnterpriseResultRow
    region: Mapped[str | None] = mapped_column(String(64))
    cluster: Mapped[str | None] = mapped_column(String(32))
    stage: Mapped[Stage] = mapped_column(str_enum(Stage))
    indicator: Mapped[str] = mapped_column(String(64))
    histogram: Mapped[str] = mapped_column(Text)


class PointsScoreRow(Base):
    """Firms per region × stage × points of a run: the ranking table."""

    __tablename__ = "points_scores"

    run_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # no foreign key: as above
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    stage: Mapped[Stage] = mapped_column(str_enum(Stage), primary_key=True)
    innovation_points: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
