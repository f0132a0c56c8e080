"""Needs JSON API under `/api/v1`: post a need, pick it up, offer, accept or decline, withdraw;
read one need (offers side by side, history), an enterprise's needs and a provider's workbench.

Machine clients use bearer tokens with the `needs:read` / `needs:write` scopes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kejin.identity.model import Principal, Role, TokenScope
from kejin.needs import queries, service
from kejin.needs.schemas import (
    NeedCreate,
    NeedDetail,
    NeedPage,
    OfferCreate,
    PickupCreate,
    SweepReport,
    Workbench,
)
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.policy import allow
from kejin.web.problems import problem_responses

ERRORS = problem_responses(401, 403, 404, 409, 422)
router = APIRouter(prefix="/api/v1", tags=["needs"], responses=ERRORS)

PROVIDER_ROLES = (Role.BANK_OFFICER, Role.BANK_APPROVER, Role.FUND_MANAGER, Role.GOVERNMENT_ANALYST)
EnterpriseAdmin = Annotated[
    Principal, Depends(allow(Role.ENTERPRISE_ADMIN, scope=TokenScope.NEEDS_WRITE))
]
Provider = Annotated[Principal, Depends(allow(*PROVIDER_ROLES, scope=TokenScope.NEEDS_WRITE))]
ProviderReader = Annotated[Principal, Depends(allow(*PROVIDER_ROLES, scope=TokenScope.NEEDS_READ))]
Reader = Annotated[Principal, Depends(allow(scope=TokenScope.NEEDS_READ))]
Operator = Annotated[Principal, Depends(allow(Role.PLATFORM_ADMIN, scope=TokenScope.NEEDS_WRITE))]
Id = Annotated[int, Path(ge=1)]


@router.post("/needs", status_code=201)
def post_need(platform: PlatformDep, principal: EnterpriseAdmin, form: NeedCreate) -> NeedDetail:
    """Post a financing need; providers with a fitting product are told at once."""
    need_id = service.post_need(platform.uow, principal, form)
    return queries.need_detail(platform.uow, principal, need_id)


@router.get("/needs")
def list_needs(platform: PlatformDep, principal: Reader, page: PageDep) -> NeedPage:
    """Your enterprise's needs, newest first."""
    return queries.my_needs(platform.uow, principal, page)


@router.get("/needs/{need_id}")
def get_need(platform: PlatformDep, principal: Reader, need_id: Id) -> NeedDetail:
    """One need: its status and clock, the pick-ups and offers you may see, and its history."""
    return queries.need_detail(platform.uow, principal, need_id)


@router.post("/needs/{need_id}/pickup", status_code=201)
def pick_up(
    platform: PlatformDep, principal: Provider, need_id: Id, form: PickupCreate
) -> NeedDetail:
    """Pick a need up for one of your products; 409 when another provider was first, 403 when
    the product does not fit the firm and the need now."""
    service.pick_up(platform.uow, principal, need_id, form)
    return queries.need_detail(platform.uow, principal, need_id)


@router.post("/pickups/{pickup_id}/release")
def release_pickup(platform: PlatformDep, principal: Provider, pickup_id: Id) -> Workbench:
    """Let a pick-up without an offer go."""
    service.release_pickup(platform.uow, principal, pickup_id)
    return queries.workbench(platform.uow, principal)


@router.post("/pickups/{pickup_id}/offers", status_code=201)
def make_offer(
    platform: PlatformDep, principal: Provider, pickup_id: Id, form: OfferCreate
) -> NeedDetail:
    """Make the offer of a pick-up; its net cost to the firm is computed from the terms."""
    offer_id = service.make_offer(platform.uow, principal, pickup_id, form)
    need_id = service.need_of_offer(platform.uow, offer_id)
    return queries.need_detail(platform.uow, principal, need_id)


@router.post("/offers/{offer_id}/accept")
def accept_offer(platform: PlatformDep, principal: EnterpriseAdmin, offer_id: Id) -> NeedDetail:
    """Accept an offer: every other offer of the need is declined."""
    service.accept_offer(platform.uow, principal, offer_id)
    need_id = service.need_of_offer(platform.uow, offer_id)
    return queries.need_detail(platform.uow, principal, need_id)


@router.post("/offers/{offer_id}/decline")
def decline_offer(platform: PlatformDep, principal: EnterpriseAdmin, offer_id: Id) -> NeedDetail:
    """Decline an offer; with none left the need is open to providers again."""
    service.decline_offer(platform.uow, principal, offer_id)
    need_id = service.need_of_offer(platform.uow, offer_id)
    return queries.need_detail(platform.uow, principal, need_id)


@router.post("/needs/{need_id}/withdraw")
def withdraw_need(platform: PlatformDep, principal: EnterpriseAdmin, need_id: Id) -> NeedDetail:
    """Withdraw a live need."""
    service.withdraw(platform.uow, principal, need_id)
    return queries.need_detail(platform.uow, principal, need_id)


@router.post("/needs/{need_id}/close")
def close_need(platform: PlatformDep, principal: EnterpriseAdmin, need_id: Id) -> NeedDetail:
    """Close a need whose offer was accepted or whose offers were declined."""
    service.close(platform.uow, principal, need_id)
    return queries.need_detail(platform.uow, principal, need_id)


@router.get("/workbench")
def get_workbench(platform: PlatformDep, principal: ProviderReader) -> Workbench:
    """Needs your institution may pick up, and its pick-ups by status."""
    return queries.workbench(platform.uow, principal)


@router.post("/needs/sweep")
def sweep(platform: PlatformDep, principal: Operator) -> SweepReport:
    """Lapse pick-ups and offers past their deadlines and expire needs nobody picked up."""
    return service.sweep(platform.uow)
