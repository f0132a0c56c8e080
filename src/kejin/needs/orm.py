"""Financing needs, the providers they target, pick-ups, offers and the append-only history.

`financing_needs.pickups` counts live pick-ups and moves only in SQL (`repository.claim`); the
partial unique index on `need_pickups` lets at most one live exclusive pick-up exist per need,
whatever path writes the row.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kejin.core.db import Base, Money, Ratio, str_enum
from kejin.needs.model import (
    NeedMode,
    NeedStatus,
    OfferStatus,
    PickupStatus,
    Purpose,
    Repayment,
)

LIVE_PICKUP = "status IN ('active', 'offered')"


class NeedRow(Base):
    __tablename__ = "financing_needs"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("pickups >= 0 AND pickups <= max_pickups", name="pickups_in_range"),
        CheckConstraint("term_months BETWEEN 1 AND 360", name="term_in_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    posted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    amount: Mapped[Decimal] = mapped_column(Money())
    purpose: Mapped[Purpose] = mapped_column(str_enum(Purpose))
    purpose_text: Mapped[str] = mapped_column(String(500), default="")
    term_months: Mapped[int] = mapped_column(Integer)
    instruments: Mapped[list[str]] = mapped_column(JSON)
    mode: Mapped[NeedMode] = mapped_column(str_enum(NeedMode))
    max_pickups: Mapped[int] = mapped_column(Integer)
    pickups: Mapped[int] = mapped_column(Integer, default=0)  # live pick-ups (0 once decided)
    status: Mapped[NeedStatus] = mapped_column(str_enum(NeedStatus), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    stage_at_posting: Mapped[str | None] = mapped_column(String(16))
    share_scopes: Mapped[list[str]] = mapped_column(JSON)
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    pickup_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decide_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_offer_id: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NeedTargetRow(Base):
    """A product that fitted the need when it was posted, and the institution told of it."""

    __tablename__ = "need_targets"

    need_id: Mapped[int] = mapped_column(
        ForeignKey("financing_needs.id", ondelete="CASCADE"), primary_key=True
    )
    product_code: Mapped[str] = mapped_column(String(80), primary_key=True)
    product_version: Mapped[int] = mapped_column(Integer)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    match_status: Mapped[str] = mapped_column(String(16))
    amount_high: Mapped[Decimal | None] = mapped_column(Money())
    notified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PickupRow(Base):
    __tablename__ = "need_pickups"
    __table_args__ = (
        UniqueConstraint("need_id", "institution_id"),
        Index(
            "uq_need_pickups_live_exclusive",
            "need_id",
            unique=True,
            sqlite_where=text(f"exclusive AND {LIVE_PICKUP}"),
            postgresql_where=text(f"exclusive AND {LIVE_PICKUP}"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("financing_needs.id", ondelete="CASCADE"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    product_code: Mapped[str] = mapped_column(String(80))
    exclusive: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[PickupStatus] = mapped_column(str_enum(PickupStatus))
    picked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    offer_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OfferRow(Base):
    __tablename__ = "need_offers"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(
        ForeignKey("financing_needs.id", ondelete="CASCADE"), index=True
    )
    pickup_id: Mapped[int] = mapped_column(ForeignKey("need_pickups.id", ondelete="CASCADE"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    product_code: Mapped[str] = mapped_column(String(80))
    amount: Mapped[Decimal] = mapped_column(Money())
    term_months: Mapped[int] = mapped_column(Integer)
    repayment: Mapped[Repayment] = mapped_column(str_enum(Repayment))
    annual_rate: Mapped[Decimal] = mapped_column(Ratio())
    guarantee_fee_rate: Mapped[Decimal] = mapped_column(Ratio())
    subsidy_share: Mapped[Decimal] = mapped_column(Ratio())
    upfront_fees: Mapped[Decimal] = mapped_column(Money())
    collateral: Mapped[str] = mapped_column(String(32))
    warrant: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    conditions: Mapped[str] = mapped_column(String(1000), default="")
    interest: Mapped[Decimal] = mapped_column(Money())
    total_cost: Mapped[Decimal] = mapped_column(Money())
    net_annual_rate: Mapped[Decimal] = mapped_column(Ratio())
    status: Mapped[OfferStatus] = mapped_column(str_enum(OfferStatus))
    valid_until: Mapped[date] = mapped_column(Date)
    made_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NeedEventRow(Base):
    """Append-only history of one need: every status change and every step beside it."""

    __tablename__ = "need_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(
        ForeignKey("financing_needs.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(120))
    event: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    pickup_id: Mapped[int | None] = mapped_column(Integer)
    offer_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
