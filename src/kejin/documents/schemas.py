"""Document-library contracts (pydantic): list filters, a stored document, a page of them, one
document with its paragraphs, and the outcome of an upload."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kejin.core.errors import FieldProblem
from kejin.core.pagination import Page
from kejin.documents.errors import InvalidDocument
from kejin.documents.model import (
    CitedParagraph,
    DocumentFilter,
    DocumentKind,
    DocumentRef,
    GovernmentLevel,
    StoredDocument,
)


class _Form(BaseModel):
    """Query or form fields where an empty or blank value counts as absent."""

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip() or None
        return value


class DocumentFilters(_Form):
    """What the document list narrows by; empty fields count as absent."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    kind: DocumentKind | None = None
    language: str | None = Field(None, max_length=8, description="zh or en")
    issuer: str | None = Field(None, max_length=200, description="a part of the issuer")
    region: str | None = Field(None, max_length=64, description="a region and all below it")
    published_from: date | None = Field(None, description="first publication day, inclusive")
    published_until: date | None = Field(None, description="last publication day, inclusive")

    @model_validator(mode="after")
    def _days_in_order(self) -> DocumentFilters:
        start, end = self.published_from, self.published_until
        if start and end and start > end:
            problem = FieldProblem("published_until", "must not be before the first day")
            raise InvalidDocument("the date range is reversed", [problem])
        return self

    def criteria(self) -> DocumentFilter:
        return DocumentFilter(**self.model_dump())


class DocumentFields(_Form):
    """Metadata sent with an upload; what is given overrides what the file carries. Empty
    fields count as absent. Values are checked with the file (the field is named on refusal)."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    external_id: str | None = Field(None, alias="id", description="default: the file name")
    title: str | None = None
    issuer: str | None = None
    doc_no: str | None = None
    date: str | None = Field(None, description="yyyy or yyyy-mm-dd")
    region: str | None = Field(None, description="e.g. 全国, 广东省, 广东省深圳市")
    level: GovernmentLevel | None = Field(None, description="default: from the region")
    language: str | None = Field(None, description="zh (default) or en")
    kind: DocumentKind | None = None
    tags: str | None = Field(None, description="comma-separated")
    source: str | None = Field(None, description="default: upload:<file name>")
    encoding: str | None = Field(None, description="of a text file; default UTF-8")

    def overrides(self) -> dict[str, Any]:
        """The fields as record fields (`id`, `tags` as a list), encoding left out."""
        fields = self.model_dump(by_alias=True, exclude={"encoding", "tags"}, mode="json")
        tags = [tag.strip() for tag in (self.tags or "").split(",") if tag.strip()]
        return fields | {"tags": tags or None}


class DocumentRead(BaseModel):
    """A stored document's metadata; `paragraphs` counts its paragraphs."""

    id: int
    external_id: str
    title: str
    kind: str
    language: str
    source: str
    issuer: str | None
    doc_no: str | None
    date_text: str | None = Field(description="the date as given: yyyy or yyyy-mm-dd")
    published_on: date | None
    region: str | None
    level: str | None
    tags: list[str]
    paragraphs: int

    @classmethod
    def of(cls, document: StoredDocument) -> DocumentRead:
        return cls.model_validate(document, from_attributes=True)


class DocumentPage(BaseModel):
    items: list[DocumentRead]
    total: int
    page: int
    size: int
    pages: int

    @classmethod
    def of(cls, page: Page[StoredDocument]) -> DocumentPage:
        items = [DocumentRead.of(document) for document in page.items]
        return cls(items=items, total=page.total, page=page.page, size=page.size, pages=page.pages)


class ParagraphRead(BaseModel):
    """One paragraph; `[external_id, position]` cites it."""

    position: int
    text: str


class DocumentDetailRead(BaseModel):
    """One document's metadata and its paragraphs in order."""

    document: DocumentRead
    paragraphs: list[ParagraphRead] = Field(description="positions count from 1")

    @classmethod
    def of(cls, document: StoredDocument, paragraphs: list[CitedParagraph]) -> DocumentDetailRead:
        texts = [ParagraphRead(position=p.position, text=p.text) for p in paragraphs]
        return cls(document=DocumentRead.of(document), paragraphs=texts)


class DocumentAdded(BaseModel):
    """The stored document of an upload; `already_present` when the same content was stored
    before (under the external id shown)."""

    id: int
    external_id: str
    title: str
    paragraphs: int
    already_present: bool

    @classmethod
    def of(cls, ref: DocumentRef) -> DocumentAdded:
        return cls.model_validate(ref, from_attributes=True)


class DocumentDeleted(BaseModel):
    """The document a deletion removed."""

    id: int
    external_id: str
    title: str
    paragraphs: int

    @classmethod
    def of(cls, ref: DocumentRef) -> DocumentDeleted:
        return cls.model_validate(ref, from_attributes=True)
