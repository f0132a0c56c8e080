"""Loan history table: one row per loan with its outcome."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kejin.core.db import Base, Money, Ratio, str_enum
from kejin.lending.model import LoanProduct


class LoanRow(Base):
    __tablename__ = "loans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    lender: Mapped[str] = mapped_column(String(100))
    product: Mapped[LoanProduct] = mapped_column(str_enum(LoanProduct))
    principal: Mapped[Decimal] = mapped_column(Money())
    annual_rate: Mapped[Decimal] = mapped_column(Ratio())
    term_months: Mapped[int] = mapped_column(Integer)
    start_on: Mapped[date] = mapped_column(Date)
    defaulted: Mapped[bool] = mapped_column(Boolean)
    default_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[date] = mapped_column(Date)
