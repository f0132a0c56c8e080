"""The pure audit chain: canonical hashing, verification of in-memory chains, detail guard."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.audit.errors import UnsafeAuditDetail
from kejin.audit.model import (
    GENESIS_HASH,
    Anchor,
    AuditEntry,
    ChainHead,
    canonical_json,
    canonical_timestamp,
    check_anchor,
    check_detail,
    hash_of,
    next_entry,
    verify_chain,
)

START = datetime(2026, 11, 27, 3, 14, 22, 123456, tzinfo=UTC)


def chain(length: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for number in range(length):
        head = entries[-1] if entries else None
        entries.append(
            next_entry(
                None if head is None else _head(head),
                recorded_at=START + timedelta(seconds=number),
                actor_id=number % 3 or None,
                actor=f"user-{number % 3}",
                action="enterprise.read",
                subject_type="enterprise",
                subject_id=str(number),
                purpose="贷前调查" if number % 2 else None,
                detail={"scope": "financials", "n": number},
            )
        )
    return entries


def _head(entry: AuditEntry) -> ChainHead:
    return ChainHead(entry.seq, entry.entry_hash)


def test_canonical_json_sorts_keys_keeps_chinese_and_has_no_spaces() -> None:
    assert canonical_json({"b": 1, "a": ["科金", None]}) == '{"a":["科金",null],"b":1}'


def test_the_same_instant_in_any_zone_or_naive_utc_has_one_timestamp() -> None:
    beijing = START.astimezone(timezone(timedelta(hours=8)))
    naive = START.replace(tzinfo=None)
    assert canonical_timestamp(beijing) == canonical_timestamp(naive)
    assert canonical_timestamp(START) == "2026-11-27T03:14:22.123456+00:00"


def test_the_first_entry_links_to_genesis_and_each_next_to_its_predecessor() -> None:
    entries = chain(3)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[2].prev_hash == entries[1].entry_hash
    assert verify_chain(entries) == verify_chain(iter(entries))
    assert verify_chain(entries).ok


def test_an_empty_log_verifies_with_nothing_checked() -> None:
    report = verify_chain([])
    assert (report.ok, report.checked, report.head_seq, report.head_hash) == (
        True,
        0,
        0,
        GENESIS_HASH,
    )


FIELD_EDITS = {
    "recorded_at": START + timedelta(microseconds=1),
    "actor_id": 99,
    "actor": "someone",
    "action": "enterprise.update",
    "subject_type": "loan",
    "subject_id": "x",
    "purpose": "other",
    "detail": {"scope": "tax"},
}


@given(position=st.integers(0, 5), field=st.sampled_from(sorted(FIELD_EDITS)))
def test_editing_any_field_of_any_entry_is_caught_at_that_entry(position: int, field: str) -> None:
    entries = chain(6)
    entries[position] = replace(entries[position], **{field: FIELD_EDITS[field]})
    report = verify_chain(entries)
    assert (report.ok, report.first_bad_seq, report.checked) == (False, position + 1, position)
    assert "edited" in (report.reason or "")


def test_a_deleted_middle_entry_is_caught_at_the_next() -> None:
    entries = chain(5)
    del entries[2]
    report = verify_chain(entries)
    assert (report.first_bad_seq, report.head_seq) == (4, 2)
    assert "expected seq 3" in (report.reason or "")


def test_two_swapped_entries_are_caught_at_the_first_position() -> None:
    entries = chain(5)
    second, fourth = entries[1], entries[3]
    entries[1], entries[3] = replace(fourth, seq=2), replace(second, seq=4)
    report = verify_chain(entries)
    assert report.first_bad_seq == 2
    assert "prev_hash" in (report.reason or "")


def test_an_anchor_round_trips_through_text_and_catches_a_cut_or_rewrite() -> None:
    entries = chain(4)
    anchor = Anchor(4, entries[-1].entry_hash)
    assert Anchor.from_text(anchor.to_text()) == anchor
    report = verify_chain(entries[:3])
    assert report.ok
    assert check_anchor(report, anchor, None).first_bad_seq == 4
    assert not check_anchor(report, anchor, "0" * 64).ok
    assert check_anchor(verify_chain(entries), anchor, entries[-1].entry_hash).ok


def test_the_stored_hash_is_not_part_of_what_is_hashed() -> None:
    entry = chain(1)[0]
    assert hash_of(replace(entry, entry_hash="")) == entry.entry_hash


@pytest.mark.parametrize(
    "detail",
    [
        {"password": "x"},
        {"nested": {"Access_Token": "x"}},
        {"list": [{"client_secret": "x"}]},
        {"session_cookie": "x"},
        {"when": datetime.now(UTC)},
        {"ratio": float("nan")},
        {"pair": (1, 2)},
    ],
)
def test_a_detail_with_a_secret_or_no_exact_json_form_is_refused(detail: dict) -> None:
    with pytest.raises(UnsafeAuditDetail):
        check_detail(detail)


def test_a_plain_detail_is_accepted() -> None:
    check_detail({"scope": "financials", "fields": ["revenue"], "granted_until": "2027-01-01"})
