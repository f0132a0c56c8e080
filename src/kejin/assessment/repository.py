"""Reading snapshot sources from the database: the whole registry in id-range partitions, or one
enterprise, as `SnapshotSources` (only the columns `SOURCE_COLUMNS` names, keyed by id).

Whole-registry reads go through ADBC (Arrow Database Connectivity): the PostgreSQL driver
streams `COPY … TO STDOUT (FORMAT binary)` into Arrow and the SQLite driver steps rows into Arrow
in C, so no Python object is made per value — the plain drivers spend seconds per million rows
on exactly that. Each partition is read on a connection of its own inside one read transaction
(REPEATABLE READ on PostgreSQL), so every enterprise is read whole and consistent; the rows a
caller has not committed yet are not seen. Partitions are read in parallel worker threads (the
drivers and Polars release the GIL). An in-memory SQLite database cannot be opened a second
time: it is read through the caller's connection, slowly but the same.

One enterprise is read through the caller's connection (in its transaction), with the same SQL.
The SQL names the registry's tables and columns as its published contract names them
(`kejin.registry.frames.SCHEMAS`: the frames' columns are the stored columns); no registry ORM
class is imported, as one domain reaches another only through its contracts.

The ADBC SQLite driver types a column by its first rows, so a column whose first values are
NULL and later ones text fails; nullable columns are therefore read as text there (NULL as
''), and every column is cast to its `SOURCE_SCHEMAS` type afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import adbc_driver_postgresql.dbapi as adbc_postgresql
import adbc_driver_sqlite.dbapi as adbc_sqlite
import polars as pl
from sqlalchemy import Connection, text
from sqlalchemy.engine import URL

from kejin.assessment.snapshot_sources import (
    COUNTED_IP_STATUS,
    COUNTED_IP_TYPES,
    KEY,
    SOURCE_COLUMNS,
    SOURCE_SCHEMAS,
    SnapshotSources,
)
from kejin.assessment.snapshots import snapshots_of

DEFAULT_PARTITION = 250_000  # enterprises per partition: ~0.5 GB of sources at the peak
READ_WORKERS = 2
SQLITE_BUSY_TIMEOUT_MS = 10_000  # as `kejin.core.db` sets for the application's connections
# Only IP that can count is read (about half the rows): see `COUNTED_IP_TYPES`.
_COUNTED_IP = (
    " AND main_product_related"
    f" AND status = '{COUNTED_IP_STATUS.value}'"
    f" AND ip_type IN ({', '.join(repr(kind.value) for kind in sorted(COUNTED_IP_TYPES))})"
)
_NULLABLE = frozenset({"granted_on", "expires_on", "family_size", "rank"})
_SQLITE_BATCH_ROWS = "adbc.sqlite.query.batch_rows"
_REPEATABLE_READ = {
    "adbc.connection.transaction.isolation_level": (
        "adbc.connection.transaction.isolation.repeatable_read"
    )
}


@dataclass(frozen=True, slots=True)
class IdRange:
    """Enterprise ids `first` to `last`, both included."""

    first: int
    last: int


def id_ranges(conn: Connection, size: int) -> list[IdRange]:
    """The registry's id space cut into ranges of `size` ids (fewer enterprises where ids
    have gaps); empty when the registry is."""
    if size < 1:
        raise ValueError("a partition holds at least one enterprise")
    low, high = conn.execute(text("SELECT min(id), max(id) FROM enterprises")).one()
    if low is None:
        return []
    return [IdRange(first, min(first + size - 1, high)) for first in range(low, high + 1, size)]


def iter_partitions(conn: Connection, size: int = DEFAULT_PARTITION) -> Iterator[SnapshotSources]:
    """The sources of every enterprise, one id range of `size` ids at a time."""
    reader, _ = _bulk_reader(conn)
    for ids in id_ranges(conn, size):
        yield reader(ids)


def read_enterprise(conn: Connection, enterprise_id: int) -> SnapshotSources:
    """The sources of one enterprise (empty frames when there is no such id)."""
    return _read_with(_ConnectionQueries(conn), IdRange(enterprise_id, enterprise_id))


def load_snapshots(
    conn: Connection,
    on: date,
    size: int = DEFAULT_PARTITION,
    workers: int = READ_WORKERS,
) -> pl.DataFrame:
    """The snapshot frame of the whole registry as of `on`, ordered by enterprise id: each
    partition (of at most `size` ids; smaller when that gives fewer partitions than `workers`)
    is read and built in a worker thread, so reading one overlaps building another."""
    reader, parallel = _bulk_reader(conn)

    def build(ids: IdRange) -> pl.DataFrame:
        return snapshots_of(reader(ids), on)

    ranges = id_ranges(conn, size)
    if not ranges:
        return snapshots_of(SnapshotSources.empty(), on)
    if parallel and len(ranges) < workers:  # give every worker a part of a small registry
        span = ranges[-1].last - ranges[0].first + 1
        ranges = id_ranges(conn, -(-span // workers))
    if not parallel or workers <= 1 or len(ranges) == 1:
        return pl.concat([build(ids) for ids in ranges])
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return pl.concat(list(pool.map(build, ranges)))


def load_snapshot(conn: Connection, enterprise_id: int, on: date) -> pl.DataFrame:
    """The snapshot frame (one row, or none for an unknown id) of one enterprise as of `on`."""
    return snapshots_of(read_enterprise(conn, enterprise_id), on)


def _queries(dialect: str, ids: IdRange) -> dict[str, str]:
    """One SELECT per table for the enterprises of `ids`, with the key first."""
    queries = {}
    for table, columns in SOURCE_COLUMNS.items():
        owner = "id" if table == "enterprises" else "enterprise_id"
        keys = [f"{owner} AS {KEY}"] + (["id AS enterprise_id"] if table == "enterprises" else [])
        selected = ", ".join([*keys, *(_column(dialect, name) for name in columns)])
        where = f"{owner} BETWEEN {int(ids.first)} AND {int(ids.last)}"
        if table == "ip_assets":
            where += _COUNTED_IP
        order = f" ORDER BY {owner}" if table == "enterprises" else ""
        queries[table] = f"SELECT {selected} FROM {table} WHERE {where}{order}"
    return queries


def _column(dialect: str, name: str) -> str:
    if dialect == "sqlite" and name in _NULLABLE:
        return f"COALESCE(CAST({name} AS TEXT), '') AS {name}"
    return name


def _typed(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """`frame` in the types of `SOURCE_SCHEMAS[table]`, whatever the driver returned: dates
    as text, booleans as integers, NULL as '' (see the module docstring)."""
    columns = []
    for name, dtype in SOURCE_SCHEMAS[table].items():
        column = pl.col(name)
        if frame.schema[name] == pl.String and dtype != pl.String:
            column = pl.when(column != "").then(column)
            column = column.str.to_date("%Y-%m-%d") if dtype == pl.Date else column.cast(dtype)
        columns.append(column.cast(dtype))
    return frame.select(columns).rechunk()


class _Queries:
    """Runs the SELECTs of one partition and returns raw frames."""

    dialect: str

    def frames(self, queries: dict[str, str]) -> dict[str, pl.DataFrame]:
        raise NotImplementedError


class _AdbcQueries(_Queries):
    """A fresh ADBC connection per partition, all SELECTs in one read transaction."""

    def __init__(self, url: URL) -> None:
        self.dialect = url.get_backend_name()
        self.url = url

    def frames(self, queries: dict[str, str]) -> dict[str, pl.DataFrame]:
        with self._connect() as connection, connection.cursor() as cursor:
            if self.dialect == "sqlite":
                # Another connection closing may hold the file for a moment (a checkpoint):
                # wait for it as the application's connections do.
                cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
                cursor.execute("BEGIN")  # deferred: a read snapshot from the first SELECT on
                # Rows come in Arrow batches of 1,024 by default; Polars is slow over so many
                # chunks, so take each result in (nearly always) one.
                cursor.adbc_statement.set_options(**{_SQLITE_BATCH_ROWS: str(1 << 20)})
            found = {}
            for table, sql in queries.items():
                cursor.execute(sql)
                found[table] = pl.DataFrame(cursor.fetch_arrow())
            if self.dialect == "sqlite":
                cursor.execute("ROLLBACK")
            else:
                connection.rollback()
        return found

    def _connect(self) -> Any:
        if self.dialect == "postgresql":
            plain = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
            connection = adbc_postgresql.connect(plain)
            connection.adbc_connection.set_options(**_REPEATABLE_READ)
            return connection
        # The driver's own transactions begin IMMEDIATE (a write lock): two parallel readers
        # would lock each other out, so this connection autocommits and begins itself.
        return adbc_sqlite.connect(self.url.database, autocommit=True)


class _ConnectionQueries(_Queries):
    """The caller's SQLAlchemy connection (one enterprise, or an in-memory SQLite)."""

    def __init__(self, conn: Connection) -> None:
        self.dialect = conn.dialect.name
        self.conn = conn

    def frames(self, queries: dict[str, str]) -> dict[str, pl.DataFrame]:
        found = {}
        for table, sql in queries.items():
            result = self.conn.exec_driver_sql(sql)
            found[table] = pl.DataFrame(
                [tuple(row) for row in result],
                schema=list(result.keys()),
                orient="row",
                infer_schema_length=None,
            )
        return found


def _read_with(queries: _Queries, ids: IdRange) -> SnapshotSources:
    raw = queries.frames(_queries(queries.dialect, ids))
    return SnapshotSources(**{table: _typed(frame, table) for table, frame in raw.items()})


def _bulk_reader(conn: Connection) -> tuple[Callable[[IdRange], SnapshotSources], bool]:
    """A function reading one id range — ADBC where the database can be opened again — and
    whether it may run in several threads at once."""
    url = conn.engine.url
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    queries: _Queries = _ConnectionQueries(conn) if in_memory else _AdbcQueries(url)

    def read(ids: IdRange) -> SnapshotSources:
        return _read_with(queries, ids)

    return read, not in_memory
