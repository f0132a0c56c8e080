"""Composition root: settings → engine → session factory → services.

Entrypoints (CLI, HTTP app, batch jobs) call `bootstrap()` once and use the `Platform` it
returns; nothing else reads the environment or opens a connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kejin.config import Settings, load_settings
from kejin.core.db import make_engine
from kejin.core.uow import UnitOfWork


@dataclass
class Platform:
    """Everything a running Kejin needs, built from one `Settings`."""

    settings: Settings
    engine: Engine

    @cached_property
    def session_factory(self) -> sessionmaker[Session]:
        return sessionmaker(self.engine, expire_on_commit=False)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def migrate(self) -> None:
        """Bring the database schema to the newest migration (safe to repeat)."""
        with self.engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", "kejin:migrations")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def dispose(self) -> None:
        self.engine.dispose()


def bootstrap(settings: Settings | None = None) -> Platform:
    settings = settings or load_settings()
    if settings.is_sqlite:
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    return Platform(settings=settings, engine=make_engine(settings.database_url))
