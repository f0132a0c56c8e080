"""Stored monitoring runs of the credit model in service (`credit_monitoring_runs`): one row
per run — the model's content version, the as-of day whose registry population was scored,
its rows, the score PSI and band, and as JSON each feature's bin shares and PSI and the score
distribution in the training bands. Runs are kept (they are the drift series)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kejin.core.db import Base, str_enum
from kejin.credit.monitoring import Stability


class MonitoringRunRow(Base):
    __tablename__ = "credit_monitoring_runs"
    __table_args__ = (Index("ix_credit_monitoring_runs_model", "model_version", "as_of"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_version: Mapped[str] = mapped_column(String(32))
    as_of: Mapped[date] = mapped_column(Date)
    rows: Mapped[int] = mapped_column(Integer)
    score_psi: Mapped[float] = mapped_column(Float)
    band: Mapped[Stability] = mapped_column(str_enum(Stability))
    # [{name, labels, expected, actual, psi}], shares per bin (special and missing last)
    features: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # [{lower, expected, actual}], rows per training score band
    distribution: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    started_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
