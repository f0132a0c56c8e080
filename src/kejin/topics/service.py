"""Topic use cases: create a topic (collecting its documents at once), list and show topics,
edit one (name, query, filters) at the version read, refresh one or all (documents not yet
held are recorded as first seen now), and the digest.

A topic's query runs through the search service; the documents' metadata and briefs come from
the document library's and the briefs' services. Showing a topic refreshes it first when the
library changed since its last refresh (documents stored and the highest id: one query)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from kejin.audit import service as audit
from kejin.bootstrap import Platform
from kejin.briefs import service as briefs
from kejin.core.i18n import N_
from kejin.documents import service as documents
from kejin.documents.errors import DocumentNotFound
from kejin.identity.model import Principal
from kejin.search import service as search
from kejin.search.errors import InvalidSearch
from kejin.search.model import Hit, PageSpec
from kejin.topics.errors import InvalidTopic, TopicChanged, TopicExists, TopicNotFound
from kejin.topics.model import (
    DIGEST_DOCUMENTS,
    SEARCH_PAGE_SIZE,
    SEARCH_PAGES,
    Digest,
    KeyPoint,
    Match,
    TopicDocument,
    TopicSpec,
    build_digest,
    collect,
    filters_mapping,
    ranked,
    topic_filters,
)
from kejin.topics.orm import TopicDocumentRow, TopicRow
from kejin.topics.repository import TopicRepository, as_utc


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic as listed: its definition, when it was made and refreshed, what it holds."""

    slug: str
    name: str
    query: str
    filters: dict[str, str]
    created_by: str
    created_at: datetime
    refreshed_at: datetime | None
    version: int
    documents: int
    new: int


@dataclass(frozen=True, slots=True)
class HeldDocument:
    document: TopicDocument
    new: bool


@dataclass(frozen=True, slots=True)
class TopicDetail:
    """A topic and its documents, best first; `new`: first seen after the topic was made."""

    topic: Topic
    documents: tuple[HeldDocument, ...]


@dataclass(frozen=True, slots=True)
class Refresh:
    slug: str
    added: int
    documents: int


def now() -> datetime:
    return datetime.now(UTC)


def create_topic(platform: Platform, spec: TopicSpec, created_by: str) -> Topic:
    """Store a topic with the documents its query finds now; a slug taken → `TopicExists`, a
    query the search refuses → `InvalidTopic` naming `query` (nothing stored)."""
    with platform.uow() as uow:
        if TopicRepository(uow.session).by_slug(spec.slug) is not None:
            raise _exists(spec.slug)
    matches = _search(platform, spec.query, filters_mapping(spec.filters))
    mark = _library_mark(platform)
    ids = _document_ids(platform)
    moment = now()
    with platform.uow() as uow:
        repository = TopicRepository(uow.session)
        row = TopicRow(
            slug=spec.slug,
            name=spec.name,
            query=spec.query,
            filters=filters_mapping(spec.filters),
            created_by=created_by,
            created_at=moment,
            refreshed_at=moment,
            library_count=mark[0],
            library_highest=mark[1],
            version=1,
        )
        try:
            repository.add(row)
            repository.record(row.id, _present(matches, ids), ids, moment)
            uow.commit()
        except IntegrityError:
            raise _exists(spec.slug) from None
    return topic(platform, spec.slug)


SUBJECT = "topic"
EDITED = "topic.edited"
CHANGED = N_("The topic changed since you opened it (now version {version}); reload it")


@dataclass(frozen=True, slots=True)
class Edit:
    """An edited topic, and what the new query or filters changed: documents in and out."""

    topic: Topic
    added: int
    removed: int


