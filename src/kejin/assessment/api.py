"""Assessment JSON API under `/api/v1`: one enterprise's assessment (consent applies), the
region view of the newest run, its drill-down and the newest run itself."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kejin.assessment import reads
from kejin.assessment.schemas import (
    DrillDown,
    DrillDownPage,
    EnterpriseAssessment,
    RegionAssessment,
    RunRead,
)
from kejin.consent.model import GrantPurpose
from kejin.identity.model import Principal, Role, TokenScope
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.policy import allow
from kejin.web.problems import problem_responses

ERRORS = problem_responses(401, 403, 404, 422)
router = APIRouter(prefix="/api/v1", tags=["assessment"], responses=ERRORS)

# Anyone signed in may ask; consent decides what they get.
Reader = Annotated[Principal, Depends(allow(scope=TokenScope.CONSENT_READ))]
# The region's counts are for the people who steer policy and run the platform.
RegionReader = Annotated[
    Principal,
    Depends(allow(Role.GOVERNMENT_ANALYST, Role.PLATFORM_ADMIN, scope=TokenScope.REGISTRY_READ)),
]
# The drill-down lists consented results, so it takes the consent scope.
CellReader = Annotated[
    Principal,
    Depends(allow(Role.GOVERNMENT_ANALYST, Role.PLATFORM_ADMIN, scope=TokenScope.CONSENT_READ)),
]
RunReader = Annotated[Principal, Depends(allow(scope=TokenScope.REGISTRY_READ))]
Uscc = Annotated[str, Path(description="unified social credit code", max_length=40)]


@router.get("/enterprises/{uscc}/assessment")
def get_enterprise_assessment(
    *,
    platform: PlatformDep,
    principal: Reader,
    uscc: Uscc,
    purpose: Annotated[
        GrantPurpose | None,
        Query(description="why you read; must match the grant (not needed for your own)"),
    ] = None,
    on: Annotated[
        date | None, Query(description="evaluation date; selects the rule versions (default today)")
    ] = None,
    advice: Annotated[
        bool, Query(description="add what would meet each unmet standard (up to about 1 s)")
    ] = False,
) -> EnterpriseAssessment:
    """Every standard in force with its criteria, inputs and sentences, the life-cycle stage and
    innovation points against the newest run's cohort. Its own users read it; others need a live
    grant of `assessment` for `purpose` (every read and refusal is logged)."""
    return reads.enterprise_assessment(
        platform.uow,
        principal,
        uscc,
        None if purpose is None else purpose.value,
        on=on,
        advice=advice,
    )


@router.get("/assessment/region")
def get_region_assessment(platform: PlatformDep, principal: RegionReader) -> RegionAssessment:
    """The newest run's enterprises per standard × stage × cluster × status (`run` is null and
    `cells` empty before the first run)."""
    return reads.region_assessment(platform.uow)


@router.get("/assessment/region/enterprises")
def get_region_enterprises(
    platform: PlatformDep,
    principal: CellReader,
    query: Annotated[DrillDown, Query()],
    page: PageDep,
) -> DrillDownPage:
    """The enterprises of one cell (a standard, and optionally a status, a stage — `none` for
    those without — and a cluster), best points first. `total` counts the whole cell; rows are
    listed only where the enterprise shares its assessment with you (`shared` of them)."""
    return reads.drill_down(platform.uow, principal, query, page)


@router.get("/assessment/runs/latest")
def get_latest_run(platform: PlatformDep, principal: RunReader) -> RunRead:
    """The newest finished run: its date, engine, size and the rule and configuration versions
    it used (404 before the first run)."""
    return reads.latest_run(platform.uow)
