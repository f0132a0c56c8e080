"""Needs pages: an enterprise's needs and the form to post one; one need with its offers side by
side, its clock and history, and the actions the reader may take; a provider's workbench."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kejin.consent.model import DataScope
from kejin.core.errors import KejinError
from kejin.core.i18n import N_
from kejin.core.pagination import PageRequest
from kejin.identity.model import Principal, Role
from kejin.needs import queries, service
from kejin.needs.model import NeedMode, Purpose, Repayment
from kejin.needs.schemas import NeedCreate, OfferCreate, PickupCreate
from kejin.products import service as products
from kejin.products.model import Collateral, Instrument
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.locale import locale_of
from kejin.web.policy import allow, signed_in
from kejin.web.problems import refusal
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[Principal, Depends(signed_in)]
EnterpriseAdmin = Annotated[Principal, Depends(allow(Role.ENTERPRISE_ADMIN))]
PROVIDER_ROLES = (Role.BANK_OFFICER, Role.BANK_APPROVER, Role.FUND_MANAGER, Role.GOVERNMENT_ANALYST)
Provider = Annotated[Principal, Depends(allow(*PROVIDER_ROLES))]
Id = Annotated[int, Path(ge=1)]
OFFER_DAYS = 14  # default validity of a new offer
EVENTS = {
    "posted": N_("Posted"),
    "picked_up": N_("Picked up"),
    "released": N_("Released"),
    "lapsed": N_("Lapsed"),
    "offered": N_("Offered"),
    "offer_expired": N_("Offer expired"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "withdrawn": N_("Withdrawn"),
    "closed": N_("Closed"),
    "expired": N_("Expired"),
}


@router.get("/needs", response_class=HTMLResponse)
def needs_page(
    request: Request, platform: PlatformDep, principal: SignedIn, page: PageDep
) -> Response:
    """Enterprise users: their needs and the form to post one. Providers: the workbench."""
    if principal.role in PROVIDER_ROLES:
        return RedirectResponse("/workbench", status_code=303)
    return _needs(request, platform, principal, page)


def _needs(
    request: Request,
    platform: PlatformDep,
    principal: Principal,
    page: PageRequest,
    status_code: int = 200,
    **extra: Any,
) -> HTMLResponse:
    context = {
        "principal": principal,
        "needs": queries.my_needs(platform.uow, principal, page),
        "uscc": queries.enterprise_code(platform.uow, principal),
        "purposes": list(Purpose),
        "instruments": list(Instrument),
        "modes": list(NeedMode),
        "scopes": list(DataScope),
        "error": None,
        "problems": [],
        "form": {},
        **extra,
    }
    return render(request, "needs/list.html", context, status_code=status_code)


@router.post("/needs")
def post_need(
    request: Request,
    *,
    platform: PlatformDep,
    principal: EnterpriseAdmin,
    amount_wan: Annotated[Decimal, Form(gt=0, max_digits=14, decimal_places=2)],
    purpose: Annotated[Purpose, Form()],
    term_months: Annotated[int, Form(ge=1, le=360)],
    mode: Annotated[NeedMode, Form()] = NeedMode.EXCLUSIVE,
    max_pickups: Annotated[int, Form()] = 1,
    purpose_text: Annotated[str, Form(max_length=500)] = "",
    instruments: Annotated[list[Instrument] | None, Form()] = None,
    share_scopes: Annotated[list[DataScope] | None, Form()] = None,
) -> Response:
    raw = {"amount_wan": amount_wan, "purpose": purpose, "term_months": term_months, "mode": mode}
    try:
        form = NeedCreate(
            amount=amount_wan * 10_000,
            purpose=purpose,
            purpose_text=purpose_text,
            term_months=term_months,
            instruments=instruments or [],
            mode=mode,
            max_pickups=max_pickups if mode is NeedMode.OPEN else 1,
            share_scopes=share_scopes or [],
        )
        need_id = service.post_need(platform.uow, principal, form)
    except KejinError as exc:
        return _needs(request, platform, principal, PageRequest(), exc.status, form=raw,
                      **_refusal(request, exc))  # fmt: skip
    return RedirectResponse(f"/needs/{need_id}", status_code=303)


@router.get("/needs/{need_id}", response_class=HTMLResponse)
def need_page(
    request: Request, platform: PlatformDep, principal: SignedIn, need_id: Id
) -> HTMLResponse:
    return _need(request, platform, principal, need_id)


def _need(
    request: Request,
    platform: PlatformDep,
    principal: Principal,
    need_id: int,
    status_code: int = 200,
    **extra: Any,
) -> HTMLResponse:
    detail = queries.need_detail(platform.uow, principal, need_id)
    own = principal.enterprise_id == detail.need.enterprise_id
    mine = principal.institution_id
    context = {
        "principal": principal,
        "detail": detail,
        "own": own and principal.role is Role.ENTERPRISE_ADMIN,
        "my_targets": [t for t in detail.targets if t.institution_id == mine],
        "my_pickup": next(
            (p for p in detail.pickups if p.institution_id == mine and p.status.value == "active"),
            None,
        ),
        "events": EVENTS,
        "repayments": list(Repayment),
        "collaterals": list(Collateral),
        "default_valid_until": service.today() + timedelta(days=OFFER_DAYS),
        "error": None,
        "problems": [],
        **extra,
    }
    return render(request, "needs/detail.html", context, status_code=status_code)


@router.post("/needs/{need_id}/pickup")
def pick_up(
    request: Request,
    platform: PlatformDep,
    principal: Provider,
    need_id: Id,
    product_code: Annotated[str, Form(max_length=80)],
) -> Response:
    action = partial(
        service.pick_up, platform.uow, principal, need_id, PickupCreate(product_code=product_code)
    )
    return _act(request, platform, principal, need_id, action)


@router.post("/needs/{need_id}/pickups/{pickup_id}/offer")
def make_offer(
    request: Request,
    *,
    platform: PlatformDep,
    principal: Provider,
    need_id: Id,
    pickup_id: Id,
    amount_wan: Annotated[Decimal, Form(gt=0, max_digits=14, decimal_places=2)],
    term_months: Annotated[int, Form(ge=1, le=360)],
    annual_rate_pct: Annotated[Decimal, Form(ge=0, le=100, decimal_places=4)],
    repayment: Annotated[Repayment, Form()],
    collateral: Annotated[Collateral, Form()],
    valid_until: Annotated[date, Form()],
    guarantee_fee_pct: Annotated[Decimal, Form(ge=0, le=100, decimal_places=4)] = Decimal(0),
    subsidy_pct: Annotated[Decimal, Form(ge=0, le=100, decimal_places=2)] = Decimal(0),
    warrant_pct: Annotated[Decimal | None, Form(ge=0, le=100, decimal_places=2)] = None,
    conditions: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    form = OfferCreate(
        amount=amount_wan * 10_000,
        term_months=term_months,
        repayment=repayment,
        annual_rate=annual_rate_pct / 100,
        guarantee_fee_rate=guarantee_fee_pct / 100,
        subsidy_share=subsidy_pct / 100,
        collateral=collateral,
        warrant_share=None if warrant_pct is None else warrant_pct / 100,
        conditions=conditions,
        valid_until=valid_until,
    )
    action = partial(service.make_offer, platform.uow, principal, pickup_id, form)
    return _act(request, platform, principal, need_id, action)


@router.post("/needs/{need_id}/pickups/{pickup_id}/release")
def release(
    request: Request, platform: PlatformDep, principal: Provider, need_id: Id, pickup_id: Id
) -> Response:
    action = partial(service.release_pickup, platform.uow, principal, pickup_id)
    return _act(request, platform, principal, need_id, action)


@router.post("/needs/{need_id}/offers/{offer_id}/accept")
def accept(
    request: Request, platform: PlatformDep, principal: EnterpriseAdmin, need_id: Id, offer_id: Id
) -> Response:
    action = partial(service.accept_offer, platform.uow, principal, offer_id)
    return _act(request, platform, principal, need_id, action)


@router.post("/needs/{need_id}/offers/{offer_id}/decline")
def decline(
    request: Request, platform: PlatformDep, principal: EnterpriseAdmin, need_id: Id, offer_id: Id
) -> Response:
    action = partial(service.decline_offer, platform.uow, principal, offer_id)
    return _act(request, platform, principal, need_id, action)


@router.post("/needs/{need_id}/withdraw")
def withdraw(
    request: Request, platform: PlatformDep, principal: EnterpriseAdmin, need_id: Id
) -> Response:
    action = partial(service.withdraw, platform.uow, principal, need_id)
    return _act(request, platform, principal, need_id, action)


@router.get("/workbench", response_class=HTMLResponse)
def workbench_page(request: Request, platform: PlatformDep, principal: Provider) -> HTMLResponse:
    context = {
        "bench": queries.workbench(platform.uow, principal),
        "products": products.own_products(platform.uow, principal),
    }
    return render(request, "needs/workbench.html", context)


def _act(
    request: Request,
    platform: PlatformDep,
    principal: Principal,
    need_id: int,
    action: Callable[[], object],
) -> Response:
    """Run one step; back to the need's page, or the page again with the reason it failed."""
    try:
        action()
    except KejinError as exc:
        return _need(request, platform, principal, need_id, exc.status, **_refusal(request, exc))
    return RedirectResponse(f"/needs/{need_id}", status_code=303)


def _refusal(request: Request, exc: KejinError) -> dict[str, Any]:
    return refusal(locale_of(request), exc)
