"""Topics (专题), the pure part: a topic's definition checked field by field, the documents its
search hits collect (one per document, its best paragraph kept), and the digest (专题简报):
the topic's best documents, each with its best-matching passage and key points from its brief
citing [n], the numbered sources, and what arrived since a date. The same documents, paragraphs
and briefs always give the same digest. No framework imports.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kejin.core.i18n import N_
from kejin.documents.model import DocumentKind
from kejin.search.model import MAX_QUERY_LENGTH, Hit, SearchFilters
from kejin.topics.errors import InvalidTopic

MAX_NAME_LENGTH = 200
MAX_SLUG_LENGTH = 64
MAX_FILTER_TEXT = 200
SEARCH_PAGE_SIZE = 100  # hits read per search page while collecting
SEARCH_PAGES = 20  # at most this many pages (2,000 paragraphs) per refresh
DIGEST_DOCUMENTS = 8  # documents in a digest
DIGEST_POINTS = 2  # key points per document in a digest, after its passage
PASSAGE_WIDTH = 200  # characters of a best paragraph quoted when its sentence is longer
PASSAGE_LEAD = 30  # characters quoted before the match in a sentence cut to the width
FILTER_FIELDS = ("from", "to", "issuer", "region", "kind", "language")
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_SLUG_SEPARATORS = re.compile(r"[^a-z0-9]+")
_QUERY_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_SENTENCE_END = re.compile(r"[。！？；!?;]|\.(?=\s|$)")
_CJK = re.compile(r"[\u3400-\u9fff]{2,}")


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """What a topic is: its name, slug (the address), search query and filters."""

    name: str
    slug: str
    query: str
    filters: SearchFilters


def topic_spec(
    name: str, query: str, filters: Mapping[str, Any] | None = None, slug: str | None = None
) -> TopicSpec:
    """A checked topic definition; a refused field is named (`name`, `slug`, `query`,
    `filters.<field>`). Without a slug, one is made from the name."""
    name, query = name.strip(), " ".join(query.split())
    if not name:
        raise InvalidTopic("Give the topic a name", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidTopic(
            "The name is longer than {max} characters", field="name", max=MAX_NAME_LENGTH
        )
    if not query:
        raise InvalidTopic("Enter the words the topic searches for", field="query")
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidTopic(
            "The query is longer than {max} characters", field="query", max=MAX_QUERY_LENGTH
        )
    return TopicSpec(
        name, _checked_slug(slug) if slug else slug_of(name), query, topic_filters(filters or {})
    )


def slug_of(name: str) -> str:
    """A slug from the name's Latin letters and digits (Tech Finance → tech-finance); a name
    without any (科技金融支持体系) gets `topic-` and a digest of the name."""
    words = _SLUG_SEPARATORS.sub("-", name.lower()).strip("-")[:MAX_SLUG_LENGTH].strip("-")
    if words:
        return words
    return "topic-" + hashlib.sha256(name.encode()).hexdigest()[:8]


def _checked_slug(slug: str) -> str:
    slug = slug.strip()
    if len(slug) > MAX_SLUG_LENGTH or not _SLUG.match(slug):
        raise InvalidTopic(
            "A slug is lower-case letters, digits and hyphens, at most {max} characters",
            field="slug",
            max=MAX_SLUG_LENGTH,
        )
    return slug


def topic_filters(raw: Mapping[str, Any]) -> SearchFilters:
    """The search filters of a stored or submitted mapping (`from`, `to`: yyyy-mm-dd;
    `issuer`, `region`, `language`: text; `kind`: a document kind); blanks are absent."""
    unknown = sorted(set(raw) - set(FILTER_FIELDS))
    if unknown:
        raise InvalidTopic("Unknown filter {name}", field=_field(unknown[0]), name=unknown[0])
    given = {key: value for key, value in raw.items() if value not in {None, ""}}
    for key, value in given.items():
        if not isinstance(value, str) or len(value) > MAX_FILTER_TEXT:
            raise InvalidTopic(
                "A filter is text of at most {max} characters",
                field=_field(key),
                max=MAX_FILTER_TEXT,
            )
    kind = given.get("kind")
    if kind is not None and kind not in {k.value for k in DocumentKind}:
        raise InvalidTopic("Unknown document kind {kind}", field="filters.kind", kind=kind)
    date_from, date_to = _date(given, "from"), _date(given, "to")
    if date_from and date_to and date_from > date_to:
        raise InvalidTopic("The end date is before the start date", field="filters.to")
    return SearchFilters(
        date_from,
        date_to,
        given.get("issuer"),
        given.get("region"),
        DocumentKind(kind) if kind else None,
        given.get("language"),
    )


def _date(given: Mapping[str, str], key: str) -> date | None:
    if key not in given:
        return None
    try:
        return date.fromisoformat(given[key])
    except ValueError:
        raise InvalidTopic(
            "A date is written yyyy-mm-dd", field=_field(key), value=given[key]
        ) from None


def _field(key: str) -> str:
    """How a refusal names a filter: `filters.<key>`."""
    return "filters." + key


def filters_mapping(filters: SearchFilters) -> dict[str, str]:
    """The filters set, as stored (JSON) and shown: the inverse of `topic_filters`."""
    values = {
        "from": filters.date_from.isoformat() if filters.date_from else None,
        "to": filters.date_to.isoformat() if filters.date_to else None,
        "issuer": filters.issuer,
        "region": filters.region,
        "kind": filters.kind.value if filters.kind else None,
        "language": filters.language,
    }
    return {key: value for key, value in values.items() if value}


@dataclass(frozen=True, slots=True)
class Match:
    """What a topic's search found in one document: its best paragraph and how many matched."""

    external_id: str
    score: float
    position: int
    paragraphs: int


