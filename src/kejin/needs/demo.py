"""The demo's financing need (JOURNEYS.md): Lin's firm asks for 300万 over two years for
clinical trials, open to three providers; each demo bank whose product fits picks it up and
makes an offer, so the firm has offers to compare side by side. Idempotent: a firm that already
has a need gets no second one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from kejin.consent.model import DataScope
from kejin.core.pagination import PageRequest
from kejin.identity.model import Principal
from kejin.needs import queries, service
from kejin.needs.model import NeedMode, Purpose, Repayment
from kejin.needs.schemas import NeedCreate, OfferCreate, PickupCreate
from kejin.products.model import Instrument

WAN = Decimal(10_000)
NEED = NeedCreate(
    amount=300 * WAN,
    purpose=Purpose.CLINICAL_TRIALS,
    purpose_text="脑机接口医疗器械二期临床试验",
    term_months=24,
    instruments=[Instrument.LOAN],
    mode=NeedMode.OPEN,
    max_pickups=3,
    share_scopes=[DataScope.FINANCIALS, DataScope.IP],
)
# Demo (invented) offer terms per bank, in order: rate, guarantee fee, interest subsidy.
OFFER_TERMS = (
    (Decimal("0.0345"), Decimal("0.01"), Decimal("0.5")),
    (Decimal("0.0380"), Decimal(0), Decimal(0)),
    (Decimal("0.0395"), Decimal("0.008"), Decimal("0.5")),
)


def seed_demo_need(
    uow: service.UowFactory, firm: Principal, officers: Sequence[Principal]
) -> int | None:
    """Post the demo need and answer it; None when the firm already has a need."""
    if queries.my_needs(uow, firm, PageRequest()).total:
        return None
    need_id = service.post_need(uow, firm, NEED)
    targets = queries.need_detail(uow, firm, need_id).targets
    for officer, (rate, fee, subsidy) in zip(officers, OFFER_TERMS, strict=False):
        product = next((t for t in targets if t.institution_id == officer.institution_id), None)
        if product is None:
            continue
        form = PickupCreate(product_code=product.product_code)
        pickup = service.pick_up(uow, officer, need_id, form)
        terms = OfferCreate(
            amount=NEED.amount,
            term_months=NEED.term_months,
            annual_rate=rate,
            repayment=Repayment.BULLET,
            guarantee_fee_rate=fee,
            subsidy_share=subsidy,
            valid_until=service.today() + dt.timedelta(days=14),
        )
        service.make_offer(uow, officer, pickup, terms)
    return need_id
