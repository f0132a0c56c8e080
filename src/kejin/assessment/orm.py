"""Stored assessments: one run row per batch (with the rule and configuration versions it used),
then one row per enterprise × standard and one per enterprise for stage and innovation points.

A run records everything needed to reproduce it: the evaluation date, the version of every rule
set and configuration file, and the engine. Results of older runs are pruned (see the service);
their run rows stay as history.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kejin.assessment.model import Status
from kejin.core.db import Base, ScaledDecimal, str_enum
from kejin.registry.model import IndustryCluster, Stage


def Points() -> ScaledDecimal:  # noqa: N802 - reads as a column type
    """Criterion points to two decimals (rule files use whole and half points)."""
    return ScaledDecimal(2)


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


def _run() -> Mapped[int]:
    return mapped_column(ForeignKey("assessment_runs.id", ondelete="CASCADE"), primary_key=True)


def _enterprise() -> Mapped[int]:
    return mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"), primary_key=True)


class StandardResultRow(Base):
    """One public standard's verdict for one enterprise in one run."""

    __tablename__ = "standard_results"
    __table_args__ = (Index("ix_standard_results_run_standard", "run_id", "standard", "status"),)

    run_id: Mapped[int] = _run()
    enterprise_id: Mapped[int] = _enterprise()
    standard: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[Status] = mapped_column(str_enum(Status))
    points_low: Mapped[Decimal | None] = mapped_column(Points())
    points_high: Mapped[Decimal | None] = mapped_column(Points())


class EnterpriseScoreRow(Base):
    """Life-cycle stage and innovation points of one enterprise in one run."""

    __tablename__ = "enterprise_scores"
    __table_args__ = (
        Index("ix_enterprise_scores_run_stage", "run_id", "stage", "innovation_points"),
    )

    run_id: Mapped[int] = _run()
    enterprise_id: Mapped[int] = _enterprise()
    cluster: Mapped[IndustryCluster] = mapped_column(str_enum(IndustryCluster))  # at the run
    stage: Mapped[Stage | None] = mapped_column(str_enum(Stage))
    innovation_points: Mapped[int | None] = mapped_column(Integer)
    points_rank: Mapped[int | None] = mapped_column(Integer)  # 1 + firms of the stage above
    band: Mapped[str | None] = mapped_column(String(16))  # configured bands: "top5", …
    top_indicators: Mapped[list[str]] = mapped_column(JSON)


class PointsCohortRow(Base):
    """Merged cohort histograms of a run: firms per cohort × indicator × grid bucket, so that one
    enterprise can later be scored alone exactly as the run scored it."""

    __tablename__ = "points_cohorts"
    __table_args__ = (Index("ix_points_cohorts_run_cohort", "run_id", "region", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("assessment_runs.id", ondelete="CASCADE"))
    region: Mapped[str | None] = mapped_column(String(64))
    cluster: Mapped[str | None] = mapped_column(String(32))
    stage: Mapped[Stage] = mapped_column(str_enum(Stage))
    indicator: Mapped[str] = mapped_column(String(64))
    bucket: Mapped[int | None] = mapped_column(BigInteger)  # null: the measure is missing
    count: Mapped[int] = mapped_column(Integer)


class PointsScoreRow(Base):
    """Firms per region × stage × points of a run: the ranking table."""

    __tablename__ = "points_scores"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_runs.id", ondelete="CASCADE"), primary_key=True
    )
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    stage: Mapped[Stage] = mapped_column(str_enum(Stage), primary_key=True)
    innovation_points: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
