"""Audit JSON API under `/api/v1` for platform admins (API tokens need the `audit:read` scope):
search the log and verify the chain."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kejin.audit import service
from kejin.audit.schemas import AuditFilters, AuditPage, VerifyRead
from kejin.identity.model import Role, TokenScope
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.policy import allow
from kejin.web.problems import problem_responses

router = APIRouter(
    prefix="/api/v1",
    tags=["audit"],
    dependencies=[Depends(allow(Role.PLATFORM_ADMIN, scope=TokenScope.AUDIT_READ))],
)


@router.get("/audit", responses=problem_responses(401, 403, 422))
def list_audit_entries(
    platform: PlatformDep, filters: Annotated[AuditFilters, Query()], page: PageDep
) -> AuditPage:
    """Audit entries matching the filters (actor, action, subject, UTC days), newest first."""
    return AuditPage.of(service.search(platform.uow, page, **filters.criteria()))


@router.get("/audit/verify", responses=problem_responses(401, 403))
def verify_audit_chain(platform: PlatformDep) -> VerifyRead:
    """Walk the whole chain; on failure name the first bad entry and why."""
    return VerifyRead.of(service.verify(platform.uow))
