"""Registry rows read and written table by table, with their provenance, for sources that
report field by field (department feeds, `kejin.feeds`).

Reads are set-based (one query per chunk of enterprises); writes are one executemany per
call. The caller owns the transaction. A write that changes an enterprise's data raises its
`version`, as an import does.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from kejin.registry.orm import CHILD_TABLES, EnterpriseRow

TABLES: dict[str, Any] = {row.__tablename__: row for row in (EnterpriseRow, *CHILD_TABLES)}
CHUNK = 5000


@dataclass(frozen=True, slots=True)
class RegistryRow:
    """One stored row: its id, owner, key value, the asked-for columns and provenance."""

    row_id: int
    enterprise_id: int
    key: object  # the key column's value; None for the enterprise row itself
    values: dict[str, object]
    source: str
    as_of: date


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def enterprise_ids(session: Session, codes: Collection[str]) -> dict[str, int]:
    """Enterprise id by credit code, for the codes the registry knows."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(set(codes))):
        rows = session.execute(
            select(EnterpriseRow.uscc, EnterpriseRow.id).where(EnterpriseRow.uscc.in_(chunk))
        )
        found.update((code, owner) for code, owner in rows)
    return found


def credit_codes(session: Session, ids: Collection[int]) -> dict[int, tuple[str, str]]:
    """Credit code and name by enterprise id."""
    found: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(sorted(set(ids))):
        rows = session.execute(
            select(EnterpriseRow.id, EnterpriseRow.uscc, EnterpriseRow.name).where(
                EnterpriseRow.id.in_(chunk)
            )
        )
        found.update((row_id, (uscc, name)) for row_id, uscc, name in rows)
    return found


def rows_of(
    session: Session,
    table: str,
    key: str | None,
    columns: Sequence[str],
    owners: Collection[int],
) -> list[RegistryRow]:
    """The rows of `table` belonging to `owners`, with `columns` and the `key` column."""
    row = TABLES[table]
    owner = row.id if row is EnterpriseRow else row.enterprise_id
    key_column = getattr(row, key) if key else None
    wanted = [row.id, owner, row.source, row.as_of, *(getattr(row, name) for name in columns)]
    if key_column is not None:
        wanted.append(key_column)
    found: list[RegistryRow] = []
    for chunk in _chunks(sorted(set(owners))):
        rows = session.execute(select(*wanted).where(owner.in_(chunk)))
        found.extend(
            _registry_row(values, columns, has_key=key_column is not None) for values in rows
        )
    return found


def _registry_row(values: Sequence[Any], columns: Sequence[str], *, has_key: bool) -> RegistryRow:
    row_id, owner, source, as_of, *rest = values
    key = rest.pop() if has_key else None
    return RegistryRow(row_id, owner, key, dict(zip(columns, rest, strict=True)), source, as_of)


def add_rows(
    session: Session, table: str, rows: Sequence[dict[str, object]], owners: Collection[int]
) -> None:
    """Insert new rows of a child table (each names its `enterprise_id`, one of `owners`)."""
    if rows:
        session.execute(insert(TABLES[table]), list(rows))
        raise_versions(session, owners)


def change_rows(
    session: Session, table: str, changes: Sequence[dict[str, object]], owners: Collection[int]
) -> None:
    """Update rows by primary key (each change names its `id` and the new column values);
    `owners` are the enterprises the rows belong to."""
    if changes:
        session.execute(update(TABLES[table]), list(changes))
        raise_versions(session, owners)


def raise_versions(session: Session, owners: Collection[int]) -> None:
    """Raise the version of every listed enterprise by one (their data changed)."""
    for chunk in _chunks(sorted(set(owners))):
        session.execute(
            update(EnterpriseRow)
            .where(EnterpriseRow.id.in_(chunk))
            .values(version=EnterpriseRow.version + 1)
        )
