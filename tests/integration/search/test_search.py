"""Search over documents stored through the document library: the index follows the database
(added documents are found, deleted ones are gone after a sync, a rebuild answers alike),
phrases, mixed Chinese and English, filters, pages and highlight offsets."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete

from kejin.bootstrap import Platform
from kejin.documents import service as documents
from kejin.documents.model import DocumentInput, DocumentKind
from kejin.documents.orm import DocumentRow
from kejin.search import service
from kejin.search.errors import InvalidSearch
from kejin.search.index import SearchIndex
from kejin.search.model import PageSpec, SearchFilters, SearchPage
from kejin.search.segment import normalise

FIRST = PageSpec(1, 10)
NONE = SearchFilters()


def _document(external_id: str, text: str, **fields: object) -> DocumentInput:
    values: dict[str, object] = {
        "title": f"文件{external_id}",
        "language": "zh",
        "kind": DocumentKind.POLICY,
        "source": "test",
        "region": "广东省深圳市",
        "issuer": "深圳市人民政府",
        "date_text": "2023-05-01",
    }
    return DocumentInput(external_id=external_id, text=text, **{**values, **fields})  # type: ignore[arg-type]


LIBRARY = [
    _document("tf", "总则\n大力发展科技金融，支持科技型中小企业开展投贷联动。\n附则"),
    _document(
        "split", "支持科技、金融、文化产业发展。", region="浙江省杭州市", issuer="杭州市人民政府"
    ),
    _document("ip", "开展知识产权质押融资等金融服务，设立风险补偿资金池。", date_text="2019-03-01"),
    _document(
        "en",
        "Technology finance supports AI start-ups.",
        language="en",
        kind=DocumentKind.GUIDE,
        region="全国",
        issuer=None,
    ),
    _document("ai", "推动AI技术与科技金融深度融合。", kind=DocumentKind.REGULATION),
]


@pytest.fixture
def library(platform: Platform, tmp_path: Path) -> Platform:
    """The test database with the library stored, and an index folder of this test's own."""
    for document in LIBRARY:
        documents.add_document(platform.uow(), document)
    return Platform(replace(platform.settings, data_dir=tmp_path), platform.engine)


def _cited(page: SearchPage) -> list[tuple[str, int]]:
    return sorted((hit.external_id, hit.position) for hit in page.hits)


def test_a_stored_document_is_found_and_cited_by_paragraph(library: Platform) -> None:
    page = service.search(library, "投贷联动", NONE, FIRST)
    assert _cited(page) == [("tf", 2)]
    hit = page.hits[0]
    assert (hit.title, hit.issuer, hit.date_text, hit.kind, hit.region, hit.language) == (
        "文件tf",
        "深圳市人民政府",
        "2023-05-01",
        "policy",
        "广东省深圳市",
        "zh",
    )


def test_a_compound_is_a_phrase_never_its_words_apart(library: Platform) -> None:
    assert _cited(service.search(library, "科技金融", NONE, FIRST)) == [("ai", 1), ("tf", 2)]
    assert ("split", 1) in _cited(service.search(library, "科技 金融", NONE, FIRST))


def test_a_part_of_a_compound_finds_the_compound(library: Platform) -> None:
    assert _cited(service.search(library, "中小企业", NONE, FIRST)) == [("tf", 2)]


def test_mixed_chinese_and_english_quoted_phrases_or_and_exclusion(library: Platform) -> None:
    assert _cited(service.search(library, "AI 科技金融", NONE, FIRST)) == [("ai", 1)]
    assert _cited(service.search(library, '"technology finance"', NONE, FIRST)) == [("en", 1)]
    assert _cited(service.search(library, '"finance technology"', NONE, FIRST)) == []
    either = service.search(library, "投贷联动 OR 风险补偿资金池", NONE, FIRST)
    assert _cited(either) == [("ip", 1), ("tf", 2)]
    assert _cited(service.search(library, "科技金融 -ai", NONE, FIRST)) == [("tf", 2)]


def test_filters_select_by_date_issuer_region_kind_and_language(library: Platform) -> None:
    def cited(**filters: object) -> list[str]:
        found = service.search(library, "金融", SearchFilters(**filters), FIRST)  # type: ignore[arg-type]
        return sorted(hit.external_id for hit in found.hits)

    assert cited() == ["ai", "ip", "split", "tf"]
    assert cited(region="广东") == ["ai", "ip", "tf"]
    assert cited(region="浙江省杭州市") == ["split"]
    assert cited(issuer="杭州市人民政府") == ["split"]
    assert cited(kind=DocumentKind.REGULATION) == ["ai"]
    assert cited(date_to=date(2020, 1, 1)) == ["ip"]
    assert cited(date_from=date(2020, 1, 1)) == ["ai", "split", "tf"]
    assert service.search(library, "finance", SearchFilters(language="en"), FIRST).total == 1


