"""Reported values under `/api/v1`: what departments said about an enterprise, conflicts
flagged. Not public data: government analysts and platform administrators only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kejin.feeds import service
from kejin.feeds.model import REPORTED_VALUE_READERS
from kejin.feeds.schemas import ReportedValuesRead
from kejin.identity.model import TokenScope
from kejin.web.deps import PlatformDep
from kejin.web.policy import allow
from kejin.web.problems import problem_responses

READ_REPORTED = allow(*REPORTED_VALUE_READERS, scope=TokenScope.CONSENT_READ)
router = APIRouter(prefix="/api/v1", tags=["feeds"], dependencies=[Depends(READ_REPORTED)])


@router.get("/enterprises/{uscc}/reported-values", responses=problem_responses(404, 422))
def get_reported_values(
    platform: PlatformDep,
    uscc: Annotated[str, Path(description="unified social credit code", max_length=40)],
) -> ReportedValuesRead:
    """Each field departments reported, every source's value and date side by side."""
    return service.reported_values(platform.uow, uscc)
