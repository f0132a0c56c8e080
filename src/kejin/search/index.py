"""The tantivy adapter: the index's schema and directory, writing paragraphs (segmented on
every core, then one writer), deleting documents, the watermark, and running a parsed query —
for paragraphs, or for documents ranked by their best paragraphs (`best_documents`).

One tantivy document per paragraph: `body` (the paragraph's tokens, with positions, for phrases)
and, on a document's first paragraph only, `title` (the title's tokens: a title that holds the
query boosts that paragraph, so the document's opening ranks first without repeating the
title on every paragraph);
`document_id` and `position` (stored; the citation — the text itself is read from the
database, which stays the one copy of it, for the page's hits only); filter
fields indexed as whole values: `day` (days since 1970-01-01), `issuer`, `region_prefix` (every
leading part of the region, so 广东 and 广东省 both select 广东省深圳市), `kind`, `language`.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import tantivy

from kejin.core.progress import ProgressCallback, no_progress
from kejin.core.words import dictionary
from kejin.search.model import (
    BREAK,
    Clause,
    ParsedQuery,
    Phrase,
    SearchFilters,
    rank_documents,
)
from kejin.search.segment import prepare_segmenter, segment_many

SCHEMA_VERSION = 3  # 3: splits into any number of dictionary words (an index of 2 is rebuilt)
TOKENIZER = "kejin_tokens"
WATERMARK_FILE = "watermark.json"
DOCUMENTS_FILE = "documents.json"
TITLE_BOOST = 2.0
CHUNK = 4_000  # paragraphs per segmentation task
PARALLEL_FROM = 20_000  # fewer paragraphs are segmented in this process
WRITER_HEAP = 256_000_000
EPOCH = date(1970, 1, 1)
STEP_SEGMENT = "segment"
DOCUMENT_POOL = 200  # best paragraphs collapsed into the document ranking


@dataclass(frozen=True, slots=True)
class Watermark:
    """What the index holds: documents up to `document_id` (whose external id was
    `external_id`), `documents` of them, built with these dictionary and schema versions."""

    document_id: int = 0
    external_id: str | None = None
    documents: int = 0
    dictionary_version: str = ""
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class DocumentFields:
    """A document's values the index filters on and boosts with."""

    document_id: int
    external_id: str
    title: str
    published_on: date | None
    issuer: str | None
    region: str | None
    kind: str
    language: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    document_id: int
    position: int
    text: str


@dataclass(frozen=True, slots=True)
class Match:
    document_id: int
    position: int
    score: float


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", tokenizer_name=TOKENIZER, index_option="position")
    builder.add_text_field("title", tokenizer_name=TOKENIZER, index_option="position")
    builder.add_integer_field("document_id", stored=True, indexed=True, fast=True)
    builder.add_integer_field("position", stored=True)
    builder.add_integer_field("day", indexed=True, fast=True)
    for name in ("issuer", "region_prefix", "kind", "language"):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    return builder.build()


