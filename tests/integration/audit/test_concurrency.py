"""Concurrent writers keep one valid, gapless chain on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from kejin.audit import service
from kejin.bootstrap import Platform

WRITERS = 6
TRANSACTIONS_EACH = 8
ENTRIES_PER_TRANSACTION = 2  # the second append runs with the append lock already held


def _writer(platform: Platform, writer: int) -> None:
    for number in range(TRANSACTIONS_EACH):
        with platform.uow() as work:
            for _ in range(ENTRIES_PER_TRANSACTION):
                service.record(
                    work.session,
                    actor=f"system:writer-{writer}",
                    action="enterprise.update",
                    subject_type="enterprise",
                    subject_id=str(number),
                )
            work.commit()


def test_concurrent_appends_through_separate_sessions_keep_the_chain_valid(
    platform: Platform,
) -> None:
    with ThreadPoolExecutor(WRITERS) as pool:
        for done in [pool.submit(_writer, platform, writer) for writer in range(WRITERS)]:
            done.result()
    report = service.verify(platform.uow)
    assert report.ok, report.reason
    assert (
        report.checked == report.head_seq == WRITERS * TRANSACTIONS_EACH * ENTRIES_PER_TRANSACTION
    )
