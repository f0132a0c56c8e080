"""The figures table of a brief: amounts (normalised to yuan), percentages and percentage points,
dates, named documents (《…》), named programmes (…计划/工程/专项/基金) and document numbers
(〔2017〕115号), each with the paragraph it was found in. Pure; no framework imports.

Every figure's `text` is a verbatim piece of its paragraph; `value` is the normalised reading
(an amount as a Decimal yuan string, a percentage as its number, a date as ISO `yyyy-mm-dd` or
`yyyy-mm`, a name as written). A figure found again later is counted, not repeated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from kejin.briefs.sentences import Citation
from kejin.core.money import money


class FigureKind(StrEnum):
    """What a figure is (要素类型)."""

    AMOUNT = "amount"  # 金额
    PERCENTAGE = "percentage"  # 百分比
    PERCENTAGE_POINTS = "percentage_points"  # 百分点
    DATE = "date"  # 日期
    DOCUMENT = "document"  # 《文件名》
    PROGRAMME = "programme"  # 计划、工程、专项、基金
    DOCUMENT_NUMBER = "document_number"  # 文号


@dataclass(frozen=True, slots=True)
class Figure:
    """One extracted figure: its kind, the text as found, its normalised value, where it was
    first found and how often it occurs."""

    kind: FigureKind
    text: str
    value: str
    citation: Citation
    mentions: int = 1


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
_BIG_UNITS = {"万亿": Decimal(10**12), "亿": Decimal(10**8), "万": Decimal(10**4)}
_EN_UNITS = {
    "trillion": Decimal(10**12),
    "billion": Decimal(10**9),
    "million": Decimal(10**6),
    "thousand": Decimal(10**3),
}
_NUMBER = r"\d+(?:[,，]\d{3})*(?:\.\d+)?"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
_BOUNDARY_WORDS = (
    "根据", "依据", "按照", "实施", "设立", "推进", "开展", "支持", "组织", "建立", "加快",
    "启动", "推动", "安排", "通过", "利用", "依托", "参与", "落实", "印发", "发布", "完善", "加强",
    "纳入", "列入", "承担", "申报", "争取", "设置", "打造", "编制", "制定", "执行", "和",
    "与", "及", "的", "在", "对", "由", "将", "把", "为", "是", "等", "各", "了", "用于",
    "共和国", "应当", "依法", "或者", "报送", "发现", "擅自", "更改", "从",
)  # fmt: skip
_BOUNDARY = re.compile("|".join(word if word != "和" else "(?<!共)和" for word in _BOUNDARY_WORDS))
_GENERIC_PROGRAMMES = frozenset(
    {"工作计划", "发展计划", "年度计划", "实施计划", "行动计划", "建设工程", "专项", "基金"}
)

_AMOUNT_ZH = re.compile(rf"(?P<num>{_NUMBER}|[{_CN_NUMERAL}]+)\s*(?P<unit>万亿|亿|万|千)?元")
_AMOUNT_EN = re.compile(
    rf"(?:(?:RMB|CNY|¥|￥)\s?(?P<num>{_NUMBER})\s*(?P<unit>trillion|billion|million|thousand)?"
    rf"|(?P<num2>{_NUMBER})\s*(?P<unit2>trillion|billion|million|thousand)?\s+yuan)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(rf"(?P<num>{_NUMBER})\s*(?:[%％]|percent\b|per cent\b)")
_PERCENT_CN = re.compile(
    r"百分之(?P<num>[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?)"
)
_POINTS = re.compile(rf"(?P<num>{_NUMBER})\s*(?:个百分点|percentage points?\b)")
_DATE_ZH = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?")
_DATE_CN = re.compile(
    r"(?P<y>[〇零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月"
    r"(?:(?P<d>[一二三四五六七八九十]{1,3})日)?"
)
_DATE_ISO = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")
_DATE_EN = re.compile(rf"(?P<m>{'|'.join(_MONTHS)})\s+(?P<d>\d{{1,2}}),\s*(?P<y>\d{{4}})")
_TITLE = re.compile(r"《(?P<name>[^《》\n]{2,80})》")
_QUOTED_PROGRAMME = re.compile(
    r"[“\"「](?P<name>[^”\"」]{2,30}?(?:计划|工程|专项|基金|行动))[”\"」]"
)
_PROGRAMME = re.compile(r"(?P<name>[\u4e00-\u9fffA-Za-z0-9]{2,16}?(?:专项资金|计划|专项|基金))")
_DOC_NUMBER = re.compile(
    r"(?P<name>[\u4e00-\u9fff]{1,10}[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*第?\s*\d+\s*号"
    r"|(?:[\u4e00-\u9fff]{0,8}令)第\s*\d+\s*号)"
)


def chinese_number(numeral: str) -> Decimal:
    """A Chinese numeral (五千, 一亿二千万, 三十五点五, 二〇二五 digit by digit) as a Decimal."""
    whole, _, fraction = numeral.partition("点")
    if whole and all(c in _CN_DIGITS for c in whole) and len(whole) > 1:
        value = Decimal("".join(str(_CN_DIGITS[c]) for c in whole))
    else:
        value = Decimal(_chinese_integer(whole))
    if fraction:
        value += Decimal("0." + "".join(str(_CN_DIGITS[c]) for c in fraction))
    return value


def extract_figures(external_id: str, paragraphs: tuple[str, ...]) -> tuple[Figure, ...]:
    """Every figure of the document in reading order, each (kind, value) once with its count."""
    first: dict[tuple[FigureKind, str], Figure] = {}
    counts: dict[tuple[FigureKind, str], int] = {}
    for number, paragraph in enumerate(paragraphs, start=1):
        for kind, text, value in paragraph_figures(paragraph):
            key = (kind, value)
            counts[key] = counts.get(key, 0) + 1
            first.setdefault(key, Figure(kind, text, value, Citation(external_id, number)))
    return tuple(
        Figure(f.kind, f.text, f.value, f.citation, counts[key]) for key, f in first.items()
    )


Found = tuple[FigureKind, str, str]
_Reader = Callable[[re.Match[str]], str | None]


def paragraph_figures(paragraph: str) -> list[Found]:
    """(kind, text, value) of one paragraph, in order of appearance; a span claimed by one
    rule (a document number, a title) is not read again by a later one."""
    claimed: list[tuple[int, int]] = []
    found: list[tuple[int, Found]] = []
    for kind, pattern, read, guard in _RULES:
        if not any(word in paragraph for word in guard):
            continue
        for match in pattern.finditer(paragraph):
            start, end = _span(match)
            if any(s < end and start < e for s, e in claimed):
                continue
            value = read(match)
            if value is None:
                continue
            claimed.append((start, end))
            found.append((start, (kind, paragraph[start:end], value)))
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


def _span(match: re.Match[str]) -> tuple[int, int]:
    """The match, or for names cut at a boundary word, the name's own span."""
    if match.re in (_PROGRAMME, _DOC_NUMBER):
        return match.start("name") + _boundary_cut(match.group("name")), match.end()
    return match.span()


