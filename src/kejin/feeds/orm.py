"""Feed batches and the values each reported."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kejin.core.db import Base, str_enum
from kejin.feeds.model import Department


class FeedBatchRow(Base):
    __tablename__ = "feed_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department: Mapped[Department] = mapped_column(str_enum(Department))
    file_name: Mapped[str] = mapped_column(String(255))
    file_hash: Mapped[str] = mapped_column(String(64), unique=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)


class ReportedValueRow(Base):
    """One value one department reported about one enterprise (e.g. `revenue` for 2025)."""

    __tablename__ = "reported_values"
    __table_args__ = (UniqueConstraint("enterprise_id", "field", "period", "source", "as_of"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    batch_id: Mapped[int] = mapped_column(ForeignKey("feed_batches.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(64))  # e.g. financial_years.revenue
    period: Mapped[str] = mapped_column(String(16))  # a year, or "" for timeless fields
    value: Mapped[str] = mapped_column(String(200))  # canonical text of the value
    source: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[date] = mapped_column(Date)