def collect(hits: Iterable[Hit]) -> dict[str, Match]:
    """One match per document, keeping the best-scored paragraph (the first on a tie)."""
    found: dict[str, Match] = {}
    for hit in hits:
        seen = found.get(hit.external_id)
        if seen is None:
            found[hit.external_id] = Match(hit.external_id, hit.score, hit.position, 1)
            continue
        best = seen if seen.score >= hit.score else hit
        found[hit.external_id] = Match(
            hit.external_id, best.score, best.position, seen.paragraphs + 1
        )
    return found


@dataclass(frozen=True, slots=True)
class TopicDocument:
    """A document a topic holds: its metadata, best score and paragraph, and when the topic
    first saw it."""

    external_id: str
    title: str
    issuer: str | None
    date_text: str | None
    published_on: date | None
    kind: str
    score: float
    position: int
    paragraphs: int
    first_seen_at: datetime

    def is_new(self, since: datetime) -> bool:
        return self.first_seen_at > since


def ranked(documents: Iterable[TopicDocument]) -> list[TopicDocument]:
    """Best score first, then the newest publication, then the id: a total order."""
    return sorted(
        documents,
        key=lambda d: (
            -d.score,
            -(d.published_on.toordinal() if d.published_on else 0),
            d.external_id,
        ),
    )


def passage(text: str, query: str, width: int = PASSAGE_WIDTH) -> KeyPoint:
    """The part of a best paragraph (`text`) a digest quotes (its position left 0 for the
    caller): the sentence holding the first match of one of the query's words or phrases, whole
    when at most `width` characters; a longer one from `PASSAGE_LEAD` characters before the
    match (or its start), cut to `width` and marked trimmed. A query word the text does not
    hold literally (科技金融 segmented into its words) is looked for by its first two Chinese
    characters, then the paragraph's first sentence is quoted."""
    text = " ".join(text.split())
    at = _first_match(text, query)
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, at)), default=0)
    end_match = _SENTENCE_END.search(text, at)
    end = end_match.end() if end_match else len(text)
    while start < at and text[start] == " ":
        start += 1
    if end - start <= width:
        return KeyPoint(text[start:end], 0)
    begin = max(start, at - PASSAGE_LEAD) if at - start > width - PASSAGE_LEAD else start
    return KeyPoint(text[begin : begin + width].rstrip(), 0, trimmed=True)


def _first_match(text: str, query: str) -> int:
    """Where the first of the query's words or phrases (not the negated ones, not OR) starts in
    `text`, ignoring case; failing that, the first two Chinese characters of one; else 0."""
    terms = [
        (phrase or word).strip()
        for negated, phrase, word in _QUERY_TERM.findall(query)
        if not negated and word != "OR" and not word.startswith("-")
    ]
    terms = [term for term in terms if term]
    pairs = [run[:2] for term in terms for run in _CJK.findall(term)]
    for candidates in (terms, pairs):
        if candidates:
            pattern = "|".join(
                re.escape(t) for t in sorted(set(candidates), key=lambda t: (-len(t), t))
            )
            found = re.search(pattern, text, re.IGNORECASE)
            if found:
                return found.start()
    return 0


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """A key point of a document's brief, with the paragraph it cites."""

    text: str
    position: int
    trimmed: bool = False


@dataclass(frozen=True, slots=True)
class Source:
    """A numbered source of a digest: paragraph `position` of document `external_id`."""

    number: int
    external_id: str
    title: str
    position: int


@dataclass(frozen=True, slots=True)
class CitedPoint:
    text: str
    trimmed: bool
    source: int  # the n of its [n]


