"""Time `kejin audit verify` over a chain of N entries.

    PYTHONPATH=src python -m benchmarks.audit_verify --entries 100000 [--database-url URL]

Builds the chain in Python (sealed exactly as `record` seals it), bulk-inserts it into an empty,
migrated database (a temporary SQLite file by default), then times one full verification.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert

from kejin.audit import service
from kejin.audit.model import AuditEntry, ChainHead, next_entry
from kejin.audit.repository import ENTRIES, ENTRY_COLUMNS
from kejin.bootstrap import bootstrap
from kejin.config import Settings

INSERT_BATCH = 10_000


def build_chain(count: int) -> list[AuditEntry]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    entries: list[AuditEntry] = []
    head: ChainHead | None = None
    for number in range(count):
        entry = next_entry(
            head,
            recorded_at=start + timedelta(milliseconds=number * 37),
            actor_id=number % 50 or None,
            actor=f"user-{number % 50}",
            action="enterprise.read" if number % 3 else "consent.grant",
            subject_type="enterprise",
            subject_id=str(number % 5000),
            purpose="贷前调查",
            detail={"scope": "financials", "fields": ["revenue", "rd_expense"]},
        )
        entries.append(entry)
        head = ChainHead(entry.seq, entry.entry_hash)
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="kejin-audit-bench-"))
    url = args.database_url or f"sqlite:///{data_dir / 'kejin.db'}"
    platform = bootstrap(Settings(data_dir=data_dir, database_url=url, env="test"))
    platform.migrate()
    entries = build_chain(args.entries)
    with platform.engine.begin() as conn:
        conn.execute(delete(ENTRIES))
        for offset in range(0, len(entries), INSERT_BATCH):
            rows = [
                {column.name: getattr(entry, column.name) for column in ENTRY_COLUMNS}
                for entry in entries[offset : offset + INSERT_BATCH]
            ]
            conn.execute(insert(ENTRIES), rows)
    started = time.perf_counter()
    report = service.verify(platform.uow)
    seconds = time.perf_counter() - started
    assert report.ok
    assert report.checked == args.entries
    print(
        f"{platform.engine.dialect.name}: verified {report.checked:,} entries in {seconds:.2f} s "
        f"({report.checked / seconds:,.0f} entries/s)"
    )
    with platform.engine.begin() as conn:
        conn.execute(delete(ENTRIES))
    platform.dispose()


if __name__ == "__main__":
    main()
