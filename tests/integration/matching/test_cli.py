"""`kejin match`: `--all` stores a run of the registry (and says why not before an assessment);
`kejin match FILE` writes each firm's map as JSON or CSV without a database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from kejin.assessment import service as assessment
from kejin.bootstrap import Platform
from kejin.cli import main
from kejin.matching.orm import MatchRunRow
from kejin.region import service as region
from tests.catalogue import seed_catalogue

ON = date(2026, 6, 30)


@pytest.fixture
def runner(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("KEJIN_DATABASE_URL", platform.engine.url.render_as_string(False))
    monkeypatch.setenv("KEJIN_DATA_DIR", str(platform.settings.data_dir))
    return CliRunner()


def test_match_all_stores_a_run_once_the_registry_is_assessed(
    runner: CliRunner, platform: Platform
) -> None:
    region.build_demo_region(platform, 80, 3)
    refused = runner.invoke(main, ["match", "--all"])
    assert refused.exit_code == 1
    assert "kejin assess --all" in refused.output
    assessment.run_registry(platform.uow, ON, started_by="test")
    seed_catalogue(platform)
    stored = runner.invoke(main, ["match", "--all"])
    assert stored.exit_code == 0, stored.output
    with platform.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(MatchRunRow)) == 1


def test_match_file_writes_each_firms_map_as_json_and_csv(
    runner: CliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "firms.jsonl"
    region.write_demo_region(source, 30, 3, ON)
    found = runner.invoke(main, ["match", str(source), "--on", ON.isoformat()])
    assert found.exit_code == 0, found.output
    document = json.loads(found.stdout)
    assert document["evaluated_on"] == ON.isoformat()
    assert len(document["enterprises"]) == 30
    assert all(len(firm["layers"]) == 5 for firm in document["enterprises"])
    out = tmp_path / "maps.csv"
    written = runner.invoke(main, ["match", str(source), "--format", "csv", "--out", str(out)])
    assert written.exit_code == 0, written.output
    assert out.read_text(encoding="utf-8").startswith("uscc,stage,layer,best,status")
    assert runner.invoke(main, ["match"]).exit_code == 2  # neither a file nor --all
