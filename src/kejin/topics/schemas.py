"""Topic API contracts: a topic to create or edit, a topic as listed and shown, the documents
it holds, an edit's and a refresh's outcome, and the digest."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from kejin.search.model import MAX_QUERY_LENGTH
from kejin.topics.model import FILTER_FIELDS, MAX_NAME_LENGTH, MAX_SLUG_LENGTH


class TopicCreate(BaseModel):
    """A topic to create; without `slug` one is made from the name."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=MAX_NAME_LENGTH, examples=["科技金融支持体系"])
    query: str = Field(
        max_length=MAX_QUERY_LENGTH,
        description='the search query: words (all must match), "a phrase", a OR b, -excluded',
        examples=["科技金融 OR 投贷联动"],
    )
    slug: str | None = Field(None, max_length=MAX_SLUG_LENGTH, examples=["tech-finance"])
    filters: dict[str, str] = Field(
        default_factory=dict, description="search filters: " + ", ".join(FILTER_FIELDS)
    )


class TopicEdit(BaseModel):
    """The changes to a topic (its slug stays): a field absent keeps its value; `filters`, when
    given, replaces them all."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=MAX_NAME_LENGTH)
    query: str | None = Field(None, max_length=MAX_QUERY_LENGTH)
    filters: dict[str, str] | None = Field(
        None, description="search filters: " + ", ".join(FILTER_FIELDS)
    )


class TopicRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    name: str
    query: str
    filters: dict[str, str]
    created_by: str
    created_at: dt.datetime
    refreshed_at: dt.datetime | None
    version: int
    documents: int = Field(description="documents the topic holds")
    new: int = Field(description="documents first seen after the topic was created")


class TopicDocumentRead(BaseModel):
    """A document the topic holds; its best paragraph is [external_id, position]."""

    model_config = ConfigDict(from_attributes=True)

    external_id: str
    title: str
    issuer: str | None
    date_text: str | None
    kind: str
    score: float
    position: int
    paragraphs: int = Field(description="paragraphs matching the topic's query")
    first_seen_at: dt.datetime


class HeldDocumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    document: TopicDocumentRead
    new: bool


class TopicDetailRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    topic: TopicRead
    documents: list[HeldDocumentRead]


class EditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    topic: TopicRead
    added: int = Field(description="documents the new query or filters brought in")
    removed: int = Field(description="documents no longer found, which left the topic")


class RefreshRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    added: int
    documents: int


class CitedPointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    text: str
    trimmed: bool
    source: int = Field(description="the n of its [n]: a number in `sources`")


class DigestEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    document: TopicDocumentRead
    passage: CitedPointRead | None = Field(
        description="the sentence of the document's best-matching paragraph, citing it"
    )
    points: list[CitedPointRead]
    new: bool


class SourceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    external_id: str
    title: str
    position: int = Field(description="the paragraph, from 1: /documents/{external_id}#p-N")


class DigestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    query: str
    since: dt.datetime
    documents: int
    entries: list[DigestEntryRead]
    new: list[DigestEntryRead]
    sources: list[SourceRead]
