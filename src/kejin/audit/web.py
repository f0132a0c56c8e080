"""The audit viewer for platform admins: the log with filters and pagination, and a box that
verifies the chain on request (`?verify=1`; a full walk is too costly for every page view)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse

from kejin.audit import service
from kejin.audit.schemas import AuditFilters, AuditPage, VerifyRead
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    platform: PlatformDep,
    filters: Annotated[AuditFilters, Query()],
    page: PageDep,
    verify: Annotated[bool, Query(description="walk the whole chain")] = False,
) -> HTMLResponse:
    result = AuditPage.of(service.search(platform.uow, page, **filters.criteria()))
    report = VerifyRead.of(service.verify(platform.uow)) if verify else None
    context = {"result": result, "filters": filters, "report": report}
    return render(request, "audit/log.html", context)
