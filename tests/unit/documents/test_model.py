"""Normalisation, paragraphs, hashing, dates, levels, kinds and record validation, without a
database."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.documents.model import (
    DocumentKind,
    GovernmentLevel,
    content_hash,
    document_from_record,
    kind_of_source,
    level_of_region,
    markdown_to_plain,
    normalise_text,
    parse_date_text,
    split_paragraphs,
)

LIMITS = {
    "id": 64,
    "title": 20,
    "issuer": 200,
    "doc_no": 100,
    "date": 10,
    "region": 64,
    "language": 8,
    "kind": 32,
    "source": 500,
}
TEXT = "第一条　为了促进科技成果转化，制定本法。\r\n\r\n\r\n　　第二条\u200b　本法所称科技成果…  \n"


def _record(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": "lrb-000000000001",
        "title": "促进科技成果转化法",
        "issuer": None,
        "doc_no": None,
        "date": "2015-08-29",
        "region": "全国",
        "language": "zh",
        "source": "LawRefBook/Laws@2f4c5c2:经济法/促进科技成果转化法.md",
        "text": TEXT,
    }
    record.update(changes)
    return record


def test_normalising_unifies_line_ends_spaces_and_zero_width_characters() -> None:
    assert normalise_text(TEXT) == (
        "第一条　为了促进科技成果转化，制定本法。\n\n第二条　本法所称科技成果…"
    )


def test_paragraphs_are_the_non_empty_lines_in_order() -> None:
    paragraphs = split_paragraphs(normalise_text(TEXT))
    assert paragraphs == ("第一条　为了促进科技成果转化，制定本法。", "第二条　本法所称科技成果…")


@given(st.text(alphabet=st.sampled_from("科技a b\n\r\t\u3000\u200b。")))
def test_the_same_text_always_gives_the_same_paragraphs_and_hash(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert split_paragraphs(once) == split_paragraphs(normalise_text(text))
    assert content_hash(split_paragraphs(once)) == content_hash(
        split_paragraphs(normalise_text(once))
    )
    assert all(p and "\n" not in p and p == p.strip() for p in split_paragraphs(once))


def test_editing_a_paragraph_keeps_the_positions_of_the_others() -> None:
    before = split_paragraphs(normalise_text("甲\n乙\n丙"))
    after = split_paragraphs(normalise_text("甲\n乙（修改）\n丙"))
    assert (before[0], before[2]) == (after[0], after[2])


def _hash(text: str) -> str:
    return content_hash(split_paragraphs(normalise_text(text)))


def test_hash_ignores_layout_but_not_content() -> None:
    assert _hash("甲\r\n\n\u3000\u3000乙  ") == _hash("甲\n乙")
    assert _hash("甲\n乙") != _hash("甲\n丙")
    assert _hash("甲乙") != _hash("甲\n乙")


def test_markdown_headings_become_plain_lines() -> None:
    assert markdown_to_plain("# 标题\n## 小节\n- 要点 #1") == "标题\n小节\n- 要点 #1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, None), ("2024", date(2024, 1, 1)), ("2024-04-30", date(2024, 4, 30))],
)
def test_dates_are_a_year_or_a_day(text: str | None, expected: date | None) -> None:
    assert parse_date_text(text) == expected


@pytest.mark.parametrize("text", ["24", "2024-4-30", "2024-02-30", "2024/04/30", "二〇二四"])
def test_other_date_forms_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=text):
        parse_date_text(text)


@pytest.mark.parametrize(
    ("region", "level"),
    [
        ("全国", GovernmentLevel.NATIONAL),
        ("山东省", GovernmentLevel.PROVINCIAL),
        ("上海市", GovernmentLevel.PROVINCIAL),
        ("广西壮族自治区", GovernmentLevel.PROVINCIAL),
        ("山东省青岛市", GovernmentLevel.MUNICIPAL),
        ("浙江省景宁畲族自治县", GovernmentLevel.MUNICIPAL),
        ("重庆市彭水苗族土家族自治县", GovernmentLevel.MUNICIPAL),
        (None, None),
    ],
)
def test_level_follows_the_region(region: str | None, level: GovernmentLevel | None) -> None:
    assert level_of_region(region) == level


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("LawRefBook/Laws@2f4c5c2:经济法/中小企业促进法.md", DocumentKind.LAW),
        ("LawRefBook/Laws@2f4c5c2:宪法/宪法.md", DocumentKind.LAW),
        ("LawRefBook/Laws@2f4c5c2:行政法规/专利法实施细则.md", DocumentKind.REGULATION),
        ("LawRefBook/Laws@2f4c5c2:司法解释/x.md", DocumentKind.JUDICIAL_INTERPRETATION),
        ("LawRefBook/Laws@2f4c5c2:部门规章/x.md", DocumentKind.DEPARTMENTAL_RULE),
        ("LawRefBook/Laws@2f4c5c2:DLC/山东地方法规/地方性法规/x.md", DocumentKind.LOCAL_REGULATION),
        (
            "aldohemsn/chinese-political-corpora@99bc4b0:cpc_congress_reports.jsonl",
            DocumentKind.PARTY_DOCUMENT,
        ),
        (
            "aldohemsn/chinese-political-corpora@99bc4b0:government_work_reports.jsonl",
            DocumentKind.GOVERNMENT_REPORT,
        ),
        ("BU-Spark/ds-ciss-policy-docs@ff40ab4:origin/规范性文件2/x.txt", DocumentKind.POLICY),
    ],
)
def test_kind_follows_the_upstream_folder(source: str, kind: DocumentKind) -> None:
    assert kind_of_source(source) == kind


def test_a_valid_record_becomes_a_document_with_derived_kind_level_and_date() -> None:
    document, problems = document_from_record(_record(), LIMITS)
    assert problems == []
    assert document is not None
    assert (document.kind, document.level, document.published_on) == (
        DocumentKind.LAW,
        GovernmentLevel.NATIONAL,
        date(2015, 8, 29),
    )


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"title": None}, "title", "is missing or empty"),
        ({"title": "  "}, "title", "is missing or empty"),
        ({"text": "\u200b\n "}, "text", "is missing or empty"),
        ({"title": "很长" * 11}, "title", "is longer than {limit} characters"),
        ({"date": "2015-8-29"}, "date", "is not a date of the form yyyy or yyyy-mm-dd: {value}"),
        ({"issuer": 7}, "issuer", "is not text"),
        ({"kind": "novel"}, "kind", "is not a known document kind: {value}"),
        ({"tags": "科技"}, "tags", "is not a list of text"),
    ],
)
def test_a_bad_record_names_the_field_and_the_reason(
    changes: dict[str, object], field: str, reason: str
) -> None:
    document, problems = document_from_record(_record(**changes), LIMITS, row=3)
    assert document is None
    assert [(p.field, p.reason, p.row) for p in problems] == [(field, reason, 3)]
