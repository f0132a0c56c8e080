"""Reading snapshot sources from the database: the whole registry in id-range partitions, or one
enterprise, as `SnapshotSources` (only the columns `SOURCE_COLUMNS` names, keyed by id).

Whole-registry reads go through ADBC (Arrow Database Connectivity): the PostgreSQL driver
streams `COPY … TO STDOUT (FORMAT binary)` into Arrow and the SQLite driver steps rows into Arrow
in C, so no Python object is made per value — the plain drivers spend seconds per million rows
on exactly that. Each partition is read on a connection of its own inside one read transaction
(REPEATABLE READ on PostgreSQL), so every enterprise is read whole and consistent; the rows a
caller has not committed yet are not seen. Partitions are read and built by parallel workers:
threads for PostgreSQL (the driver and Polars release the GIL), spawned processes for SQLite.
The ADBC SQLite driver carries its own copy of the SQLite library, and two copies must never
open one database file in one process: POSIX locks are per process, so when the driver's last
connection closes it takes itself for the last user, checkpoints and deletes the write-ahead
log under the application's open connections — the database is then corrupt (sqlite.org, "How
To Corrupt An SQLite Database File", §2.2.1). In a process of its own it is one more ordinary
reader. An in-memory SQLite database cannot be opened by another connection: it is read
through the caller's connection, slowly but the same.

One enterprise is read through the caller's connection (in its transaction), with the same SQL,
into plain rows for the scalar derivations (`kejin.assessment.inputs.single`); on PostgreSQL its
SELECTs (one per source table) go to the server in one round trip.
The SQL names the registry's tables and columns as its published contract names them
(`kejin.registry.frames.SCHEMAS`: the frames' columns are the stored columns); no registry ORM
class is imported, as one domain reaches another only through its contracts.

The ADBC SQLite driver types a column by its first rows, so a column whose first values are
NULL and later ones text fails; nullable columns are therefore read as text there (NULL as
''), and every column is cast to its `SOURCE_SCHEMAS` type afterwards.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from multiprocessing import get_context
from typing import Any

import adbc_driver_postgresql.dbapi as adbc_postgresql
import adbc_driver_sqlite.dbapi as adbc_sqlite
import polars as pl
from sqlalchemy import Connection, Select, text
from sqlalchemy.engine import URL, make_url

from kejin.assessment.inputs.single import snapshot_of
from kejin.assessment.inputs.snapshots import snapshots_of
from kejin.assessment.inputs.sources import (
    COUNTED_IP_STATUS,
    COUNTED_IP_TYPES,
    KEY,
    SOURCE_COLUMNS,
    SOURCE_SCHEMAS,
    SnapshotSources,
)
from kejin.assessment.model import EnterpriseSnapshot

DEFAULT_PARTITION = 250_000  # enterprises per partition: ~0.5 GB of sources at the peak
READ_WORKERS = 2
SQLITE_BUSY_TIMEOUT_MS = 10_000  # as `kejin.core.db` sets for the application's connections
# Only IP that can count is read (about half the rows): see `COUNTED_IP_TYPES`.
_COUNTED_IP = (
    " AND main_product_related"
    f" AND status = '{COUNTED_IP_STATUS.value}'"
    f" AND ip_type IN ({', '.join(repr(kind.value) for kind in sorted(COUNTED_IP_TYPES))})"
)
AnySelect = Select[*tuple[Any, ...]]
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
    """The sources of every enterprise, one id range of `size` ids at a time (the next one is
    read while the caller works on the current one)."""
    ranges = id_ranges(conn, size)
    if _in_memory(conn):
        yield from (_read_with(_ConnectionQueries(conn), ids) for ids in ranges)
        return
    if not ranges:
        return
    url = _plain_url(conn)
    with _executor(conn, 1) as pool:
        current = pool.submit(read_partition, url, ranges[0])
        for following in ranges[1:]:
            ahead = pool.submit(read_partition, url, following)
            yield current.result()
            current = ahead
        yield current.result()


def read_enterprise(conn: Connection, enterprise_id: int) -> dict[str, list[dict[str, Any]]]:
    """The source rows of one enterprise, per table, as plain values in the types of
    `SOURCE_SCHEMAS` (no rows when there is no such id): one enterprise needs no frames."""
    queries = source_queries(conn.dialect.name, IdRange(enterprise_id, enterprise_id))
    found = {}
    for table, (names, rows) in zip(queries, _results(conn, list(queries.values())), strict=True):
        columns = [(name, SOURCE_SCHEMAS[table][name]) for name in names]
        found[table] = [
            {name: _plain(value, dtype) for (name, dtype), value in zip(columns, row, strict=True)}
            for row in rows
        ]
    return found


def _results(
    conn: Connection, statements: list[str]
) -> Iterator[tuple[list[str], Sequence[Sequence[Any]]]]:
    """The column names and rows of each statement, in order. PostgreSQL takes them all in one
    round trip (several statements in one query, which its driver allows without parameters:
    the ids are literals), about four times faster than one round trip each for one firm."""
    if conn.dialect.name != "postgresql":
        for sql in statements:
            result = conn.exec_driver_sql(sql)
            yield list(result.keys()), result.all()
        return
    cursor = conn.connection.cursor()
    try:
        cursor.execute("; ".join(statements))
        for _ in statements:
            yield [column[0] for column in cursor.description], cursor.fetchall()
            cursor.nextset()
    finally:
        cursor.close()


def _plain(value: Any, dtype: pl.DataType | type[pl.DataType]) -> Any:
    """A driver's value in the Python type of `dtype` (SQLite gives dates as text, booleans
    as integers and the nullable columns as text; see the module docstring)."""
    if dtype == pl.String or value is None:
        return value
    if value == "":
        return None
    if dtype == pl.Date:
        return date.fromisoformat(value) if isinstance(value, str) else value
    if dtype == pl.Boolean:
        return bool(value)
    return int(value) if isinstance(value, str) else value


def load_snapshots(
    conn: Connection,
    on: date,
    size: int = DEFAULT_PARTITION,
    workers: int = READ_WORKERS,
) -> pl.DataFrame:
    """The snapshot frame of the whole registry as of `on`, ordered by enterprise id: each
    partition (of at most `size` ids; smaller when that gives fewer partitions than `workers`)
    is read and built by one of `workers` workers, so reading one overlaps building another."""
    ranges = id_ranges(conn, size)
    if not ranges:
        return snapshots_of(SnapshotSources.empty(), on)
    if _in_memory(conn):
        return pl.concat(
            [snapshots_of(_read_with(_ConnectionQueries(conn), ids), on) for ids in ranges]
        )
    if len(ranges) < workers:  # give every worker a part of a small registry
        span = ranges[-1].last - ranges[0].first + 1
        ranges = id_ranges(conn, -(-span // workers))
    with _executor(conn, min(workers, len(ranges))) as pool:
        built = pool.map(build_partition, repeat(_plain_url(conn)), ranges, repeat(on))
        return pl.concat(list(built))


def load_snapshots_of(conn: Connection, ids: Collection[int], on: date) -> pl.DataFrame:
    """The snapshot frame of the enterprises of `ids` as of `on`, ordered by enterprise id,
    read in this process through `conn`: for a few thousand firms no worker start-up is paid."""
    if not ids:
        return snapshots_of(SnapshotSources.empty(), on)
    span = IdRange(min(ids), max(ids))
    built = snapshots_of(_read_with(_ConnectionQueries(conn), span), on)
    return built.filter(pl.col("enterprise_id").is_in(sorted(ids)))


def read_partition(url: str, ids: IdRange) -> SnapshotSources:
    """The sources of the enterprises of `ids`, read through ADBC (in a worker)."""
    return _read_with(_AdbcQueries(make_url(url)), ids)


def build_partition(url: str, ids: IdRange, on: date) -> pl.DataFrame:
    """The snapshots of the enterprises of `ids` as of `on` (in a worker)."""
    return snapshots_of(read_partition(url, ids), on)


def load_snapshot(conn: Connection, enterprise_id: int, on: date) -> EnterpriseSnapshot | None:
    """The snapshot of one enterprise as of `on` (None for an unknown id), built by the
    scalar derivations: the same values as the frame path, without its fixed cost."""
    rows = read_enterprise(conn, enterprise_id)
    if not rows["enterprises"]:
        return None
    return snapshot_of(rows["enterprises"][0], rows, on)


def source_queries(dialect: str, ids: IdRange) -> dict[str, str]:
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
    raw = queries.frames(source_queries(queries.dialect, ids))
    return SnapshotSources(**{table: _typed(frame, table) for table, frame in raw.items()})


def _in_memory(conn: Connection) -> bool:
    url = conn.engine.url
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _plain_url(conn: Connection) -> str:
    return conn.engine.url.render_as_string(hide_password=False)


def _executor(conn: Connection, workers: int) -> Executor:
    """Threads for PostgreSQL; processes of their own for SQLite, whose ADBC driver brings a
    second SQLite library: in the application's process, closing its last connection would
    checkpoint and delete the write-ahead log under the application's open connections (see
    the module docstring)."""
    if conn.dialect.name == "sqlite":
        return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))
    return ThreadPoolExecutor(max_workers=workers)
