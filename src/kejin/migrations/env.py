"""Alembic environment: the URL comes from the caller's config or from Kejin settings."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext

from kejin.config import load_settings
from kejin.core.db import ScaledDecimal, make_engine
from kejin.tables import declared, metadata

config = context.config


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or load_settings().database_url


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write exact-decimal columns as their storage type so migrations stay self-contained."""
    if type_ == "type" and isinstance(obj, ScaledDecimal):
        return "sa.BigInteger()"
    return False


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=metadata,
        render_as_batch=True,
        render_item=_render_item,
        include_name=declared,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
        include_name=declared,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
