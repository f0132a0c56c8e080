"""`kejin docs reindex` and `kejin docs search` against the test database."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kejin.bootstrap import Platform
from kejin.cli import main
from kejin.documents import service as documents
from kejin.documents.model import DocumentInput, DocumentKind


@pytest.fixture
def runner(platform: Platform, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    url = platform.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("KEJIN_DATABASE_URL", url)
    monkeypatch.setenv("KEJIN_DATA_DIR", str(tmp_path))
    note = DocumentInput(
        external_id="note",
        title="贴息备忘",
        text="首贷贴息\n深圳对科技金融首贷按利息的50%贴息。",
        language="zh",
        kind=DocumentKind.POLICY,
        source="test",
    )
    documents.add_document(platform.uow(), note)
    return CliRunner()


def test_reindex_then_search_prints_the_cited_paragraph(runner: CliRunner) -> None:
    rebuilt = runner.invoke(main, ["docs", "reindex"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "1 documents indexed (2 paragraphs)" in rebuilt.output
    found = runner.invoke(main, ["docs", "search", "科技金融", "--json"])
    assert found.exit_code == 0, found.output
    page = json.loads(found.output)
    assert page["total"] == 1
    assert (page["hits"][0]["external_id"], page["hits"][0]["position"]) == ("note", 2)
    printed = runner.invoke(main, ["docs", "search", "贴息"])
    assert "[note, 1]" in printed.output


def test_a_bad_query_is_refused_with_its_reason(runner: CliRunner) -> None:
    refused = runner.invoke(main, ["docs", "search", "、"])
    assert refused.exit_code == 1
    assert "Enter at least one word to search for" in refused.output
