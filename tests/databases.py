"""Emptying a test database: every row of every table gone, ids starting again at 1."""

from __future__ import annotations

from sqlalchemy import text

from kejin.bootstrap import Platform
from kejin.core.bulk import partitions
from kejin.tables import metadata


def empty_database(platform: Platform) -> None:
    """Remove everything tests wrote to the platform's database (the schema stays)."""
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with platform.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            # ids start again at 1: partitions named by them go with their rows
            for table in metadata.sorted_tables:
                for name in partitions(conn, table):
                    conn.execute(text(f'DROP TABLE "{name}"'))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
