"""What the search page and its export read: a page of hits with each document's number and
source, and the best hits up to a limit read over several engine pages, in the page's order."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kejin.bootstrap import Platform
from kejin.documents import service as documents
from kejin.documents.model import DocumentInput, DocumentKind
from kejin.search import service
from kejin.search.model import PageSpec, SearchFilters

ARTICLES = 150  # paragraphs that mention 科技金融: more than one engine page of 100
NONE = SearchFilters()


@pytest.fixture
def library(platform: Platform, tmp_path: Path) -> Platform:
    rules = "\n".join(f"第{n}条 科技金融支持第{n}类企业。" for n in range(1, ARTICLES + 1))
    for external_id, text, doc_no in (
        ("rules", f"办法\n{rules}", "深科技〔2024〕1号"),
        ("note", "说明\n科技金融的说明。", None),
    ):
        document = DocumentInput(
            external_id=external_id,
            title=f"{external_id} 标题",
            text=text,
            language="zh",
            kind=DocumentKind.POLICY,
            source=f"test:{external_id}",
            doc_no=doc_no,
        )
        documents.add_document(platform.uow(), document)
    return Platform(replace(platform.settings, data_dir=tmp_path), platform.engine)


def test_a_results_page_carries_each_documents_number_and_source(library: Platform) -> None:
    results = service.results_page(library, "科技金融", NONE, PageSpec(1, 10))
    assert len(results.found.hits) == 10
    assert results.found.total == ARTICLES + 1
    cited = {hit.external_id for hit in results.found.hits}
    assert set(results.references) == cited
    for external_id in cited:
        assert results.references[external_id].source == f"test:{external_id}"
    assert results.seconds > 0


def test_the_best_hits_are_read_over_several_pages_in_the_pages_order(library: Platform) -> None:
    limited = service.first_results(library, "科技金融", NONE, 120)
    citations = [(hit.external_id, hit.position) for hit in limited.found.hits]
    assert len(citations) == 120
    assert len(set(citations)) == 120
    assert limited.found.total == ARTICLES + 1
    first_page = service.results_page(library, "科技金融", NONE, PageSpec(1, 10))
    assert citations[:10] == [(h.external_id, h.position) for h in first_page.found.hits]
    assert limited.references["rules"] == documents.DocumentReference(
        "深科技〔2024〕1号", "test:rules"
    )
    everything = service.first_results(library, "科技金融", NONE, 1000)
    assert len(everything.found.hits) == ARTICLES + 1


def test_references_of_no_document_or_an_unknown_one_are_empty(library: Platform) -> None:
    assert documents.document_references(library, []) == {}
    assert documents.document_references(library, ["no-such-id"]) == {}
