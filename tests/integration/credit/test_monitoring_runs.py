"""Monitoring the model in service on the registry: the registry's population read in one
pass equals each firm's own signals, a model watching the population it was trained on sees
no shift while the same registry years earlier shifts significantly, and a stored run reads
back as it was written (SQLite, or PostgreSQL with KEJIN_TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from kejin.assessment import service as assessment
from kejin.bootstrap import Platform
from kejin.cli import main
from kejin.core.pagination import PageRequest
from kejin.credit import lending, service, stability
from kejin.credit.errors import EmptyPopulation
from kejin.credit.features import FEATURE_SETS
from kejin.credit.model import TrainingConfig
from kejin.credit.monitoring import Stability, quarter_ends
from kejin.credit.region import enterprise_signals, registry_signals
from kejin.region.service import build_demo_region
from tests.credit_data import put_model_in_service

AS_OF = date(2025, 12, 31)
ASSESSED_ON = date(2026, 6, 30)
FIRMS = 600


def _same(left: object, right: object) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return left == pytest.approx(right, nan_ok=True)
    return left == right


def test_the_registry_population_in_one_pass_equals_each_firms_own_signals(
    platform: Platform,
) -> None:
    build_demo_region(platform, FIRMS, 3, AS_OF)
    assessment.run_registry(platform.uow, ASSESSED_ON, started_by="test")
    with platform.engine.connect() as conn:
        population = registry_signals(conn, AS_OF)
        assert population.height == FIRMS
        assert population["enterprise_id"].is_unique().all()
        assert population["stage"].null_count() < FIRMS
        assert population["debt_ratio"].null_count() < FIRMS
        sample = population.sample(12, seed=4).to_dicts()
        for row in sample:
            own = enterprise_signals(conn, row["enterprise_id"], AS_OF)
            assert all(_same(own[n], row[n]) for n in FEATURE_SETS["tech"]), (own, row)
        earlier = registry_signals(conn, date(2012, 1, 1))
    assert earlier.height < FIRMS  # firms founded later are not in the earlier population


def _train_on_registry(platform: Platform, data_dir: Path) -> pl.DataFrame:
    """A model in service trained on the registry's own population on `AS_OF`, with an
    outcome that falls with age and rises with debt."""
    with platform.engine.connect() as conn:
        population = registry_signals(conn, AS_OF)
    rng = np.random.default_rng(11)
    age = population["log1p_age_years"].to_numpy()
    debt = population["debt_ratio"].fill_null(0.5).to_numpy()
    odds = -0.5 - 1.2 * (age - age.mean()) + 2.0 * (debt - 0.5)
    bad = rng.uniform(size=population.height) < 1 / (1 + np.exp(-odds))
    table = population.select(*FEATURE_SETS["financial"], bad=pl.Series(bad.astype(np.int8)))
    path = data_dir / "registry.parquet"
    table.write_parquet(path)
    service.train(path, TrainingConfig(target="bad"), service.models_folder(data_dir) / "reg")
    return population


def test_the_training_population_is_stable_and_the_registry_years_earlier_is_not(
    platform: Platform, tmp_path: Path
) -> None:
    build_demo_region(platform, FIRMS, 3, AS_OF)
    _train_on_registry(platform, tmp_path)
    scorecard = service.load_model(lending.current_model(tmp_path))
    assert "log1p_age_years" in scorecard.feature_names
    same, earlier = stability.monitor_registry(
        platform.uow, tmp_path, [AS_OF, date(2020, 12, 31)], "test"
    )
    assert same.result.rows == FIRMS
    assert same.result.score_psi == pytest.approx(0.0, abs=1e-9)
    # a feature's training shares are those of the 60% training split: a sample's noise only
    assert all(f.psi < 0.02 and f.band is Stability.STABLE for f in same.result.features)
    assert same.result.band is Stability.STABLE
    assert 0 < earlier.result.rows < FIRMS
    shifted = {f.name: f.band for f in earlier.result.features}
    # younger firms then, and no financial figures: the registry keeps the last three years
    assert shifted["log1p_age_years"] is Stability.SIGNIFICANT
    assert shifted["debt_ratio"] is Stability.SIGNIFICANT
    assert earlier.result.band is Stability.SIGNIFICANT


def test_a_stored_run_reads_back_as_written_and_runs_list_newest_first(
    platform: Platform, tmp_path: Path
) -> None:
    build_demo_region(platform, 200, 3, AS_OF)
    put_model_in_service(tmp_path)
    days = quarter_ends(AS_OF, 3)
    written = stability.monitor_registry(platform.uow, tmp_path, days, "test")
    assert [run.as_of for run in written] == [date(2025, 6, 30), date(2025, 9, 30), AS_OF]
    for run in written:
        assert stability.get_run(platform.uow, run.id) == run
    page = stability.list_runs(platform.uow, PageRequest(1, 2))
    assert page.total == 3
    assert [run.id for run in page.items] == [written[2].id, written[1].id]
    view = stability.overview(platform.uow, tmp_path)
    assert view.run == written[-1]
    assert view.series == tuple(written)
    assert view.model_version == written[0].model_version
    bands = written[-1].result.bands
    card = lending.current_card(tmp_path)
    assert [b.expected for b in bands] == [b["rows"] for b in card["score_distribution"]]
    assert sum(b.actual for b in bands) == written[-1].result.rows


def test_monitoring_a_day_before_any_firm_existed_stores_nothing(
    platform: Platform, tmp_path: Path
) -> None:
    build_demo_region(platform, 50, 3, AS_OF)
    put_model_in_service(tmp_path)
    with pytest.raises(EmptyPopulation):
        stability.monitor_registry(platform.uow, tmp_path, [AS_OF, date(1900, 1, 1)], "test")
    assert stability.list_runs(platform.uow, PageRequest()).total == 0


def test_kejin_credit_monitor_registry_stores_a_run_per_quarter_end(
    platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_demo_region(platform, 100, 3, AS_OF)
    put_model_in_service(tmp_path)
    monkeypatch.setenv("KEJIN_DATABASE_URL", platform.settings.database_url)
    monkeypatch.setenv("KEJIN_DATA_DIR", str(tmp_path))
    command = ["credit", "monitor", "--registry", "--on", "2026-01-15", "--quarters", "2"]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert "registry on 2025-09-30" in result.output
    assert "registry on 2025-12-31" in result.output
    assert "100 rows; score PSI" in result.output
    runs = stability.list_runs(platform.uow, PageRequest()).items
    assert [run.as_of for run in runs] == [AS_OF, date(2025, 9, 30)]
    assert {run.started_by for run in runs} == {"cli"}
    wrong = CliRunner().invoke(main, ["credit", "monitor", "--registry", str(tmp_path)])
    assert wrong.exit_code == 2
    assert "--registry takes no MODEL" in wrong.output
    assert CliRunner().invoke(main, ["credit", "monitor"]).exit_code == 2
