"""Fast bulk insert of a Polars frame into a table: COPY on PostgreSQL, executemany on SQLite.

Frames hold storage values (money as integer fen, ratios as integer 10^-4 units, enums as
their string values), so no per-value conversion runs in Python. Used by imports and the demo
generator; never for single-row writes, which go through the ORM.

Derived tables written and dropped a batch at a time (an assessment run's results) may be
LIST-partitioned by that batch's key on PostgreSQL (`postgresql_partition_by`): `partition_loader`
fills a batch's partition bare, indexes it once filled and attaches it, and `delete_partitions`
drops whole partitions, where a DELETE would visit every row. On SQLite the same calls insert
into and delete from the table.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager

import polars as pl
from sqlalchemy import Connection, MetaData, Table, text

BULK_CACHE_KIB = 256 * 1024  # SQLite's page cache during a bulk insert
# Enterprises written by one load from which the planner's statistics are refreshed at once.
BULK_LOAD_ROWS = 10_000


def insert_frame(conn: Connection, table: Table, frame: pl.DataFrame) -> int:
    """Insert every row of `frame` (columns named as in `table`); returns the row count."""
    if frame.is_empty():
        return 0
    if conn.dialect.name == "postgresql":
        _copy_postgres(conn, table.name, frame)
    else:
        _executemany_sqlite(conn, table, frame)
    return frame.height


def _copy_postgres(conn: Connection, table_name: str, frame: pl.DataFrame) -> None:
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, null_value="", quote_style="non_numeric")
    columns = ", ".join(f'"{column}"' for column in frame.columns)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    sql = f'COPY "{table_name}" ({columns}) FROM STDIN WITH (FORMAT csv)'
    with cursor.copy(sql) as copy:
        copy.write(buffer.getvalue())


def _executemany_sqlite(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    plain = frame.with_columns(
        *(
            pl.col(name).dt.strftime("%Y-%m-%d")
            for name, dtype in frame.schema.items()
            if dtype == pl.Date
        ),
        *(
            pl.col(name).cast(pl.Int8)
            for name, dtype in frame.schema.items()
            if dtype == pl.Boolean
        ),
    )
    columns = ", ".join(f'"{name}"' for name in plain.columns)
    marks = ", ".join("?" for _ in plain.columns)
    sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'
    with large_sqlite_cache(conn):
        conn.exec_driver_sql(sql, plain.rows())


@contextmanager
def large_sqlite_cache(conn: Connection) -> Iterator[None]:
    """SQLite's page cache at `BULK_CACHE_KIB` for a bulk write (an import, a bulk insert or
    delete), then as it was; the setting belongs to the connection, not to the transaction.

    Rows land in index order only for the primary key: a secondary index (or an import's
    credit codes, which arrive in random order) takes them at random places, and with SQLite's
    default 2 MB page cache each one reads and writes pages again (a million rows inserted: 57 s
    against 22 s with this cache; a million deleted: 4.0 s against 1.8 s; docs/benchmarks.md).
    The cache grows only as pages are used and is given back afterwards. Other databases are
    left as they are."""
    if conn.dialect.name != "sqlite":
        yield
        return
    previous = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(previous)}")


def refresh_statistics(conn: Connection, tables: list[str]) -> None:
    """Refresh the planner's statistics of `tables` after a bulk load, in the caller's
    transaction (PostgreSQL's "Populating a Database": run ANALYZE afterwards).

    Without them PostgreSQL plans the next reads blind until autovacuum gets there (if it
    runs at all): a million-firm registry read its IP rows through an index scan estimated at
    one row, 3.4 s against 1.1 s by a sequential scan after ANALYZE. SQLite is left as it is:
    with statistics its plans for the same reads were no faster (docs/benchmarks.md).
    """
    if conn.dialect.name == "postgresql" and tables:
        conn.exec_driver_sql(f"ANALYZE {', '.join(tables)}")


def partition_name(table: Table, value: int) -> str:
    """The name of the partition of `table` holding the rows of key `value`."""
    return f"{table.name}_{int(value)}"


def is_partition(name: str, metadata: MetaData) -> bool:
    """Whether `name` is a partition of a partitioned table of `metadata` (which declares only
    the parent: schema comparisons leave partitions out)."""
    return any(
        re.fullmatch(rf"{re.escape(table.name)}_\d+", name)
        for table in metadata.tables.values()
        if table.dialect_options["postgresql"]["partition_by"]
    )


@contextmanager
def partition_loader(
    conn: Connection, table: Table, key: str, value: int, presort: Sequence[str] = ()
) -> Iterator[Callable[[pl.DataFrame], int]]:
    """A writer of the rows of `table` whose column `key` is `value` (each call inserts a
    frame; returns its row count), finished when the block ends.

    On PostgreSQL, where `table` is partitioned by `key`, the rows fill a new partition
    without indexes; at the end it gets the parent's primary key and indexes, each built once,
    is attached and gets planner statistics (a million assessment results copied into a table
    that kept two indexes up to date: 4.0 s; copied bare, then indexed once: 1.2 s + 1.1 s).
    Each frame is copied sorted by `presort` (nulls last), an index's columns: built over
    presorted rows, that index took 0.8 s instead of 1.7 (the sort 0.3 s). Elsewhere the rows
    go into the table as they come (sorted, SQLite took them 0.6 s slower)."""
    if not _partitioned(conn, table):
        yield lambda frame: insert_frame(conn, table, frame)
        return
    name = partition_name(table, value)
    conn.exec_driver_sql(f'CREATE TABLE "{name}" (LIKE "{table.name}" INCLUDING DEFAULTS)')

    def write(frame: pl.DataFrame) -> int:
        if frame.is_empty():
            return 0
        ordered = frame.sort(presort, nulls_last=True, maintain_order=True) if presort else frame
        _copy_postgres(conn, name, ordered)
        return frame.height

    yield write
    quote = conn.dialect.identifier_preparer.quote
    primary = ", ".join(quote(column.name) for column in table.primary_key.columns)
    conn.exec_driver_sql(f'ALTER TABLE "{name}" ADD PRIMARY KEY ({primary})')
    for index in table.indexes:
        columns = ", ".join(quote(column.name) for column in index.columns)
        unique = "UNIQUE " if index.unique else ""
        conn.exec_driver_sql(f'CREATE {unique}INDEX ON "{name}" ({columns})')
    conn.exec_driver_sql(
        f'ALTER TABLE "{table.name}" ATTACH PARTITION "{name}" FOR VALUES IN ({int(value)})'
    )
    refresh_statistics(conn, [name])  # a new table has none: 0.2 s for a million rows


def delete_partitions(conn: Connection, table: Table, key: str, values: Collection[int]) -> None:
    """Delete every row of `table` whose column `key` is one of `values`: on PostgreSQL, where
    the table is partitioned by `key`, by dropping those values' partitions."""
    if not values:
        return
    if not _partitioned(conn, table):
        with large_sqlite_cache(conn):
            conn.execute(table.delete().where(table.c[key].in_(sorted(values))))
        return
    doomed = {partition_name(table, value) for value in values} & set(partitions(conn, table))
    for name in sorted(doomed):
        conn.exec_driver_sql(f'DROP TABLE "{name}"')


def partitions(conn: Connection, table: Table) -> list[str]:
    """The names of `table`'s partitions (none unless PostgreSQL partitions it)."""
    if not _partitioned(conn, table):
        return []
    found = conn.execute(
        text(
            "SELECT child.relname FROM pg_inherits"
            " JOIN pg_class child ON child.oid = pg_inherits.inhrelid"
            " JOIN pg_class parent ON parent.oid = pg_inherits.inhparent"
            " WHERE parent.relname = :parent ORDER BY child.relname"
        ),
        {"parent": table.name},
    ).scalars()
    return list(found)


def _partitioned(conn: Connection, table: Table) -> bool:
    return conn.dialect.name == "postgresql" and bool(
        table.dialect_options["postgresql"]["partition_by"]
    )
