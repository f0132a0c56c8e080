"""Pure feed vocabulary: departments, file formats as data, cell parsing and canonical text,
and the rules that compare a reported value with the registry's (no framework imports).

A feed file is CSV (UTF-8, header row). Each department has one or more formats
(`FORMATS`); a format lists its columns, their kinds and the reported field each one fills.
A reported field is named `table.column` after the registry column it maps to
(`financial_years.revenue`); fields without a registry column keep their own prefix
(`tax_returns.tax_paid`). A row's *period* is the text of its key column: a year, an IP number,
an event date, or "" for timeless enterprise fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cached_property

from kejin.core.errors import FieldProblem
from kejin.core.i18n import N_
from kejin.core.money import money
from kejin.identity.model import Role
from kejin.registry.model import ComplianceKind, IPOrigin, IPStatus, IPType

# Reported values are not public data: who may read them (until consent opens them to the
# institutions an enterprise authorised).
REPORTED_VALUE_READERS = (Role.GOVERNMENT_ANALYST, Role.PLATFORM_ADMIN)
PERIOD_LENGTH = 16  # width of `reported_values.period`
VALUE_LENGTH = 200  # width of `reported_values.value`
RATIO_PLACES = Decimal("0.0001")


class Department(StrEnum):
    TAX_BUREAU = "tax_bureau"  # 税务局
    SOCIAL_SECURITY = "social_security"  # 人社局（社保）
    IP_OFFICE = "ip_office"  # 知识产权局
    MARKET_REGULATOR = "market_regulator"  # 市场监管局


class Kind(StrEnum):
    """How a cell is read and written as canonical text."""

    MONEY = "money"  # CNY, ≥ 0, at most two decimals
    SIGNED_MONEY = "signed_money"  # CNY, may be negative (profit)
    RATIO = "ratio"  # 0..1, at most four decimals
    COUNT = "count"  # whole number ≥ 0
    YEAR = "year"  # 1949..2100
    DATE = "date"  # ISO 8601, YYYY-MM-DD
    TEXT = "text"
    REGION = "region"  # six-digit administrative division code
    INDUSTRY = "industry"  # GB/T 4754-2017 class, 2 to 4 digits
    IP_TYPE = "ip_type"
    IP_STATUS = "ip_status"
    IP_ORIGIN = "ip_origin"
    COMPLIANCE = "compliance"


class Outcome(StrEnum):
    """What importing one reported value did to the registry."""

    APPLIED = "applied"  # the registry had no value: set from the department
    UPDATED = "updated"  # the registry value came from the same department, older as-of
    AGREES = "agrees"  # the registry holds the same value
    CONFLICT = "conflict"  # the registry holds a different value from another source: both kept
    STALE = "stale"  # the same department already gave a newer as-of: kept as history
    HELD = "held"  # no registry row, and this feed cannot complete one: kept as reported
    REPORTED = "reported"  # the field has no registry column: kept as reported


@dataclass(frozen=True, slots=True)
class Column:
    name: str  # header of the CSV column
    kind: Kind
    field: str | None = None  # the reported field this column fills; None for key columns
    required: bool = True


@dataclass(frozen=True)
class FeedFormat:
    """One file layout of one department; `table` is the registry table its rows describe."""

    department: Department
    name: str
    table: str
    key: Column | None  # the column naming the period (None: timeless fields)
    columns: tuple[Column, ...]
    create_needs: tuple[str, ...]  # registry columns a new row needs; () = never creates rows
    additive: bool = False  # rows are events: a new key adds a row, never a conflict
    defaults: tuple[tuple[str, object], ...] = ()  # registry columns it cannot know, set so

    @property
    def creates_rows(self) -> bool:
        return bool(self.create_needs)

    @cached_property
    def fields(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.field)

    @cached_property
    def by_field(self) -> dict[str, Column]:
        """Each reported field's column."""
        return {column.field: column for column in self.fields if column.field}

    def registry_column(self, column: Column) -> str | None:
        """The registry column a field maps to: fields named after another table (such as
        `tax_returns.tax_paid`) have none and are kept as reported only."""
        prefix = f"{self.table}."
        if column.field is None or not column.field.startswith(prefix):
            return None
        return column.field.removeprefix(prefix)

    @property
    def header(self) -> tuple[str, ...]:
        key = (self.key.name,) if self.key else ()
        return ("uscc", *key, "as_of", *(column.name for column in self.columns))


