"""Concurrent writers keep one valid, gapless chain on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from kejin.audit import service
from kejin.bootstrap import Platform

WRITERS = 6
APPENDS_EACH = 15


def _writer(platform: Platform, writer: int) -> None:
    for number in range(APPENDS_EACH):
        with platform.uow() as work:
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
    assert report.checked == report.head_seq == WRITERS * APPENDS_EACH