def edit_topic(
    platform: Platform, principal: Principal, slug: str, spec: TopicSpec, expected_version: int
) -> Edit:
    """Give the topic `slug` the name, query and filters of `spec` (its slug stays) if it is
    still at `expected_version` (else `TopicChanged`, nothing written). A changed query or
    filters collects again: the documents no longer found leave the topic, those found and not
    held come in as first seen now. Audited."""
    with platform.uow() as uow:
        row = _row(TopicRepository(uow.session), slug)
        before = {"name": row.name, "query": row.query, "filters": dict(row.filters)}
        if row.version != expected_version:
            raise TopicChanged(CHANGED, field="version", version=row.version)
    filters = filters_mapping(spec.filters)
    after = {"name": spec.name, "query": spec.query, "filters": filters}
    changed = sorted(key for key in after if after[key] != before[key])
    recollect = "query" in changed or "filters" in changed
    matches = _search(platform, spec.query, filters) if recollect else []
    mark = _library_mark(platform)
    ids = _document_ids(platform)
    moment = now()
    with platform.uow() as uow:
        repository = TopicRepository(uow.session)
        row = _row(repository, slug)
        values: dict[str, object] = {"name": spec.name, "query": spec.query, "filters": filters}
        if recollect:
            values |= {"refreshed_at": moment, "library_count": mark[0]}
            values["library_highest"] = mark[1]
        if not repository.claim_edit(row, expected_version, values):
            latest = _row(repository, slug).version
            raise TopicChanged(CHANGED, field="version", version=latest)
        added = removed = 0
        if recollect:
            present = _present(matches, ids)
            removed = repository.drop_unmatched(row.id, [m.external_id for m in present])
            added = repository.record(row.id, present, ids, moment)
        audit.record(
            uow.session,
            actor=principal,
            action=EDITED,
            subject_type=SUBJECT,
            subject_id=slug,
            detail={
                "version": expected_version + 1,
                "changed": changed,
                "added": added,
                "removed": removed,
            },
        )
        uow.commit()
    return Edit(topic(platform, slug), added, removed)


def list_topics(platform: Platform) -> list[Topic]:
    """Every topic, by name, with the documents it holds and how many are new."""
    with platform.uow() as uow:
        repository = TopicRepository(uow.session)
        counts = repository.counts()
        return [_topic(row, counts.get(row.id, (0, 0))) for row in repository.all()]


def topic(platform: Platform, slug: str) -> Topic:
    with platform.uow() as uow:
        repository = TopicRepository(uow.session)
        row = _row(repository, slug)
        return _topic(row, repository.counts().get(row.id, (0, 0)))


def refresh_topic(platform: Platform, slug: str) -> Refresh:
    """Run the topic's query again and record the documents not held yet, first seen now.
    Documents held stay (those deleted from the library have left already)."""
    with platform.uow() as uow:
        row = _row(TopicRepository(uow.session), slug)
        query, filters = row.query, dict(row.filters)
    matches = _search(platform, query, filters)
    mark = _library_mark(platform)
    ids = _document_ids(platform)
    with platform.uow() as uow:
        repository = TopicRepository(uow.session)
        row = _row(repository, slug)
        moment = now()
        added = 0
        if repository.claim_refresh(row, mark, moment):
            added = repository.record(row.id, _present(matches, ids), ids, moment)
            uow.commit()
        held = len(repository.held(row.id))
    return Refresh(slug, added, held)


def refresh_all(platform: Platform) -> list[Refresh]:
    """Refresh every topic, by name."""
    return [refresh_topic(platform, t.slug) for t in list_topics(platform)]


def refresh_if_stale(platform: Platform, slug: str) -> Refresh | None:
    """Refresh the topic when the library changed since its last refresh; else None."""
    with platform.uow() as uow:
        row = _row(TopicRepository(uow.session), slug)
        seen = (row.library_count, row.library_highest)
    if seen == _library_mark(platform):
        return None
    return refresh_topic(platform, slug)


def topic_detail(platform: Platform, slug: str) -> TopicDetail:
    """The topic and its documents, best first (refreshed first if the library changed)."""
    found, held = _current(platform, slug)
    return _detail(found, [d for _, d in held])


def topic_digest(
    platform: Platform, slug: str, since: datetime | None = None, top: int = DIGEST_DOCUMENTS
) -> Digest:
    """The topic's digest: its `top` best documents with their best-matching passage and key
    points from their briefs, and
    what is new since `since` (default: since the topic was created)."""
    found, held = _current(platform, slug)
    return _digest(platform, found, held, since, top)


def topic_view(platform: Platform, slug: str) -> tuple[TopicDetail, Digest]:
    """The topic page: its documents and its digest, read once (refreshed first if the library
    changed)."""
    found, held = _current(platform, slug)
    return _detail(found, [d for _, d in held]), _digest(
        platform, found, held, None, DIGEST_DOCUMENTS
    )


def _current(platform: Platform, slug: str) -> tuple[Topic, list[tuple[int, TopicDocument]]]:
    refresh_if_stale(platform, slug)
    return topic(platform, slug), _held_documents(platform, slug)


def _detail(found: Topic, held: list[TopicDocument]) -> TopicDetail:
    return TopicDetail(
        found, tuple(HeldDocument(d, d.is_new(found.created_at)) for d in ranked(held))
    )


