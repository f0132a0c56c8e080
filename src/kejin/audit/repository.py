"""Audit storage: the append lock per database, the chain head, appends and plain-row reads.

Reads for verification use Core selects over plain rows in seq-keyed batches (no ORM objects),
so walking a million entries stays linear and light. There is no update or delete here: the log
only grows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, Select, Table, func, insert, select, text
from sqlalchemy.orm import Session

from kejin.audit.model import AuditEntry, ChainHead
from kejin.audit.orm import AuditEntryRow

ENTRIES: Table = AuditEntryRow.__table__  # type: ignore[assignment]
# "kejinaud" in ASCII: the one PostgreSQL advisory lock that serialises audit appends.
APPEND_LOCK_KEY = 0x6B656A696E617564
ENTRY_COLUMNS = (
    ENTRIES.c.seq,
    ENTRIES.c.recorded_at,
    ENTRIES.c.actor_id,
    ENTRIES.c.actor,
    ENTRIES.c.action,
    ENTRIES.c.subject_type,
    ENTRIES.c.subject_id,
    ENTRIES.c.purpose,
    ENTRIES.c.detail,
    ENTRIES.c.prev_hash,
    ENTRIES.c.entry_hash,
)


def lock_for_append(session: Session) -> None:
    """Hold the database's append lock until the caller's transaction ends, so reading the head
    and appending after it cannot interleave with another writer.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the database write lock, taken with
    `BEGIN IMMEDIATE` when the connection has no transaction yet; pysqlite opens a transaction only
    for a data change, so a connection already in one holds the write lock already.
    """
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK_KEY})
    elif dialect == "sqlite":
        driver = connection.connection.driver_connection
        if driver is not None and not driver.in_transaction:
            driver.execute("BEGIN IMMEDIATE")


def chain_head(session: Session) -> ChainHead | None:
    row = session.execute(
        select(ENTRIES.c.seq, ENTRIES.c.entry_hash).order_by(ENTRIES.c.seq.desc()).limit(1)
    ).first()
    return None if row is None else ChainHead(row.seq, row.entry_hash)


def append(session: Session, entries: Sequence[AuditEntry]) -> None:
    """Insert the entries in one statement (executemany)."""
    rows = [
        {column.name: getattr(entry, column.name) for column in ENTRY_COLUMNS}
        | {"detail": dict(entry.detail)}
        for entry in entries
    ]
    session.execute(insert(ENTRIES), rows)


def entry_hash_at(connection: Connection | Session, seq: int) -> str | None:
    hash_at: str | None = connection.execute(
        select(ENTRIES.c.entry_hash).where(ENTRIES.c.seq == seq)
    ).scalar_one_or_none()
    return hash_at


def stream_entries(connection: Connection | Session, batch_size: int) -> Iterator[AuditEntry]:
    """Every entry in seq order, fetched `batch_size` at a time by keyset (seq > last seen)."""
    after = 0
    while True:
        rows = connection.execute(
            select(*ENTRY_COLUMNS)
            .where(ENTRIES.c.seq > after)
            .order_by(ENTRIES.c.seq)
            .limit(batch_size)
        ).all()
        yield from (entry_of(row._mapping) for row in rows)
        if len(rows) < batch_size:
            return
        after = rows[-1].seq


def entry_of(row: RowMapping) -> AuditEntry:
    return AuditEntry(**row)


def newest(session: Session, count: int) -> list[AuditEntry]:
    rows = session.execute(select(*ENTRY_COLUMNS).order_by(ENTRIES.c.seq.desc()).limit(count))
    return [entry_of(row) for row in reversed(rows.mappings().all())]


def entry_page(
    session: Session, where: Sequence[Any], offset: int, limit: int
) -> tuple[list[AuditEntry], int]:
    """Entries matching every condition, newest first, and how many match in all."""
    query: Select[Any] = select(*ENTRY_COLUMNS).where(*where)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(ENTRIES.c.seq.desc()).offset(offset).limit(limit))
    return [entry_of(row) for row in rows.mappings()], total


def seq_filters(
    *,
    actor: str | None,
    action: str | None,
    subject_type: str | None,
    subject_id: str | None,
    since: datetime | None,
    until: datetime | None,
) -> list[Any]:
    """Column conditions for the given filters; `until` is exclusive."""
    conditions: list[Any] = []
    for column, value in (
        (ENTRIES.c.actor, actor),
        (ENTRIES.c.action, action),
        (ENTRIES.c.subject_type, subject_type),
        (ENTRIES.c.subject_id, subject_id),
    ):
        if value is not None:
            conditions.append(column == value)
    if since is not None:
        conditions.append(ENTRIES.c.recorded_at >= since)
    if until is not None:
        conditions.append(ENTRIES.c.recorded_at < until)
    return conditions
