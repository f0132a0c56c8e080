"""Notifications JSON API under `/api/v1`: the reader's notices and marking them read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from starlette.requests import Request

from kejin.identity.model import Principal, TokenScope
from kejin.notifications import service
from kejin.notifications.schemas import NotificationPage
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.locale import locale_of
from kejin.web.policy import allow
from kejin.web.problems import problem_responses

ERRORS = problem_responses(401, 403, 404, 422)
router = APIRouter(prefix="/api/v1", tags=["notifications"], responses=ERRORS)
Reader = Annotated[Principal, Depends(allow(scope=TokenScope.NEEDS_READ))]
Writer = Annotated[Principal, Depends(allow(scope=TokenScope.NEEDS_WRITE))]


@router.get("/notifications")
def list_notifications(
    request: Request, platform: PlatformDep, principal: Reader, page: PageDep
) -> NotificationPage:
    """Your notices (yours, your institution's or your enterprise's), newest first, in the
    request's language."""
    return service.inbox(platform.uow, principal, page, locale_of(request))


@router.post("/notifications/{notification_id}/read")
def mark_read(
    platform: PlatformDep, principal: Writer, notification_id: Annotated[int, Path(ge=1)]
) -> dict[str, int]:
    """Mark one notice read."""
    return {"marked": service.mark_read(platform.uow, principal, notification_id)}
