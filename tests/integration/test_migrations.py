"""Migrations create exactly the schema the ORM declares, on SQLite and PostgreSQL."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

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


def test_cohort_histograms_carry_stored_rows_both_ways(platform: Platform) -> None:
    """20261201_ass01 folds one row per bucket into one histogram per cohort × indicator, a
    missing measure's bucket first, and its downgrade unfolds them again (in a transaction
    rolled back, so the shared database stays at head)."""
    buckets = [(None, 4), (-3, 1), (2, 5), (40, 7)]
    with platform.engine.connect() as conn, conn.begin() as transaction:
        config = _config(conn)
        command.downgrade(config, "20261201_doc02_topics")
        for bucket, count in reversed(buckets):  # stored out of order
            conn.execute(
                text(
                    "INSERT INTO points_cohorts (run_id, region, cluster, stage, indicator,"
                    " bucket, count) VALUES (7, NULL, 'ai', 'growth', 'patents', :b, :c)"
                ),
                {"b": bucket, "c": count},
            )
        command.upgrade(config, "20261201_ass01_cohort_histograms")
        folded = conn.execute(
            text("SELECT run_id, region, cluster, stage, indicator, histogram FROM points_cohorts")
        ).all()
        assert [tuple(row) for row in folded] == [
            (7, None, "ai", "growth", "patents", ":4,-3:1,2:5,40:7")
        ]
        command.downgrade(config, "20261201_doc02_topics")
        unfolded = conn.execute(
            text("SELECT bucket, count FROM points_cohorts WHERE run_id = 7 AND region IS NULL")
        ).all()
        assert sorted(map(tuple, unfolded), key=lambda row: (row[0] is not None, row[0])) == buckets
        transaction.rollback()
    with platform.engine.connect() as conn:
        head = ScriptDirectory.from_config(_config(conn)).get_current_head()
        assert MigrationContext.configure(conn).get_current_revision() == head


def _config(conn: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", "kejin:migrations")
    config.attributes["connection"] = conn
    return config
