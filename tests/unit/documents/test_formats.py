"""Reading each file format into one document, and refusing bad files with the file named and
the reason: wrong suffix or first bytes, damaged PDF and Word files, scans, wrong encodings,
NUL bytes, empty and oversized files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kejin.documents.errors import InvalidDocument
from kejin.documents.formats.pdf_file import page_paragraphs
from kejin.documents.importing import FileFormat, ReadOptions, file_format, read_bytes, read_file
from kejin.documents.model import DocumentKind, GovernmentLevel, prepare
from kejin.documents.repository import field_limits
from tests.document_files import text_pdf, word_file

OPTIONS = ReadOptions(field_limits(), max_bytes=100_000)
PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><title>关于支持科技金融的通知</title>
<meta name="PubDate" content="2024-05-06 10:00"><meta name="author" content="深圳市科技创新局">
<style>p { color: red }</style><script>var tracking = 1;</script></head>
<body><nav>首页 | 政策文件</nav><h1>通知正文</h1>
<p>第一条　支持首贷，
   贴息百分之五十。</p><!-- 注释 --><p>第二条　设立<b>风险补偿</b>资金池。<br>第三款另起一行。</p>
<ul><li>附件一</li><li>附件二</li></ul>
<table><tr><td>指标</td><td>数值</td></tr></table></body></html>"""


def _one(raw: bytes, name: str, options: ReadOptions = OPTIONS) -> tuple[str, ...]:
    [document] = read_bytes(raw, name, f"test:{name}", file_format(name), options)
    return prepare(document).paragraphs


def _refusal(raw: bytes, name: str, options: ReadOptions = OPTIONS) -> InvalidDocument:
    with pytest.raises(InvalidDocument) as caught:
        read_bytes(raw, name, f"test:{name}", file_format(name), options)
    return caught.value


def test_html_keeps_block_text_as_paragraphs_and_reads_title_date_and_issuer() -> None:
    [document] = read_bytes(PAGE.encode(), "notice.html", "test", FileFormat.HTML, OPTIONS)
    assert prepare(document).paragraphs == (
        "通知正文",
        "第一条　支持首贷， 贴息百分之五十。",
        "第二条　设立风险补偿资金池。",
        "第三款另起一行。",
        "附件一",
        "附件二",
        "指标",
        "数值",
    )
    assert (document.title, document.date_text, document.issuer, document.language) == (
        "关于支持科技金融的通知",
        "2024-05-06",
        "深圳市科技创新局",
        "zh",
    )
    assert (document.external_id, document.kind) == ("notice", DocumentKind.POLICY)


def test_html_without_a_title_element_takes_the_first_heading() -> None:
    [document] = read_bytes(
        b"<html><body><h1>Heading</h1><p>Body.</p></body></html>",
        "page.htm",
        "test",
        FileFormat.HTML,
        OPTIONS,
    )
    assert (document.title, document.language) == ("Heading", "zh")


def test_pdf_pages_become_paragraphs_without_page_numbers() -> None:
    pdf = text_pdf(
        [
            ["Article 1 Loans to technology firms are", "subsidised by the city.", "1"],
            ["- 2 -", "Article 2 This notice applies", "from 2025."],
        ],
        title="Loan subsidy notice",
    )
    [document] = read_bytes(pdf, "notice.pdf", "test", FileFormat.PDF, OPTIONS)
    assert prepare(document).paragraphs == (
        "Article 1 Loans to technology firms are subsidised by the city.",
        "Article 2 This notice applies from 2025.",
    )
    assert (document.title, document.issuer) == ("Loan subsidy notice", "Kejin Office")


def test_chinese_pdf_lines_join_until_a_sentence_or_an_article_ends() -> None:
    lines = [
        "第一条　为支持科技型中小企业融资，",
        "制定本办法。",
        "第二条　自发布之日起施行",
        "第 3 页",
    ]
    assert page_paragraphs(lines) == [
        "第一条　为支持科技型中小企业融资，制定本办法。",
        "第二条　自发布之日起施行",
    ]


def test_word_paragraphs_and_table_cells_are_read_with_the_core_properties() -> None:
    raw = word_file(
        ["第一条　首贷贴息。", "", "第二条　风险补偿。"],
        [["指标", "数值"], ["贴息比例", "50%"]],
        title="深圳市首贷贴息办法",
        author="深圳市地方金融管理局",
        created=datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
    )
    [document] = read_bytes(raw, "rules.docx", "test", FileFormat.DOCX, OPTIONS)
    assert prepare(document).paragraphs == (
        "第一条　首贷贴息。",
        "第二条　风险补偿。",
        "指标",
        "数值",
        "贴息比例",
        "50%",
    )
    assert (document.title, document.issuer, document.date_text) == (
        "深圳市首贷贴息办法",
        "深圳市地方金融管理局",
        "2025-03-01",
    )


