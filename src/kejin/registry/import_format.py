"""The enterprise import format: one strict pydantic record per enterprise, with its children.

A record is what one JSON Lines line holds (`docs/import-format.md`; the JSON Schema in
`docs/schemas/enterprise.schema.json` is generated from `EnterpriseRecord`). Validation is
strict — no coercion, no unknown fields, exact enum values — and amounts stay decimal text
until `kejin.registry.preparation` turns the good records into storage units, so a value is never
rounded or dropped on the way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from kejin.core.errors import FieldProblem
from kejin.core.i18n import N_
from kejin.registry.errors import InvalidCreditCode
from kejin.registry.frames import MONEY_COLUMNS
from kejin.registry.model import (
    CertificationKind,
    ComplianceKind,
    EmergingIndustry,
    FundingStage,
    IndustryCluster,
    IPOrigin,
    IPStatus,
    IPType,
    Level,
    StandardLevel,
    StandardRole,
    validate_credit_code,
)

AMOUNT_PATTERN = r"^(0|[1-9][0-9]{0,15})(\.[0-9]{1,2})?$"
SIGNED_AMOUNT_PATTERN = r"^-?(0|[1-9][0-9]{0,15})(\.[0-9]{1,2})?$"
SHARE_PATTERN = r"^(0(\.[0-9]{1,4})?|1(\.0{1,4})?)$"
INDUSTRY_CODE_PATTERN = r"^[A-T]?[0-9]{2,4}$"


# GB 32100-2015: 8 digits, then 10 characters of an alphabet without I, O, S, V and Z; the last
# is a check character c with Σ(value_i × 3^i mod 31) + value(c) ≡ 0 (mod 31). This is the test
# python-stdnum makes, in one pass (stdnum cleans the text three times per code, too slow for a
# million rows); a property test checks that both accept the same codes, and every refused code
# goes through `validate_credit_code` for its message.
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_FORMAT = re.compile(r"^[0-9]{8}[0-9ABCDEFGHJKLMNPQRTUWXY]{10}$")
_CODE_VALUES = {char: value for value, char in enumerate(CODE_ALPHABET)}
_CODE_WEIGHTS: list[int] = [*(3**position % 31 for position in range(17)), 1]


def is_valid_credit_code(code: str) -> bool:
    if not _CODE_FORMAT.match(code):
        return False
    total = sum(
        _CODE_VALUES[char] * weight for char, weight in zip(code, _CODE_WEIGHTS, strict=True)
    )
    return total % 31 == 0


def _checked_credit_code(code: str) -> str:
    if is_valid_credit_code(code):
        return code
    try:
        valid = validate_credit_code(code)
    except InvalidCreditCode as error:
        params = {**error.params, "msgid": error.message}
        raise PydanticCustomError("credit_code", error.message, params) from None
    msgid = "credit code must be written as {expected}"
    raise PydanticCustomError("credit_code", msgid, {"expected": valid, "msgid": msgid})


CreditCode = Annotated[str, AfterValidator(_checked_credit_code)]
Amount = Annotated[
    Annotated[str, StringConstraints(pattern=AMOUNT_PATTERN)] | Annotated[int, Field(ge=0)],
    Field(description='CNY yuan, at most 2 decimals, as a string ("1234.56") or an integer'),
]
SignedAmount = Annotated[
    Annotated[str, StringConstraints(pattern=SIGNED_AMOUNT_PATTERN)] | int,
    Field(description="CNY yuan, may be negative, at most 2 decimals, string or integer"),
]
Share = Annotated[
    str,
    StringConstraints(pattern=SHARE_PATTERN),
    Field(description='a share between 0 and 1 with at most 4 decimals, as a string ("0.95")'),
]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Year = Annotated[int, Field(ge=1900, le=2100)]
Source = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Number = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Region = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class _Child(_Strict):
    source: Source | None = Field(None, description="provenance; inherits the record's")
    as_of: date | None = Field(None, description="the date the values describe; inherits")


class StaffYear(_Child):
    year: Year
    total: Count
    tech: Count = Field(description="科技人员 technology staff")
    rd: Count = Field(description="研发人员 R&D staff")


class FinancialYear(_Child):
    year: Year
    revenue: Amount = Field(description="销售收入")
    main_business_revenue: Amount = Field(description="主营业务收入")
    high_tech_revenue: Amount = Field(description="高新技术产品(服务)收入")
    total_costs: Amount = Field(description="成本费用总额")
    rd_expense: Amount = Field(description="研发费用")
    rd_domestic_share: Share = Field(description="境内研发费用占比")
    total_assets: Amount
    total_liabilities: Amount
    net_profit: SignedAmount


class IPAsset(_Child):
    ip_type: IPType
    number: Number
    title: Title | None = None
    filed_on: date
    granted_on: date | None = None
    expires_on: date | None = None
    status: IPStatus
    origin: IPOrigin
    main_product_related: bool
    claims: Count | None = None
    forward_citations: Count | None = None
    family_size: Count | None = None


class Certification(_Child):
    kind: CertificationKind
    number: Number
    valid_from: date
    valid_to: date


class FundingRound(_Child):
    closed_on: date
    stage: FundingStage
    amount: Amount
    investors: list[Title]


class Standard(_Child):
    code: Number
    title: Title
    level: StandardLevel
    role: StandardRole
    year: Year


class Award(_Child):
    name: Title
    level: Level
    rank: Annotated[int, Field(ge=1)] | None = None
    year: Year


class RDInstitution(_Child):
    name: Title
    level: Level
    recognised_on: date


class ComplianceFlag(_Child):
    kind: ComplianceKind
    occurred_on: date
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class EnterpriseRecord(_Strict):
    """One enterprise with all its child rows: one line of a JSON Lines import file."""

    model_config = ConfigDict(title="Kejin enterprise import record")

    uscc: CreditCode = Field(
        description="统一社会信用代码, GB 32100-2015, 18 characters, check character included",
        json_schema_extra={"pattern": _CODE_FORMAT.pattern},
    )
    name: Title
    region: Region
    industry_code: Annotated[str, StringConstraints(pattern=INDUSTRY_CODE_PATTERN)] = Field(
        description="GB/T 4754-2017 industry class, e.g. 6513"
    )
    cluster: IndustryCluster
    emerging_industry: EmergingIndustry
    founded_on: date
    source: Source = Field(description="where the values come from")
    as_of: date = Field(description="the date the values describe")
    staff_years: list[StaffYear] = Field(default_factory=list)
    financial_years: list[FinancialYear] = Field(default_factory=list)
    ip_assets: list[IPAsset] = Field(default_factory=list)
    certifications: list[Certification] = Field(default_factory=list)
    funding_rounds: list[FundingRound] = Field(default_factory=list)
    standards: list[Standard] = Field(default_factory=list)
    awards: list[Award] = Field(default_factory=list)
    rd_institutions: list[RDInstitution] = Field(default_factory=list)
    compliance_flags: list[ComplianceFlag] = Field(default_factory=list)


CHILD_MODELS: dict[str, type[_Child]] = {
    "staff_years": StaffYear,
    "financial_years": FinancialYear,
    "ip_assets": IPAsset,
    "certifications": Certification,
    "funding_rounds": FundingRound,
    "standards": Standard,
    "awards": Award,
    "rd_institutions": RDInstitution,
    "compliance_flags": ComplianceFlag,
}
AMOUNT_FIELDS = frozenset(column for columns in MONEY_COLUMNS.values() for column in columns)


def record_problems(record: EnterpriseRecord, row: int | None = None) -> list[FieldProblem]:
    """Domain rules a well-typed record must also meet; each broken rule names its field."""
    found = [
        *_staff_problems(record.staff_years),
        *_financial_problems(record.financial_years),
        *_ip_problems(record.ip_assets),
        *_certification_problems(record.certifications),
    ]
    if record.founded_on > record.as_of:
        found.append(
            ("founded_on", "founded after the as-of date {as_of}", {"as_of": record.as_of})
        )
    return [FieldProblem(field, reason, row, params) for field, reason, params in found]


_Found = list[tuple[str, str, dict[str, Any]]]


def _staff_problems(years: list[StaffYear]) -> _Found:
    found = _repeated("staff_years", [(year.year,) for year in years], "year")
    for index, year in enumerate(years):
        for part in ("tech", "rd"):
            if getattr(year, part) > year.total:
                reason = "{part} staff ({count}) exceed total staff ({total})"
                params = {"part": part, "count": getattr(year, part), "total": year.total}
                found.append((f"staff_years[{index}].{part}", reason, params))
    return found


def _financial_problems(years: list[FinancialYear]) -> _Found:
    found = _repeated("financial_years", [(year.year,) for year in years], "year")
    for index, year in enumerate(years):
        for part in ("main_business_revenue", "high_tech_revenue"):
            if Decimal(getattr(year, part)) > Decimal(year.revenue):
                reason = "{amount} exceeds revenue {revenue}"
                params = {"amount": getattr(year, part), "revenue": year.revenue}
                found.append((f"financial_years[{index}].{part}", reason, params))
    return found


def _ip_problems(assets: list[IPAsset]) -> _Found:
    found = _repeated("ip_assets", [(asset.ip_type, asset.number) for asset in assets], "number")
    for index, asset in enumerate(assets):
        for part in ("granted_on", "expires_on"):
            day = getattr(asset, part)
            if day is not None and day < asset.filed_on:
                reason = "{day} is before the filing date {filed_on}"
                params = {"day": day, "filed_on": asset.filed_on}
                found.append((f"ip_assets[{index}].{part}", reason, params))
    return found


def _certification_problems(certifications: list[Certification]) -> _Found:
    keys = [(item.kind, item.number) for item in certifications]
    found = _repeated("certifications", keys, "number")
    for index, item in enumerate(certifications):
        if item.valid_to < item.valid_from:
            reason = "valid to {valid_to} is before valid from {valid_from}"
            params = {"valid_to": item.valid_to, "valid_from": item.valid_from}
            found.append((f"certifications[{index}].valid_to", reason, params))
    return found


def _repeated(table: str, keys: Sequence[tuple[object, ...]], field: str) -> _Found:
    """Items whose key appeared earlier in the same list (the database keeps keys unique)."""
    first_seen: dict[tuple[object, ...], int] = {}
    found: _Found = []
    for index, key in enumerate(keys):
        if key in first_seen:
            reason = "{key} repeats item {first}"
            params = {"key": "/".join(map(str, key)), "first": first_seen[key]}
            found.append((f"{table}[{index}].{field}", reason, params))
        first_seen.setdefault(key, index)
    return found


def parse_record(text: str | bytes, row: int) -> tuple[EnterpriseRecord | None, list[FieldProblem]]:
    """Validate one JSON record: the record, or the problems that refuse it (never both)."""
    try:
        record = EnterpriseRecord.model_validate_json(text)
    except ValidationError as error:
        return None, _type_problems(error, row)
    problems = record_problems(record, row)
    return (None, problems) if problems else (record, [])


def _type_problems(error: ValidationError, row: int) -> list[FieldProblem]:
    by_path: dict[str, FieldProblem] = {}
    for detail in error.errors(include_url=False):
        path = _path(detail["loc"])
        if path not in by_path:
            reason, params = _reason(detail, path)
            by_path[path] = FieldProblem(path, reason, row, params)
    return list(by_path.values())


def _path(loc: tuple[int | str, ...]) -> str:
    """`('financial_years', 1, 'revenue', 'str')` → `financial_years[1].revenue`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.isidentifier() and part not in _UNION_TAGS:
            path += f".{part}" if path else part
    return path or "record"


