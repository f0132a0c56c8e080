"""Financing-map JSON API under `/api/v1`: one enterprise's map, its financing path and what
unlocks a product (consent applies as for the assessment)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kejin.consent.model import GrantPurpose
from kejin.identity.model import Principal, TokenScope
from kejin.matching import maps
from kejin.matching.schemas import EnterpriseFinancing, FinancingPathRead, UnlockRead
from kejin.web.deps import PlatformDep
from kejin.web.policy import allow
from kejin.web.problems import problem_responses

ERRORS = problem_responses(401, 403, 404, 422)
router = APIRouter(prefix="/api/v1", tags=["financing"], responses=ERRORS)

# Anyone signed in may ask; consent decides what they get.
Reader = Annotated[Principal, Depends(allow(scope=TokenScope.CONSENT_READ))]
Uscc = Annotated[str, Path(description="unified social credit code", max_length=40)]
Purpose = Annotated[
    GrantPurpose | None,
    Query(description="why you read; must match the grant (not needed for your own)"),
]
On = Annotated[date | None, Query(description="matching date (default today)")]


def _purpose(purpose: GrantPurpose | None) -> str | None:
    return None if purpose is None else purpose.value


@router.get("/enterprises/{uscc}/financing")
def get_enterprise_financing(
    *,
    platform: PlatformDep,
    principal: Reader,
    uscc: Uscc,
    purpose: Purpose = None,
    on: On = None,
    unlocks: Annotated[
        bool, Query(description="add what unlocks the nearest miss of each layer (slower)")
    ] = False,
) -> EnterpriseFinancing:
    """Every product in force ranked per layer (status, checklist, amount range, all-in rate)
    and the policies the firm is entitled to without applying (免申即享) or may apply for,
    against the live catalogue. Its own users read it; others need a live `assessment` grant
    for `purpose`."""
    return maps.enterprise_financing(
        platform.uow, principal, uscc, _purpose(purpose), on=on, unlocks=unlocks
    )


@router.get("/enterprises/{uscc}/financing/path")
def get_enterprise_financing_path(
    *, platform: PlatformDep, principal: Reader, uscc: Uscc, purpose: Purpose = None, on: On = None
) -> FinancingPathRead:
    """What fits now, the next life-cycle stage with the revenue that reaches it and what fits
    there, and the products still far away with the conditions that block them."""
    return maps.enterprise_path(platform.uow, principal, uscc, _purpose(purpose), on=on)


@router.get("/enterprises/{uscc}/financing/unlock/{code}")
def get_product_unlock(
    *,
    platform: PlatformDep,
    principal: Reader,
    uscc: Uscc,
    code: Annotated[str, Path(max_length=80)],
    purpose: Purpose = None,
    on: On = None,
) -> UnlockRead:
    """The data to provide and the verified change plans, least effort first, that would make
    product `code` pass for the firm (404 if it is not offered on the date)."""
    return maps.product_unlock(platform.uow, principal, uscc, code, _purpose(purpose), on=on)
