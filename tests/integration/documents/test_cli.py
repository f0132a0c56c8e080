"""The `kejin docs` commands against the test database: add, refuse with reasons, list."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from kejin.bootstrap import Platform
from kejin.cli import main


@pytest.fixture
def runner(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    url = platform.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("KEJIN_DATABASE_URL", url)
    monkeypatch.setenv("KEJIN_DATA_DIR", str(platform.settings.data_dir))
    return CliRunner()


def test_a_markdown_file_is_added_with_options_and_counted(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "note.md"
    path.write_text("# 首贷贴息\n深圳按利息的50%贴息。\n", encoding="utf-8")
    args = ["docs", "add", str(path), "--title", "贴息备忘", "--kind", "policy", "--tags", "贴息"]
    added = runner.invoke(main, args)
    assert added.exit_code == 0, added.output
    assert "1 documents added (2 paragraphs" in added.output
    again = runner.invoke(main, args)
    assert "0 documents added" in again.output
    assert "1 already present" in again.output
    listed = runner.invoke(main, ["docs", "list"])
    assert listed.exit_code == 0
    assert "policy" in listed.output


def test_a_bad_file_is_refused_with_the_field_and_reason(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "untitled.txt"
    path.write_text("正文\n", encoding="utf-8")
    result = runner.invoke(main, ["docs", "add", str(path)])
    assert result.exit_code == 1
    assert "untitled.txt was refused" in result.output
    assert "title is missing or empty" in result.output
