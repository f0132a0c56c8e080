"""Consent JSON API under `/api/v1`: grant, revoke and list grants; consented reads of an
enterprise's data; the enterprise's access history.

Cookie-authenticated calls that change state send the session's CSRF token in `X-CSRF-Token`;
machine clients use bearer tokens with the `consent:read` / `consent:write` scopes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kejin.consent import service
from kejin.consent.model import GrantPurpose
from kejin.consent.schemas import AccessLogPage, GrantCreate, GrantList, GrantRead
from kejin.identity.model import Principal, Role, TokenScope
from kejin.registry import service as registry
from kejin.registry.schemas import EnterpriseFinancials
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.policy import allow
from kejin.web.problems import problem_responses

ERRORS = problem_responses(401, 403, 404, 422)
router = APIRouter(prefix="/api/v1", tags=["consent"], responses=ERRORS)

EnterpriseAdmin = Annotated[
    Principal, Depends(allow(Role.ENTERPRISE_ADMIN, scope=TokenScope.CONSENT_WRITE))
]
EnterpriseUser = Annotated[
    Principal,
    Depends(allow(Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_MEMBER, scope=TokenScope.CONSENT_READ)),
]
Reader = Annotated[Principal, Depends(allow(scope=TokenScope.CONSENT_READ))]
Uscc = Annotated[str, Path(description="unified social credit code", max_length=40)]


@router.post("/consents", status_code=201)
def grant_consent(
    platform: PlatformDep, principal: EnterpriseAdmin, form: GrantCreate
) -> GrantRead:
    """Open scopes of your enterprise's data to an institution, for a purpose, until a date."""
    return service.grant(platform.uow, principal, form)


@router.delete("/consents/{grant_id}")
def revoke_consent(
    platform: PlatformDep, principal: EnterpriseAdmin, grant_id: Annotated[int, Path(ge=1)]
) -> GrantRead:
    """End a grant now: the next read through it is refused."""
    return service.revoke(platform.uow, principal, grant_id)


@router.get("/consents")
def list_consents(platform: PlatformDep, principal: Reader) -> GrantList:
    """Your enterprise's grants, or the grants your institution received; every status."""
    return service.my_grants(platform.uow, principal)


@router.get("/enterprises/{uscc}/financials")
def get_enterprise_financials(
    platform: PlatformDep,
    principal: Reader,
    uscc: Uscc,
    purpose: Annotated[GrantPurpose, Query(description="why you read; must match the grant")],
) -> EnterpriseFinancials:
    """Financial years of an enterprise: its own users, or within a live grant for `purpose`.
    Every read by an institution is logged; outside a grant the answer is 403 (logged too)."""
    return registry.enterprise_financials(platform.uow, principal, uscc, purpose.value)


@router.get("/enterprises/{uscc}/access-log")
def get_access_log(
    platform: PlatformDep, principal: EnterpriseUser, uscc: Uscc, page: PageDep
) -> AccessLogPage:
    """Who looked at your enterprise's data (or tried), when and why, newest first."""
    return service.access_log(platform.uow, principal, uscc, page)
