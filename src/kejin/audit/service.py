"""Audit use cases: append an entry inside the caller's transaction, verify the chain, anchor its
head, and read entries for the audit viewer and for an enterprise's access history.

`record` never commits: the entry lives or dies with the change or read it describes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from kejin.audit import repository
from kejin.audit.model import (
    Anchor,
    AuditEntry,
    ChainHead,
    VerifyReport,
    as_utc,
    check_anchor,
    check_detail,
    check_lengths,
    next_entry,
    verify_chain,
)
from kejin.core.pagination import Page, PageRequest
from kejin.core.uow import UnitOfWork
from kejin.identity.model import Principal

UowFactory = Callable[[], UnitOfWork]
VERIFY_BATCH = 5000


def now() -> datetime:
    return datetime.now(UTC)


def record(
    session: Session,
    *,
    actor: Principal | str,
    action: str,
    subject_type: str,
    subject_id: str,
    purpose: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry to the chain within the caller's transaction (never commits).

    `actor` is the signed-in principal or a system-job label such as "system:import". `detail`
    is plain JSON and must never carry a secret: keys naming passwords, tokens, secrets, cookies
    and the like are refused. Appends are serialised per database (see `repository.lock_for_append`)
    so concurrent writers keep one gapless chain; the lock is held until the caller commits.
    """
    record_each(
        session,
        actor=actor,
        action=action,
        subject_type=subject_type,
        subjects=[(subject_id, purpose, detail or {})],
    )


def record_each(
    session: Session,
    *,
    actor: Principal | str,
    action: str,
    subject_type: str,
    subjects: Sequence[tuple[str, str | None, Mapping[str, Any]]],
) -> None:
    """Append one entry per `(subject_id, purpose, detail)`, in order, with one lock, one head
    read and one insert: the same action on many subjects (a list that showed many firms'
    figures). Same rules as `record`; never commits."""
    actor_id, actor_name = (
        (actor.user_id, actor.login) if isinstance(actor, Principal) else (None, actor)
    )
    for subject_id, purpose, detail in subjects:
        check_lengths(
            {
                "actor": actor_name,
                "action": action,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "purpose": purpose,
            }
        )
        check_detail(detail)
    repository.lock_for_append(session)
    head, entries = repository.chain_head(session), []
    for subject_id, purpose, detail in subjects:
        entry = next_entry(
            head,
            recorded_at=now(),
            actor_id=actor_id,
            actor=actor_name,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            purpose=purpose,
            detail=dict(detail),
        )
        entries.append(entry)
        head = ChainHead(entry.seq, entry.entry_hash)
    repository.append(session, entries)


def verify(uow: UowFactory, anchor: Anchor | None = None) -> VerifyReport:
    """Walk the whole chain in seq order; with an anchor, also check the anchored head survives."""
    with uow() as work:
        report = verify_chain(repository.stream_entries(work.session, VERIFY_BATCH))
        if anchor is None:
            return report
        return check_anchor(report, anchor, repository.entry_hash_at(work.session, anchor.seq))


def anchor(uow: UowFactory) -> Anchor | None:
    """The current head as an anchor to keep outside the database; None for an empty log."""
    with uow() as work:
        head = repository.chain_head(work.session)
    return None if head is None else Anchor(head.seq, head.entry_hash)


def tail(uow: UowFactory, count: int) -> list[AuditEntry]:
    """The newest `count` entries, oldest first."""
    with uow() as work:
        return repository.newest(work.session, count)


def search(
    uow: UowFactory,
    request: PageRequest,
    *,
    actor: str | None = None,
    action: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[AuditEntry]:
    """One page of entries matching the filters, newest first; `until` is exclusive."""
    conditions = repository.seq_filters(
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        since=_utc(since),
        until=_utc(until),
    )
    with uow() as work:
        items, total = repository.entry_page(work.session, conditions, request.offset, request.size)
    return Page(items=items, total=total, page=request.page, size=request.size)


def entries_about(
    uow: UowFactory, subject_type: str, subject_id: str, request: PageRequest
) -> Page[AuditEntry]:
    """Who did what to one subject, newest first: an enterprise's access history."""
    return search(uow, request, subject_type=subject_type, subject_id=subject_id)


def _utc(moment: datetime | None) -> datetime | None:
    """UTC without a zone, as stored on SQLite; PostgreSQL reads it as UTC too."""
    return None if moment is None else as_utc(moment).replace(tzinfo=None)
