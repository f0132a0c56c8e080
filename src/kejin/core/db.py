"""Database plumbing: the declarative base, exact decimal columns and engine construction.

Money is stored as a scaled integer (fen for CNY) so that SQLite and PostgreSQL keep the same
exact values and bulk loads move plain integers; the ORM sees `Decimal`.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Engine, Enum, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from kejin.core.money import from_scaled_int, to_scaled_int

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ScaledDecimal(TypeDecorator[Decimal]):
    """A `Decimal` stored as an integer count of 10^-scale units; refuses inexact values."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int) -> None:
        super().__init__()
        self.scale = scale

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return None if value is None else to_scaled_int(value, self.scale)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else from_scaled_int(int(value), self.scale)


def Money() -> ScaledDecimal:  # noqa: N802 - reads as a column type
    """CNY amount stored in fen."""
    return ScaledDecimal(2)


def Ratio() -> ScaledDecimal:  # noqa: N802 - reads as a column type
    """A share between 0 and 1 stored in units of 10^-4 (0.01 percentage point)."""
    return ScaledDecimal(4)


def str_enum(kind: type[StrEnum]) -> Enum:
    """A `StrEnum` column stored as its values in a VARCHAR (no native enum type), so adding a
    member needs no ALTER TYPE and SQLite and PostgreSQL hold the same text."""
    return Enum(kind, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Build an engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, echo=echo, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
