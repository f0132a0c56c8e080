"""Needs read use cases: one need with its offers side by side and its history, an
enterprise's needs, and a provider's workbench. An enterprise sees everything about its own
needs; a provider sees a need it was told of or picked up, and only its own pick-ups and
offers. `need_totals` counts the needs posted since a date for the coverage view."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import String, cast, func, select

from kejin.assessment.model import Status
from kejin.consent.model import DataScope
from kejin.core.pagination import Page, PageRequest
from kejin.core.uow import UnitOfWork
from kejin.identity import service as identity
from kejin.identity.model import Principal
from kejin.needs import repository
from kejin.needs.errors import NeedNotFound
from kejin.needs.model import NeedStatus, SlaPhase, shipped_sla, sla_clock
from kejin.needs.orm import NeedRow, OfferRow, PickupRow
from kejin.needs.schemas import (
    EventRead,
    NeedDetail,
    NeedPage,
    NeedRead,
    OfferRead,
    OpenNeed,
    PickupRead,
    SlaClockRead,
    TargetRead,
    Workbench,
)
from kejin.products.model import Collateral, Instrument
from kejin.registry import service as registry
from kejin.registry.model import Stage

UowFactory = Callable[[], UnitOfWork]
PHASE_OF = {
    NeedStatus.POSTED: SlaPhase.PICK_UP,
    NeedStatus.PICKED_UP: SlaPhase.OFFER,
    NeedStatus.OFFERED: SlaPhase.DECIDE,
}


def need_detail(uow: UowFactory, principal: Principal, need_id: int) -> NeedDetail:
    with uow() as work:
        session = work.session
        need = repository.need(session, need_id)
        if need is None:
            raise NeedNotFound("No financing need {id}", field="id", id=need_id)
        own = principal.enterprise_id == need.enterprise_id
        mine = principal.institution_id
        targets = repository.targets(session, need_id, None if own else mine)
        pickups = [
            p for p in repository.pickups(session, need_id) if own or p.institution_id == mine
        ]
        if not own and not targets and not pickups:
            raise NeedNotFound("No financing need {id}", field="id", id=need_id)
        offers = [o for o in repository.offers(session, need_id) if own or o.institution_id == mine]
        ids = {t.institution_id for t in targets} | {p.institution_id for p in pickups}
        names = identity.institution_names(work, ids)
        return NeedDetail(
            need=_need_read(work, need, pickups),
            targets=[
                TargetRead(
                    product_code=t.product_code,
                    institution_id=t.institution_id,
                    institution=names.get(t.institution_id, ""),
                    match_status=Status(t.match_status),
                    amount_high=t.amount_high,
                )
                for t in targets
            ],
            pickups=[_pickup_read(p, names) for p in pickups],
            offers=[_offer_read(o, names) for o in offers],
            events=[
                EventRead(
                    at=e.at,
                    actor=e.actor,
                    event=e.event,
                    from_status=None if e.from_status is None else NeedStatus(e.from_status),
                    to_status=None if e.to_status is None else NeedStatus(e.to_status),
                )
                for e in repository.events(session, need_id)
                if own or e.pickup_id is None or e.pickup_id in {p.id for p in pickups}
            ],
        )


def my_needs(uow: UowFactory, principal: Principal, request: PageRequest) -> NeedPage:
    """The enterprise's needs, newest first."""
    if principal.enterprise_id is None:
        return NeedPage(items=[], total=0, page=request.page, size=request.size, pages=1)
    with uow() as work:
        rows, total = repository.enterprise_needs(
            work.session, principal.enterprise_id, request.offset, request.size
        )
        items = [_need_read(work, row) for row in rows]
    pages = Page(items, total, request.page, request.size).pages
    return NeedPage(items=items, total=total, page=request.page, size=request.size, pages=pages)


def enterprise_code(uow: UowFactory, principal: Principal) -> str | None:
    """The credit code of the principal's enterprise (None for institution staff)."""
    if principal.enterprise_id is None:
        return None
    with uow() as work:
        return registry.enterprise_keys(work, [principal.enterprise_id])[
            principal.enterprise_id
        ].uscc


def workbench(uow: UowFactory, principal: Principal) -> Workbench:
    """Needs the institution may pick up, with their clocks, and its own pick-ups."""
    institution_id = principal.institution_id
    if institution_id is None:
        return Workbench(open_needs=[], pickups=[], pipeline={})
    with uow() as work:
        session = work.session
        open_rows = repository.open_for(session, institution_id)
        products: dict[int, list[str]] = {}
        needs: dict[int, NeedRow] = {}
        for need, target in open_rows:
            needs[need.id] = need
            products.setdefault(need.id, []).append(target.product_code)
        names = identity.institution_names(work, [institution_id])
        picked = repository.institution_pickups(session, institution_id)
        return Workbench(
            open_needs=[
                OpenNeed(need=_need_read(work, need), products=products[need.id])
                for need in needs.values()
            ],
            pickups=[_pickup_read(pickup, names) for pickup, _ in picked],
            pipeline=dict(Counter(pickup.status for pickup, _ in picked)),
        )


