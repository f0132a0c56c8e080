"""Topic tables: a topic (its saved search) and the documents it has collected.

A collected document refers to `documents.id` with ON DELETE CASCADE: a document deleted
from the library leaves every topic with it, and nothing else ever removes one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kejin.core.db import Base


class TopicRow(Base):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    query: Mapped[str] = mapped_column(String(200))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the search filters
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    refreshed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the library as the last refresh saw it (documents stored, highest id): a cheap check
    library_count: Mapped[int] = mapped_column(Integer, default=0)
    library_highest: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)  # rises with every refresh


class TopicDocumentRow(Base):
    __tablename__ = "topic_documents"

    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    external_id: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    best_score: Mapped[float] = mapped_column(Float)
    best_position: Mapped[int] = mapped_column(Integer)  # the best-scored paragraph
    matched_paragraphs: Mapped[int] = mapped_column(Integer)