@dataclass(frozen=True, slots=True)
class DigestEntry:
    """A document of a digest: its best-matching passage (None when its paragraph is gone),
    then key points from its brief."""

    document: TopicDocument
    passage: CitedPoint | None
    points: tuple[CitedPoint, ...]
    new: bool


@dataclass(frozen=True, slots=True)
class Digest:
    """A topic's digest: the best documents with their cited passages and key points, what is
    new since `since`, and the sources numbered from 1 in order of first citation."""

    name: str
    query: str
    since: datetime
    documents: int
    entries: tuple[DigestEntry, ...]
    new: tuple[DigestEntry, ...]
    sources: tuple[Source, ...]


def build_digest(
    name: str,
    query: str,
    documents: Sequence[TopicDocument],
    points: Mapping[str, Sequence[KeyPoint]],
    since: datetime,
    *,
    paragraphs: Mapping[str, str] | None = None,
    top: int = DIGEST_DOCUMENTS,
    per_document: int = DIGEST_POINTS,
) -> Digest:
    """The digest of a topic's `documents`, given the text of each one's best paragraph
    (`paragraphs`, by external id) and the key points of their briefs (`points`, by external
    id; a document without either is listed without it). The `top` best documents get their
    passage (`passage`: the matching sentence of the best paragraph, citing it), then up to
    `per_document` key points citing other paragraphs; every document first seen after `since`
    (up to `top`) is listed under what's new with its passage, or its first key point when it
    has none."""
    paragraphs = paragraphs or {}
    order = ranked(documents)
    numbers: dict[tuple[str, int], int] = {}
    sources: list[Source] = []

    def cite(document: TopicDocument, point: KeyPoint) -> CitedPoint:
        key = (document.external_id, point.position)
        if key not in numbers:
            numbers[key] = len(numbers) + 1
            sources.append(
                Source(numbers[key], document.external_id, document.title, point.position)
            )
        return CitedPoint(point.text, point.trimmed, numbers[key])

    def entry(document: TopicDocument, count: int) -> DigestEntry:
        text = paragraphs.get(document.external_id)
        quoted = None
        if text is not None:
            excerpt = passage(text, query)
            quoted = cite(document, KeyPoint(excerpt.text, document.position, excerpt.trimmed))
        own = tuple(points.get(document.external_id, ()))
        if quoted is None:
            chosen = own[: count or 1]
        else:
            chosen = tuple(p for p in own if p.position != document.position)[:count]
        return DigestEntry(
            document,
            quoted,
            tuple(cite(document, p) for p in chosen),
            document.is_new(since),
        )

    entries = tuple(entry(d, per_document) for d in order[:top])
    new = tuple(entry(d, 0) for d in [d for d in order if d.is_new(since)][:top])
    return Digest(name, query, since, len(documents), entries, new, tuple(sources))


DIGEST_HEADINGS = {
    "documents": N_("Documents"),
    "new": N_("What's new since {date}"),
    "nothing_new": N_("Nothing new since {date}."),
    "sources": N_("Sources"),
    "query": N_("Query"),
    "paragraph": N_("paragraph {position}"),
}


def digest_markdown(digest: Digest, headings: Mapping[str, str] = DIGEST_HEADINGS) -> str:
    """The digest as Markdown: the documents with their cited passages (quoted) and points,
    what's new, then the numbered sources (document and paragraph). `headings` may be translated."""
    since = digest.since.date().isoformat()
    lines = [f"# {digest.name}", "", f"{headings['query']}: `{digest.query}`", ""]
    lines += [f"## {headings['documents']}", ""]
    for item in digest.entries:
        lines.append(f"### {_describe(item.document)}")
        if item.passage is not None:
            lines.append(f"> {_point(item.passage)}")
            lines.append("")
        lines += [f"- {_point(p)}" for p in item.points]
        lines.append("")
    lines += [f"## {headings['new'].format(date=since)}", ""]
    if not digest.new:
        lines += [headings["nothing_new"].format(date=since), ""]
    for item in digest.new:
        quoted = (item.passage,) if item.passage is not None else ()
        cited = "".join(f" {_point(p)}" for p in (*quoted, *item.points))
        lines.append(f"- **{item.document.title}**{cited}")
    if digest.new:
        lines.append("")
    lines += [f"## {headings['sources']}", ""]
    for source in digest.sources:
        where = headings["paragraph"].format(position=source.position)
        lines.append(f"[{source.number}] {source.title} ({source.external_id}), {where}")
    return "\n".join(lines) + "\n"


def _describe(document: TopicDocument) -> str:
    details = [value for value in (document.date_text, document.issuer) if value]
    return document.title + (f" ({', '.join(details)})" if details else "")


def _point(point: CitedPoint) -> str:
    return f"{point.text}{' …' if point.trimmed else ''} [{point.source}]"
