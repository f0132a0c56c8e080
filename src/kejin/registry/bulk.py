"""Set-based upsert of a batch of registry frames (`RegistryFrames`) into the database.

One call writes one batch inside the caller's transaction (the caller commits once):

1. every enterprise gets a `record_hash` — md5 of a canonical serialisation of its row and all
   of its child rows, in storage units, child rows sorted — so that the same data always gives
   the same hash, whoever produced the frames (file import or demo generator);
2. the batch's enterprise rows go to a temporary staging table (COPY on PostgreSQL);
3. enterprises whose stored hash differs lose their child rows, get their row updated and their
   `version` raised by one; enterprises not stored yet are inserted; equal hashes are skipped;
4. the child rows of inserted and updated enterprises are bulk-inserted.

Works on SQLite (3.33+, for `UPDATE … FROM`) and PostgreSQL.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Column, Connection, Date, MetaData, String, Table, text

from kejin.core.bulk import BULK_LOAD_ROWS, insert_frame, refresh_statistics
from kejin.registry.frames import SCHEMAS, RegistryFrames
from kejin.registry.orm import EnterpriseRow

ENTERPRISE_COLUMNS = [name for name in SCHEMAS["enterprises"] if name != "uscc"]
CHILD_TABLE_NAMES = [name for name in SCHEMAS if name != "enterprises"]
_FIELD_SEPARATOR = "\x1f"
_ROW_SEPARATOR = "\x1e"
_TABLE_SEPARATOR = "\x1d"

_staging_metadata = MetaData()
_STAGE = Table(
    "kejin_stage_enterprises",
    _staging_metadata,
    Column("uscc", String(18), primary_key=True),
    *(
        Column(name, Date if dtype == pl.Date else String(200))
        for name, dtype in SCHEMAS["enterprises"].items()
        if name != "uscc"
    ),
    Column("record_hash", String(32)),
    prefixes=["TEMPORARY"],
)
_CHILD_ROWS = {name: EnterpriseRow.metadata.tables[name] for name in CHILD_TABLE_NAMES}


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """How many enterprises of a batch were inserted, updated or left unchanged."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


def upsert_frames(
    conn: Connection, frames: RegistryFrames, hashes: pl.Series | None = None
) -> UpsertCounts:
    """Upsert a batch by credit code; the caller owns (and commits) the transaction.

    `hashes` are `record_hashes(frames)` when the caller computed them already (an import
    hashes in its worker processes); otherwise they are computed here.
    """
    enterprises = frames.enterprises
    if enterprises.is_empty():
        return UpsertCounts()
    if enterprises["uscc"].is_duplicated().any():
        raise ValueError("a batch of registry frames repeats a credit code")
    staged = enterprises.with_columns(
        record_hash=record_hashes(frames) if hashes is None else hashes
    )
    _STAGE.create(conn, checkfirst=True)
    insert_frame(conn, _STAGE, staged)
    stored = _stored_hashes(conn)
    changed = _replace_changed(conn, stored, staged)
    inserted = _insert_new(conn)
    _insert_children(conn, frames, _ids_of(conn, changed | inserted))
    _STAGE.drop(conn)  # on failure the rollback removes it (no `finally`: it would hide the error)
    return UpsertCounts(len(inserted), len(changed), enterprises.height - len(changed | inserted))


def refresh_registry_statistics(conn: Connection, counts: UpsertCounts) -> None:
    """After a load that wrote at least `BULK_LOAD_ROWS` enterprises, refresh the planner's
    statistics of the registry's tables (see `kejin.core.bulk.refresh_statistics`)."""
    if counts.inserted + counts.updated >= BULK_LOAD_ROWS:
        refresh_statistics(conn, ["enterprises", *CHILD_TABLE_NAMES])


