"""Registry JSON API under `/api/v1`: enterprise list and detail, region summary."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from kejin.registry import service
from kejin.registry.schemas import (
    EnterpriseDetail,
    EnterpriseFilters,
    EnterprisePage,
    RegionSummary,
)
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.policy import public

PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
# Registry basics are public data (no consent needed); consented parts declare their own access.
router = APIRouter(prefix="/api/v1", tags=["registry"], dependencies=[Depends(public)])


@router.get("/enterprises", responses={422: PROBLEM})
def list_enterprises(
    platform: PlatformDep, filters: Annotated[EnterpriseFilters, Query()], page: PageDep
) -> EnterprisePage:
    """Enterprises matching the filters, one page at a time, with the total count."""
    return service.list_enterprises(platform.uow, filters, page)


@router.get("/enterprises/{uscc}", responses={404: PROBLEM, 422: PROBLEM})
def get_enterprise(
    platform: PlatformDep,
    uscc: Annotated[str, Path(description="unified social credit code", max_length=40)],
) -> EnterpriseDetail:
    """One enterprise with all its yearly figures, IP, certifications and more."""
    return service.enterprise_detail(platform.uow, uscc)


@router.get("/region/summary")
def region_summary(platform: PlatformDep) -> RegionSummary:
    """Counts by stage, cluster and certification; R&D and IP totals."""
    return service.region_summary(platform.uow)
