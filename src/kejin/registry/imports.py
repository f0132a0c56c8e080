"""Use case: import enterprises from a file (`kejin import enterprises PATH`).

Records are read and validated in chunks; the good records of a chunk become `RegistryFrames`
(parsed once more, column-wise, by Polars — no Python loop over values) and are upserted by
credit code. All chunks are written in one transaction: the database either takes every good
record of the file or, if anything fails, stays as it was. Bad records are reported, not stored.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import polars as pl

from kejin.core.errors import FieldProblem
from kejin.core.uow import UnitOfWork
from kejin.registry.bulk import UpsertCounts, upsert_frames
from kejin.registry.frames import SCHEMAS, RegistryFrames
from kejin.registry.import_format import AMOUNT_FIELDS, parse_record
from kejin.registry.readers import CHILD_TABLES, SourceRecord, read_records

CHUNK_SIZE = 50_000
SHARE_SCALE = 4

Progress = Callable[[int], None]


@dataclass(frozen=True)
class ImportReport:
    """Counts of enterprises by outcome, and every problem with its row and field."""

    inserted: int
    updated: int
    unchanged: int
    rejected: int
    problems: list[FieldProblem] = field(default_factory=list)


def import_enterprises(
    uow: UnitOfWork, path: Path, *, progress: Progress | None = None, chunk_size: int = CHUNK_SIZE
) -> ImportReport:
    """Validate and upsert every enterprise of `path`; commit once, at the end."""
    counts, rejected, problems = UpsertCounts(), 0, []
    seen: dict[str, int] = {}
    with uow:
        conn = uow.session.connection()
        for chunk in _chunks(read_records(path), chunk_size):
            good, bad, refused = _validated(chunk, seen)
            rejected += refused
            problems.extend(bad)
            counts += upsert_frames(conn, records_to_frames(good))
            if progress:
                progress(len(chunk))
        uow.commit()
    return ImportReport(counts.inserted, counts.updated, counts.unchanged, rejected, problems)


def _chunks(
    items: Iterable[SourceRecord | FieldProblem], size: int
) -> Iterator[list[SourceRecord | FieldProblem]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _validated(
    chunk: list[SourceRecord | FieldProblem], seen: dict[str, int]
) -> tuple[list[bytes], list[FieldProblem], int]:
    """The JSON text of the good records, the located problems, the number of refused inputs."""
    good: list[bytes] = []
    problems: list[FieldProblem] = []
    for item in chunk:
        if isinstance(item, FieldProblem):
            problems.append(item)
            continue
        record, found = parse_record(item.text, item.row)
        if record is not None and record.uscc in seen:
            reason = "credit code {code} already appeared on row {first}"
            found = [
                FieldProblem(
                    "uscc", reason, item.row, {"code": record.uscc, "first": seen[record.uscc]}
                )
            ]
        elif record is not None:
            seen[record.uscc] = item.row
            good.append(item.text)
        problems.extend(item.locate(problem) for problem in found)
    return good, problems, len(chunk) - len(good)


def records_to_frames(lines: list[bytes]) -> RegistryFrames:
    """Valid records (JSON text) as storage-unit frames; children inherit missing provenance."""
    if not lines:
        return RegistryFrames.empty()
    raw = pl.read_ndjson(io.BytesIO(b"\n".join(line.rstrip() for line in lines)), schema=_READ)
    children = {name: _child_frame(raw, name) for name in CHILD_TABLES}
    return RegistryFrames(enterprises=raw.select(SCHEMAS["enterprises"].keys()), **children)


def _child_frame(raw: pl.DataFrame, name: str) -> pl.DataFrame:
    items = (
        raw.select("uscc", pl.col("source").alias("_source"), pl.col("as_of").alias("_as_of"), name)
        .filter(pl.col(name).list.len() > 0)
        .explode(name)
        .unnest(name)
    )
    converted = items.with_columns(
        pl.coalesce("source", "_source").alias("source"),
        pl.coalesce("as_of", "_as_of").alias("as_of"),
        *(_scaled(column, 2) for column in items.columns if column in AMOUNT_FIELDS),
        *([_scaled("rd_domestic_share", SHARE_SCALE)] if name == "financial_years" else []),
        *([_json_text("investors", items)] if name == "funding_rounds" else []),
    )
    return converted.select(pl.col(column).cast(dtype) for column, dtype in SCHEMAS[name].items())


def _scaled(column: str, scale: int) -> pl.Expr:
    """Decimal text (or integer) → integer count of 10^-scale units, exactly."""
    return pl.col(column).cast(pl.Decimal(38, scale)).mul(10**scale).cast(pl.Int64)


def _json_text(column: str, items: pl.DataFrame) -> pl.Series:
    texts = [json.dumps(names, ensure_ascii=False) for names in items[column].to_list()]
    return pl.Series(column, texts, dtype=pl.Utf8)


def _read_type(column: str, dtype: pl.DataType | type[pl.DataType]) -> pl.DataType:
    if column in AMOUNT_FIELDS or column == "rd_domestic_share":
        return pl.Utf8()
    if column == "investors":
        return pl.List(pl.Utf8)
    return dtype() if isinstance(dtype, type) else dtype


_READ: dict[str, pl.DataType] = {
    **{c: _read_type(c, t) for c, t in SCHEMAS["enterprises"].items()},
    **{
        name: pl.List(
            pl.Struct({c: _read_type(c, t) for c, t in SCHEMAS[name].items() if c != "uscc"})
        )
        for name in CHILD_TABLES
    },
}
