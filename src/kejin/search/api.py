"""Search JSON API under `/api/v1`: full-text search of the document library's paragraphs for
any signed-in user (API tokens need the registry-read scope)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kejin.identity.model import Principal, TokenScope
from kejin.search import service
from kejin.search.schemas import SearchPageRead, SearchParams
from kejin.web.deps import PlatformDep
from kejin.web.policy import allow
from kejin.web.problems import problem_responses

router = APIRouter(prefix="/api/v1", tags=["search"], responses=problem_responses(401, 403, 422))

Reader = Annotated[Principal, Depends(allow(scope=TokenScope.REGISTRY_READ))]


@router.get("/search")
def search_documents(
    platform: PlatformDep, principal: Reader, params: Annotated[SearchParams, Query()]
) -> SearchPageRead:
    """Paragraphs matching the query and filters, best first (BM25), with highlighted snippets;
    each hit cites its document's external id and the paragraph's position."""
    page = service.search(platform, params.q, params.filters(), params.page_spec())
    return SearchPageRead.of(page)
