"""Feed use cases: import one department file in one transaction, and compare every source's
value of an enterprise's fields (conflicts).

Import steps: hash the file (a file imported before is a no-op); read and check every row;
drop rows naming unknown enterprises; per as-of date, oldest first, read the registry rows the
records touch in one query per table, decide each value (`reconcile.decide`), insert new
registry rows and update the department's own older values; bulk-insert every new reported
value; record the batch in the audit log; commit once.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session

from kejin.audit import service as audit
from kejin.core.errors import FieldProblem
from kejin.core.i18n import N_
from kejin.core.uow import UnitOfWork
from kejin.feeds import repository
from kejin.feeds.errors import InvalidFeedFile
from kejin.feeds.model import (
    FIELD_FORMATS,
    FORMATS,
    Department,
    FeedFormat,
    FeedReport,
    Outcome,
    canonical,
    format_for,
)
from kejin.feeds.reconcile import (
    FeedRecord,
    FieldComparison,
    SourceValue,
    StoredRow,
    compare_fields,
    decide,
    new_row,
    read_rows,
    reported_items,
    stored_text,
    unknown_enterprise,
)
from kejin.feeds.schemas import FieldComparisonRead, ReportedValuesRead
from kejin.registry import provenance
from kejin.registry.errors import EnterpriseNotFound
from kejin.registry.model import validate_credit_code

UowFactory = Callable[[], UnitOfWork]
REPORTED_SCHEMA = {
    "enterprise_id": pl.Int64,
    "batch_id": pl.Int64,
    "field": pl.String,
    "period": pl.String,
    "value": pl.String,
    "source": pl.String,
    "as_of": pl.Date,
}


def import_feed(uow: UowFactory, department: Department, path: Path) -> FeedReport:
    """Import one department file; commits once, or not at all when the file is refused."""
    content = path.read_bytes()
    file_hash = hashlib.sha256(content).hexdigest()
    with uow() as work:
        session = work.session
        earlier = repository.batch_with_hash(session, file_hash)
        if earlier is not None:
            return FeedReport(department, path.name, earlier.id, already_imported=True)
        feed_format, rows = _open(department, content)
        records, problems = read_rows(feed_format, rows)
        owners = provenance.enterprise_ids(session, {record.uscc for record in records})
        problems += [unknown_enterprise(r) for r in records if r.uscc not in owners]
        batch_id = repository.add_batch(session, department, path.name, file_hash)
        batch = _Batch(feed_format, batch_id, owners, problems)
        batch.run(session, [r for r in records if r.uscc in owners])
        report = batch.report(path.name)
        repository.close_batch(session, batch_id, report.accepted, report.rejected)
        _audit(session, report, file_hash)
        work.commit()
    return report


def _open(department: Department, content: bytes) -> tuple[FeedFormat, Iterator[dict[str, str]]]:
    """The file's format (chosen by its header) and its rows; refuses a bad file whole."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidFeedFile("the file is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or ()]
    feed_format = format_for(department, header)
    if feed_format is None:
        expected = " | ".join(", ".join(f.header) for f in FORMATS[department])
        raise InvalidFeedFile(
            "the header does not match a {department} format; expected columns: {expected}",
            department=department.value,
            field="header",
            expected=expected,
        )
    unknown = sorted(set(header) - set(feed_format.header))
    if unknown:
        problems = [FieldProblem(name, "unknown column") for name in unknown]
        raise InvalidFeedFile("the header names unknown columns", problems)
    reader.fieldnames = header
    return feed_format, iter(reader)


@dataclass
class _Batch:
    """The working state of one import."""

    feed_format: FeedFormat
    batch_id: int
    owners: dict[str, int]
    problems: list[FieldProblem]
    outcomes: Counter[Outcome] = field(default_factory=Counter)
    accepted: int = 0
    values: list[tuple[object, ...]] = field(default_factory=list)

    def run(self, session: Session, records: list[FeedRecord]) -> None:
        known = repository.known_values(
            session,
            self.feed_format.department.value,
            set(self.owners.values()),
            {record.as_of for record in records},
        )
        fresh = [record for record in records if self._take(record, known)]
        by_as_of: dict[date, list[FeedRecord]] = defaultdict(list)
        for record in fresh:
            by_as_of[record.as_of].append(record)
        for as_of in sorted(by_as_of):
            self._apply(session, by_as_of[as_of])
        frame = pl.DataFrame(self.values, schema=REPORTED_SCHEMA, orient="row")
        repository.insert_values(session, frame)

    def _take(self, record: FeedRecord, known: dict[repository.ReportedKey, str]) -> bool:
        """Keep the record's new values; refuse it when it contradicts what the department
        reported before for the same as-of date; skip it when it only repeats it."""
        owner = self.owners[record.uscc]
        items = reported_items(self.feed_format, record)
        earlier = {f: known.get((owner, f, record.period, record.as_of)) for f in items}
        clashes = [f for f, text in items.items() if earlier[f] not in (None, text)]
        for name in clashes:
            reason = N_("already reported as {value} for the same as-of date")
            self.problems.append(FieldProblem(name, reason, record.row, {"value": earlier[name]}))
        if clashes:
            return False
        self.accepted += 1
        source = self.feed_format.department.value
        self.values += [
            (owner, self.batch_id, f, record.period, text, source, record.as_of)
            for f, text in items.items()
            if earlier[f] is None
        ]
        return any(earlier[f] is None for f in items)

    def _apply(self, session: Session, records: list[FeedRecord]) -> None:
        feed_format = self.feed_format
        stored = self._stored(session, {self.owners[r.uscc] for r in records})
        created: list[dict[str, object]] = []
        changes: list[dict[str, object]] = []
        for record in records:
            owner = self.owners[record.uscc]
            decision = decide(feed_format, record, stored.get((owner, record.period), []))
            self.outcomes.update(decision.outcomes.values())
            if decision.create:
                created.append(new_row(feed_format, record, owner))
            if decision.changes:
                row_id = stored[(owner, record.period)][0].row_id
                changes.append({"id": row_id, **decision.changes, "as_of": record.as_of})
        touched = {self.owners[r.uscc] for r in records}
        provenance.add_rows(session, feed_format.table, created, touched)
        provenance.change_rows(session, feed_format.table, changes, touched)

    def _stored(self, session: Session, owners: set[int]) -> dict[tuple[int, str], list[StoredRow]]:
        feed_format = self.feed_format
        key = feed_format.key
        columns = [c for c in map(feed_format.registry_column, feed_format.fields) if c]
        found: dict[tuple[int, str], list[StoredRow]] = defaultdict(list)
        rows = provenance.rows_of(
            session, feed_format.table, key.name if key else None, columns, owners
        )
        for row in rows:
            period = canonical(row.key, key.kind) if key else ""
            texts = stored_text(feed_format, row.values)
            found[(row.enterprise_id, period)].append(
                StoredRow(row.row_id, texts, row.source, row.as_of)
            )
        return found

    def report(self, file_name: str) -> FeedReport:
        return FeedReport(
            self.feed_format.department,
            file_name,
            self.batch_id,
            accepted=self.accepted,
            rejected=len({problem.row for problem in self.problems}),
            problems=tuple(sorted(self.problems, key=lambda p: (p.row or 0, p.field))),
            outcomes=dict(self.outcomes),
        )


