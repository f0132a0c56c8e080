"""Migrations create exactly the schema the ORM declares, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kejin.bootstrap import Platform
from kejin.tables import metadata


def test_migrated_schema_matches_the_orm(platform: Platform) -> None:
    with platform.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_migrating_twice_is_harmless(platform: Platform) -> None:
    platform.migrate()
    with platform.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is not None
