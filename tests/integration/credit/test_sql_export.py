"""The SQL export scores a table of test rows inside SQLite and PostgreSQL exactly as Polars
does in Python (to a millionth of a point: databases add the points in their own order)."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest
import sqlalchemy as sa

from kejin.config import Settings
from kejin.core.db import make_engine
from kejin.credit.export import score_sql, sql_expressions
from kejin.credit.model import FeatureKind
from kejin.credit.scoring import points_frame, score_frame
from kejin.credit.training import Fitted
from tests.credit_data import german_fit, lending_club_fit

FITS = {"german credit": german_fit, "lending club": lending_club_fit}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('credit') / 'rows.db'}"
    elif settings.database_url.startswith("postgresql"):
        url = settings.database_url
    else:
        pytest.skip("PostgreSQL runs when KEJIN_TEST_DATABASE_URL is set")
    engine = make_engine(url)
    yield engine
    with engine.begin() as conn:  # the shared test database must keep only migrated tables
        conn.execute(sa.text("DROP TABLE IF EXISTS credit_rows"))
    engine.dispose()


def _load_rows(engine: sa.Engine, fitted: Fitted) -> pl.DataFrame:
    kinds = {f.name: f.kind for f in fitted.scorecard.features}
    rows = fitted.frame[fitted.split.test].select(list(kinds)).with_row_index("row_id")
    metadata = sa.MetaData()
    columns = [
        sa.Column(name, sa.Float if kind is FeatureKind.NUMERIC else sa.Text)
        for name, kind in kinds.items()
    ]
    table = sa.Table("credit_rows", metadata, sa.Column("row_id", sa.Integer), *columns)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), rows.to_dicts())
    return rows


@pytest.mark.parametrize("name", FITS)
def test_the_sql_score_of_every_test_row_equals_the_python_score(
    engine: sa.Engine, name: str
) -> None:
    fitted = FITS[name]()
    rows = _load_rows(engine, fitted)
    query = (
        f"SELECT row_id, {score_sql(fitted.scorecard)} AS score FROM credit_rows ORDER BY row_id"
    )
    with engine.connect() as conn:
        sql_scores = [float(score) for _, score in conn.execute(sa.text(query))]
    python_scores = score_frame(fitted.scorecard, rows)["score"].to_list()
    assert len(sql_scores) == len(python_scores) > 100
    assert sql_scores == pytest.approx(python_scores, abs=1e-6)


def test_each_feature_expression_gives_the_points_of_that_feature(engine: sa.Engine) -> None:
    fitted = german_fit()
    rows = _load_rows(engine, fitted)
    expressions = sql_expressions(fitted.scorecard)
    points = points_frame(fitted.scorecard, rows)
    with engine.connect() as conn:
        for feature in fitted.scorecard.features:
            query = f"SELECT {expressions[feature.name]} FROM credit_rows ORDER BY row_id"
            sql_points = [float(p) for (p,) in conn.execute(sa.text(query))]
            assert sql_points == points[feature.name].to_list(), feature.name
