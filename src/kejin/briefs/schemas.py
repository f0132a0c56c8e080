"""The brief's API contract: the document's metadata, its key points, themed sections and
figures, every bullet and figure citing its paragraph as [external_id, position]."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kejin.briefs.extraction import Figure, FigureKind
from kejin.briefs.model import Bullet, Structure, Theme
from kejin.briefs.sentences import Citation


class CitationRead(BaseModel):
    external_id: str
    position: int = Field(description="paragraph position, from 1")
    source: int | None = Field(
        default=None, description="number n of the [n] marker in the numbered source list"
    )


class BulletRead(BaseModel):
    text: str = Field(description="verbatim from the cited paragraph")
    trimmed: bool = Field(description="a run of clauses cut from a longer sentence")
    citation: CitationRead


class SectionRead(BaseModel):
    theme: Theme
    bullets: list[BulletRead]


class FigureRead(BaseModel):
    kind: FigureKind
    text: str = Field(description="as found in the paragraph")
    value: str = Field(
        description="amount: yuan (Decimal); percentage(s): the number; date: ISO yyyy-mm-dd "
        "or yyyy-mm; names: as written"
    )
    mentions: int
    citation: CitationRead


class DocumentMeta(BaseModel):
    external_id: str
    title: str
    issuer: str | None
    doc_no: str | None
    date_text: str | None
    region: str | None
    language: str
    kind: str
    source: str
    paragraphs: int


class BriefRead(BaseModel):
    """The brief of one stored document."""

    version: str
    cues_version: str
    structure: Structure
    document: DocumentMeta
    key_points: list[BulletRead]
    sections: list[SectionRead]
    figures: list[FigureRead]
    sources: list[CitationRead] = Field(description="the cited paragraphs, numbered from 1")


def citation_read(citation: Citation, numbers: dict[Citation, int]) -> CitationRead:
    return CitationRead(
        external_id=citation.external_id,
        position=citation.position,
        source=numbers.get(citation),
    )


def bullet_read(bullet: Bullet, numbers: dict[Citation, int]) -> BulletRead:
    return BulletRead(
        text=bullet.text, trimmed=bullet.trimmed, citation=citation_read(bullet.citation, numbers)
    )


def figure_read(figure: Figure, numbers: dict[Citation, int]) -> FigureRead:
    return FigureRead(
        kind=figure.kind,
        text=figure.text,
        value=figure.value,
        mentions=figure.mentions,
        citation=citation_read(figure.citation, numbers),
    )
