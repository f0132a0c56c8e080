"""Notification contracts: one notice as its reader sees it, and a page of them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from kejin.notifications.model import NotificationKind


class NotificationRead(BaseModel):
    id: int
    kind: NotificationKind
    text: str  # rendered in the reader's language
    link: str | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(BaseModel):
    items: list[NotificationRead]
    total: int
    unread: int
    page: int
    size: int
    pages: int
