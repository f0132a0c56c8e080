"""Reading the document library: a filtered page of documents, one document with its numbered
paragraphs, and the deletion log a reader following the library by id (a search index) reads."""

from __future__ import annotations

from collections.abc import Callable

from kejin.core.pagination import Page, PageRequest
from kejin.core.uow import UnitOfWork
from kejin.documents.errors import DocumentNotFound
from kejin.documents.model import (
    CitedParagraph,
    DocumentDeletion,
    DocumentFilter,
    StoredDocument,
)
from kejin.documents.orm import DocumentRow
from kejin.documents.repository import DocumentRepository, filter_conditions

UowFactory = Callable[[], UnitOfWork]
DELETIONS_BATCH = 1000


def list_documents(
    uow: UowFactory, criteria: DocumentFilter, request: PageRequest
) -> Page[StoredDocument]:
    """One page of the documents matching `criteria`, newest publication first."""
    with uow() as work:
        rows, total = DocumentRepository(work.session).page(
            filter_conditions(criteria), request.offset, request.size
        )
        items = [stored_document(row, count) for row, count in rows]
    return Page(items=items, total=total, page=request.page, size=request.size)


def document_with_paragraphs(
    uow: UowFactory, external_id: str
) -> tuple[StoredDocument, list[CitedParagraph]]:
    """One document's metadata and its paragraphs in order, positions from 1."""
    with uow() as work:
        repository = DocumentRepository(work.session)
        row = repository.by_external_id(external_id)
        if row is None:
            raise DocumentNotFound(
                "No document has the id {external_id}", field="external_id", external_id=external_id
            )
        paragraphs = [CitedParagraph(p, text) for p, text in repository.paragraphs_of(row.id)]
        return stored_document(row, len(paragraphs)), paragraphs


def deletions_after(
    uow: UowFactory, seq: int, limit: int = DELETIONS_BATCH
) -> list[DocumentDeletion]:
    """Deletion-log entries with `seq` above the one given, oldest first, at most `limit`."""
    with uow() as work:
        rows = DocumentRepository(work.session).deletions_after(seq, limit)
        return [DocumentDeletion(r.seq, r.document_id, r.external_id, r.deleted_at) for r in rows]


def stored_document(row: DocumentRow, paragraphs: int) -> StoredDocument:
    return StoredDocument(
        id=row.id,
        external_id=row.external_id,
        title=row.title,
        kind=row.kind,
        language=row.language,
        source=row.source,
        issuer=row.issuer,
        doc_no=row.doc_no,
        date_text=row.date_text,
        published_on=row.published_on,
        region=row.region,
        level=row.level,
        tags=tuple(row.tags or ()),
        paragraphs=paragraphs,
    )
