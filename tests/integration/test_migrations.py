"""Migrations create exactly the schema the ORM declares, on SQLite and PostgreSQL."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Table, text

from kejin.bootstrap import Platform
from kejin.core.bulk import partitions
from kejin.tables import declared, metadata


def test_migrated_schema_matches_the_orm(platform: Platform) -> None:
    with platform.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": declared})
        diff = compare_metadata(context, metadata)
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


def test_results_move_into_partitions_of_their_runs_on_postgresql(platform: Platform) -> None:
    """20261201_ass02 partitions `enterprise_results` by run on PostgreSQL, the stored rows in
    their runs' partitions, and its downgrade puts them back in one table (rolled back)."""
    if platform.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no partitions: the revision changes nothing there")
    insert = text(
        "INSERT INTO enterprise_results (run_id, enterprise_id, cluster, stage, verdicts, points,"
        " top_indicators) VALUES (:run, :firm, 'ai', NULL, 'mk', ',', '[]')"
    )
    stored = [(7, 1), (7, 2), (9, 1)]
    with platform.engine.connect() as conn, conn.begin() as transaction:
        config = _config(conn)
        command.downgrade(config, "20261201_ass01_cohort_histograms")
        conn.execute(insert, [{"run": run, "firm": firm} for run, firm in stored])
        command.upgrade(config, "20261201_ass02_results_by_run")
        table: Table = metadata.tables["enterprise_results"]
        assert partitions(conn, table) == ["enterprise_results_7", "enterprise_results_9"]
        assert _rows(conn, "enterprise_results_7") == [(7, 1), (7, 2)]
        assert _rows(conn, "enterprise_results") == stored
        command.downgrade(config, "20261201_ass01_cohort_histograms")
        assert partitions(conn, table) == []
        assert _rows(conn, "enterprise_results") == stored
        transaction.rollback()


def test_match_rows_move_into_partitions_of_their_runs_on_postgresql(platform: Platform) -> None:
    """20261202_mat01 partitions `match_layer_results` and `policy_matches` by run on
    PostgreSQL, the stored rows in their runs' partitions, and its downgrade puts them back
    (rolled back)."""
    if platform.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no partitions: the revision changes nothing there")
    inserts = {
        "match_layer_results": "INSERT INTO match_layer_results (run_id, enterprise_id, layer,"
        " cluster, met, review, unknown, best_product, status) VALUES (:run, :firm, 'bank', 'ai',"
        " 1, 0, 0, 'p', 'met')",
        "policy_matches": "INSERT INTO policy_matches (run_id, policy, enterprise_id, status,"
        " \"list\") VALUES (:run, 'p', :firm, 'met', 'automatic')",
    }
    stored = [(3, 1), (3, 2), (4, 1)]
    with platform.engine.connect() as conn, conn.begin() as transaction:
        config = _config(conn)
        command.downgrade(config, "20261201_ass02_results_by_run")
        for sql in inserts.values():
            conn.execute(text(sql), [{"run": run, "firm": firm} for run, firm in stored])
        command.upgrade(config, "20261202_mat01_matches_by_run")
        for name in inserts:
            table: Table = metadata.tables[name]
            assert partitions(conn, table) == [f"{name}_3", f"{name}_4"]
            assert _rows(conn, f"{name}_3") == [(3, 1), (3, 2)]
            assert _rows(conn, name) == stored
        command.downgrade(config, "20261201_ass02_results_by_run")
        for name in inserts:
            assert partitions(conn, metadata.tables[name]) == []
            assert _rows(conn, name) == stored
        transaction.rollback()


def _rows(conn: Connection, table: str) -> list[tuple[int, int]]:
    found = conn.execute(text(f"SELECT run_id, enterprise_id FROM {table} ORDER BY 1, 2"))
    return [(run, firm) for run, firm in found]


def _config(conn: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", "kejin:migrations")
    config.attributes["connection"] = conn
    return config
