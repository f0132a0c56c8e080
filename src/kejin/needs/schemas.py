"""Contracts of the needs API and pages: posting a need, picking it up, offers and their
comparison, the history and the provider's workbench."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from kejin.assessment.model import Status
from kejin.consent.model import DataScope
from kejin.needs.model import (
    NeedMode,
    NeedStatus,
    OfferStatus,
    PickupStatus,
    Purpose,
    Repayment,
    SlaPhase,
    SlaState,
)
from kejin.products.model import Collateral, Instrument
from kejin.registry.model import Stage


class NeedCreate(BaseModel):
    """A need to post; `model.NeedSpec` checks the figures and names the field it refuses."""

    amount: Decimal = Field(description="CNY, positive, in fen at most")
    purpose: Purpose
    purpose_text: str = Field("", max_length=500)
    term_months: int = Field(description="1 to 360")
    instruments: list[Instrument] = Field(description="at least one")
    mode: NeedMode = NeedMode.EXCLUSIVE
    max_pickups: int = Field(1, description="1 for an exclusive need, 1 to 3 for an open one")
    share_scopes: list[DataScope] = Field(
        default_factory=list,
        description="scopes granted to a provider when it picks the need up (for its credit "
        "assessment, until the decision deadline)",
    )


class PickupCreate(BaseModel):
    product_code: str = Field(max_length=80, description="the product the need is picked up for")


class OfferCreate(BaseModel):
    amount: Decimal = Field(gt=0)
    term_months: int = Field(ge=1, le=360)
    repayment: Repayment = Repayment.BULLET
    annual_rate: Decimal = Field(ge=0, le=1, description="annual interest rate as a fraction")
    guarantee_fee_rate: Decimal = Field(Decimal(0), ge=0, le=1)
    subsidy_share: Decimal = Field(Decimal(0), ge=0, le=1)
    upfront_fees: Decimal = Field(Decimal(0), ge=0)
    collateral: Collateral = Collateral.NONE
    warrant_share: Decimal | None = Field(
        None, ge=0, le=1, description="equity share the lender may buy (认股选择权), if any"
    )
    conditions: str = Field("", max_length=1000)
    valid_until: date


class SlaClockRead(BaseModel):
    phase: SlaPhase
    due_at: datetime
    remaining_hours: float
    state: SlaState


class TargetRead(BaseModel):
    product_code: str
    institution_id: int
    institution: str
    match_status: Status
    amount_high: Decimal | None


class PickupRead(BaseModel):
    id: int
    need_id: int
    institution_id: int
    institution: str
    product_code: str
    exclusive: bool
    status: PickupStatus
    picked_at: datetime
    offer_due_at: datetime
    ended_at: datetime | None


class OfferRead(BaseModel):
    id: int
    need_id: int
    institution_id: int
    institution: str
    product_code: str
    amount: Decimal
    term_months: int
    repayment: Repayment
    annual_rate: Decimal
    guarantee_fee_rate: Decimal
    subsidy_share: Decimal
    upfront_fees: Decimal
    collateral: Collateral
    warrant: dict[str, Any] | None
    conditions: str
    interest: Decimal
    total_cost: Decimal
    net_annual_rate: Decimal
    status: OfferStatus
    valid_until: date
    made_at: datetime


class EventRead(BaseModel):
    at: datetime
    actor: str
    event: str
    from_status: NeedStatus | None
    to_status: NeedStatus | None


class NeedRead(BaseModel):
    id: int
    enterprise_id: int
    enterprise: str
    uscc: str
    amount: Decimal
    purpose: Purpose
    purpose_text: str
    term_months: int
    instruments: list[Instrument]
    mode: NeedMode
    max_pickups: int
    pickups: int
    status: NeedStatus
    version: int
    stage_at_posting: Stage | None
    share_scopes: list[DataScope]
    posted_at: datetime
    accepted_offer_id: int | None
    closed_at: datetime | None
    clock: SlaClockRead | None


class NeedDetail(BaseModel):
    """One need as its reader may see it: the enterprise sees every pick-up and offer; a
    provider its own."""

    need: NeedRead
    targets: list[TargetRead]
    pickups: list[PickupRead]
    offers: list[OfferRead]
    events: list[EventRead]


class NeedPage(BaseModel):
    items: list[NeedRead]
    total: int
    page: int
    size: int
    pages: int


class OpenNeed(BaseModel):
    need: NeedRead
    products: list[str]  # the institution's products the need fits


class Workbench(BaseModel):
    """A provider's desk: needs to pick up (oldest first) and its own pick-ups."""

    open_needs: list[OpenNeed]
    pickups: list[PickupRead]
    pipeline: dict[PickupStatus, int]


class SweepReport(BaseModel):
    lapsed_pickups: int
    expired_needs: int
    expired_offers: int
