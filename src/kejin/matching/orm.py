"""Stored match runs: one row per run (its date, the assessment run and catalogue revision it
read, the product and policy versions, and the region's cells), then per firm and layer its
best product, and per policy the firms it lists (免申即享 or apply), and per product its reach.

Like the assessment's results, the rows are derived and written in bulk in the run's
transaction, so they carry no foreign keys; older runs' rows are pruned, run rows stay. On
PostgreSQL the two tables with rows per firm are partitioned by run, as `enterprise_results`:
each run's rows are a partition of their own, written bare and indexed once
(`kejin.core.bulk.partition_loader`), and pruned by dropping it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kejin.core.db import Base, Money, str_enum
from kejin.matching.model import PolicyList
from kejin.products.model import Layer
from kejin.registry.model import IndustryCluster, Stage


class MatchRunRow(Base):
    __tablename__ = "match_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    evaluated_on: Mapped[date] = mapped_column(Date)
    assessment_run_id: Mapped[int] = mapped_column(Integer)
    catalogue_revision: Mapped[int] = mapped_column(Integer)
    product_versions: Mapped[dict[str, Any]] = mapped_column(JSON)  # code → version
    policy_versions: Mapped[dict[str, Any]] = mapped_column(JSON)  # code → version
    enterprises: Mapped[int] = mapped_column(Integer, default=0)
    started_by: Mapped[str] = mapped_column(String(64))
    # `layers`: per stage × layer firms, eligible, possible, amount available (fen);
    # `policies`: per policy × list firms and Σ benefit (fen)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MatchLayerResultRow(Base):
    """One firm's best product in one layer, and how many products it meets, may pass on
    review, or lacks data for."""

    __tablename__ = "match_layer_results"
    __table_args__ = (
        Index("ix_match_layer_results_cell", "run_id", "layer", "stage"),
        {"postgresql_partition_by": "LIST (run_id)"},
    )

    run_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    layer: Mapped[Layer] = mapped_column(str_enum(Layer), primary_key=True)
    stage: Mapped[Stage | None] = mapped_column(str_enum(Stage))
    cluster: Mapped[IndustryCluster] = mapped_column(str_enum(IndustryCluster))
    met: Mapped[int] = mapped_column(Integer)
    review: Mapped[int] = mapped_column(Integer)
    unknown: Mapped[int] = mapped_column(Integer)
    best_product: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16))  # the best product's match status
    amount_high: Mapped[Decimal | None] = mapped_column(Money())


class ProductReachRow(Base):
    """Firms a product reaches per stage and match status, and Σ of their amount high."""

    __tablename__ = "product_reach"

    run_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product: Mapped[str] = mapped_column(String(80), primary_key=True)
    stage: Mapped[str] = mapped_column(String(16), primary_key=True)  # "none": no stage
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    firms: Mapped[int] = mapped_column(Integer)
    amount_high_sum: Mapped[Decimal | None] = mapped_column(Money())


class PolicyMatchRow(Base):
    """A firm a policy lists: entitled without applying (免申即享) or to apply."""

    __tablename__ = "policy_matches"
    __table_args__ = (
        Index("ix_policy_matches_enterprise", "run_id", "enterprise_id"),
        {"postgresql_partition_by": "LIST (run_id)"},
    )

    run_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy: Mapped[str] = mapped_column(String(80), primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    listed: Mapped[PolicyList] = mapped_column("list", str_enum(PolicyList))
    benefit_high: Mapped[Decimal | None] = mapped_column(Money())
