"""Appending to the audit chain on the test database: links, timestamps and the caller's
transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from kejin.audit import service
from kejin.audit.errors import UnsafeAuditDetail
from kejin.audit.model import GENESIS_HASH, hash_of
from kejin.audit.orm import AuditEntryRow
from kejin.audit.repository import newest
from kejin.bootstrap import Platform
from kejin.core.errors import InvalidInput
from kejin.core.pagination import PageRequest
from kejin.identity.model import Principal, Role

OFFICER = Principal(user_id=7, login="li.officer", role=Role.BANK_OFFICER, institution_id=3)


def _append(platform: Platform, count: int, **fields: object) -> None:
    with platform.uow() as work:
        for number in range(count):
            service.record(
                work.session,
                actor=fields.get("actor", "system:test"),  # type: ignore[arg-type]
                action="enterprise.read",
                subject_type="enterprise",
                subject_id=str(number),
                purpose="credit review",
                detail={"scope": "financials", "n": number, "名称": "科技"},
            )
        work.commit()


def test_entries_link_from_the_genesis_hash_with_gapless_seq(platform: Platform) -> None:
    _append(platform, 3)
    with platform.uow() as work:
        entries = newest(work.session, 10)
    assert [entry.seq for entry in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    assert [entry.prev_hash for entry in entries[1:]] == [e.entry_hash for e in entries[:2]]
    assert all(hash_of(entry) == entry.entry_hash for entry in entries)


def test_a_principal_is_logged_by_id_and_login(platform: Platform) -> None:
    _append(platform, 1, actor=OFFICER)
    with platform.uow() as work:
        (entry,) = newest(work.session, 1)
    assert (entry.actor_id, entry.actor) == (7, "li.officer")


def test_recorded_at_reads_back_as_the_same_utc_microsecond(platform: Platform) -> None:
    before = datetime.now(UTC)
    _append(platform, 1)
    with platform.uow() as work:
        stored = work.session.execute(select(AuditEntryRow.recorded_at)).scalar_one()
        (entry,) = newest(work.session, 1)
    moment = stored if stored.tzinfo else stored.replace(tzinfo=UTC)
    assert before <= moment <= datetime.now(UTC)
    assert hash_of(entry) == entry.entry_hash


def test_record_never_commits_so_a_rolled_back_use_case_leaves_no_entry(
    platform: Platform,
) -> None:
    with platform.uow() as work:
        service.record(
            work.session, actor="system:test", action="a", subject_type="t", subject_id="1"
        )
    assert service.tail(platform.uow, 5) == []


@pytest.mark.parametrize(
    "detail", [{"password": "x"}, {"user": {"api_token": "x"}}, {"items": [{"Secret": 1}]}]
)
def test_a_detail_that_may_hold_a_secret_is_refused(platform: Platform, detail: dict) -> None:
    with platform.uow() as work, pytest.raises(UnsafeAuditDetail):
        service.record(
            work.session,
            actor="system:test",
            action="a",
            subject_type="t",
            subject_id="1",
            detail=detail,
        )


def test_overlong_or_missing_fields_are_refused_by_name(platform: Platform) -> None:
    with platform.uow() as work, pytest.raises(InvalidInput) as refused:
        service.record(work.session, actor="", action="a" * 65, subject_type="t", subject_id="1")
    assert {p.field for p in refused.value.problems} == {"actor", "action"}


def test_entries_about_one_subject_come_newest_first_a_page_at_a_time(
    platform: Platform,
) -> None:
    _append(platform, 6)
    with platform.uow() as work:
        service.record(
            work.session, actor=OFFICER, action="loan.read", subject_type="loan", subject_id="2"
        )
        work.commit()
    page = service.entries_about(platform.uow, "enterprise", "2", PageRequest(page=1, size=5))
    assert (page.total, [entry.seq for entry in page.items]) == (1, [3])


def test_record_each_appends_one_linked_entry_per_subject_after_the_head(
    platform: Platform,
) -> None:
    _append(platform, 1)
    with platform.uow() as work:
        service.record_each(
            work.session,
            actor=OFFICER,
            action="consent.read",
            subject_type="enterprise",
            subjects=[(str(n), "credit_assessment", {"listed": True}) for n in (5, 6, 7)],
        )
        work.commit()
    with platform.uow() as work:
        entries = newest(work.session, 10)
    assert [(entry.seq, entry.subject_id) for entry in entries[1:]] == [
        (2, "5"),
        (3, "6"),
        (4, "7"),
    ]
    assert [entry.prev_hash for entry in entries[1:]] == [e.entry_hash for e in entries[:3]]
    assert service.verify(platform.uow).ok
