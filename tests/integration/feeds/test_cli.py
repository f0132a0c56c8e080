"""`kejin feeds import` and `kejin feeds conflicts` over the example files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kejin.bootstrap import Platform
from kejin.cli import main
from kejin.registry.imports import import_enterprises

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
FEEDS = (
    ("tax_bureau", "tax_bureau.csv"),
    ("social_security", "social_security.csv"),
    ("ip_office", "ip_office.csv"),
    ("market_regulator", "market_regulator_registration.csv"),
    ("market_regulator", "market_regulator_compliance.csv"),
)


@pytest.fixture
def runner(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("KEJIN_DATABASE_URL", platform.engine.url.render_as_string(False))
    monkeypatch.setenv("KEJIN_DATA_DIR", str(platform.settings.data_dir))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    import_enterprises(platform.uow(), EXAMPLES / "enterprises.jsonl")
    return CliRunner()


def test_every_example_file_imports_and_the_conflicts_are_listed(runner: CliRunner) -> None:
    for department, name in FEEDS:
        result = runner.invoke(
            main, ["feeds", "import", department, str(EXAMPLES / "feeds" / name)]
        )
        assert result.exit_code == 0, result.output
        assert "rejected 0" in result.output

    listing = runner.invoke(main, ["feeds", "conflicts"]).output

    assert "financial_years.rd_expense 2024: enterprise_filing*=3120000.00" in listing
    assert "staff_years.total 2024" in listing
    assert "ip_assets.status ZL201810987654.3" in listing
    assert "温州新源储能科技股份有限公司" in listing


def test_a_second_import_of_a_file_says_nothing_changed(runner: CliRunner) -> None:
    path = str(EXAMPLES / "feeds" / "social_security.csv")
    runner.invoke(main, ["feeds", "import", "social_security", path])
    result = runner.invoke(main, ["feeds", "import", "social_security", path])
    assert result.exit_code == 0
    assert "imported before as batch 1; nothing changed" in result.output


def test_a_file_of_another_department_is_refused_with_exit_status_two(runner: CliRunner) -> None:
    path = str(EXAMPLES / "feeds" / "tax_bureau.csv")
    result = runner.invoke(main, ["feeds", "import", "social_security", path])
    assert result.exit_code == 2
    assert "does not match a social_security format" in result.output


def test_conflicts_of_one_enterprise(runner: CliRunner) -> None:
    runner.invoke(
        main,
        ["feeds", "import", "social_security", str(EXAMPLES / "feeds" / "social_security.csv")],
    )
    result = runner.invoke(main, ["feeds", "conflicts", "91330300MA2J5N3P6J"])
    assert result.exit_code == 0
    assert "social_security=448 (2025-01-15)" in result.output