def _audit(session: Session, report: FeedReport, file_hash: str) -> None:
    audit.record(
        session,
        actor=f"system:feed:{report.department.value}",
        action="feed.import",
        subject_type="feed_batch",
        subject_id=str(report.batch_id),
        detail={
            "file_name": report.file_name,
            "file_hash": file_hash,
            "accepted": report.accepted,
            "rejected": report.rejected,
            "outcomes": {outcome.value: n for outcome, n in sorted(report.outcomes.items())},
        },
    )


def comparisons_of(session: Session, enterprise_id: int) -> list[FieldComparison]:
    """Every reported field of one enterprise, each source's value side by side."""
    rows = repository.values_of(session, enterprise_id)
    reported = [(r.field, r.period, SourceValue(r.source, r.value, r.as_of)) for r in rows]
    formats = {FIELD_FORMATS[r.field] for r in rows if r.field in FIELD_FORMATS}
    held: dict[tuple[str, str], SourceValue] = {}
    for feed_format in formats:
        held.update(_registry_values(session, feed_format, enterprise_id))
    return compare_fields(reported, held)


def _registry_values(
    session: Session, feed_format: FeedFormat, enterprise_id: int
) -> dict[tuple[str, str], SourceValue]:
    key = feed_format.key
    mapped = {
        c.field: name
        for c in feed_format.fields
        if c.field and (name := feed_format.registry_column(c))
    }
    rows = provenance.rows_of(
        session,
        feed_format.table,
        key.name if key else None,
        list(mapped.values()),
        [enterprise_id],
    )
    found: dict[tuple[str, str], SourceValue] = {}
    for row in rows:
        period = canonical(row.key, key.kind) if key else ""
        texts = stored_text(feed_format, row.values)
        for field_name, column in mapped.items():
            if column in texts:
                found[(field_name, period)] = SourceValue(
                    row.source, texts[column], row.as_of, in_registry=True
                )
    return found


def conflicts_of(uow: UowFactory, enterprise_id: int) -> list[FieldComparison]:
    """The enterprise's fields whose sources disagree: field, period, each source's value."""
    with uow() as work:
        return [c for c in comparisons_of(work.session, enterprise_id) if c.conflict]


def reported_values(uow: UowFactory, code: str) -> ReportedValuesRead:
    """Every reported field of the enterprise with this credit code, conflicts flagged."""
    uscc = validate_credit_code(code)
    with uow() as work:
        owner = provenance.enterprise_ids(work.session, [uscc]).get(uscc)
        if owner is None:
            message = N_("no enterprise with credit code {code}")
            raise EnterpriseNotFound(message, field="uscc", code=uscc)
        comparisons = comparisons_of(work.session, owner)
    fields = [FieldComparisonRead.model_validate(c) for c in comparisons]
    conflicts = sum(field.conflict for field in fields)
    return ReportedValuesRead(uscc=uscc, conflicts=conflicts, fields=fields)


@dataclass(frozen=True, slots=True)
class EnterpriseConflicts:
    uscc: str
    name: str
    conflicts: list[FieldComparison]


def all_conflicts(uow: UowFactory) -> list[EnterpriseConflicts]:
    """Every enterprise with at least one conflicting field, by credit code."""
    with uow() as work:
        session = work.session
        owners = repository.reported_enterprises(session)
        names = provenance.credit_codes(session, owners)
        found = [
            EnterpriseConflicts(
                *names[owner], [c for c in comparisons_of(session, owner) if c.conflict]
            )
            for owner in owners
        ]
    return sorted((e for e in found if e.conflicts), key=lambda e: e.uscc)