def _digest(
    platform: Platform,
    found: Topic,
    held: list[tuple[int, TopicDocument]],
    since: datetime | None,
    top: int,
) -> Digest:
    """The digest, reading the best paragraph and the brief of the documents it lists only."""
    since = as_utc(since) if since else found.created_at
    by_key = {d.external_id: key for key, d in held}
    shown = [d for _, d in held]
    wanted = {d.external_id for d in ranked(shown)[:top]}
    wanted |= {d.external_id for d in ranked(d for d in shown if d.is_new(since))[:top]}
    cited = {(by_key[d.external_id], d.position): d.external_id for d in shown}
    texts = documents.paragraph_texts(
        platform, sorted(key for key, external_id in cited.items() if external_id in wanted)
    )
    paragraphs = {cited[key]: text for key, text in texts.items()}
    points = {external_id: _key_points(platform, external_id) for external_id in sorted(wanted)}
    return build_digest(
        found.name, found.query, shown, points, since, paragraphs=paragraphs, top=top
    )


def _key_points(platform: Platform, external_id: str) -> tuple[KeyPoint, ...]:
    try:
        brief = briefs.document_brief(platform.uow, external_id).brief
    except DocumentNotFound:  # deleted since the topic was read: listed without points
        return ()
    return tuple(KeyPoint(b.text, b.citation.position, b.trimmed) for b in brief.key_points)


def _held_documents(platform: Platform, slug: str) -> list[tuple[int, TopicDocument]]:
    """The topic's documents still stored, each with its document id."""
    with platform.uow() as uow:
        repository = TopicRepository(uow.session)
        rows = repository.held(_row(repository, slug).id)
        held = [(row.document_id, _snapshot(row)) for row in rows]
    fields = documents.documents_by_id(platform, sorted(document_id for document_id, _ in held))
    return [
        (
            document_id,
            TopicDocument(
                external_id=row.external_id,
                title=fields[document_id][2],
                issuer=fields[document_id][3],
                date_text=fields[document_id][4],
                published_on=fields[document_id][5],
                kind=fields[document_id][7],
                score=row.best_score,
                position=row.best_position,
                paragraphs=row.matched_paragraphs,
                first_seen_at=row.first_seen_at,
            ),
        )
        for document_id, row in held
        if document_id in fields
    ]


def _snapshot(row: TopicDocumentRow) -> TopicDocumentRow:
    """A detached copy of the values read, usable after the session closes."""
    return TopicDocumentRow(
        topic_id=row.topic_id,
        document_id=row.document_id,
        external_id=row.external_id,
        first_seen_at=as_utc(row.first_seen_at),
        best_score=row.best_score,
        best_position=row.best_position,
        matched_paragraphs=row.matched_paragraphs,
    )


def _search(platform: Platform, query: str, filters: dict[str, str]) -> list[Match]:
    """Every document the query finds (up to `SEARCH_PAGES` pages of hits), best first."""
    hits: list[Hit] = []
    try:
        for number in range(1, SEARCH_PAGES + 1):
            page = search.search(
                platform, query, topic_filters(filters), PageSpec(number, SEARCH_PAGE_SIZE)
            )
            hits.extend(page.hits)
            if number >= page.pages:
                break
    except InvalidSearch as error:
        raise InvalidTopic(error.message, field="query", **error.params) from None
    return list(collect(hits).values())


def _present(matches: Sequence[Match], ids: dict[str, int]) -> list[Match]:
    """The matches whose document is still stored (one deleted meanwhile is left out)."""
    return [match for match in matches if match.external_id in ids]


def _document_ids(platform: Platform) -> dict[str, int]:
    return {external_id: key for key, external_id in documents.document_keys(platform).items()}


def _library_mark(platform: Platform) -> tuple[int, int]:
    count, highest, _ = documents.library_state(platform)
    return count, highest


def _row(repository: TopicRepository, slug: str) -> TopicRow:
    row = repository.by_slug(slug)
    if row is None:
        raise TopicNotFound("No topic has the slug {slug}", field="slug", slug=slug)
    return row


def _exists(slug: str) -> TopicExists:
    return TopicExists("A topic already has the slug {slug}", field="slug", slug=slug)


def _topic(row: TopicRow, counts: tuple[int, int]) -> Topic:
    return Topic(
        slug=row.slug,
        name=row.name,
        query=row.query,
        filters=dict(row.filters),
        created_by=row.created_by,
        created_at=as_utc(row.created_at),
        refreshed_at=as_utc(row.refreshed_at) if row.refreshed_at else None,
        version=row.version,
        documents=counts[0],
        new=counts[1],
    )
