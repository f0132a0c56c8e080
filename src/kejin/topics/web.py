"""Topic pages: `/topics` lists the topics (documents held, new ones) with the form to save
one (government analysts and platform admins); `/topics/{slug}` shows the digest, every [n] a
link to its paragraph on the document page, and the topic's documents (any signed-in user),
with the form to edit it for those who may: the form posts the version it was opened at, and
an edit that lost the race answers 409 with a reload link."""

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
from kejin.topics.errors import TopicChanged
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
    return _topic(request, platform, principal, slug)


def _topic(
    request: Request,
    platform: PlatformDep,
    principal: Principal,
    slug: str,
    *,
    status_code: int = 200,
    form: dict[str, str] | None = None,
    **refused: Any,
) -> HTMLResponse:
    detail, digest = service.topic_view(platform, slug)
    search = {"q": detail.topic.query, **detail.topic.filters}
    current = {"name": detail.topic.name, "query": detail.topic.query, **detail.topic.filters}
    context = {
        "topic": detail.topic,
        "documents": detail.documents,
        "digest": digest,
        "search_url": "/search?" + urlencode(search),
        "editor": principal.role in EDITOR_ROLES,
        "kinds": list(DocumentKind),
        "form": form or current,
        "version": detail.topic.version if form is None else form.get("version", ""),
        "error": None,
        "problems": [],
        "changed": False,
        **refused,
    }
    return render(request, "topics/topic.html", context, status_code)


@router.post("/topics/{slug}")
def edit_topic(
    request: Request,
    *,
    platform: PlatformDep,
    principal: Editor,
    slug: Slug,
    name: Annotated[str, Form(max_length=MAX_NAME_LENGTH)] = "",
    query: Annotated[str, Form(max_length=MAX_QUERY_LENGTH)] = "",
    version: Annotated[str, Form(max_length=12)] = "",
    date_from: Annotated[str, Form(alias="from", max_length=10)] = "",
    date_to: Annotated[str, Form(alias="to", max_length=10)] = "",
    kind: Annotated[str, Form(max_length=32)] = "",
    language: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Edit the topic from its page at the version the form was opened at and show it again;
    a refusal shows the form again (409 with a reload link when the topic changed since)."""
    filters = {"from": date_from, "to": date_to, "kind": kind, "language": language}
    expected = int(version) if version.isdigit() else 0
    try:
        spec = topic_spec(name, query, filters, slug)
        service.edit_topic(platform, principal, slug, spec, expected)
    except KejinError as exc:
        changed = isinstance(exc, TopicChanged)
        form = {"name": name, "query": query, "version": version, **filters}
        shown = refusal(locale_of(request), exc)
        status = 409 if changed else exc.status
        return _topic(
            request,
            platform,
            principal,
            slug,
            status_code=status,
            form=form,
            changed=changed,
            **shown,
        )
    return RedirectResponse(f"/topics/{slug}", status_code=303)
