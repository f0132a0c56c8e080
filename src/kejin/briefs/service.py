"""Brief use cases: the brief of a stored document, computed on demand from its paragraphs
(read through the document library's queries); nothing is stored."""

from __future__ import annotations

from dataclasses import dataclass

from kejin.briefs.model import Brief, DocumentText, build_brief
from kejin.briefs.schemas import (
    BriefRead,
    DocumentMeta,
    SectionRead,
    bullet_read,
    citation_read,
    figure_read,
)
from kejin.documents import queries as documents
from kejin.documents.model import StoredDocument
from kejin.documents.queries import UowFactory


@dataclass(frozen=True, slots=True)
class DocumentBrief:
    """A stored document (metadata and paragraphs in order) with its brief."""

    document: StoredDocument
    paragraphs: tuple[str, ...]
    brief: Brief


def document_brief(uow: UowFactory, external_id: str) -> DocumentBrief:
    """The brief of the stored document `external_id`; unknown id → `DocumentNotFound`."""
    document, cited = documents.document_with_paragraphs(uow, external_id)
    paragraphs = tuple(paragraph.text for paragraph in cited)
    text = DocumentText(document.external_id, document.title, document.language, paragraphs)
    return DocumentBrief(document, paragraphs, build_brief(text))


def brief_read(uow: UowFactory, external_id: str) -> BriefRead:
    """The brief of the stored document `external_id` as its API contract."""
    return as_read(document_brief(uow, external_id))


def as_read(found: DocumentBrief) -> BriefRead:
    """The API contract of a document's brief."""
    document, brief = found.document, found.brief
    numbers = {citation: n for n, citation in enumerate(brief.sources(), start=1)}
    return BriefRead(
        version=brief.version,
        cues_version=brief.cues_version,
        structure=brief.structure,
        document=DocumentMeta(
            external_id=document.external_id,
            title=document.title,
            issuer=document.issuer,
            doc_no=document.doc_no,
            date_text=document.date_text,
            region=document.region,
            language=document.language,
            kind=document.kind,
            source=document.source,
            paragraphs=document.paragraphs,
        ),
        key_points=[bullet_read(b, numbers) for b in brief.key_points],
        sections=[
            SectionRead(theme=s.theme, bullets=[bullet_read(b, numbers) for b in s.bullets])
            for s in brief.sections
        ],
        figures=[figure_read(f, numbers) for f in brief.figures],
        sources=[citation_read(c, numbers) for c in brief.sources()],
    )
