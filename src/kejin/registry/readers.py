"""Readers of enterprise import files: JSON Lines, a directory of CSV files, an XLSX workbook.

`read_chunks` yields a file in chunks. A JSON Lines chunk is a `LineBlock` of raw lines, split
into records only where it is prepared (possibly another process); a flat-file chunk is a list
of `SourceRecord` — one enterprise as JSON text plus where it came from — or `FieldProblem`
for input that cannot become a record at all. Flat files (CSV,
XLSX) are assembled into the nested form first: a main table `enterprises` and one table per
child list, joined by `uscc`. Cells are text; a column's type in `kejin.registry.frames.SCHEMAS`
decides whether a cell becomes a JSON integer or boolean, and anything that does not look like
one is passed on unchanged so that validation refuses it by name.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import load_workbook

from kejin.core.errors import FieldProblem
from kejin.core.i18n import N_
from kejin.registry.frames import SCHEMAS
from kejin.registry.import_format import CHILD_MODELS

MAIN_TABLE = "enterprises"
CHILD_TABLES = list(CHILD_MODELS)
_INTEGER = re.compile(r"^-?[0-9]+$")
_CHILD_INDEX = re.compile(r"^(\w+)\[(\d+)\]")

Row = dict[str, str]


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One enterprise as JSON text; `row` is its line or main-table row."""

    row: int
    text: bytes
    child_rows: dict[str, list[int]] = field(default_factory=dict)

    def locate(self, problem: FieldProblem) -> FieldProblem:
        """Point a problem at the row of the child item it concerns (flat sources)."""
        match = _CHILD_INDEX.match(problem.field)
        rows = self.child_rows.get(match.group(1), []) if match else []
        if match and int(match.group(2)) < len(rows):
            return replace(problem, row=rows[int(match.group(2))])
        return replace(problem, row=self.row)


@dataclass(frozen=True, slots=True)
class LineBlock:
    """Consecutive lines of a JSON Lines file, unsplit: one bytes object is cheap to hand to
    another process, where a list of thousands of records would be slow to pickle."""

    first_row: int
    text: bytes

    def records(self) -> Iterator[SourceRecord]:
        lines = self.text.split(b"\n")  # split as a binary file iterates: on "\n" only
        for number, line in enumerate(lines, start=self.first_row):
            if line.strip():
                yield SourceRecord(number, line)


RecordChunk = LineBlock | list[SourceRecord | FieldProblem]


def read_chunks(path: Path, size: int) -> Iterator[RecordChunk]:
    """The inputs of a `.jsonl` file, an `.xlsx` workbook or a directory of CSV files, in
    chunks of at most `size` lines (JSON Lines) or records (flat sources)."""
    if path.is_dir() or path.suffix.lower() == ".xlsx":
        tables = _csv_tables(path) if path.is_dir() else _xlsx_tables(path)
        records = _assemble(tables)
        while chunk := list(islice(records, size)):
            yield chunk
        return
    with path.open("rb") as handle:
        row = 1
        while lines := list(islice(handle, size)):
            yield LineBlock(row, b"".join(lines))
            row += len(lines)


def count_records(path: Path) -> int | None:
    """Number of lines of a JSON Lines file (a progress total); None for flat sources."""
    if path.is_dir() or path.suffix.lower() == ".xlsx":
        return None
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


Table = Iterator[tuple[int, Row]]


def _csv_tables(directory: Path) -> dict[str, Table]:
    tables = {}
    for name in [MAIN_TABLE, *CHILD_TABLES]:
        path = directory / f"{name}.csv"
        if path.exists():
            tables[name] = _csv_rows(path)
    return tables


def _csv_rows(path: Path) -> Table:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            yield number, {key: value for key, value in row.items() if value not in ("", None)}


def _xlsx_tables(path: Path) -> dict[str, Table]:
    """The workbook's sheets read in full, so the file is closed before the rows are used."""
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            name: iter(list(_sheet_rows(book[name].iter_rows(values_only=True))))
            for name in [MAIN_TABLE, *CHILD_TABLES]
            if name in book.sheetnames
        }
    finally:
        book.close()


def _sheet_rows(rows: Iterable[tuple[Any, ...]]) -> Table:
    iterator = iter(rows)
    header = [str(cell) for cell in next(iterator, ()) if cell is not None]
    for number, cells in enumerate(iterator, start=2):
        texts = {key: _cell_text(cell) for key, cell in zip(header, cells, strict=False)}
        row = {key: text for key, text in texts.items() if text is not None}
        if row:
            yield number, row


def _cell_text(cell: object) -> str | None:
    """A spreadsheet cell as the text a CSV cell would hold (numbers in shortest form)."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, datetime) and cell == datetime.combine(cell.date(), datetime.min.time()):
        return cell.date().isoformat()
    if isinstance(cell, date | datetime):
        return cell.isoformat()
    return repr(cell) if isinstance(cell, float) else str(cell)


def _assemble(tables: dict[str, Table]) -> Iterator[SourceRecord | FieldProblem]:
    if MAIN_TABLE not in tables:
        yield FieldProblem(
            MAIN_TABLE, "the main table {table} is missing", None, {"table": MAIN_TABLE}
        )
        return
    children: dict[str, dict[str, list[tuple[int, Row]]]] = {}
    for name in CHILD_TABLES:
        children[name] = {}
        for number, row in tables.get(name, iter(())):
            children[name].setdefault(row.pop("uscc", ""), []).append((number, row))
    for number, row in tables[MAIN_TABLE]:
        record: dict[str, Any] = _typed(MAIN_TABLE, row)
        child_rows: dict[str, list[int]] = {}
        for name in CHILD_TABLES:
            items = children[name].pop(row.get("uscc", ""), [])
            if items:
                record[name] = [_typed(name, item) for _, item in items]
                child_rows[name] = [item_row for item_row, _ in items]
        yield SourceRecord(number, json.dumps(record, ensure_ascii=False).encode(), child_rows)
    yield from _orphans(children)


def _orphans(children: dict[str, dict[str, list[tuple[int, Row]]]]) -> Iterator[FieldProblem]:
    for name, by_code in children.items():
        for code, items in by_code.items():
            for number, _ in items:
                reason = N_("no enterprise with credit code {code} in the main table")
                yield FieldProblem(f"{name}.uscc", reason, number, {"code": code})


def _typed(table: str, row: Row) -> dict[str, Any]:
    """Cells become JSON integers, booleans or lists where their column wants one."""
    schema = SCHEMAS[table]
    return {key: _typed_cell(schema.get(key), key, text) for key, text in row.items()}


def _typed_cell(dtype: object, key: str, text: str) -> object:
    if dtype == pl.Int32 and _INTEGER.match(text):
        return int(text)
    if dtype == pl.Boolean and text in ("true", "false"):
        return text == "true"
    if key == "investors" and text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    return text
