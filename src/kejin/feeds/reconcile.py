"""Pure feed rules: reading rows into typed records with row problems, deciding what each
reported value does to the registry, and comparing every source's value of a field.

Provenance rules (docs/feeds.md):
- no registry row for the field's period → the department's value is set, with the
  department as source and the row's as-of, when the feed can complete a registry row;
  otherwise it is held as reported only;
- the registry holds the same value → nothing changes;
- the registry value came from the same department with an as-of no later than the new one
  → it is updated (a department may correct itself); an older as-of is kept as history only;
- the registry value came from another source and differs → the registry keeps its value,
  the department's stays in the reported values, and the field is a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from kejin.core.errors import FieldProblem
from kejin.core.i18n import N_
from kejin.feeds.model import (
    PERIOD_LENGTH,
    READERS,
    CellError,
    Column,
    FeedFormat,
    Kind,
    Outcome,
    canonical,
)
from kejin.registry.errors import InvalidCreditCode
from kejin.registry.model import validate_credit_code

FIRST_DATA_ROW = 2  # row 1 of a feed file is its header
AS_OF = Column("as_of", Kind.DATE)  # every format's as-of date column


@dataclass(frozen=True, slots=True)
class FeedRecord:
    """One good row of a feed file: typed values by reported field, plus the key and extras."""

    row: int
    uscc: str
    key: object  # the typed key (year, IP number, event date) or None
    period: str
    as_of: date
    values: Mapping[str, object]  # reported field → typed value, for the cells given
    extras: Mapping[str, object]  # columns written only when a registry row is created


@dataclass(frozen=True, slots=True)
class StoredRow:
    """A registry row in canonical text, with its provenance."""

    row_id: int
    values: Mapping[str, str]  # registry column → canonical text
    source: str
    as_of: date


@dataclass(frozen=True, slots=True)
class Decision:
    """What one record does: an outcome per reported field and the registry write, if any."""

    outcomes: Mapping[str, Outcome]
    create: bool = False
    changes: Mapping[str, object] | None = None  # registry column → new value (an update)


def read_rows(
    feed_format: FeedFormat, rows: Iterable[Mapping[str, str]]
) -> tuple[list[FeedRecord], list[FieldProblem]]:
    """Typed records of the good rows and a problem per bad cell; a row repeating an earlier
    row's enterprise, period and as-of is refused."""
    records: list[FeedRecord] = []
    problems: list[FieldProblem] = []
    first_rows: dict[tuple[str, ...], int] = {}
    for number, cells in enumerate(rows, start=FIRST_DATA_ROW):
        record, row_problems = _read_row(feed_format, number, cells)
        if record is not None:
            identity = _identity(feed_format, record)
            if identity in first_rows:
                reason = N_("repeats row {first} (same enterprise, period and as-of date)")
                row_problems.append(
                    FieldProblem("uscc", reason, number, {"first": first_rows[identity]})
                )
            else:
                first_rows[identity] = number
                records.append(record)
        problems.extend(row_problems)
    return records, problems


def _identity(feed_format: FeedFormat, record: FeedRecord) -> tuple[str, ...]:
    """What two rows of one file may not share: the enterprise, period and as-of date (and, for
    events, the event's kind)."""
    event = tuple(reported_items(feed_format, record)) if feed_format.additive else ()
    return (record.uscc, record.period, record.as_of.isoformat(), *event)


def _read_row(
    feed_format: FeedFormat, number: int, cells: Mapping[str, str]
) -> tuple[FeedRecord | None, list[FieldProblem]]:
    problems: list[FieldProblem] = []

    def read(column: Column) -> object:
        text = (cells.get(column.name) or "").strip()
        if not text:
            if column.required:
                problems.append(FieldProblem(column.name, "a value is required", number))
            return None
        try:
            return READERS[column.kind](text)
        except CellError as error:
            problems.append(FieldProblem(column.name, error.reason, number, error.params))
            return None

    uscc = _credit_code(cells.get("uscc") or "", number, problems)
    as_of = read(AS_OF)
    key = read(feed_format.key) if feed_format.key else None
    period = canonical(key, feed_format.key.kind) if feed_format.key and key is not None else ""
    if len(period) > PERIOD_LENGTH:
        limit = {"limit": PERIOD_LENGTH}
        problems.append(
            FieldProblem(_key_name(feed_format), "longer than {limit} characters", number, limit)
        )
    typed = {column: read(column) for column in feed_format.columns}
    if problems or uscc is None or not isinstance(as_of, date):
        return None, problems
    values = {c.field: v for c, v in typed.items() if c.field and v is not None}
    extras = {c.name: v for c, v in typed.items() if not c.field and v is not None}
    return FeedRecord(number, uscc, key, period, as_of, values, extras), problems


def _key_name(feed_format: FeedFormat) -> str:
    return feed_format.key.name if feed_format.key else "uscc"


def _credit_code(text: str, number: int, problems: list[FieldProblem]) -> str | None:
    try:
        return validate_credit_code(text.strip())
    except InvalidCreditCode as error:
        problems.append(FieldProblem("uscc", error.message, number, error.params))
        return None


def reported_items(feed_format: FeedFormat, record: FeedRecord) -> dict[str, str]:
    """The record's reported values as stored: canonical text by field. An event is reported as
    a field named after its kind (`compliance_flags.safety_incident`) holding its note, so
    several events of one day are distinct values."""
    if feed_format.additive:
        kind = next(canonical(v, Kind.COMPLIANCE) for v in record.values.values())
        return {f"{feed_format.table}.{kind}": str(record.extras.get("note", ""))}
    return {
        field: canonical(value, _kind_of(feed_format, field))
        for field, value in record.values.items()
    }