def record_hashes(frames: RegistryFrames) -> pl.Series:
    """md5 of each enterprise with all its children, aligned with `frames.enterprises`."""
    canonical = frames.enterprises.lazy().select("uscc", text=_row_text(frames.enterprises))
    for name in CHILD_TABLE_NAMES:
        child = getattr(frames, name)
        rows = (
            child.lazy()
            .select("uscc", row=_row_text(child.drop("uscc")))
            .group_by("uscc")
            .agg(pl.col("row").sort().str.join(_ROW_SEPARATOR))
        )
        canonical = canonical.join(rows, on="uscc", how="left", maintain_order="left").select(
            "uscc",
            pl.concat_str(
                "text", pl.lit(_TABLE_SEPARATOR + name), pl.col("row").fill_null("")
            ).alias("text"),
        )
    texts = canonical.collect()["text"].to_list()
    digests = [hashlib.md5(value.encode()).hexdigest() for value in texts]  # noqa: S324 - a change detector, not security
    return pl.Series("record_hash", digests, dtype=pl.Utf8)


def _row_text(frame: pl.DataFrame) -> pl.Expr:
    values = [pl.col(name).cast(pl.Utf8).fill_null("\x00") for name in frame.columns]
    return pl.concat_str(values, separator=_FIELD_SEPARATOR)


def _stored_hashes(conn: Connection) -> pl.DataFrame:
    rows = conn.execute(
        text(
            "SELECT e.uscc, e.record_hash FROM enterprises e "
            "JOIN kejin_stage_enterprises s ON s.uscc = e.uscc"
        )
    ).all()
    return pl.DataFrame(rows, schema={"uscc": pl.Utf8, "stored_hash": pl.Utf8}, orient="row")


def _replace_changed(conn: Connection, stored: pl.DataFrame, staged: pl.DataFrame) -> set[str]:
    """Delete the children of changed enterprises and update their rows; their codes."""
    compared = stored.join(staged.select("uscc", "record_hash"), on="uscc")
    changed = set(compared.filter(pl.col("stored_hash") != pl.col("record_hash"))["uscc"])
    if not changed:
        return changed
    changed_ids = (
        "SELECT e.id FROM enterprises e JOIN kejin_stage_enterprises s ON s.uscc = e.uscc "
        "WHERE e.record_hash <> s.record_hash"
    )
    for name in reversed(CHILD_TABLE_NAMES):
        conn.execute(text(f"DELETE FROM {name} WHERE enterprise_id IN ({changed_ids})"))
    assignments = ", ".join(f"{name} = s.{name}" for name in [*ENTERPRISE_COLUMNS, "record_hash"])
    conn.execute(
        text(
            f"UPDATE enterprises SET {assignments}, version = enterprises.version + 1, "
            "updated_at = CURRENT_TIMESTAMP FROM kejin_stage_enterprises s "
            "WHERE enterprises.uscc = s.uscc AND enterprises.record_hash <> s.record_hash"
        )
    )
    return changed


def _insert_new(conn: Connection) -> set[str]:
    """Insert the staged enterprises not stored yet; their codes."""
    new = conn.execute(
        text(
            "SELECT s.uscc FROM kejin_stage_enterprises s "
            "WHERE NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.uscc = s.uscc)"
        )
    ).scalars()
    inserted = set(new)
    if inserted:
        columns = ", ".join(["uscc", *ENTERPRISE_COLUMNS, "record_hash"])
        conn.execute(
            text(
                f"INSERT INTO enterprises ({columns}, version) SELECT {columns}, 1 "
                "FROM kejin_stage_enterprises s "
                "WHERE NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.uscc = s.uscc)"
            )
        )
    return inserted


def _ids_of(conn: Connection, codes: set[str]) -> pl.DataFrame:
    rows = conn.execute(
        text(
            "SELECT e.uscc, e.id FROM enterprises e "
            "JOIN kejin_stage_enterprises s ON s.uscc = e.uscc"
        )
    ).all()
    ids = pl.DataFrame(rows, schema={"uscc": pl.Utf8, "enterprise_id": pl.Int64}, orient="row")
    return ids.filter(pl.col("uscc").is_in(list(codes)))


def _insert_children(conn: Connection, frames: RegistryFrames, written: pl.DataFrame) -> None:
    if written.is_empty():
        return
    for name in CHILD_TABLE_NAMES:
        rows = getattr(frames, name).join(written, on="uscc").drop("uscc")
        insert_frame(conn, _CHILD_ROWS[name], rows)
