"""The demo region as JSON Lines in the import format (docs/import-format.md), vectorised.

One line per enterprise: its fields, `source` and `as_of`, and one array per child table named
like the registry frames. Money is a yuan decimal string ("1234.56"), ratios a decimal string
with four places ("0.8500"), dates ISO, investors a JSON array. Built with Polars structs and
lists, so a million enterprises serialise without a Python loop per row.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kejin.registry.frames import (
    MONEY_COLUMNS,
    PROVENANCE,
    RATIO_COLUMNS,
    SCHEMAS,
    RegistryFrames,
)

CHILD_TABLES = [name for name in SCHEMAS if name != "enterprises"]


def scaled_text(column: str, places: int) -> pl.Expr:
    """An integer count of 10^-places units as an exact decimal string ("-12.05", "0.8500")."""
    value = pl.col(column)
    unit = 10**places
    whole = (value.abs() // unit).cast(pl.Utf8)
    part = (value.abs() % unit).cast(pl.Utf8).str.zfill(places)
    sign = pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str(sign, whole, pl.lit("."), part).alias(column)


def _as_text(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    exprs = [scaled_text(c, 2) for c in MONEY_COLUMNS.get(name, ())]
    exprs += [scaled_text(c, 4) for c in RATIO_COLUMNS.get(name, ())]
    exprs += [pl.col(c).dt.to_string("%Y-%m-%d") for c, t in frame.schema.items() if t == pl.Date]
    if name == "funding_rounds":
        exprs.append(pl.col("investors").str.json_decode(pl.List(pl.Utf8)))
    return frame.with_columns(exprs)


def nested_records(frames: RegistryFrames) -> pl.DataFrame:
    """One row per enterprise with a list-of-structs column per child table."""
    records = _as_text("enterprises", frames.enterprises)
    for name in CHILD_TABLES:
        child = _as_text(name, getattr(frames, name)).drop(*PROVENANCE)
        fields = [c for c in child.columns if c != "uscc"]
        grouped = child.group_by("uscc", maintain_order=True).agg(pl.struct(fields).alias(name))
        records = records.join(grouped, on="uscc", how="left", maintain_order="left")
        records = records.with_columns(pl.col(name).fill_null(pl.lit([], grouped.schema[name])))
    return records


def write_jsonl(frames: RegistryFrames, path: Path) -> int:
    """Write the frames to `path` as JSON Lines; returns the number of lines."""
    records = nested_records(frames)
    records.write_ndjson(path)
    return records.height
