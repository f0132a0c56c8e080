"""The demo region written as JSON Lines imports cleanly and equals the directly built region."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import text

from kejin.bootstrap import Platform
from kejin.region.cli import region
from kejin.region.service import build_demo_region
from kejin.registry.imports import import_enterprises

AS_OF = date(2025, 12, 31)


def test_the_generated_file_imports_with_nothing_rejected_and_matches_the_demo_build(
    platform: Platform, tmp_path: Path
) -> None:
    path = tmp_path / "region.jsonl"
    result = CliRunner().invoke(
        region, ["generate", "--enterprises", "500", "--seed", "8", "--out", str(path)]
    )
    assert result.exit_code == 0, result.output
    report = import_enterprises(platform.uow(), path)
    assert (report.inserted, report.rejected, report.problems) == (500, 0, [])
    built = build_demo_region(platform, 500, 8, AS_OF)
    assert (built.enterprises.unchanged, built.enterprises.updated) == (500, 0)
    with platform.engine.connect() as conn:
        versions = conn.execute(text("SELECT DISTINCT version FROM enterprises")).scalars()
        assert list(versions) == [1]
