"""Training from a database table on SQLite and PostgreSQL gives the same scorecard as training
from the same rows in a CSV file (sorted by every column, as the table's rows are read, since a
table has no order of its own); a table name that is no identifier, or names no table or view,
is refused naming it."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from kejin.bootstrap import Platform, bootstrap
from kejin.cli import main
from kejin.config import Settings
from kejin.credit import service
from kejin.credit.errors import UnknownTable
from kejin.credit.export import loads
from kejin.credit.model import TrainingConfig
from kejin.credit.scoring import score_frame
from tests.credit_data import german_credit

TABLE = "credit_loans"
CONFIG = TrainingConfig(target="creditability", event="bad")
_TYPES = {pl.Int64: sa.BigInteger, pl.Float64: sa.Float, pl.String: sa.Text}


@pytest.fixture(params=["sqlite", "postgresql"])
def loans_db(
    request: pytest.FixtureRequest, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    """A database holding the German credit rows, shuffled, as a table and a view over it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('credit') / 'loans.db'}"
    elif settings.database_url.startswith("postgresql"):
        url = settings.database_url
    else:
        pytest.skip("PostgreSQL runs when KEJIN_TEST_DATABASE_URL is set")
    platform = bootstrap(dataclasses.replace(settings, database_url=url))
    _load(platform.engine, german_credit().sample(fraction=1.0, shuffle=True, seed=4))
    yield platform
    with platform.engine.begin() as conn:  # the shared test database keeps only migrated tables
        conn.execute(sa.text(f"DROP VIEW IF EXISTS {TABLE}_view"))
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {TABLE}"))
    platform.dispose()


def _load(engine: sa.Engine, frame: pl.DataFrame) -> None:
    metadata = sa.MetaData()
    columns = [sa.Column(name, _TYPES[dtype]) for name, dtype in frame.schema.items()]
    table = sa.Table(TABLE, metadata, *columns)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP VIEW IF EXISTS {TABLE}_view"))
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), frame.to_dicts())
        conn.execute(sa.text(f"CREATE VIEW {TABLE}_view AS SELECT * FROM {TABLE}"))


def test_a_table_trains_the_same_scorecard_as_its_rows_in_a_csv(
    loans_db: Platform, tmp_path: Path
) -> None:
    rows = german_credit()
    csv = tmp_path / "loans.csv"
    rows.sort(rows.columns).write_csv(csv)
    from_csv = service.train(csv, CONFIG, tmp_path / "csv")
    from_table = service.train_from_table(loans_db, TABLE, CONFIG, tmp_path / "table")
    assert from_table.card["features"] == from_csv.card["features"]
    assert from_table.card["splits"] == from_csv.card["splits"]
    assert from_table.card["data"]["fingerprint"] == from_csv.card["data"]["fingerprint"]
    scores = [score_frame(service.load_model(t.directory), rows) for t in (from_csv, from_table)]
    assert scores[0]["score"].to_list() == scores[1]["score"].to_list()


def test_the_card_names_the_table_and_its_database_without_a_password(
    loans_db: Platform, tmp_path: Path
) -> None:
    trained = service.train_from_table(loans_db, f"{TABLE}_view", CONFIG, tmp_path / "m")
    url = loans_db.engine.url
    source = trained.card["data"]["source"]
    assert source.startswith(f"{TABLE}_view in {url.drivername}://")
    assert str(url.database) in source
    if url.password:
        assert url.password not in source
    artefact = loads((tmp_path / "m" / "scorecard.json").read_text())
    assert artefact.data.source == source


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no_such_table", "no table or view no_such_table in the database"),
        ("nowhere.credit_loans", "no table or view nowhere.credit_loans in the database"),
        ("credit_loans; drop table x", "credit_loans; drop table x is not a table name"),
        ('"credit_loans"', '"credit_loans" is not a table name'),
    ],
)
def test_a_table_that_is_not_there_or_not_a_name_is_refused_naming_it(
    loans_db: Platform, tmp_path: Path, name: str, message: str
) -> None:
    with pytest.raises(UnknownTable) as refused:
        service.train_from_table(loans_db, name, CONFIG, tmp_path / "m")
    assert str(refused.value) == message
    assert not (tmp_path / "m").exists()


def test_the_train_command_reads_a_table_of_the_database_it_is_given(
    loans_db: Platform, tmp_path: Path
) -> None:
    url = loans_db.engine.url.render_as_string(hide_password=False)
    model = tmp_path / "model"
    command = [
        "credit", "train", "--table", TABLE, "--database-url", url,
        "--target", "creditability", "--event", "bad", "--out", str(model),
    ]  # fmt: skip
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    card = json.loads((model / "card.json").read_text())
    assert card["data"]["source"].startswith(f"{TABLE} in ")
    missing = CliRunner().invoke(main, [*command[:3], "absent", *command[4:]])
    assert missing.exit_code == 1
    assert "no table or view absent in the database" in missing.output
