"""Topic JSON API under `/api/v1`: list and read topics (any signed-in user; tokens with the
`registry:read` scope), create and refresh them (government analysts and platform admins),
edit and refresh them (government analysts and platform admins), and a topic's digest as JSON
or Markdown (its headings in the request's language).

`GET /topics/{slug}` sends `ETag: "<version>"` (the version rises with every edit and
refresh); `PATCH` needs `If-Match` with that tag (428 without it, 412 when the topic changed
in between — nothing is written then)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from kejin.core.i18n import translate
from kejin.identity.model import Principal, Role, TokenScope
from kejin.topics import service
from kejin.topics.model import DIGEST_HEADINGS, MAX_SLUG_LENGTH, digest_markdown, topic_spec
from kejin.topics.schemas import (
    DigestRead,
    EditRead,
    RefreshRead,
    TopicCreate,
    TopicDetailRead,
    TopicEdit,
    TopicRead,
)
from kejin.web.deps import PlatformDep
from kejin.web.locale import locale_of
from kejin.web.policy import allow
from kejin.web.problems import problem_responses
from kejin.web.versions import IfMatch, etag, expected_version

ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)
router = APIRouter(prefix="/api/v1", tags=["topics"], responses=ERRORS)
EDITOR_ROLES = (Role.GOVERNMENT_ANALYST, Role.PLATFORM_ADMIN)
Reader = Annotated[Principal, Depends(allow(scope=TokenScope.REGISTRY_READ))]
Editor = Annotated[Principal, Depends(allow(*EDITOR_ROLES))]
Slug = Annotated[str, Path(max_length=MAX_SLUG_LENGTH)]


@router.get("/topics")
def list_topics(platform: PlatformDep, principal: Reader) -> list[TopicRead]:
    """Every topic with the documents it holds and how many arrived after it was made."""
    return [TopicRead.model_validate(t) for t in service.list_topics(platform)]


@router.post("/topics", status_code=201)
def create_topic(platform: PlatformDep, principal: Editor, form: TopicCreate) -> TopicRead:
    """Save a topic; its query runs at once and the documents found are collected."""
    spec = topic_spec(form.name, form.query, form.filters, form.slug)
    return TopicRead.model_validate(service.create_topic(platform, spec, principal.login))


@router.get("/topics/{slug}")
def get_topic(
    platform: PlatformDep, principal: Reader, slug: Slug, response: Response
) -> TopicDetailRead:
    """The topic and its documents, best first; refreshed first if the library changed. The
    `ETag` names its version."""
    detail = service.topic_detail(platform, slug)
    response.headers["ETag"] = etag(detail.topic.version)
    return TopicDetailRead.model_validate(detail)


@router.patch("/topics/{slug}")
def edit_topic(
    *,
    platform: PlatformDep,
    principal: Editor,
    slug: Slug,
    form: TopicEdit,
    response: Response,
    if_match: IfMatch = None,
) -> EditRead:
    """Rename the topic or change its query and filters if it is still at the `If-Match`
    version; a new query or filters collects again (documents no longer found leave, new
    ones come in as new)."""
    version = expected_version(if_match)
    current = service.topic(platform, slug)
    spec = topic_spec(
        current.name if form.name is None else form.name,
        current.query if form.query is None else form.query,
        current.filters if form.filters is None else form.filters,
        slug,
    )
    edited = service.edit_topic(platform, principal, slug, spec, version)
    response.headers["ETag"] = etag(edited.topic.version)
    return EditRead.model_validate(edited)


@router.post("/topics/{slug}/refresh")
def refresh_topic(platform: PlatformDep, principal: Editor, slug: Slug) -> RefreshRead:
    """Run the topic's query again; documents not held yet are recorded as first seen now."""
    return RefreshRead.model_validate(service.refresh_topic(platform, slug))


@router.get(
    "/topics/{slug}/digest",
    response_model=DigestRead,
    responses={200: {"content": {"text/markdown": {}}}},
)
def get_digest(
    request: Request,
    *,
    platform: PlatformDep,
    principal: Reader,
    slug: Slug,
    since: Annotated[
        dt.date | None, Query(description="what's new since (default: creation)")
    ] = None,
    format: Annotated[Literal["json", "markdown"], Query()] = "json",  # noqa: A002
) -> DigestRead | PlainTextResponse:
    """The topic's digest: its best documents with their cited passage and key points, what's
    new since a date, and the numbered sources (document and paragraph)."""
    moment = dt.datetime.combine(since, dt.time(), dt.UTC) if since else None
    digest = service.topic_digest(platform, slug, moment)
    if format == "markdown":
        locale = locale_of(request)
        headings = {key: translate(locale, text) for key, text in DIGEST_HEADINGS.items()}
        return PlainTextResponse(digest_markdown(digest, headings), media_type="text/markdown")
    return DigestRead.model_validate(digest)
