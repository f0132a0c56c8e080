"""Search use cases: keep the index in step with the document library (`sync`), rebuild it
(`rebuild`), and answer a query (`search`), which syncs first when the library has changed.

The index lives in `<data dir>/search/`, one per data directory, and is opened once per
process. Its watermark (the highest document id indexed, that document's external id, how many
documents) makes the check before each query cheap; when it differs, the documents indexed
(id → external id) are compared with those stored: new ones are added, missing ones deleted,
and an id that now names another document (a database emptied and refilled) means a rebuild.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kejin.bootstrap import Platform
from kejin.core.progress import ProgressCallback, no_progress
from kejin.core.words import dictionary
from kejin.documents import service as documents
from kejin.search.index import DocumentFields, Paragraph, SearchIndex, Watermark
from kejin.search.model import (
    BREAK,
    MAX_PER_PAGE,
    SNIPPET_LEAD,
    SNIPPET_WIDTH,
    Highlight,
    Hit,
    PageSpec,
    ParsedQuery,
    SearchFilters,
    SearchPage,
    Token,
    find_highlights,
    make_snippet,
    parse_query,
)
from kejin.search.segment import normalise, segment, tokens_with_offsets

INDEX_FOLDER = "search"
SCAN_MARGIN = 40
LONG_PARAGRAPH = SNIPPET_WIDTH + 2 * SCAN_MARGIN  # longer: segmented for highlights in a window

_open: dict[Path, SearchIndex] = {}
_lock = threading.Lock()  # one writer at a time; requests are served on several threads


@dataclass(frozen=True, slots=True)
class SyncReport:
    added: int
    deleted: int
    paragraphs: int
    rebuilt: bool
    seconds: float


def index_directory(platform: Platform) -> Path:
    return platform.settings.data_dir / INDEX_FOLDER


def search(platform: Platform, text: str, filters: SearchFilters, page: PageSpec) -> SearchPage:
    """One page of the paragraphs matching `text` and `filters`, best first."""
    query = parse_query(text, segment)
    index = _index(platform)
    if _behind(platform, index):
        sync(platform)
    total, matches = index.search(query, filters, page.per_page, page.offset)
    fields = documents.documents_by_id(platform, sorted({m.document_id for m in matches}))
    texts = documents.paragraph_texts(platform, [(m.document_id, m.position) for m in matches])
    hits = tuple(
        _hit(query, fields[m.document_id], m.position, m.score, texts[m.document_id, m.position])
        for m in matches
        if (m.document_id, m.position) in texts
    )
    return SearchPage(hits, total, page.page, page.per_page)


def sync(platform: Platform, progress: ProgressCallback = no_progress) -> SyncReport:
    """Add the documents stored but not indexed and drop the ones indexed but no longer
    stored; rebuild when the dictionary changed or an indexed id now names another document
    (a database emptied and refilled)."""
    started = time.perf_counter()
    with _lock:
        index = _index(platform)
        index.refresh()
        if not _behind(platform, index):
            return SyncReport(0, 0, 0, False, time.perf_counter() - started)
        stored = documents.document_keys(platform)
        indexed = index.documents
        if index.watermark.dictionary_version != dictionary().version or any(
            stored.get(key, external_id) != external_id for key, external_id in indexed.items()
        ):
            return _rebuild(platform, index, progress, started)
        deleted = sorted(set(indexed) - set(stored))
        new = set(stored) - set(indexed)
        fields, paragraphs = _rows(platform, min(new) - 1, new) if new else ([], [])
        index.write(fields, paragraphs, deleted, _watermark(stored), progress=progress)
    return SyncReport(
        len(fields), len(deleted), len(paragraphs), False, time.perf_counter() - started
    )


def rebuild(platform: Platform, progress: ProgressCallback = no_progress) -> SyncReport:
    """Index every stored document afresh (`kejin docs reindex`)."""
    with _lock:
        return _rebuild(platform, _index(platform), progress, time.perf_counter())


def _rebuild(
    platform: Platform, index: SearchIndex, progress: ProgressCallback, started: float
) -> SyncReport:
    fields, paragraphs = _rows(platform, 0)
    stored = {f.document_id: f.external_id for f in fields}
    index.write(fields, paragraphs, (), _watermark(stored), replace_all=True, progress=progress)
    return SyncReport(len(fields), 0, len(paragraphs), True, time.perf_counter() - started)


def _index(platform: Platform) -> SearchIndex:
    directory = index_directory(platform)
    if directory not in _open:
        _open[directory] = SearchIndex(directory)
    return _open[directory]


def _behind(platform: Platform, index: SearchIndex) -> bool:
    count, highest, external_id = documents.library_state(platform)
    mark = index.watermark
    return (count, highest, external_id) != (
        len(index.documents),
        mark.document_id,
        mark.external_id,
    ) or mark.dictionary_version != dictionary().version


def _watermark(stored: dict[int, str]) -> Watermark:
    highest = max(stored, default=0)
    return Watermark(highest, stored.get(highest), len(stored), dictionary().version)


def _rows(
    platform: Platform, after_id: int, only: set[int] | None = None
) -> tuple[list[DocumentFields], list[Paragraph]]:
    """The documents above `after_id` (those in `only`, if given) and their paragraphs; a
    paragraph whose document was stored after the documents were read waits for the next sync."""
    rows, paragraphs = documents.documents_after(platform, after_id)
    fields = [
        DocumentFields(row[0], row[1], row[2], row[5], row[3], row[6], row[7], row[8])
        for row in rows
        if only is None or row[0] in only
    ]
    read = {field.document_id for field in fields}
    return fields, [Paragraph(*row) for row in paragraphs if row[0] in read]


def _highlights(query: ParsedQuery, text: str) -> tuple[Highlight, ...]:
    """Where the query's phrases are in `text`. A long paragraph is segmented only around the
    first place a phrase's characters occur, when a phrase is found there; else all of it."""
    if len(text) > LONG_PARAGRAPH:
        folded = normalise(text)
        places = [folded.find("".join(t for t in p.tokens if t != BREAK)) for p in query.phrases]
        found = [place for place in places if place >= 0]
        if found:
            start = max(0, min(found) - SNIPPET_LEAD - SCAN_MARGIN)
            window = text[start : start + SNIPPET_WIDTH + 2 * SCAN_MARGIN]
            tokens = [
                Token(t.text, t.start + start, t.end + start) for t in tokens_with_offsets(window)
            ]
            marks = find_highlights(tokens, query.phrases)
            if marks:
                return marks
    return find_highlights(list(tokens_with_offsets(text)), query.phrases)


