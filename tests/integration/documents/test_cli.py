"""The `kejin docs` commands against the test database: add, refuse with reasons, list."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from kejin.bootstrap import Platform
from kejin.cli import main
from tests.document_files import text_pdf


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


def test_a_batch_stores_the_good_files_and_names_the_refused_one(
    runner: CliRunner, tmp_path: Path
) -> None:
    good = tmp_path / "good.html"
    good.write_text("<title>贴息通知</title><p>第一条　贴息。</p>", encoding="utf-8")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(text_pdf([[]]))
    result = runner.invoke(main, ["docs", "add", str(scan), str(good), "--kind", "policy"])
    assert result.exit_code == 1
    assert "good.html: 1 documents added (1 paragraphs" in result.output
    assert "scan.pdf has no text layer (scanned?)" in result.output
    assert "1 of 2 files refused" in result.output


def test_a_gbk_file_is_added_when_its_encoding_is_named(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("---\ntitle: 贴息\n---\n第一条　贴息。".encode("gbk"))
    refused = runner.invoke(main, ["docs", "add", str(path)])
    assert refused.exit_code == 1
    assert "gbk.txt is not UTF-8 text: invalid bytes at offset" in refused.output
    added = runner.invoke(main, ["docs", "add", str(path), "--encoding", "gbk"])
    assert added.exit_code == 0, added.output
    assert "1 documents added (1 paragraphs" in added.output


def test_a_document_is_deleted_by_its_id(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("---\ntitle: 备忘\n---\n第一条\n第二条\n", encoding="utf-8")
    assert runner.invoke(main, ["docs", "add", str(path)]).exit_code == 0
    deleted = runner.invoke(main, ["docs", "delete", "note"])
    assert deleted.exit_code == 0, deleted.output
    assert "Deleted note (备忘, 2 paragraphs)" in deleted.output
    again = runner.invoke(main, ["docs", "delete", "note"])
    assert again.exit_code == 1
    assert "No document has the id note" in again.output