def _boundary_cut(name: str) -> int:
    """Offset just after the last boundary word (a verb or particle) inside a name, so that
    "实施科技成果转化专项" yields "科技成果转化专项" (the 和 of 共和国 is no boundary)."""
    ends = [m.end() for m in _BOUNDARY.finditer(name, 0, len(name) - 2)]
    return max(ends, default=0)


def _chinese_integer(numeral: str) -> int:
    total = section = digit = 0
    for char in numeral:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char in _CN_SMALL:
            section += (digit or 1) * _CN_SMALL[char]
            digit = 0
        elif char == "万":
            total += (section + digit or 1) * 10**4
            section = digit = 0
        elif char == "亿":
            total = (total + section + digit or 1) * 10**8
            section = digit = 0
    return total + section + digit


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("，", ""))


def _plain(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 2.50 → 2.5, 1E+1 → 10."""
    return format(value.normalize(), "f")


def _amount_zh(match: re.Match[str]) -> str | None:
    number = match.group("num")
    if not number[0].isdigit() and not any(c in _CN_DIGITS or c == "十" for c in number):
        return None  # 万元 alone is a unit (单位：万元), not an amount
    value = _decimal(number) if number[0].isdigit() else chinese_number(number)
    unit = match.group("unit")
    factor = Decimal(1000) if unit == "千" else _BIG_UNITS.get(unit or "", Decimal(1))
    return str(money(value * factor)) if value > 0 else None


def _amount_en(match: re.Match[str]) -> str | None:
    number = match.group("num") or match.group("num2")
    unit = (match.group("unit") or match.group("unit2") or "").lower()
    value = _decimal(number) * _EN_UNITS.get(unit, Decimal(1))
    return str(money(value)) if value > 0 else None


def _number(match: re.Match[str]) -> str:
    return _plain(_decimal(match.group("num")))


def _chinese_percent(match: re.Match[str]) -> str:
    return _plain(chinese_number(match.group("num")))


def _date_reader(numbers: Callable[[str], int]) -> _Reader:
    def read(match: re.Match[str]) -> str | None:
        day_text = match.group("d")
        month_text = match.group("m")
        month = _MONTHS.index(month_text) + 1 if month_text in _MONTHS else numbers(month_text)
        try:
            day = date(numbers(match.group("y")), month, numbers(day_text) if day_text else 1)
        except ValueError:
            return None
        return day.isoformat() if day_text else day.isoformat()[:7]

    return read


def _chinese_date_number(numeral: str) -> int:
    return int(chinese_number(numeral))


def _title(match: re.Match[str]) -> str:
    return match.group("name").strip()


def _programme(match: re.Match[str]) -> str | None:
    name = match.group("name")
    if match.re is _PROGRAMME:
        name = name[_boundary_cut(name) :]
    if len(name) < 5 or name in _GENERIC_PROGRAMMES:
        return None
    return name


def _document_number(match: re.Match[str]) -> str | None:
    name = match.group("name")
    name = name[_boundary_cut(name) :]
    text = re.sub(r"\s+", "", name)
    return text.translate(str.maketrans("[［【(（]］】)）", "〔〔〔〔〔〕〕〕〕〕"))


# (kind, pattern, reader, guard): a rule runs only on paragraphs holding one of its guard
# strings, which spares the regular expressions most paragraphs of a long law.
_RULES: tuple[tuple[FigureKind, re.Pattern[str], _Reader, tuple[str, ...]], ...] = (
    (FigureKind.DOCUMENT_NUMBER, _DOC_NUMBER, _document_number, ("号",)),
    (FigureKind.DOCUMENT, _TITLE, _title, ("《",)),
    (FigureKind.PROGRAMME, _QUOTED_PROGRAMME, _programme, ("“", '"', "「")),
    (FigureKind.DATE, _DATE_ZH, _date_reader(int), ("年",)),
    (FigureKind.DATE, _DATE_CN, _date_reader(_chinese_date_number), ("年",)),
    (FigureKind.DATE, _DATE_ISO, _date_reader(int), ("-",)),
    (FigureKind.DATE, _DATE_EN, _date_reader(int), (",",)),
    (FigureKind.PERCENTAGE_POINTS, _POINTS, _number, ("百分点", "percentage point")),
    (FigureKind.PERCENTAGE, _PERCENT, _number, ("%", "％", "percent", "per cent")),
    (FigureKind.PERCENTAGE, _PERCENT_CN, _chinese_percent, ("百分之",)),
    (FigureKind.AMOUNT, _AMOUNT_ZH, _amount_zh, ("元",)),
    (FigureKind.AMOUNT, _AMOUNT_EN, _amount_en, ("yuan", "Yuan", "RMB", "CNY", "¥", "￥")),
    (FigureKind.PROGRAMME, _PROGRAMME, _programme, ("计划", "专项", "基金")),
)