class SearchIndex:
    """The index in `directory` (created when absent or built with another schema)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        if self._stored_watermark().schema_version != SCHEMA_VERSION:
            shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True, exist_ok=True)
        self.schema = _schema()
        self.index = tantivy.Index(self.schema, path=str(directory))
        analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
            .filter(tantivy.Filter.custom_stopword([BREAK]))
            .build()
        )
        self.index.register_tokenizer(TOKENIZER, analyzer)
        self.watermark = self._stored_watermark()
        self.documents = self._stored_documents()

    def refresh(self) -> None:
        """Take up what another process (`kejin docs reindex`) may have written."""
        self.watermark = self._stored_watermark()
        self.documents = self._stored_documents()
        self.index.reload()

    def _stored_watermark(self) -> Watermark:
        path = self.directory / WATERMARK_FILE
        if not path.is_file():
            return Watermark(dictionary_version=dictionary().version)
        return Watermark(**json.loads(path.read_text(encoding="utf-8")))

    def _stored_documents(self) -> dict[int, str]:
        """The documents indexed: id → external id."""
        path = self.directory / DOCUMENTS_FILE
        if not path.is_file():
            return {}
        return {int(key): value for key, value in json.loads(path.read_text("utf-8")).items()}

    def write(
        self,
        documents: Sequence[DocumentFields],
        paragraphs: Sequence[Paragraph],
        deleted: Sequence[int],
        watermark: Watermark,
        *,
        replace_all: bool = False,
        progress: ProgressCallback = no_progress,
    ) -> None:
        """Delete `deleted` documents (or everything), add `paragraphs`, commit, then record
        `watermark`. A failure before the commit leaves the index as it was."""
        fields = {document.document_id: _filter_values(document) for document in documents}
        titles = dict(
            zip(
                fields,
                segment_many([document.title.replace("\n", " ") for document in documents]),
                strict=True,
            )
        )
        writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=min(2, os.cpu_count() or 1))
        try:
            if replace_all:
                writer.delete_all_documents()
            for document_id in deleted:
                writer.delete_documents_by_term("document_id", document_id)
            for paragraph, body in zip(paragraphs, _segmented(paragraphs, progress), strict=True):
                first = {"title": titles[paragraph.document_id]} if paragraph.position == 1 else {}
                writer.add_document(
                    tantivy.Document(
                        body=body,
                        document_id=paragraph.document_id,
                        position=paragraph.position,
                        **fields[paragraph.document_id],
                        **first,
                    )
                )
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        writer.wait_merging_threads()
        kept = {} if replace_all else dict(self.documents)
        for document_id in deleted:
            kept.pop(document_id, None)
        self.documents = kept | {d.document_id: d.external_id for d in documents}
        self._save(watermark)
        self.index.reload()

    def _save(self, watermark: Watermark) -> None:
        for name, content in (
            (DOCUMENTS_FILE, {str(key): value for key, value in sorted(self.documents.items())}),
            (WATERMARK_FILE, asdict(watermark)),
        ):
            temporary = self.directory / f"{name}.tmp"
            temporary.write_text(json.dumps(content), encoding="utf-8")
            temporary.replace(self.directory / name)
        self.watermark = watermark

    def search(
        self, query: ParsedQuery, filters: SearchFilters, limit: int, offset: int
    ) -> tuple[int, list[Match]]:
        """The total number of matching paragraphs and one page of them, best first."""
        searcher = self.index.searcher()
        result = searcher.search(self.query(query, filters), limit=limit, offset=offset)
        matches = []
        for score, address in result.hits:
            stored = searcher.doc(address)
            matches.append(
                Match(
                    int(stored["document_id"][0]),
                    int(stored["position"][0]),
                    float(score),
                )
            )
        count = getattr(result, "count", None)  # present at run time, missing from the stubs
        return int(count or 0), matches

    def best_documents(
        self, query: ParsedQuery, filters: SearchFilters, limit: int, pool: int = DOCUMENT_POOL
    ) -> list[tuple[int, float]]:
        """The best `limit` documents (id, score): the best `pool` paragraphs collapsed per
        document (`model.rank_documents`)."""
        _, matches = self.search(query, filters, pool, 0)
        return rank_documents((m.document_id, m.score) for m in matches)[:limit]

    def query(self, query: ParsedQuery, filters: SearchFilters) -> tantivy.Query:
        """The tantivy query: every clause on the body, no excluded phrase, the filters, and a
        boost when the title holds every clause too."""
        must = tantivy.Occur.Must
        parts = [(must, self._clause("body", clause)) for clause in query.required]
        parts += [(tantivy.Occur.MustNot, self._phrase("body", p)) for p in query.excluded]
        parts += [(must, each) for each in self._filters(filters)]
        title = tantivy.Query.boolean_query(
            [(must, self._clause("title", clause)) for clause in query.required]
        )
        parts.append((tantivy.Occur.Should, tantivy.Query.boost_query(title, TITLE_BOOST)))
        return tantivy.Query.boolean_query(parts)

    def _clause(self, field: str, clause: Clause) -> tantivy.Query:
        if len(clause.alternatives) == 1:
            return self._phrase(field, clause.alternatives[0])
        should = tantivy.Occur.Should
        return tantivy.Query.boolean_query(
            [(should, self._phrase(field, phrase)) for phrase in clause.alternatives]
        )

    def _phrase(self, field: str, phrase: Phrase) -> tantivy.Query:
        if len(phrase.tokens) == 1:
            return tantivy.Query.term_query(self.schema, field, phrase.tokens[0])
        words: list[str | tuple[int, str]] = [
            (at, token) for at, token in enumerate(phrase.tokens) if token != BREAK
        ]
        return tantivy.Query.phrase_query(self.schema, field, words)

    def _filters(self, filters: SearchFilters) -> Iterator[tantivy.Query]:
        if filters.date_from or filters.date_to:
            yield tantivy.Query.range_query(
                self.schema,
                "day",
                tantivy.FieldType.Integer,
                _day(filters.date_from) if filters.date_from else -(2**62),
                _day(filters.date_to) if filters.date_to else 2**62,
            )
        values = {
            "issuer": filters.issuer,
            "region_prefix": filters.region,
            "kind": filters.kind,
            "language": filters.language,
        }
        for name, value in values.items():
            if value:
                yield tantivy.Query.term_query(self.schema, name, str(value))


def _day(day: date) -> int:
    return (day - EPOCH).days


def _filter_values(document: DocumentFields) -> dict[str, object]:
    values: dict[str, object] = {
        "kind": document.kind,
        "language": document.language,
    }
    if document.published_on is not None:
        values["day"] = _day(document.published_on)
    if document.issuer:
        values["issuer"] = document.issuer
    if document.region:
        values["region_prefix"] = [
            document.region[:end] for end in range(1, len(document.region) + 1)
        ]
    return values


def _segmented(paragraphs: Sequence[Paragraph], progress: ProgressCallback) -> Iterator[str]:
    """Each paragraph's tokens joined by spaces, in order; large inputs are cut on every core."""
    chunks = [
        [p.text for p in paragraphs[at : at + CHUNK]] for at in range(0, len(paragraphs), CHUNK)
    ]
    total = len(paragraphs)
    done = 0
    progress(STEP_SEGMENT, 0, total)
    if total < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        results: Iterator[list[str]] = map(segment_many, chunks)
        for result in results:
            done += len(result)
            progress(STEP_SEGMENT, done, total)
            yield from result
        return
    prepare_segmenter()  # loaded before the fork, so the workers inherit it
    context = multiprocessing.get_context("fork")
    with context.Pool(min(2, os.cpu_count() or 1)) as pool:
        for result in pool.imap(segment_many, chunks):
            done += len(result)
            progress(STEP_SEGMENT, done, total)
            yield from result
