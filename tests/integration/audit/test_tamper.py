"""Tamper detection on the stored chain: each kind of change made straight in the database, past
the service, is caught at the first bad entry with its reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, delete, insert, update
from sqlalchemy.exc import DBAPIError

from kejin.audit import service
from kejin.audit.model import Anchor, AuditEntry, hash_of
from kejin.audit.repository import ENTRIES, newest
from kejin.bootstrap import Platform
from tests.tampering import tampering

CHAIN_LENGTH = 5
Tamper = Callable[[Connection], None]


@pytest.fixture
def chain(platform: Platform) -> Platform:
    with platform.uow() as work:
        for number in range(1, CHAIN_LENGTH + 1):
            service.record(
                work.session,
                actor="system:test",
                action="enterprise.read",
                subject_type="enterprise",
                subject_id=str(number),
                detail={"scope": "financials"},
            )
        work.commit()
    return platform


def _move(conn: Connection, seq: int, to: int) -> None:
    conn.execute(update(ENTRIES).where(ENTRIES.c.seq == seq).values(seq=to))


def _swap_two(conn: Connection) -> None:
    _move(conn, 2, 0)
    _move(conn, 4, 2)
    _move(conn, 0, 4)


def _forged_row(seq: int, prev_hash: str) -> dict[str, object]:
    return {
        "seq": seq,
        "recorded_at": datetime.now(UTC),
        "actor_id": None,
        "actor": "system:forger",
        "action": "enterprise.read",
        "subject_type": "enterprise",
        "subject_id": "99",
        "purpose": None,
        "detail": {},
        "prev_hash": prev_hash,
        "entry_hash": "f" * 64,
    }


def _insert_naive_forgery(conn: Connection) -> None:
    conn.execute(insert(ENTRIES).values(**_forged_row(CHAIN_LENGTH + 1, "e" * 64)))


def _insert_sealed_forgery_in_the_middle(conn: Connection) -> None:
    """A careful forger makes room at seq 3 and seals the forged entry correctly."""
    for seq in range(CHAIN_LENGTH, 2, -1):
        _move(conn, seq, seq + 1)
    prev = conn.execute(ENTRIES.select().where(ENTRIES.c.seq == 2)).mappings().one()
    row = _forged_row(3, prev["entry_hash"])
    entry = AuditEntry(**row)  # type: ignore[arg-type]
    conn.execute(insert(ENTRIES).values(**{**row, "entry_hash": hash_of(entry)}))


CASES: dict[str, tuple[Tamper, int, str]] = {
    "edit detail": (
        lambda c: c.execute(
            update(ENTRIES).where(ENTRIES.c.seq == 3).values(detail={"scope": "tax"})
        ),
        3,
        "edited",
    ),
    "edit actor": (
        lambda c: c.execute(update(ENTRIES).where(ENTRIES.c.seq == 2).values(actor="someone")),
        2,
        "edited",
    ),
    "delete middle": (
        lambda c: c.execute(delete(ENTRIES).where(ENTRIES.c.seq == 3)),
        4,
        "deleted or inserted",
    ),
    "insert forged": (_insert_naive_forgery, CHAIN_LENGTH + 1, "prev_hash"),
    "insert sealed forgery": (_insert_sealed_forgery_in_the_middle, 4, "added"),
    "swap two": (_swap_two, 2, "moved"),
}


@pytest.mark.parametrize("case", CASES)
def test_tampering_is_caught_at_the_first_bad_entry(chain: Platform, case: str) -> None:
    tamper, first_bad, reason = CASES[case]
    assert service.verify(chain.uow).ok
    with tampering(chain) as conn:
        tamper(conn)
    report = service.verify(chain.uow)
    assert not report.ok
    assert report.first_bad_seq == first_bad
    assert reason in (report.reason or "")


def test_deleting_the_newest_entry_passes_the_chain_but_not_the_anchor(chain: Platform) -> None:
    kept = service.anchor(chain.uow)
    assert kept == Anchor(CHAIN_LENGTH, newest_hash(chain))
    with tampering(chain) as conn:
        conn.execute(delete(ENTRIES).where(ENTRIES.c.seq == CHAIN_LENGTH))
    assert service.verify(chain.uow).ok
    report = service.verify(chain.uow, kept)
    assert (report.ok, report.first_bad_seq) == (False, CHAIN_LENGTH)
    assert "removed" in (report.reason or "")


def test_a_rewritten_chain_passes_alone_but_not_against_an_older_anchor(
    chain: Platform,
) -> None:
    kept = service.anchor(chain.uow)
    assert kept is not None
    with chain.uow() as work:
        entries = newest(work.session, CHAIN_LENGTH)
    with tampering(chain) as conn:
        prev_hash = entries[0].entry_hash
        for entry in entries[1:]:
            forged = replace(entry, actor="system:forger", prev_hash=prev_hash)
            prev_hash = hash_of(forged)
            conn.execute(
                update(ENTRIES)
                .where(ENTRIES.c.seq == entry.seq)
                .values(actor=forged.actor, prev_hash=forged.prev_hash, entry_hash=prev_hash)
            )
    assert service.verify(chain.uow).ok
    report = service.verify(chain.uow, kept)
    assert (report.ok, report.first_bad_seq) == (False, CHAIN_LENGTH)
    assert "rewritten" in (report.reason or "")


def newest_hash(platform: Platform) -> str:
    with platform.uow() as work:
        return newest(work.session, 1)[0].entry_hash


def test_postgresql_refuses_to_update_or_delete_an_entry(chain: Platform) -> None:
    if chain.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    for change in (
        update(ENTRIES).where(ENTRIES.c.seq == 2).values(actor="system:forger"),
        delete(ENTRIES).where(ENTRIES.c.seq == 3),
    ):
        with pytest.raises(DBAPIError, match="append-only"), chain.engine.begin() as conn:
            conn.execute(change)
    assert service.verify(chain.uow).ok
