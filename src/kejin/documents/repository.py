"""Document storage: look-ups by external id and content hash, and bulk writes of documents and
their paragraphs as Polars frames (COPY on PostgreSQL) inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

import polars as pl
from sqlalchemy import ColumnElement, Table, delete, func, select
from sqlalchemy.orm import Session

from kejin.core.bulk import insert_frame
from kejin.documents.model import DocumentFilter, PreparedDocument
from kejin.documents.orm import DocumentDeletionRow, DocumentRow, ParagraphRow

_CHUNK = 1000  # keeps IN (...) lists well under every driver's parameter limit
_T = TypeVar("_T")

# record field (corpus README) → documents column
_FIELD_COLUMNS = {
    "id": "external_id",
    "title": "title",
    "issuer": "issuer",
    "doc_no": "doc_no",
    "date": "date_text",
    "region": "region",
    "language": "language",
    "kind": "kind",
    "level": "level",
    "source": "source",
}
_DOCUMENT_SCHEMA: dict[str, Any] = {
    "external_id": pl.String,
    "title": pl.String,
    "issuer": pl.String,
    "doc_no": pl.String,
    "published_on": pl.Date,
    "date_text": pl.String,
    "region": pl.String,
    "level": pl.String,
    "language": pl.String,
    "kind": pl.String,
    "tags": pl.String,
    "source": pl.String,
    "content_hash": pl.String,
}


def field_limits() -> dict[str, int]:
    """Longest value each record field may hold, read from the column types."""
    columns = _table(DocumentRow).columns
    return {field: _length(columns[column].type) for field, column in _FIELD_COLUMNS.items()}


class DocumentRepository:
    """Documents and paragraphs of one session (one unit of work)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_external_id(self, external_id: str) -> DocumentRow | None:
        return self.session.scalars(
            select(DocumentRow).where(DocumentRow.external_id == external_id)
        ).one_or_none()

    def by_content_hash(self, content_hash: str) -> DocumentRow | None:
        return self.session.scalars(
            select(DocumentRow).where(DocumentRow.content_hash == content_hash)
        ).one_or_none()

    def known_keys(
        self, external_ids: Iterable[str], hashes: Iterable[str]
    ) -> tuple[set[str], set[str]]:
        """Which of these external ids and content hashes are already stored."""
        ids = self._existing(DocumentRow.external_id, external_ids)
        return ids, self._existing(DocumentRow.content_hash, hashes)

    def paragraph_count(self, document_id: int) -> int:
        query = select(func.count()).where(ParagraphRow.document_id == document_id)
        return self.session.scalar(query) or 0

    def counts_by_kind_and_language(self) -> list[tuple[str, str, int, int]]:
        """(kind, language, documents, paragraphs) for every pair present."""
        paragraphs = (
            select(ParagraphRow.document_id, func.count().label("n"))
            .group_by(ParagraphRow.document_id)
            .subquery()
        )
        query = (
            select(
                DocumentRow.kind,
                DocumentRow.language,
                func.count(DocumentRow.id),
                func.coalesce(func.sum(paragraphs.c.n), 0),
            )
            .outerjoin(paragraphs, paragraphs.c.document_id == DocumentRow.id)
            .group_by(DocumentRow.kind, DocumentRow.language)
            .order_by(DocumentRow.kind, DocumentRow.language)
        )
        return [
            (kind, lang, int(docs), int(paras))
            for kind, lang, docs, paras in self.session.execute(query)
        ]

    def insert(self, prepared: Sequence[PreparedDocument]) -> dict[str, int]:
        """Bulk-insert new documents and their paragraphs; returns external id → document id."""
        connection = self.session.connection()
        documents = _documents_frame(prepared)
        if connection.dialect.name == "sqlite":
            documents = documents.with_columns(id=pl.int_range(pl.len()) + self._next_sqlite_id())
        insert_frame(connection, _table(DocumentRow), documents)
        ids = self._ids_of([p.document.external_id for p in prepared])
        insert_frame(connection, _table(ParagraphRow), _paragraphs_frame(prepared, ids))
        return ids

    def _next_sqlite_id(self) -> int:
        """SQLite numbers a row past the largest id present, so deleting the newest document
        would free its id; numbering past the deletion log too keeps ids growing."""
        stored = self.session.scalar(select(func.max(DocumentRow.id))) or 0
        deleted = self.session.scalar(select(func.max(DocumentDeletionRow.document_id))) or 0
        return max(stored, deleted) + 1

    def delete(self, row: DocumentRow, deleted_at: datetime) -> None:
        """Delete a document and its paragraphs and append it to the deletion log."""
        self.session.execute(delete(ParagraphRow).where(ParagraphRow.document_id == row.id))
        self.session.execute(delete(DocumentRow).where(DocumentRow.id == row.id))
        self.session.add(
            DocumentDeletionRow(
                document_id=row.id, external_id=row.external_id, deleted_at=deleted_at
            )
        )
        self.session.flush()

    def deletions_after(self, seq: int, limit: int) -> list[DocumentDeletionRow]:
        query = (
            select(DocumentDeletionRow)
            .where(DocumentDeletionRow.seq > seq)
            .order_by(DocumentDeletionRow.seq)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def page(
        self, conditions: Sequence[ColumnElement[bool]], offset: int, size: int
    ) -> tuple[list[tuple[DocumentRow, int]], int]:
        """One page of documents matching `conditions`, newest publication first, each with its
        paragraph count; and how many match in all."""
        total = self.session.scalar(select(func.count(DocumentRow.id)).where(*conditions)) or 0
        counts = (
            select(func.count(ParagraphRow.id))
            .where(ParagraphRow.document_id == DocumentRow.id)
            .scalar_subquery()
        )
        query = (
            select(DocumentRow, counts)
            .where(*conditions)
            .order_by(DocumentRow.published_on.desc().nulls_last(), DocumentRow.id.desc())
            .offset(offset)
            .limit(size)
        )
        return [(row, int(count)) for row, count in self.session.execute(query)], total

    def paragraphs_of(self, document_id: int) -> list[tuple[int, str]]:
        query = (
            select(ParagraphRow.position, ParagraphRow.text)
            .where(ParagraphRow.document_id == document_id)
            .order_by(ParagraphRow.position)
        )
        return [(position, text) for position, text in self.session.execute(query)]

    def _ids_of(self, external_ids: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(external_ids):
            query = select(DocumentRow.external_id, DocumentRow.id).where(
                DocumentRow.external_id.in_(chunk)
            )
            found.update({external_id: id_ for external_id, id_ in self.session.execute(query)})  # noqa: C416
        return found

    def _existing(self, column: Any, values: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(values)):
            found.update(self.session.scalars(select(column).where(column.in_(chunk))))
        return found


def _documents_frame(prepared: Sequence[PreparedDocument]) -> pl.DataFrame:
    rows = [
        {
            "external_id": doc.external_id,
            "title": doc.title,
            "issuer": doc.issuer,
            "doc_no": doc.doc_no,
            "published_on": doc.published_on,
            "date_text": doc.date_text,
            "region": doc.region,
            "level": doc.level,
            "language": doc.language,
            "kind": doc.kind.value,
            "tags": json.dumps(list(doc.tags), ensure_ascii=False),
            "source": doc.source,
            "content_hash": item.content_hash,
        }
        for item in prepared
        for doc in (item.document,)
    ]
    return pl.DataFrame(rows, schema=_DOCUMENT_SCHEMA)


def _paragraphs_frame(prepared: Sequence[PreparedDocument], ids: dict[str, int]) -> pl.DataFrame:
    """One row per paragraph; positions count from 1 within each document."""
    return (
        pl.DataFrame(
            {
                "document_id": [ids[item.document.external_id] for item in prepared],
                "text": [list(item.paragraphs) for item in prepared],
            },
            schema={"document_id": pl.Int64, "text": pl.List(pl.String)},
        )
        .explode("text")
        .drop_nulls("text")
        .with_columns(position=pl.int_range(1, pl.len() + 1).over("document_id"))
    )


def _chunks(values: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _length(column_type: Any) -> int:
    length: int = column_type.length
    return length


def _table(row: type[Any]) -> Table:
    table: Table = row.__table__
    return table


def filter_conditions(criteria: DocumentFilter) -> list[ColumnElement[bool]]:
    """SQL conditions of a document filter."""
    conditions: list[ColumnElement[bool]] = []
    if criteria.kind is not None:
        conditions.append(DocumentRow.kind == criteria.kind.value)
    if criteria.language is not None:
        conditions.append(DocumentRow.language == criteria.language)
    if criteria.issuer is not None:
        conditions.append(DocumentRow.issuer.contains(criteria.issuer, autoescape=True))
    if criteria.region is not None:
        conditions.append(DocumentRow.region.startswith(criteria.region, autoescape=True))
    if criteria.published_from is not None:
        conditions.append(DocumentRow.published_on >= criteria.published_from)
    if criteria.published_until is not None:
        conditions.append(DocumentRow.published_on <= criteria.published_until)
    return conditions
