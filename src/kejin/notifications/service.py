"""Notification use cases: `notify` inside the caller's transaction (never commits); a reader's
inbox in their language; marking notices read.

A principal receives what is addressed to their user, their institution or their enterprise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select, update
from sqlalchemy.orm import Session

from kejin.core.errors import NotFound
from kejin.core.i18n import translate
from kejin.core.pagination import Page, PageRequest
from kejin.core.uow import UnitOfWork
from kejin.identity.model import Principal
from kejin.notifications.model import NotificationKind, Recipient
from kejin.notifications.orm import NotificationRow
from kejin.notifications.schemas import NotificationPage, NotificationRead

UowFactory = Callable[[], UnitOfWork]


def notify(
    session: Session,
    recipient: Recipient,
    kind: NotificationKind,
    message: str,
    *,
    params: Mapping[str, Any] | None = None,
    link: str | None = None,
) -> None:
    """Store one notice; `message` is a message id with `{placeholders}` filled from `params`."""
    session.add(
        NotificationRow(
            institution_id=recipient.institution_id,
            enterprise_id=recipient.enterprise_id,
            user_id=recipient.user_id,
            kind=kind,
            message=message,
            params=dict(params or {}),
            link=link,
            created_at=datetime.now(UTC),
        )
    )


def _addressed_to(principal: Principal) -> ColumnElement[bool]:
    clauses = [NotificationRow.user_id == principal.user_id]
    if principal.institution_id is not None:
        clauses.append(NotificationRow.institution_id == principal.institution_id)
    if principal.enterprise_id is not None:
        clauses.append(NotificationRow.enterprise_id == principal.enterprise_id)
    return or_(false(), *clauses)


def inbox(
    uow: UowFactory, principal: Principal, request: PageRequest, locale: str
) -> NotificationPage:
    """The principal's notices, newest first, rendered in `locale`."""
    mine = _addressed_to(principal)
    with uow() as work:
        session = work.session
        total = session.scalar(select(func.count()).where(mine)) or 0
        unread = session.scalar(select(func.count()).where(mine, NotificationRow.read_at.is_(None)))
        rows = session.scalars(
            select(NotificationRow)
            .where(mine)
            .order_by(NotificationRow.id.desc())
            .offset(request.offset)
            .limit(request.size)
        )
        items = [_read(row, locale) for row in rows]
    pages = Page(items, total, request.page, request.size).pages
    return NotificationPage(
        items=items,
        total=total,
        unread=unread or 0,
        page=request.page,
        size=request.size,
        pages=pages,
    )


def unread_count(uow: UowFactory, principal: Principal) -> int:
    with uow() as work:
        query = select(func.count()).where(
            _addressed_to(principal), NotificationRow.read_at.is_(None)
        )
        return work.session.scalar(query) or 0


def mark_read(uow: UowFactory, principal: Principal, notification_id: int | None = None) -> int:
    """Mark one notice (or, with no id, all of the principal's) read; returns how many."""
    query = update(NotificationRow).where(
        _addressed_to(principal), NotificationRow.read_at.is_(None)
    )
    if notification_id is not None:
        query = query.where(NotificationRow.id == notification_id)
    with uow() as work:
        changed = work.session.execute(query.values(read_at=datetime.now(UTC))).rowcount  # type: ignore[attr-defined]
        if notification_id is not None and not changed:
            _require_own(work.session, principal, notification_id)
        work.commit()
    return int(changed)


def _require_own(session: Session, principal: Principal, notification_id: int) -> None:
    query = select(NotificationRow.id).where(
        NotificationRow.id == notification_id, _addressed_to(principal)
    )
    if session.scalar(query) is None:
        raise NotFound("no notice {id} for you", field="id", id=notification_id)


def _read(row: NotificationRow, locale: str) -> NotificationRead:
    return NotificationRead(
        id=row.id,
        kind=row.kind,
        text=translate(locale, row.message, **row.params),
        link=row.link,
        created_at=row.created_at,
        read_at=row.read_at,
    )
