"""Search use cases: keep the index in step with the document library (`sync`), rebuild it
(`rebuild`), and answer a query (`search`), which syncs first when the library has changed.

The index lives in `<data dir>/search/`, one per data directory, and is opened once per
process. Its watermark records the highest document id indexed and that document's external
id, so a database that was emptied and refilled (ids reused) is noticed and the index rebuilt.
Deleted documents are found by comparing the document ids indexed with those stored.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kejin.bootstrap import Platform
from kejin.core.progress import ProgressCallback, no_progress
from kejin.documents import service as documents
from kejin.search.index import DocumentFields, Paragraph, SearchIndex, Watermark
from kejin.search.model import (
    Hit,
    PageSpec,
    ParsedQuery,
    SearchFilters,
    SearchPage,
    find_highlights,
    make_snippet,
    parse_query,
)
from kejin.search.segment import dictionary, segment, tokens_with_offsets

INDEX_FOLDER = "search"

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
    hits = tuple(
        _hit(query, fields[match.document_id], match.position, match.score, match.text)
        for match in matches
        if match.document_id in fields
    )
    return SearchPage(hits, total, page.page, page.per_page)


def sync(platform: Platform, progress: ProgressCallback = no_progress) -> SyncReport:
    """Add the documents stored since the last sync and drop the ones deleted; rebuild when the
    dictionary or the database changed under the index."""
    started = time.perf_counter()
    with _lock:
        index = _index(platform)
        count, highest, external_id = documents.library_state(platform)
        mark = index.watermark
        if _stale(platform, index, highest):
            return _rebuild(platform, index, progress, started)
        if (count, highest) == (len(index.documents), mark.document_id):
            return SyncReport(0, 0, 0, False, time.perf_counter() - started)
        deleted = sorted(index.documents - documents.document_ids(platform))
        fields, paragraphs = _rows(platform, mark.document_id)
        index.write(
            fields,
            paragraphs,
            deleted,
            _watermark(highest, external_id, count),
            progress=progress,
        )
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
    count, highest, external_id = documents.library_state(platform)
    fields, paragraphs = _rows(platform, 0)
    index.write(
        fields,
        paragraphs,
        (),
        _watermark(highest, external_id, count),
        replace_all=True,
        progress=progress,
    )
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


def _stale(platform: Platform, index: SearchIndex, highest: int) -> bool:
    """The index was built with another dictionary, or for other documents than these."""
    mark = index.watermark
    if mark.dictionary_version != dictionary().version or highest < mark.document_id:
        return True
    if mark.document_id == 0:
        return False
    known = documents.documents_by_id(platform, [mark.document_id]).get(mark.document_id)
    return known is not None and known[1] != mark.external_id


def _watermark(highest: int, external_id: str | None, count: int) -> Watermark:
    return Watermark(highest, external_id, count, dictionary().version)


def _rows(platform: Platform, after_id: int) -> tuple[list[DocumentFields], list[Paragraph]]:
    rows, paragraphs = documents.documents_after(platform, after_id)
    fields = [
        DocumentFields(row[0], row[2], row[5], row[3], row[6], row[7], row[8]) for row in rows
    ]
    return fields, [Paragraph(*row) for row in paragraphs]


def _hit(
    query: ParsedQuery,
    fields: documents.DocumentFieldsRow,
    position: int,
    score: float,
    text: str,
) -> Hit:
    highlights = find_highlights(list(tokens_with_offsets(text)), query.phrases)
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
