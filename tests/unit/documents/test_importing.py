"""Reading document files: encodings, empty files, JSON Lines problems and front-matter."""

import json
from pathlib import Path

import pytest

from kejin.documents.errors import InvalidDocument
from kejin.documents.importing import (
    read_jsonl,
    read_search_page,
    read_text,
    read_text_document,
    split_front_matter,
)
from kejin.documents.model import DocumentKind
from kejin.documents.repository import field_limits

RECORD = {
    "id": "x-1",
    "title": "关于支持科技型中小企业的若干措施",
    "issuer": None,
    "doc_no": None,
    "date": "2024",
    "region": "广东省深圳市",
    "language": "zh",
    "source": "test:x",
    "text": "第一条\n第二条",
}


def test_front_matter_fields_and_tags_are_read() -> None:
    header, body = split_front_matter("---\ntitle: 指南\ntags: 甲, 乙,\n---\n# 标题\n正文")
    assert header == {"title": "指南", "tags": ["甲", "乙"]}
    assert body == "# 标题\n正文"


def test_text_without_front_matter_is_all_body() -> None:
    assert split_front_matter("---\n正文") == ({}, "---\n正文")


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text(" \n\n", encoding="utf-8")
    with pytest.raises(InvalidDocument, match=r"empty\.txt is empty"):
        read_text(path)


def test_a_file_in_another_encoding_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("标题\n正文".encode()[:7] + "第二行".encode("gbk"))
    with pytest.raises(InvalidDocument, match="not UTF-8") as caught:
        read_text(path)
    assert [(p.field, p.row) for p in caught.value.problems] == [("file", 2)]


def test_a_text_file_without_a_title_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# 标题\n正文", encoding="utf-8")
    with pytest.raises(InvalidDocument) as caught:
        read_text_document(path, field_limits())
    assert [(p.field, p.reason) for p in caught.value.problems] == [
        ("title", "is missing or empty")
    ]


def test_options_override_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("---\ntitle: 旧标题\nkind: policy\n---\n# 标题\n正文", encoding="utf-8")
    document = read_text_document(path, field_limits(), {"title": "新标题", "issuer": None})
    assert (document.title, document.kind, document.text) == (
        "新标题",
        DocumentKind.POLICY,
        "标题\n正文",
    )
    assert (document.external_id, document.language) == ("note", "zh")


def test_every_bad_line_of_a_jsonl_file_is_reported(tmp_path: Path) -> None:
    lines = [json.dumps(RECORD), "{not json", "", json.dumps(RECORD | {"title": ""}), "[1]"]
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InvalidDocument, match="3 problems") as caught:
        read_jsonl(path, field_limits())
    assert [(p.row, p.field) for p in caught.value.problems] == [
        (2, "line"),
        (4, "title"),
        (5, "line"),
    ]


def test_a_good_jsonl_file_gives_its_documents(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps(RECORD, ensure_ascii=False) + "\n", encoding="utf-8")
    [document] = read_jsonl(path, field_limits())
    assert (document.external_id, document.kind, document.date_text) == (
        "x-1",
        DocumentKind.POLICY,
        "2024",
    )


def test_an_empty_jsonl_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InvalidDocument, match=r"empty\.jsonl is empty"):
        read_jsonl(path, field_limits())


def test_a_jsonl_line_in_another_encoding_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "gbk.jsonl"
    good = json.dumps(RECORD, ensure_ascii=False).encode()
    path.write_bytes(good + b"\n" + json.dumps(RECORD, ensure_ascii=False).encode("gbk"))
    with pytest.raises(InvalidDocument, match="line 2"):
        read_jsonl(path, field_limits())


PAGE = """Workflow
科技金融支持体系
icon
Search documents
2025深圳脑博会举行
Ke Ji Ri Bao· 2025-12-29 05:01
12月28日,大会举行。 基金现场签约。 "双双落地"。 ...
以协同金融新策 护航核心技术攻坚
Core Insights - Goal one [1][2] - Goal two [1] Challenges in Financing - High risk [3]
"""


def test_a_search_page_gives_one_news_document_per_result(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    news, summary = read_search_page(path, field_limits())
    assert (news.title, news.issuer, news.date_text, news.language, news.tags) == (
        "2025深圳脑博会举行",
        "Ke Ji Ri Bao",
        "2025-12-29",
        "zh",
        ("科技金融支持体系",),
    )
    assert news.text.split("\n") == [
        "2025深圳脑博会举行",
        "12月28日,大会举行。",
        "基金现场签约。",
        '"双双落地"。',
        "...",
    ]
    assert (summary.kind, summary.language, summary.issuer) == (DocumentKind.NEWS, "en", None)
    assert summary.text.split("\n") == [
        "以协同金融新策 护航核心技术攻坚",
        "Core Insights",
        "- Goal one [1][2]",
        "- Goal two [1]",
        "Challenges in Financing",
        "- High risk [3]",
    ]


def test_a_page_without_search_results_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text("Workflow\n科技金融支持体系\n", encoding="utf-8")
    with pytest.raises(InvalidDocument, match="no search results"):
        read_search_page(path, field_limits())