def _need_read(work: UnitOfWork, need: NeedRow, pickups: list[PickupRow] | None = None) -> NeedRead:
    key = registry.enterprise_keys(work, [need.enterprise_id])[need.enterprise_id]
    return NeedRead(
        id=need.id,
        enterprise_id=need.enterprise_id,
        enterprise=key.name,
        uscc=key.uscc,
        amount=need.amount,
        purpose=need.purpose,
        purpose_text=need.purpose_text,
        term_months=need.term_months,
        instruments=[Instrument(value) for value in need.instruments],
        mode=need.mode,
        max_pickups=need.max_pickups,
        pickups=need.pickups,
        status=need.status,
        version=need.version,
        stage_at_posting=None if need.stage_at_posting is None else Stage(need.stage_at_posting),
        share_scopes=[DataScope(value) for value in need.share_scopes],
        posted_at=need.posted_at,
        accepted_offer_id=need.accepted_offer_id,
        closed_at=need.closed_at,
        clock=_clock(need, pickups or []),
    )


def _clock(need: NeedRow, pickups: list[PickupRow]) -> SlaClockRead | None:
    """The clock that runs now: pick-up while posted, the earliest offer deadline while
    picked up, the decision while offers wait."""
    phase = PHASE_OF.get(need.status)
    if phase is None:
        return None
    window = shipped_sla().windows[phase]
    match phase:
        case SlaPhase.PICK_UP:
            due = need.pickup_due_at
        case SlaPhase.OFFER:
            dues = [p.offer_due_at for p in pickups if p.status.value == "active"]
            due = min(dues) if dues else need.pickup_due_at
        case SlaPhase.DECIDE:
            due = need.decide_due_at or need.pickup_due_at
    clock = sla_clock(shipped_sla(), phase, _utc(due) - window, datetime.now(UTC))
    return SlaClockRead(
        phase=clock.phase,
        due_at=clock.due_at,
        remaining_hours=round(clock.remaining.total_seconds() / 3600, 1),
        state=clock.state,
    )


def _utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored moment is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _pickup_read(pickup: PickupRow, names: dict[int, str]) -> PickupRead:
    return PickupRead(
        id=pickup.id,
        need_id=pickup.need_id,
        institution_id=pickup.institution_id,
        institution=names.get(pickup.institution_id, ""),
        product_code=pickup.product_code,
        exclusive=pickup.exclusive,
        status=pickup.status,
        picked_at=pickup.picked_at,
        offer_due_at=pickup.offer_due_at,
        ended_at=pickup.ended_at,
    )


def _offer_read(offer: OfferRow, names: dict[int, str]) -> OfferRead:
    return OfferRead(
        id=offer.id,
        need_id=offer.need_id,
        institution_id=offer.institution_id,
        institution=names.get(offer.institution_id, ""),
        product_code=offer.product_code,
        amount=offer.amount,
        term_months=offer.term_months,
        repayment=offer.repayment,
        annual_rate=offer.annual_rate,
        guarantee_fee_rate=offer.guarantee_fee_rate,
        subsidy_share=offer.subsidy_share,
        upfront_fees=offer.upfront_fees,
        collateral=Collateral(offer.collateral),
        warrant=offer.warrant,
        conditions=offer.conditions,
        interest=offer.interest,
        total_cost=offer.total_cost,
        net_annual_rate=offer.net_annual_rate,
        status=offer.status,
        valid_until=offer.valid_until,
        made_at=offer.made_at,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class NeedTotal:
    """Needs posted by firms of one stage (at posting) that accept the same instruments."""

    stage: str | None
    instruments: tuple[str, ...]
    needs: int
    amount: Decimal


def need_totals(work: UnitOfWork, since: datetime) -> list[NeedTotal]:
    """Every need posted since `since`, whatever became of it, counted and summed per stage at
    posting and instrument list (one GROUP BY)."""
    instruments = cast(NeedRow.instruments, String)
    rows = work.session.execute(
        select(NeedRow.stage_at_posting, instruments, func.count(), func.sum(NeedRow.amount))
        .where(NeedRow.posted_at >= since)
        .group_by(NeedRow.stage_at_posting, instruments)
    ).all()
    return [
        NeedTotal(stage, tuple(json.loads(names)), int(count), amount or Decimal(0))
        for stage, names, count, amount in rows
    ]
