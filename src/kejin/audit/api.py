"""Audit JSON API under `/api/v1` for platform admins: search the log and verify the chain."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from kejin.audit import service
from kejin.audit.schemas import AuditFilters, AuditPage, VerifyRead
from kejin.web.deps import PageDep, PlatformDep

PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
router = APIRouter(prefix="/api/v1", tags=["audit"])


@router.get("/audit", responses={403: PROBLEM, 422: PROBLEM})
def list_audit_entries(
    platform: PlatformDep, filters: Annotated[AuditFilters, Query()], page: PageDep
) -> AuditPage:
    """Audit entries matching the filters (actor, action, subject, UTC days), newest first."""
    return AuditPage.of(service.search(platform.uow, page, **filters.criteria()))


@router.get("/audit/verify", responses={403: PROBLEM})
def verify_audit_chain(platform: PlatformDep) -> VerifyRead:
    """Walk the whole chain; on failure name the first bad entry and why."""
    return VerifyRead.of(service.verify(platform.uow))
