"""Registry JSON API under `/api/v1`: enterprise list and detail, region summary."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kejin.identity.model import Principal
from kejin.registry import service
from kejin.registry.schemas import (
    EnterpriseDetail,
    EnterpriseFilters,
    EnterprisePage,
    RegionSummary,
)
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.policy import public
from kejin.web.problems import problem_responses

# Registry basics are public data (no consent needed); consented parts declare their own access.
router = APIRouter(prefix="/api/v1", tags=["registry"], dependencies=[Depends(public)])


# A row's figures are left out of the JSON (not sent as null) where the reader may not see them.
@router.get("/enterprises", responses=problem_responses(403, 422), response_model_exclude_none=True)
def list_enterprises(
    platform: PlatformDep,
    principal: Annotated[Principal | None, Depends(public)],
    filters: Annotated[EnterpriseFilters, Query()],
    page: PageDep,
) -> EnterprisePage:
    """Enterprises matching the filters, one page at a time, with the total count. Everyone
    gets the public columns; the latest year, revenue, R&D expense and stage appear only on
    rows whose financials the reader may see (their own enterprise, or a live `financials`
    grant to their institution; such reads are logged). `stage` and revenue sorts need
    `consented=true`, which lists only those rows (403 otherwise)."""
    return service.list_enterprises(platform.uow, filters, page, principal)


@router.get("/enterprises/{uscc}", responses=problem_responses(404, 422))
def get_enterprise(
    platform: PlatformDep,
    principal: Annotated[Principal | None, Depends(public)],
    uscc: Annotated[str, Path(description="unified social credit code", max_length=40)],
) -> EnterpriseDetail:
    """One enterprise: public sections for everyone; yearly figures, IP details, funding and
    compliance only for its own users and within a live consent grant (else listed in
    `withheld`)."""
    return service.enterprise_detail(platform.uow, uscc, principal)


@router.get("/region/summary")
def region_summary(platform: PlatformDep) -> RegionSummary:
    """Counts by stage, cluster and certification; R&D and IP totals."""
    return service.region_summary(platform.uow)