def test_pages_split_the_hits_without_overlap(library: Platform) -> None:
    first = service.search(library, "金融", NONE, PageSpec(1, 3))
    second = service.search(library, "金融", NONE, PageSpec(2, 3))
    assert (first.total, second.total, first.pages) == (4, 4, 2)
    assert len(first.hits) == 3
    assert len(second.hits) == 1
    assert not set(_cited(first)) & set(_cited(second))


def test_highlights_point_at_the_query_words_in_the_paragraph(library: Platform) -> None:
    hit = service.search(library, "科技金融 AI", NONE, FIRST).hits[0]
    paragraph = "推动AI技术与科技金融深度融合。"
    marked = [paragraph[h.start : h.end] for h in hit.snippet.highlights]
    assert marked == ["AI", "科技金融"]
    assert paragraph[hit.snippet.start : hit.snippet.end] == hit.snippet.text
    assert [text for text, on in hit.snippet.fragments() if on] == marked


def test_deleted_documents_are_gone_after_a_sync_and_new_ones_appear(
    library: Platform, platform: Platform
) -> None:
    assert service.search(library, "投贷联动", NONE, FIRST).total == 1
    with platform.engine.begin() as connection:
        connection.execute(delete(DocumentRow).where(DocumentRow.external_id == "tf"))
    documents.add_document(platform.uow(), _document("new", "新增的投贷联动试点。"))
    report = service.sync(library)
    assert (report.added, report.deleted, report.rebuilt) == (1, 1, False)
    assert _cited(service.search(library, "投贷联动", NONE, FIRST)) == [("new", 1)]


def test_search_syncs_by_itself_when_the_library_changed(library: Platform) -> None:
    service.sync(library)
    documents.add_document(library.uow(), _document("late", "后来加入的免申即享政策。"))
    assert _cited(service.search(library, "免申即享", NONE, FIRST)) == [("late", 1)]


def test_a_rebuild_answers_as_the_synced_index_did(library: Platform) -> None:
    queries = ["科技金融", "金融", "AI 科技金融", "投贷联动 OR 知识产权"]
    before = [_cited(service.search(library, q, NONE, FIRST)) for q in queries]
    report = service.rebuild(library)
    assert (report.added, report.rebuilt) == (len(LIBRARY), True)
    assert [_cited(service.search(library, q, NONE, FIRST)) for q in queries] == before


def test_bad_queries_name_the_parameter(library: Platform) -> None:
    with pytest.raises(InvalidSearch) as empty:
        service.search(library, " -金融 、", NONE, FIRST)
    assert empty.value.field == "q"
    with pytest.raises(InvalidSearch) as dates:
        SearchFilters(date_from=date(2024, 1, 1), date_to=date(2023, 1, 1))
    assert dates.value.field == "to"
    assert normalise("Ａ") == "a"


def test_an_emptied_and_refilled_database_is_noticed(library: Platform, platform: Platform) -> None:
    assert service.search(library, "投贷联动", NONE, FIRST).total == 1
    with platform.engine.begin() as connection:
        connection.execute(delete(DocumentRow))
    for number in range(3):
        documents.add_document(
            platform.uow(), _document(f"other-{number}", f"第{number}条 绿色金融")
        )
    assert service.search(library, "投贷联动 OR 科技金融", NONE, FIRST).total == 0
    found = service.search(library, "绿色金融", NONE, FIRST)
    assert sorted(hit.external_id for hit in found.hits) == ["other-0", "other-1", "other-2"]


def test_an_index_written_by_another_process_is_taken_up(library: Platform) -> None:
    service.sync(library)
    documents.add_document(library.uow(), _document("cli", "另一进程写入的认股权贷款。"))
    other = SearchIndex(service.index_directory(library))
    fields, paragraphs = service._rows(library, 0)
    keys = {field.document_id: field.external_id for field in fields}
    other.write(fields, paragraphs, (), service._watermark(keys), replace_all=True)
    report = service.sync(library)
    assert (report.added, report.rebuilt) == (0, False)
    assert _cited(service.search(library, "认股权贷款", NONE, FIRST)) == [("cli", 1)]


def test_a_sync_with_deletions_only(library: Platform, platform: Platform) -> None:
    service.sync(library)
    with platform.engine.begin() as connection:
        connection.execute(delete(DocumentRow).where(DocumentRow.external_id == "ai"))
    report = service.sync(library)
    assert (report.added, report.deleted, report.rebuilt) == (0, 1, False)
    assert _cited(service.search(library, "科技金融", NONE, FIRST)) == [("tf", 2)]


def test_a_long_paragraph_is_highlighted_where_the_words_are(
    library: Platform, platform: Platform
) -> None:
    paragraph = (
        "各项工作稳步推进。" * 100 + "重点支持认股权贷款和科技金融。" + "其他事项另行通知。" * 50
    )
    documents.add_document(platform.uow(), _document("long", paragraph))
    hit = service.search(library, "认股权贷款 科技金融", NONE, FIRST).hits[0]
    marked = [paragraph[h.start : h.end] for h in hit.snippet.highlights]
    assert marked == ["认股权贷款", "科技金融"]
    assert paragraph[hit.snippet.start : hit.snippet.end] == hit.snippet.text