def _reason(detail: ErrorDetails, path: str) -> tuple[str, dict[str, Any]]:
    kind, context = detail["type"], dict(detail.get("ctx") or {})
    value = _shown(detail["input"])
    field = path.rsplit(".", 1)[-1]
    if field in AMOUNT_FIELDS and kind not in ("missing", "extra_forbidden"):
        if isinstance(detail["input"], float):
            return 'amounts must be quoted, e.g. "1234.56"; {value} is a JSON float', {
                "value": value
            }
        return "not an amount in yuan with at most 2 decimals: {value}", {"value": value}
    if "msgid" in context:
        return str(context.pop("msgid")), context
    if kind == "string_pattern_mismatch" and field in PATTERN_REASONS:
        return PATTERN_REASONS[field], {"value": value}
    reason = REASONS.get(kind)
    if reason is None:
        return detail["msg"], {}
    return reason, {**context, "value": value}


def _shown(value: object) -> str:
    """An input value as JSON, so that "6" (text) and 6 (a number) read differently."""
    if isinstance(value, dict | list):
        return "…"
    return json.dumps(value, ensure_ascii=False, default=str)


_UNION_TAGS = frozenset({"str", "int"})  # loc parts naming a union member, not a field
REASONS = {
    "missing": N_("required"),
    "extra_forbidden": N_("unknown field"),
    "enum": N_("{value} is not one of {expected}"),
    "int_type": N_("must be a whole number (a JSON integer), not {value}"),
    "bool_type": N_("must be true or false, not {value}"),
    "date_type": N_("must be a date written YYYY-MM-DD, not {value}"),
    "date_parsing": N_("must be a date written YYYY-MM-DD, not {value}"),
    "string_type": N_("must be text (a JSON string), not {value}"),
    "string_too_short": N_("must not be empty"),
    "string_too_long": N_("longer than {max_length} characters"),
    "greater_than_equal": N_("must be at least {ge}, not {value}"),
    "less_than_equal": N_("must be at most {le}, not {value}"),
    "list_type": N_("must be a list"),
    "model_type": N_("must be an object"),
    "json_invalid": N_("not valid JSON: {error}"),
    "string_pattern_mismatch": N_("{value} does not match {pattern}"),
}
PATTERN_REASONS = {
    "rd_domestic_share": N_('not a share from 0 to 1 with at most 4 decimals ("0.95"): {value}'),
    "industry_code": N_("not a GB/T 4754 industry code: {value}"),
}


def enterprise_json_schema() -> str:
    """The JSON Schema of one import record, as committed in docs/schemas/."""
    schema = EnterpriseRecord.model_json_schema()
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
