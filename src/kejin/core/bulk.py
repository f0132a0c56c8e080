"""Fast bulk insert of a Polars frame into a table: COPY on PostgreSQL, executemany on SQLite.

Frames hold storage values (money as integer fen, ratios as integer 10^-4 units, enums as
their string values), so no per-value conversion runs in Python. Used by imports and the demo
generator; never for single-row writes, which go through the ORM.
"""

from __future__ import annotations

import io

import polars as pl
from sqlalchemy import Connection, Table

BULK_CACHE_KIB = 256 * 1024  # SQLite's page cache during a bulk insert
# Enterprises written by one load from which the planner's statistics are refreshed at once.
BULK_LOAD_ROWS = 10_000


def insert_frame(conn: Connection, table: Table, frame: pl.DataFrame) -> int:
    """Insert every row of `frame` (columns named as in `table`); returns the row count."""
    if frame.is_empty():
        return 0
    if conn.dialect.name == "postgresql":
        _copy_postgres(conn, table, frame)
    else:
        _executemany_sqlite(conn, table, frame)
    return frame.height


def _copy_postgres(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, null_value="", quote_style="non_numeric")
    columns = ", ".join(f'"{name}"' for name in frame.columns)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    sql = f'COPY "{table.name}" ({columns}) FROM STDIN WITH (FORMAT csv)'
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
    # Rows land in index order only for the primary key: a secondary index takes them at random
    # places, and with SQLite's default 2 MB page cache each one reads and writes pages again
    # (a million rows: 57 s against 22 s with this cache, docs/benchmarks.md). The cache grows
    # only as pages are used and is given back afterwards.
    previous = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        conn.exec_driver_sql(sql, plain.rows())
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
