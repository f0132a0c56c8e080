"""Coverage JSON API under `/api/v1` for government analysts and platform admins: the stage ×
layer cells of the newest match run, one cell's gap firms and blockers, a policy's reach and
the firms of its lists (named only where they share their assessment)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kejin.coverage import service
from kejin.coverage.schemas import (
    CellDrillDown,
    CellQuery,
    CoverageRead,
    PolicyFirms,
    PolicyReachRead,
)
from kejin.identity.model import Principal, Role, TokenScope
from kejin.matching.model import PolicyList
from kejin.registry.model import IndustryCluster
from kejin.web.deps import PlatformDep
from kejin.web.policy import allow
from kejin.web.problems import problem_responses

ERRORS = problem_responses(401, 403, 404, 422)
router = APIRouter(prefix="/api/v1", tags=["coverage"], responses=ERRORS)

# Counts are for the people who steer policy and run the platform.
RegionReader = Annotated[
    Principal,
    Depends(allow(Role.GOVERNMENT_ANALYST, Role.PLATFORM_ADMIN, scope=TokenScope.REGISTRY_READ)),
]
# Lists name consented firms, so they take the consent scope.
ListReader = Annotated[
    Principal,
    Depends(allow(Role.GOVERNMENT_ANALYST, Role.PLATFORM_ADMIN, scope=TokenScope.CONSENT_READ)),
]
Code = Annotated[str, Path(max_length=80)]


@router.get("/financing/coverage")
def get_financing_coverage(
    platform: PlatformDep,
    principal: RegionReader,
    cluster: Annotated[IndustryCluster | None, Query(description="one cluster only")] = None,
) -> CoverageRead:
    """Per stage × layer (and any layer) of the newest match run: firms, shares eligible and
    possible, Σ of the eligible firms' best amounts, needs posted in the last 12 months (all
    clusters only) with the ratio available / needed, and the flags of weak cells."""
    return service.coverage(platform.uow, cluster)


@router.get("/financing/coverage/cell")
def get_financing_coverage_cell(
    platform: PlatformDep, principal: ListReader, query: Annotated[CellQuery, Query()]
) -> CellDrillDown:
    """One cell's firms without an eligible product in the layer, the conditions that block
    them most (failing, and failing alone in some product), and those that share their
    assessment with your institution."""
    return service.cell_drill_down(platform.uow, principal, query)


@router.get("/policies/{code}/reach")
def get_policy_reach(platform: PlatformDep, principal: RegionReader, code: Code) -> PolicyReachRead:
    """Per stage × cluster: firms entitled without applying (免申即享), to apply, not eligible,
    and Σ benefit."""
    return service.policy_reach(platform.uow, code)


@router.get("/policies/{code}/entitled")
def get_policy_entitled(
    platform: PlatformDep,
    principal: ListReader,
    code: Code,
    listed: Annotated[
        PolicyList, Query(alias="list", description="automatic (免申即享) or apply")
    ] = PolicyList.AUTOMATIC,
) -> PolicyFirms:
    """The firms of one list of the policy that share their assessment with you, and how many
    the list holds in all."""
    return service.policy_firms(platform.uow, principal, code, listed)
