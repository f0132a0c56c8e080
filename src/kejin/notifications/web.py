"""The notices page: the reader's inbox, newest first, and marking everything read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kejin.identity.model import Principal
from kejin.notifications import service
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.locale import locale_of
from kejin.web.policy import signed_in
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[Principal, Depends(signed_in)]


@router.get("/notifications", response_class=HTMLResponse)
def inbox_page(
    request: Request, platform: PlatformDep, principal: SignedIn, page: PageDep
) -> HTMLResponse:
    notices = service.inbox(platform.uow, principal, page, locale_of(request))
    return render(request, "notifications/inbox.html", {"notices": notices})


@router.post("/notifications/read")
def mark_all_read(platform: PlatformDep, principal: SignedIn) -> Response:
    service.mark_read(platform.uow, principal)
    return RedirectResponse("/notifications", status_code=303)
