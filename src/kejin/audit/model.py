"""The audit chain's pure core: canonical serialisation, SHA-256 chain hashing and verification.

Each entry's hash covers its content and the previous entry's hash (`GENESIS_HASH` for the
first), so editing, deleting, inserting or reordering an entry breaks the chain at that point.
Nothing here touches a database: verification walks any iterable of `AuditEntry` in seq order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from kejin.audit.errors import UnsafeAuditDetail
from kejin.core.errors import FieldProblem, InvalidInput

GENESIS_HASH = "0" * 64

# Column widths of audit_entries; longer text is refused rather than cut (a cut would change it).
FIELD_LIMITS = {"actor": 120, "action": 64, "subject_type": 64, "subject_id": 64, "purpose": 200}
REQUIRED_FIELDS = ("actor", "action", "subject_type", "subject_id")

# Key fragments that mark a secret; a detail key containing one is refused (see `check_detail`).
SECRET_KEY_FRAGMENTS = (
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "cookie",
    "csrf",
    "credential",
    "private_key",
)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One link of the chain as stored."""

    seq: int
    recorded_at: datetime
    actor_id: int | None
    actor: str
    action: str
    subject_type: str
    subject_id: str
    purpose: str | None
    detail: Mapping[str, Any]
    prev_hash: str
    entry_hash: str


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The newest link: where the next entry attaches."""

    seq: int
    entry_hash: str


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of walking the chain: `ok`, how many entries were checked, and on failure the
    seq of the first bad entry with the reason. `head_seq`/`head_hash` name the last good link."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str | None = None
    head_seq: int = 0
    head_hash: str = GENESIS_HASH


@dataclass(frozen=True, slots=True)
class Anchor:
    """A head hash written down outside the database: the entry at `seq` must keep `entry_hash`.

    The chain alone cannot notice its newest entries being cut off (or the whole chain being
    rewritten by someone who can recompute hashes); a kept anchor can."""

    seq: int
    entry_hash: str

    def to_text(self) -> str:
        return canonical_json({"entry_hash": self.entry_hash, "seq": self.seq}) + "\n"

    @classmethod
    def from_text(cls, text: str) -> Anchor:
        data = json.loads(text)
        return cls(seq=int(data["seq"]), entry_hash=str(data["entry_hash"]))


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 text kept as is, NaN/Infinity refused."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def as_utc(moment: datetime) -> datetime:
    """The same instant in UTC. A naive value is read as UTC: SQLite keeps no zone, and every
    stored timestamp is written in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def canonical_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds, e.g. `2026-11-27T03:14:22.123456+00:00`."""
    return as_utc(moment).isoformat(timespec="microseconds")


def hash_of(entry: AuditEntry) -> str:
    """SHA-256 (hex) of the canonical JSON array of the entry's fields and its `prev_hash`; the
    stored `entry_hash` is not part of it."""
    fields = [
        entry.seq,
        canonical_timestamp(entry.recorded_at),
        entry.actor_id,
        entry.actor,
        entry.action,
        entry.subject_type,
        entry.subject_id,
        entry.purpose,
        dict(entry.detail),
        entry.prev_hash,
    ]
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def next_entry(
    head: ChainHead | None,
    *,
    recorded_at: datetime,
    actor_id: int | None,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str,
    purpose: str | None,
    detail: Mapping[str, Any],
) -> AuditEntry:
    """The entry that follows `head` (or starts the chain), sealed with its hash."""
    seq, prev_hash = (1, GENESIS_HASH) if head is None else (head.seq + 1, head.entry_hash)
    unsealed = AuditEntry(
        seq=seq,
        recorded_at=recorded_at,
        actor_id=actor_id,
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        purpose=purpose,
        detail=detail,
        prev_hash=prev_hash,
        entry_hash="",
    )
    return replace(unsealed, entry_hash=hash_of(unsealed))


def check_lengths(fields: Mapping[str, str | None]) -> None:
    """Refuse text longer than its column, naming every field that is."""
    problems = [FieldProblem(name, "required") for name in REQUIRED_FIELDS if not fields.get(name)]
    problems += [
        FieldProblem(name, "at most {max} characters", params={"max": FIELD_LIMITS[name]})
        for name, value in fields.items()
        if value is not None and len(value) > FIELD_LIMITS[name]
    ]
    if problems:
        raise InvalidInput("audit entry refused", problems)


def check_detail(detail: Mapping[str, Any]) -> None:
    """Refuse a detail that could carry a secret (by key name, at any depth) or that is not plain
    JSON (it must survive a round trip through the database unchanged to be verifiable)."""
    _refuse_secret_keys(detail)
    try:
        text = canonical_json(detail)
    except (TypeError, ValueError) as exc:
        raise UnsafeAuditDetail("audit detail is not plain JSON: {error}", error=str(exc)) from exc
    if json.loads(text) != detail:
        raise UnsafeAuditDetail("audit detail changes in a JSON round trip")


def _refuse_secret_keys(value: Any) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            lowered = str(key).lower()
            if any(fragment in lowered for fragment in SECRET_KEY_FRAGMENTS):
                raise UnsafeAuditDetail("audit detail key {key} may hold a secret", key=str(key))
            _refuse_secret_keys(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            _refuse_secret_keys(inner)


def verify_chain(entries: Iterable[AuditEntry]) -> VerifyReport:
    """Walk entries in seq order; stop at the first that breaks the chain and say why."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for entry in entries:
        reason = _break_in(entry, expected_seq, prev_hash)
        if reason is not None:
            return VerifyReport(False, checked, entry.seq, reason, expected_seq - 1, prev_hash)
        expected_seq, prev_hash, checked = entry.seq + 1, entry.entry_hash, checked + 1
    return VerifyReport(True, checked, head_seq=expected_seq - 1, head_hash=prev_hash)


def _break_in(entry: AuditEntry, expected_seq: int, prev_hash: str) -> str | None:
    if entry.seq != expected_seq:
        return f"expected seq {expected_seq}, found {entry.seq}: an entry was deleted or inserted"
    if entry.prev_hash != prev_hash:
        return "prev_hash does not match the previous entry: an entry was removed, added or moved"
    if hash_of(entry) != entry.entry_hash:
        return "entry_hash does not match the entry's content: the entry was edited"
    return None


def check_anchor(report: VerifyReport, anchor: Anchor, stored_hash: str | None) -> VerifyReport:
    """Combine a chain report with an anchor: the anchored entry must still exist unchanged."""
    if not report.ok:
        return report
    if stored_hash is None:
        reason = f"anchored entry {anchor.seq} is missing: the newest entries were removed"
        return replace(report, ok=False, first_bad_seq=anchor.seq, reason=reason)
    if stored_hash != anchor.entry_hash:
        reason = f"entry {anchor.seq} differs from the anchor: the chain was rewritten"
        return replace(report, ok=False, first_bad_seq=anchor.seq, reason=reason)
    return report
