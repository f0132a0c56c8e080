"""Training data from a database: a table or view read with Polars through SQLAlchemy."""

from __future__ import annotations

import re

import polars as pl
import sqlalchemy as sa

from kejin.credit.errors import UnknownTable

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def read_database_table(engine: sa.Engine, table: str) -> pl.DataFrame:
    """A table or view of the database (`name` or `schema.name`, plain identifiers only) as a
    Polars frame. A table has no row order, so the rows are sorted by every column, left to
    right: the same rows give the same frame (and split) whatever order the database returns."""
    schema, _, name = table.rpartition(".")
    if not all(_IDENTIFIER.fullmatch(part) for part in ([schema, name] if schema else [name])):
        raise UnknownTable("{table} is not a table name", table=table)
    if name not in _names(engine, schema or None):
        raise UnknownTable("no table or view {table} in the database", table=table)
    query = sa.select(sa.text("*")).select_from(sa.table(name, schema=schema or None))
    with engine.connect() as connection:
        frame = pl.read_database(query, connection, infer_schema_length=None)
    return frame.sort(frame.columns, nulls_last=True)


def _names(engine: sa.Engine, schema: str | None) -> set[str]:
    """The tables and views of `schema` (none when the database has no such schema)."""
    inspector = sa.inspect(engine)
    try:
        return {*inspector.get_table_names(schema), *inspector.get_view_names(schema)}
    except sa.exc.SQLAlchemyError:
        return set()


def database_source(engine: sa.Engine, table: str) -> str:
    """The table and its database for the model card, without the password."""
    database = engine.url.set(password=None).render_as_string(hide_password=False)
    return f"{table} in {database}"
