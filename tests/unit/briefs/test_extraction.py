"""The figures table: amounts normalised to yuan, percentages, dates, named documents and
programmes, document numbers — each cited to its paragraph."""

from decimal import Decimal

from kejin.briefs.extraction import FigureKind, chinese_number, extract_figures, paragraph_figures
from kejin.briefs.sentences import Citation


def found(paragraph: str, kind: FigureKind) -> list[tuple[str, str]]:
    return [(text, value) for k, text, value in paragraph_figures(paragraph) if k is kind]


def test_amounts_are_normalised_to_decimal_yuan() -> None:
    amounts = found("安排116亿元，另有11.6亿元和3,500万元，奖励5千元", FigureKind.AMOUNT)
    assert [(text, Decimal(value)) for text, value in amounts] == [
        ("116亿元", Decimal(11_600_000_000)),
        ("11.6亿元", Decimal(1_160_000_000)),
        ("3,500万元", Decimal(35_000_000)),
        ("5千元", Decimal(5_000)),
    ]


def test_chinese_numeral_amounts_and_english_amounts() -> None:
    zh = found("处五千元以上五万元以下罚款，总额一万亿元", FigureKind.AMOUNT)
    assert [Decimal(value) for _, value in zh] == [Decimal(5000), Decimal(50000), Decimal(10**12)]
    en = found("a fund of RMB 5 billion and 300 million yuan", FigureKind.AMOUNT)
    assert [(t, Decimal(v)) for t, v in en] == [
        ("RMB 5 billion", Decimal(5 * 10**9)),
        ("300 million yuan", Decimal(3 * 10**8)),
    ]


def test_units_alone_and_foreign_currencies_are_not_amounts() -> None:
    assert found("单位：万元", FigureKind.AMOUNT) == []
    assert found("出口100亿美元", FigureKind.AMOUNT) == []


def test_chinese_numerals() -> None:
    assert chinese_number("一亿二千万") == Decimal(120_000_000)
    assert chinese_number("三十五点五") == Decimal("35.5")
    assert chinese_number("二〇二五") == Decimal(2025)
    assert chinese_number("十二") == Decimal(12)


def test_percentages_and_percentage_points() -> None:
    paragraph = "强度达2.68%，提高0.45个百分点，占百分之三十，rose 12 percent"
    assert found(paragraph, FigureKind.PERCENTAGE) == [
        ("2.68%", "2.68"),
        ("百分之三十", "30"),
        ("12 percent", "12"),
    ]
    assert found(paragraph, FigureKind.PERCENTAGE_POINTS) == [("0.45个百分点", "0.45")]


def test_dates_in_every_written_form_become_iso() -> None:
    paragraph = (
        "2025年12月29日发布，自二〇二三年一月一日起施行，2024年3月公布，"
        "2025-12-29 and December 29, 2025，2025年2月30日不是日期"
    )
    assert [value for _, value in found(paragraph, FigureKind.DATE)] == [
        "2025-12-29",
        "2023-01-01",
        "2024-03",
        "2025-12-29",
        "2025-12-29",
    ]


def test_named_documents_and_programmes() -> None:
    paragraph = (
        "根据《科技型中小企业评价办法》，实施国家重点研发计划和“揭榜挂帅”专项行动，设立天使投资基金"
    )
    assert found(paragraph, FigureKind.DOCUMENT) == [
        ("《科技型中小企业评价办法》", "科技型中小企业评价办法")
    ]
    assert [value for _, value in found(paragraph, FigureKind.PROGRAMME)] == [
        "国家重点研发计划",
        "天使投资基金",
    ]


def test_document_numbers_are_found_and_their_brackets_unified() -> None:
    paragraph = "依据国科发政〔2017〕115号和国科火字[2022]67号"
    assert found(paragraph, FigureKind.DOCUMENT_NUMBER) == [
        ("国科发政〔2017〕115号", "国科发政〔2017〕115号"),
        ("国科火字[2022]67号", "国科火字〔2022〕67号"),
    ]


def test_order_numbers_drop_the_state_name_before_the_issuer() -> None:
    paragraph = "中华人民共和国国务院令第728号公布"
    assert found(paragraph, FigureKind.DOCUMENT_NUMBER) == [("国务院令第728号", "国务院令第728号")]


def test_a_figure_found_again_is_counted_and_cited_where_first_found() -> None:
    figures = extract_figures("doc-1", ("标题", "投入5亿元。", "再投入5亿元，占10%。"))
    assert [(f.kind, f.value, f.citation, f.mentions) for f in figures] == [
        (FigureKind.AMOUNT, "500000000.00", Citation("doc-1", 2), 2),
        (FigureKind.PERCENTAGE, "10", Citation("doc-1", 3), 1),
    ]