def test_options_override_what_the_file_carries_and_the_level_can_be_given() -> None:
    options = ReadOptions(
        field_limits(),
        overrides={"title": "新标题", "region": "广东省深圳市", "level": "provincial", "id": "x"},
    )
    [document] = read_bytes(PAGE.encode(), "notice.html", "test", FileFormat.HTML, options)
    assert (document.title, document.external_id, document.level) == (
        "新标题",
        "x",
        GovernmentLevel.PROVINCIAL,
    )


def test_a_bad_override_is_refused_naming_the_field() -> None:
    options = ReadOptions(field_limits(), overrides={"date": "2025-13-01", "level": "county"})
    refused = _refusal(PAGE.encode(), "notice.html", options)
    assert sorted(p.field for p in refused.problems) == ["date", "level"]


def test_a_pdf_that_does_not_start_as_a_pdf_is_refused_naming_the_file() -> None:
    refused = _refusal(b"<html>not a pdf</html>", "fake.pdf")
    assert str(refused) == "fake.pdf is not a PDF file (its first bytes do not match)"
    assert [p.field for p in refused.problems] == ["file"]


def test_a_truncated_pdf_is_refused_as_damaged() -> None:
    refused = _refusal(text_pdf([["Article 1 text."]])[:180], "cut.pdf")
    assert str(refused) == "cut.pdf is not a readable PDF (damaged or truncated)"


def test_a_pdf_without_a_text_layer_is_refused_as_a_scan() -> None:
    refused = _refusal(text_pdf([[], []]), "scan.pdf")
    assert str(refused) == "scan.pdf has no text layer (scanned?)"


def test_a_damaged_word_file_is_refused() -> None:
    raw = word_file(["第一条"], title="t")
    assert "damaged" in str(_refusal(raw[: len(raw) // 2], "cut.docx"))
    assert "is not a DOCX file" in str(_refusal(b"plain text", "fake.docx"))


def test_text_in_another_encoding_is_refused_with_the_byte_offset_unless_named() -> None:
    header = b"---\ntitle: notice\n---\n"
    raw = header + "贴息百分之五十。".encode("gbk")  # 贴 is CC F9: no UTF-8 sequence
    refused = _refusal(raw, "gbk.txt")
    assert str(refused) == (
        f"gbk.txt is not UTF-8 text: invalid bytes at offset {len(header)} (line 4)"
    )
    assert [(p.field, p.row) for p in refused.problems] == [("file", 4)]
    named = ReadOptions(field_limits(), encoding="GB18030")
    assert _one(raw, "gbk.txt", named) == ("贴息百分之五十。",)


def test_an_unknown_encoding_name_is_refused_naming_the_field() -> None:
    refused = _refusal(b"text", "a.txt", ReadOptions(field_limits(), encoding="klingon"))
    assert [p.field for p in refused.problems] == ["encoding"]


def test_a_utf8_bom_is_allowed_and_nul_bytes_are_refused() -> None:
    with_bom = "\ufeff---\ntitle: 通知\n---\n正文".encode()
    assert _one(with_bom, "bom.md") == ("正文",)
    assert "not a text file" in str(_refusal(b"title\x00\x01binary", "blob.txt"))


@pytest.mark.parametrize(
    ("raw", "name", "message"),
    [
        (b"  \n\n", "blank.txt", "blank.txt is empty"),
        (b"<html><body><script>x()</script></body></html>", "empty.html", "has no paragraphs"),
        ("---\ntitle: t\n---\n\u200b\n".encode(), "zero-width.md", "has no paragraphs"),
    ],
)
def test_a_file_without_paragraphs_is_refused(raw: bytes, name: str, message: str) -> None:
    assert message in str(_refusal(raw, name))


def test_an_oversized_file_is_refused_naming_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("---\ntitle: t\n---\n" + "正文\n" * 100, encoding="utf-8")
    with pytest.raises(InvalidDocument) as caught:
        read_file(path, ReadOptions(field_limits(), max_bytes=64))
    assert str(caught.value) == "big.txt is larger than the limit of 64 bytes"


def test_an_unknown_suffix_is_refused() -> None:
    with pytest.raises(InvalidDocument, match=r"notes\.rtf: only \.txt"):
        file_format("notes.rtf")
