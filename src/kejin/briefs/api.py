"""Brief JSON API under `/api/v1`: the brief of a stored document, for any signed-in user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kejin.briefs import service
from kejin.briefs.schemas import BriefRead
from kejin.identity.model import Principal
from kejin.web.deps import PlatformDep
from kejin.web.policy import signed_in
from kejin.web.problems import problem_responses

ERRORS = problem_responses(401, 404, 422)
router = APIRouter(prefix="/api/v1", tags=["documents"], responses=ERRORS)
ExternalId = Annotated[str, Path(max_length=64)]


@router.get("/documents/{external_id}/brief")
def get_document_brief(
    platform: PlatformDep,
    principal: Annotated[Principal, Depends(signed_in)],
    external_id: ExternalId,
) -> BriefRead:
    """The document's brief: key points, themed sections and figures, each citing its
    paragraph as [external_id, position]; computed from the stored paragraphs."""
    return service.brief_read(platform.uow, external_id)