def unknown_enterprise(record: FeedRecord) -> FieldProblem:
    """The problem of a row whose credit code names no enterprise of the registry."""
    reason = N_("no enterprise with credit code {code}")
    return FieldProblem("uscc", reason, record.row, {"code": record.uscc})


def stored_text(feed_format: FeedFormat, values: Mapping[str, object]) -> dict[str, str]:
    """A registry row's values (by column) in canonical text, for the format's fields."""
    found: dict[str, str] = {}
    for column in feed_format.fields:
        name = feed_format.registry_column(column)
        if name is not None and values.get(name) is not None:
            found[name] = canonical(values[name], column.kind)
    return found


def decide(feed_format: FeedFormat, record: FeedRecord, stored: list[StoredRow]) -> Decision:
    """What one record does to the registry, given the registry rows stored under its key."""
    if feed_format.additive:
        return _decide_event(feed_format, record, stored)
    if not stored:
        return _decide_new(feed_format, record)
    row = stored[0]
    outcomes: dict[str, Outcome] = {}
    changes: dict[str, object] = {}
    for column in feed_format.fields:
        field = column.field or ""
        if field not in record.values:
            continue
        name = feed_format.registry_column(column)
        value = record.values[field]
        outcome = _compare(feed_format, record, row, name, canonical(value, column.kind))
        outcomes[field] = outcome
        if outcome is Outcome.UPDATED and name is not None:
            changes[name] = value
    return Decision(outcomes, changes=changes or None)


def _compare(
    feed_format: FeedFormat, record: FeedRecord, row: StoredRow, name: str | None, text: str
) -> Outcome:
    if name is None:
        return Outcome.REPORTED
    if row.values.get(name) == text:
        return Outcome.AGREES
    if row.source != feed_format.department.value:
        return Outcome.CONFLICT
    return Outcome.UPDATED if record.as_of >= row.as_of else Outcome.STALE


def _decide_new(feed_format: FeedFormat, record: FeedRecord) -> Decision:
    given = {feed_format.registry_column(c) for c in feed_format.fields if c.field in record.values}
    create = feed_format.creates_rows and given.issuperset(feed_format.create_needs)
    outcomes = {
        field: Outcome.REPORTED
        if _column_of(feed_format, field) is None
        else (Outcome.APPLIED if create else Outcome.HELD)
        for field in record.values
    }
    return Decision(outcomes, create=create)


def _column_of(feed_format: FeedFormat, field: str) -> str | None:
    return feed_format.registry_column(feed_format.by_field[field])


def _decide_event(feed_format: FeedFormat, record: FeedRecord, stored: list[StoredRow]) -> Decision:
    """Events (compliance flags) add up: one already recorded with the same kind agrees."""
    texts = {
        field: canonical(value, _kind_of(feed_format, field))
        for field, value in record.values.items()
    }
    names = {field: _column_of(feed_format, field) for field in record.values}
    known = any(
        all(row.values.get(names[field] or "") == text for field, text in texts.items())
        for row in stored
    )
    outcome = Outcome.AGREES if known else Outcome.APPLIED
    return Decision(dict.fromkeys(record.values, outcome), create=not known)


def _kind_of(feed_format: FeedFormat, field: str) -> Kind:
    return feed_format.by_field[field].kind


def new_row(feed_format: FeedFormat, record: FeedRecord, enterprise_id: int) -> dict[str, object]:
    """The registry row a record creates, with the department as its source."""
    row: dict[str, object] = {
        "enterprise_id": enterprise_id,
        "source": feed_format.department.value,
        "as_of": record.as_of,
        **dict(feed_format.defaults),
        **record.extras,
    }
    if feed_format.key is not None:
        row[feed_format.key.name] = record.key
    for column in feed_format.fields:
        name = feed_format.registry_column(column)
        if name is not None:
            row[name] = record.values.get(column.field or "")
    return row


@dataclass(frozen=True, slots=True)
class SourceValue:
    """One source's value of a field: the registry's (`in_registry`) or a department's latest."""

    source: str
    value: str
    as_of: date
    in_registry: bool = False


@dataclass(frozen=True, slots=True)
class FieldComparison:
    """Every source's value of one field of one period; `conflict` when they disagree."""

    field: str
    period: str
    values: tuple[SourceValue, ...]
    conflict: bool


def compare_fields(
    reported: Iterable[tuple[str, str, SourceValue]],
    registry: Mapping[tuple[str, str], SourceValue],
) -> list[FieldComparison]:
    """Side-by-side values of each (field, period) in `keyed`: the registry's value and each
    department's latest report. A field conflicts when the sources' current values differ —
    a source's current value being its latest, whether held by the registry or reported."""
    latest: dict[tuple[str, str], dict[str, SourceValue]] = {}
    for field, period, value in reported:
        by_source = latest.setdefault((field, period), {})
        if value.source not in by_source or by_source[value.source].as_of < value.as_of:
            by_source[value.source] = value
    return [
        _comparison(field, period, registry.get((field, period)), by_source)
        for (field, period), by_source in sorted(latest.items())
    ]


def _comparison(
    field: str, period: str, held: SourceValue | None, by_source: dict[str, SourceValue]
) -> FieldComparison:
    shown = ([held] if held else []) + sorted(by_source.values(), key=lambda v: v.source)
    current = dict(by_source)
    if held and (held.source not in current or current[held.source].as_of <= held.as_of):
        current[held.source] = held
    conflict = len({value.value for value in current.values()}) > 1
    return FieldComparison(field, period, tuple(shown), conflict)
