"""Request dependencies shared by every domain's API and page routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from starlette.requests import Request

from kejin.bootstrap import Platform
from kejin.core.pagination import PageRequest


def platform_of(request: Request) -> Platform:
    """The platform `create_app` was given."""
    platform: Platform = request.app.state.platform
    return platform


def page_request(
    page: Annotated[int, Query(description="page number, from 1")] = 1,
    size: Annotated[int, Query(description="rows per page, 1 to 200")] = 25,
) -> PageRequest:
    """Pagination parameters; out-of-range values are refused with the field named."""
    return PageRequest(page=page, size=size)


PlatformDep = Annotated[Platform, Depends(platform_of)]
PageDep = Annotated[PageRequest, Depends(page_request)]