def _hit(
    query: ParsedQuery,
    fields: documents.DocumentFieldsRow,
    position: int,
    score: float,
    text: str,
) -> Hit:
    highlights = _highlights(query, text)
    _, external_id, title, issuer, date_text, _, region, kind, language = fields
    return Hit(
        external_id,
        title,
        issuer,
        date_text,
        kind,
        region,
        language,
        position,
        score,
        make_snippet(text, highlights),
    )


# --- the search page ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResultsPage:
    """What the search page and its export show: the hits, each document's number and source,
    and how long finding them took."""

    found: SearchPage
    references: dict[str, documents.DocumentReference]
    seconds: float


def results_page(
    platform: Platform, text: str, filters: SearchFilters, page: PageSpec
) -> ResultsPage:
    """`search`, with the documents' numbers and sources, timed."""
    started = time.perf_counter()
    found = search(platform, text, filters, page)
    references = documents.document_references(platform, {hit.external_id for hit in found.hits})
    return ResultsPage(found, references, time.perf_counter() - started)


def first_results(platform: Platform, text: str, filters: SearchFilters, limit: int) -> ResultsPage:
    """The best `limit` hits (an export), read a page of the largest size at a time."""
    started = time.perf_counter()
    hits: list[Hit] = []
    total = 0
    for number in range(1, -(-limit // MAX_PER_PAGE) + 1):
        found = search(platform, text, filters, PageSpec(number, MAX_PER_PAGE))
        hits.extend(found.hits)
        total = found.total
        if len(found.hits) < MAX_PER_PAGE:
            break
    kept = tuple(hits[:limit])
    references = documents.document_references(platform, {hit.external_id for hit in kept})
    return ResultsPage(
        SearchPage(kept, total, 1, max(limit, 1)), references, time.perf_counter() - started
    )
