"""Topic pages: `/topics` lists the topics (documents held, new ones) with the form to save
one (government analysts and platform admins); `/topics/{slug}` shows the digest, every [n] a
link to its paragraph on the document page, and the topic's documents. Any signed-in user."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kejin.core.errors import KejinError
from kejin.documents.model import DocumentKind
from kejin.identity.model import Principal, Role
from kejin.search.model import MAX_QUERY_LENGTH
from kejin.topics import service
from kejin.topics.model import MAX_NAME_LENGTH, MAX_SLUG_LENGTH, topic_spec
from kejin.web.deps import PlatformDep
from kejin.web.locale import locale_of
from kejin.web.policy import allow, signed_in
from kejin.web.problems import refusal
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)
EDITOR_ROLES = frozenset({Role.GOVERNMENT_ANALYST, Role.PLATFORM_ADMIN})
SignedIn = Annotated[Principal, Depends(signed_in)]
Editor = Annotated[Principal, Depends(allow(*EDITOR_ROLES))]
Slug = Annotated[str, Path(max_length=MAX_SLUG_LENGTH)]


@router.get("/topics", response_class=HTMLResponse)
def topics_page(request: Request, platform: PlatformDep, principal: SignedIn) -> HTMLResponse:
    """Every topic, with the form to save one for those who may."""
    return _topics(request, platform, principal)


def _topics(
    request: Request,
    platform: PlatformDep,
    principal: Principal,
    status_code: int = 200,
    form: dict[str, str] | None = None,
    **refused: Any,
) -> HTMLResponse:
    context = {
        "topics": service.list_topics(platform),
        "editor": principal.role in EDITOR_ROLES,
        "kinds": list(DocumentKind),
        "form": form or {},
        "error": None,
        "problems": [],
        **refused,
    }
    return render(request, "topics/list.html", context, status_code)


@router.post("/topics")
def create_topic(
    request: Request,
    *,
    platform: PlatformDep,
    principal: Editor,
    name: Annotated[str, Form(max_length=MAX_NAME_LENGTH)] = "",
    query: Annotated[str, Form(max_length=MAX_QUERY_LENGTH)] = "",
    slug: Annotated[str, Form(max_length=MAX_SLUG_LENGTH)] = "",
    date_from: Annotated[str, Form(alias="from", max_length=10)] = "",
    date_to: Annotated[str, Form(alias="to", max_length=10)] = "",
    kind: Annotated[str, Form(max_length=32)] = "",
    language: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Save a topic from the form and open it; a refusal shows the form again."""
    filters = {"from": date_from, "to": date_to, "kind": kind, "language": language}
    try:
        spec = topic_spec(name, query, filters, slug or None)
        created = service.create_topic(platform, spec, principal.login)
    except KejinError as exc:
        form = {"name": name, "query": query, "slug": slug, **filters}
        return _topics(
            request, platform, principal, exc.status, form, **refusal(locale_of(request), exc)
        )
    return RedirectResponse(f"/topics/{created.slug}", status_code=303)


@router.get("/topics/{slug}", response_class=HTMLResponse)
def topic_page(
    request: Request, platform: PlatformDep, principal: SignedIn, slug: Slug
) -> HTMLResponse:
    """The topic's digest and documents (refreshed first if the library changed)."""
    detail, digest = service.topic_view(platform, slug)
    search = {"q": detail.topic.query, **detail.topic.filters}
    context = {
        "topic": detail.topic,
        "documents": detail.documents,
        "digest": digest,
        "search_url": "/search?" + urlencode(search),
    }
    return render(request, "topics/topic.html", context)