def _fields(table: str, *columns: tuple[str, Kind, bool]) -> tuple[Column, ...]:
    return tuple(
        Column(name, kind, f"{table}.{name}", required) for name, kind, required in columns
    )


TAX_BUREAU = FeedFormat(
    Department.TAX_BUREAU,
    "annual_return",  # 企业所得税年度纳税申报
    "financial_years",
    Column("year", Kind.YEAR),
    (
        *_fields(
            "financial_years",
            ("revenue", Kind.MONEY, True),
            ("total_costs", Kind.MONEY, True),
            ("rd_expense", Kind.MONEY, True),
            ("main_business_revenue", Kind.MONEY, False),
            ("high_tech_revenue", Kind.MONEY, False),
            ("rd_domestic_share", Kind.RATIO, False),
            ("total_assets", Kind.MONEY, False),
            ("total_liabilities", Kind.MONEY, False),
            ("net_profit", Kind.SIGNED_MONEY, False),
        ),
        Column("tax_paid", Kind.MONEY, "tax_returns.tax_paid"),
    ),
    create_needs=(
        "revenue",
        "main_business_revenue",
        "high_tech_revenue",
        "total_costs",
        "rd_expense",
        "rd_domestic_share",
        "total_assets",
        "total_liabilities",
        "net_profit",
    ),
)
SOCIAL_SECURITY = FeedFormat(
    Department.SOCIAL_SECURITY,
    "insured_staff",  # 年末参保人数
    "staff_years",
    Column("year", Kind.YEAR),
    (Column("insured_staff", Kind.COUNT, "staff_years.total"),),
    create_needs=(),  # tech and R&D staff are not the office's to report
)
IP_OFFICE = FeedFormat(
    Department.IP_OFFICE,
    "ip_assets",  # 专利/软著/集成电路布图等权利登记
    "ip_assets",
    Column("number", Kind.TEXT),
    _fields(
        "ip_assets",
        ("ip_type", Kind.IP_TYPE, True),
        ("title", Kind.TEXT, False),
        ("filed_on", Kind.DATE, True),
        ("granted_on", Kind.DATE, False),
        ("expires_on", Kind.DATE, False),
        ("status", Kind.IP_STATUS, True),
        ("origin", Kind.IP_ORIGIN, True),
    ),
    create_needs=("ip_type", "filed_on", "status", "origin"),
    # The office does not know which assets back the main products; the enterprise declares it.
    defaults=(("main_product_related", False),),
)
MARKET_REGISTRATION = FeedFormat(
    Department.MARKET_REGULATOR,
    "registration",  # 登记基本信息
    "enterprises",
    None,
    _fields(
        "enterprises",
        ("name", Kind.TEXT, True),
        ("founded_on", Kind.DATE, True),
        ("region", Kind.REGION, True),
        ("industry_code", Kind.INDUSTRY, True),
    ),
    create_needs=(),  # the registry's cluster and industry category are not the office's
)
MARKET_COMPLIANCE = FeedFormat(
    Department.MARKET_REGULATOR,
    "compliance",  # 行政处罚、严重失信等合规事件
    "compliance_flags",
    Column("occurred_on", Kind.DATE),
    (
        Column("kind", Kind.COMPLIANCE, "compliance_flags.kind"),
        Column("note", Kind.TEXT, None, required=False),
    ),
    create_needs=("kind",),
    additive=True,
)
FORMATS: dict[Department, tuple[FeedFormat, ...]] = {
    Department.TAX_BUREAU: (TAX_BUREAU,),
    Department.SOCIAL_SECURITY: (SOCIAL_SECURITY,),
    Department.IP_OFFICE: (IP_OFFICE,),
    Department.MARKET_REGULATOR: (MARKET_REGISTRATION, MARKET_COMPLIANCE),
}


# The format each registry-mapped field comes from (events are additive and never compared).
FIELD_FORMATS: dict[str, FeedFormat] = {
    column.field: feed_format
    for formats in FORMATS.values()
    for feed_format in formats
    if not feed_format.additive
    for column in feed_format.fields
    if column.field and feed_format.registry_column(column)
}


