"""Feed batches and reported values: lookups and the bulk insert of a batch's values."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kejin.core.bulk import insert_frame
from kejin.feeds.model import Department
from kejin.feeds.orm import FeedBatchRow, ReportedValueRow

CHUNK = 5000
ReportedKey = tuple[int, str, str, date]  # enterprise, field, period, as-of


def batch_with_hash(session: Session, file_hash: str) -> FeedBatchRow | None:
    return session.scalar(select(FeedBatchRow).where(FeedBatchRow.file_hash == file_hash))


def add_batch(session: Session, department: Department, file_name: str, file_hash: str) -> int:
    """Record a batch (counts filled in by `close_batch`) and return its id."""
    batch = FeedBatchRow(
        department=department,
        file_name=file_name[:255],
        file_hash=file_hash,
        received_at=datetime.now(UTC),
        accepted=0,
        rejected=0,
    )
    session.add(batch)
    session.flush()
    return batch.id


def close_batch(session: Session, batch_id: int, accepted: int, rejected: int) -> None:
    batch = session.get_one(FeedBatchRow, batch_id)
    batch.accepted, batch.rejected = accepted, rejected


def known_values(
    session: Session, source: str, owners: Collection[int], dates: Collection[date]
) -> dict[ReportedKey, str]:
    """Values the source already reported about these enterprises as of these dates, by key."""
    found: dict[ReportedKey, str] = {}
    ids = sorted(set(owners))
    columns = (
        ReportedValueRow.enterprise_id,
        ReportedValueRow.field,
        ReportedValueRow.period,
        ReportedValueRow.as_of,
        ReportedValueRow.value,
    )
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = session.execute(
            select(*columns).where(
                ReportedValueRow.source == source,
                ReportedValueRow.as_of.in_(sorted(set(dates))),
                ReportedValueRow.enterprise_id.in_(chunk),
            )
        )
        found.update(
            ((owner, field, period, as_of), value) for owner, field, period, as_of, value in rows
        )
    return found


def insert_values(session: Session, frame: pl.DataFrame) -> int:
    """Bulk-insert reported values (COPY on PostgreSQL)."""
    table = ReportedValueRow.__table__
    return insert_frame(session.connection(), table, frame)  # type: ignore[arg-type]


def values_of(session: Session, enterprise_id: int) -> list[ReportedValueRow]:
    """Every value reported about one enterprise."""
    return list(
        session.scalars(
            select(ReportedValueRow)
            .where(ReportedValueRow.enterprise_id == enterprise_id)
            .order_by(ReportedValueRow.field, ReportedValueRow.period, ReportedValueRow.as_of)
        )
    )


def reported_enterprises(session: Session) -> list[int]:
    """Enterprises with at least one reported value, in id order."""
    rows = session.scalars(
        select(ReportedValueRow.enterprise_id).group_by(ReportedValueRow.enterprise_id)
    )
    return sorted(rows)
