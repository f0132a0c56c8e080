"""Search API contracts: the query parameters and one results page, the same whichever
database stores the documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kejin.documents.model import DocumentKind
from kejin.search.model import (
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY_LENGTH,
    Hit,
    PageSpec,
    SearchFilters,
    SearchPage,
)


class SearchParams(BaseModel):
    """`GET /api/v1/search` parameters; empty ones count as absent."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    q: str = Field(
        max_length=MAX_QUERY_LENGTH,
        description='words (all must match), "a phrase", a OR b, -excluded; Chinese and English',
    )
    date_from: dt.date | None = Field(None, alias="from", description="published on or after")
    date_to: dt.date | None = Field(None, alias="to", description="published on or before")
    issuer: str | None = Field(None, max_length=200, description="the issuer, exactly")
    region: str | None = Field(None, max_length=64, description="a region and those under it")
    kind: DocumentKind | None = None
    language: str | None = Field(None, max_length=8, description="zh or en")
    page: int = Field(1, le=MAX_PAGE, description=f"page number, from 1 to {MAX_PAGE}")
    per_page: int = Field(10, description=f"hits per page, 1 to {MAX_PER_PAGE}")

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    def filters(self) -> SearchFilters:
        return SearchFilters(
            self.date_from, self.date_to, self.issuer, self.region, self.kind, self.language
        )

    def page_spec(self) -> PageSpec:
        return PageSpec(self.page, self.per_page)


class HighlightRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    start: int
    end: int


class SnippetRead(BaseModel):
    """`text` is the paragraph from `start` to `end`; highlights are offsets in the paragraph."""

    model_config = ConfigDict(from_attributes=True)

    text: str
    start: int
    end: int
    highlights: list[HighlightRead]


class HitRead(BaseModel):
    """One matching paragraph; cite it as [external_id, position]."""

    model_config = ConfigDict(from_attributes=True)

    external_id: str
    title: str
    issuer: str | None
    date_text: str | None
    kind: str
    region: str | None
    language: str
    position: int = Field(description="the paragraph's position in its document, from 1")
    score: float
    snippet: SnippetRead


class SearchPageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    hits: list[HitRead]
    total: int
    page: int
    per_page: int
    pages: int

    @classmethod
    def of(cls, page: SearchPage) -> SearchPageRead:
        return cls.model_validate(page)


class ExportedHitRead(HitRead):
    """A hit in an export: also its document's number and source, and a link to the paragraph."""

    doc_no: str | None
    source: str | None
    url: str

    @classmethod
    def of(cls, hit: Hit, doc_no: str | None, source: str | None, url: str) -> ExportedHitRead:
        return cls.model_validate(
            HitRead.model_validate(hit).model_dump()
            | {"doc_no": doc_no, "source": source, "url": url}
        )


class SearchExportRead(BaseModel):
    """The results of `/search/export?format=json`: the best hits, up to `limit`, of `total`."""

    query: str
    filters: dict[str, str] = Field(description="the filters given, keyed like the parameters")
    total: int
    exported: int
    limit: int
    hits: list[ExportedHitRead]