def format_for(department: Department, header: Iterable[str]) -> FeedFormat | None:
    """The department's format whose required columns the header holds (None: no match)."""
    names = {name.strip() for name in header}
    for feed_format in FORMATS[department]:
        required = [name for name in feed_format.header if _is_required(feed_format, name)]
        if names.issuperset(required):
            return feed_format
    return None


def _is_required(feed_format: FeedFormat, name: str) -> bool:
    column = next((c for c in feed_format.columns if c.name == name), None)
    return column is None or column.required


@dataclass(frozen=True, slots=True)
class FeedReport:
    """What importing one feed file did. `already_imported`: the same file (by SHA-256) was
    imported before, as batch `batch_id`, and nothing changed."""

    department: Department
    file_name: str
    batch_id: int
    already_imported: bool = False
    accepted: int = 0
    rejected: int = 0
    problems: tuple[FieldProblem, ...] = ()
    outcomes: Mapping[Outcome, int] = field(default_factory=dict)


class CellError(ValueError):
    """A cell that cannot be read; the message is a gettext msgid with `{placeholders}`."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


def _money(text: str, *, signed: bool = False) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise CellError("not an amount: {value}", value=text) from None
    if not value.is_finite():
        raise CellError("not an amount: {value}", value=text)
    amount = money(value)
    if value != amount:
        raise CellError("amount {value} has more than two decimal places", value=text)
    if amount < 0 and not signed:
        raise CellError("amount {value} is negative", value=text)
    return amount


def _ratio(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError("not a share between 0 and 1: {value}", value=text) from None
    if not value.is_finite() or not 0 <= value <= 1 or value != value.quantize(RATIO_PLACES):
        raise CellError("not a share between 0 and 1: {value}", value=text)
    return value.quantize(RATIO_PLACES)


def _count(text: str) -> int:
    if not text.isdigit():
        raise CellError("not a whole number: {value}", value=text)
    return int(text)


def _year(text: str) -> int:
    if not (text.isdigit() and 1949 <= int(text) <= 2100):
        raise CellError("not a year: {value}", value=text)
    return int(text)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text) if len(text) == 10 else date.fromisoformat("")
    except ValueError:
        raise CellError("not a date (YYYY-MM-DD): {value}", value=text) from None


def _pattern(expression: str, reason: str) -> Callable[[str], str]:
    compiled = re.compile(expression)

    def read(text: str) -> str:
        if not compiled.fullmatch(text):
            raise CellError(reason, value=text)
        return text

    return read


def _choice(kind: type[StrEnum]) -> Callable[[str], StrEnum]:
    def read(text: str) -> StrEnum:
        try:
            return kind(text)
        except ValueError:
            choices = ", ".join(member.value for member in kind)
            raise CellError(
                "{value} is not one of: {choices}", value=text, choices=choices
            ) from None

    return read


def _text(text: str) -> str:
    if len(text) > VALUE_LENGTH:
        raise CellError("longer than {limit} characters", limit=VALUE_LENGTH)
    return text


READERS: dict[Kind, Callable[[str], object]] = {
    Kind.MONEY: _money,
    Kind.SIGNED_MONEY: lambda text: _money(text, signed=True),
    Kind.RATIO: _ratio,
    Kind.COUNT: _count,
    Kind.YEAR: _year,
    Kind.DATE: _date,
    Kind.TEXT: _text,
    Kind.REGION: _pattern(r"\d{6}", N_("not a six-digit region code: {value}")),
    Kind.INDUSTRY: _pattern(r"\d{2,4}", N_("not an industry code (2 to 4 digits): {value}")),
    Kind.IP_TYPE: _choice(IPType),
    Kind.IP_STATUS: _choice(IPStatus),
    Kind.IP_ORIGIN: _choice(IPOrigin),
    Kind.COMPLIANCE: _choice(ComplianceKind),
}


def canonical(value: object, kind: Kind) -> str:
    """The one text form of a value, so that equal values compare equal whatever their source:
    amounts with two decimals, shares with four, dates in ISO 8601, enumerations by value."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Decimal):
        places = RATIO_PLACES if kind is Kind.RATIO else Decimal("0.01")
        return str(value.quantize(places))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
