"""The columnar form of enterprise snapshots: the contract between snapshot builders and the
batch paths (rules, innovation points, stage).

A snapshot frame has the key columns, then one column per `EnterpriseSnapshot` field, null where
the input is not known. Money is `Decimal(38, 2)` (fen exact), ratios and averages
`Decimal(38, 4)`, counts `Int64`, flags `Boolean`, token sets `List(String)`, histories
`List(Decimal(38, 2))` oldest first, text `String`. `snapshot_from_row` turns one row back into
the scalar snapshot, so the batch and the single-enterprise paths read the very same values.

A `Vocabulary` is the same contract for any subclass of `EnterpriseSnapshot` (a dataclass adding
inputs, e.g. for matching financing products): its input names, column types and row reader.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import polars as pl

from kejin.assessment.model import EnterpriseSnapshot

MONEY = pl.Decimal(38, 2)
FINE = pl.Decimal(38, 4)

KEY_SCHEMA: dict[str, pl.DataType] = {
    "enterprise_id": pl.Int64(),  # null for enterprises read from a file
    "uscc": pl.String(),
    "name": pl.String(),
    "region": pl.String(),
    "industry_code": pl.String(),
    "cluster": pl.String(),
    "founded_on": pl.Date(),
}

_FINE_FIELDS = frozenset({"rd_domestic_share", "conversions_per_year"})


_BY_ANNOTATION: tuple[tuple[str, pl.DataType], ...] = (
    ("tuple", pl.List(MONEY)),
    ("frozenset", pl.List(pl.String())),
    ("Decimal", MONEY),
    ("bool", pl.Boolean()),
    ("int", pl.Int64()),
    ("str", pl.String()),
)


def _dtype(field: dataclasses.Field[Any]) -> pl.DataType:
    if field.name in _FINE_FIELDS:
        return FINE
    annotation = str(field.type)
    for prefix, dtype in _BY_ANNOTATION:
        if annotation.startswith(prefix):
            return dtype
    raise TypeError(f"no column type for snapshot field {field.name}: {annotation}")


_SCHEMAS: dict[type[EnterpriseSnapshot], dict[str, pl.DataType]] = {}


def schema_for(cls: type[EnterpriseSnapshot]) -> dict[str, pl.DataType]:
    """The column type of every input of a snapshot class, by its fields' annotations."""
    schema = _SCHEMAS.get(cls)
    if schema is None:  # worked out once per class: rows are read one by one
        schema = _SCHEMAS[cls] = {field.name: _dtype(field) for field in dataclasses.fields(cls)}
    return schema


INPUT_SCHEMA: dict[str, pl.DataType] = schema_for(EnterpriseSnapshot)
SNAPSHOT_SCHEMA: dict[str, pl.DataType] = KEY_SCHEMA | INPUT_SCHEMA


def snapshot_from_row(
    row: Mapping[str, Any], cls: type[EnterpriseSnapshot] = EnterpriseSnapshot
) -> EnterpriseSnapshot:
    """The scalar snapshot (of class `cls`) of one frame row (`frame.iter_rows(named=True)`)."""
    values: dict[str, Any] = {}
    for name, dtype in schema_for(cls).items():
        value = row.get(name)
        if value is not None and isinstance(dtype, pl.List):
            value = tuple(value) if dtype.inner == MONEY else frozenset(value)
        values[name] = value
    return cls(**values)


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class Vocabulary:
    """The inputs rules may read: their names, their column types and how a frame row becomes
    the scalar snapshot the engine reads. Equal only to itself (hashed by identity): one is
    made per snapshot class, and plans compiled for it are cached by it."""

    names: frozenset[str]
    schema: Mapping[str, pl.DataType]
    from_row: Callable[[Mapping[str, Any]], EnterpriseSnapshot]


def vocabulary_of(cls: type[EnterpriseSnapshot]) -> Vocabulary:
    """The vocabulary of a snapshot class: every field is an input."""
    schema = schema_for(cls)
    return Vocabulary(frozenset(schema), schema, functools.partial(snapshot_from_row, cls=cls))


SNAPSHOT_VOCABULARY = vocabulary_of(EnterpriseSnapshot)


def snapshot_frame(
    snapshots: Iterable[EnterpriseSnapshot],
    keys: Iterable[Mapping[str, Any]] | None = None,
    vocabulary: Vocabulary = SNAPSHOT_VOCABULARY,
) -> pl.DataFrame:
    """A frame of scalar snapshots (tests, small files); `keys` gives the key columns per row."""
    rows: list[dict[str, Any]] = []
    key_rows = iter(keys) if keys is not None else None
    for number, snapshot in enumerate(snapshots):
        key = dict(next(key_rows)) if key_rows is not None else {"uscc": f"row-{number}"}
        row: dict[str, Any] = {name: key.get(name) for name in KEY_SCHEMA}
        for name in vocabulary.schema:
            value = getattr(snapshot, name)
            row[name] = sorted(value) if isinstance(value, frozenset) else value
        rows.append(row)
    return pl.DataFrame(rows, schema=KEY_SCHEMA | dict(vocabulary.schema), orient="row")
