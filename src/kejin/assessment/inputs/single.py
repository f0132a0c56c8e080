"""One enterprise's snapshot from its source rows, in plain Python: the scalar twin of
`kejin.assessment.inputs.snapshots`, for reads of a single enterprise.

A Polars plan costs milliseconds to set up whatever its size, so the batch derivations spend
about 10 ms on one enterprise; these take a fraction of one. They follow the batch ones line for
line — windows, nulls as a missing group, half-even ratios, money in exact fen — and the tests
hold the two to the same snapshot for every hand-made case and for a generated region. Rows are
plain dicts in the types of `SOURCE_SCHEMAS` (dates, ints, bools, strings, None). Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from kejin.assessment.inputs.snapshots import (
    ACCIDENTS,
    CERTIFICATION_TOKENS,
    DISHONESTY_LIST_YEARS,
    HIGH_VALUE_FAMILY_SIZE,
    HIGH_VALUE_MAINTAINED_YEARS,
    HISTORY_YEARS,
    KEY_SUPPORTED_FIELDS,
    LAST_YEAR,
    NATIONAL_AWARD_YEARS,
    NOT_IN_REGISTRY,
    RECENT_AWARD_YEARS,
    SOFTWARE_INDUSTRY,
    STANDARD_LEVELS_LED,
    STANDARD_YEARS,
    VIOLATIONS,
    years_before,
)
from kejin.assessment.inputs.sources import COUNTED_IP_STATUS, COUNTED_IP_TYPES
from kejin.assessment.model import EnterpriseSnapshot
from kejin.registry.model import (
    CLASS_I_IP,
    CLASS_II_IP,
    ComplianceKind,
    EmergingIndustry,
    FundingStage,
    IPOrigin,
    IPType,
    Level,
    StandardRole,
)

Row = Mapping[str, Any]
SourceRows = Mapping[str, Sequence[Row]]  # table → the enterprise's rows (`SOURCE_COLUMNS`)
_SOFTWARE = re.compile(SOFTWARE_INDUSTRY)
_KEY_SUPPORTED = frozenset(cluster.value for cluster in KEY_SUPPORTED_FIELDS)
_STAGE_ORDER = {stage.value: rank for rank, stage in enumerate(FundingStage)}
_HISTORIES = {
    "sales_history": "revenue",
    "main_revenue_history": "main_business_revenue",
    "rd_expense_history": "rd_expense",
}


def snapshot_of(enterprise: Row, rows: SourceRows, on: date) -> EnterpriseSnapshot:
    """The snapshot of one enterprise (its `enterprises` row and its child rows) as of `on`."""
    last_year = _last_fiscal_year(rows["financial_years"], on)
    return EnterpriseSnapshot(
        **_enterprise_inputs(enterprise, on),
        **_financial_inputs(rows["financial_years"], last_year),
        **_staff_inputs(rows["staff_years"], last_year),
        **_ip_inputs(rows["ip_assets"], on),
        certifications=_certifications(rows["certifications"], on),
        **_funding_inputs(rows["funding_rounds"], on),
        standards_led=_standards_led(rows["standards"], on),
        awards=_awards(rows["awards"], on),
        rd_institutions=frozenset(
            row["level"] for row in rows["rd_institutions"] if _by(row["recognised_on"], on)
        ),
        **_compliance_inputs(rows["compliance_flags"], on),
    )


def money_of_fen(fen: int | None) -> Decimal | None:
    """Fen as an exact amount in CNY with two places."""
    return None if fen is None else Decimal(fen).scaleb(-2)


def _by(day: date | None, on: date) -> bool:
    return day is not None and day <= on


def _enterprise_inputs(row: Row, on: date) -> dict[str, Any]:
    founded: date | None = row["founded_on"]
    industry, cluster, emerging = row["industry_code"], row["cluster"], row["emerging_industry"]
    return {
        "age_days": None if founded is None else (on - founded).days,
        "years_in_niche": None if founded is None else _whole_years(founded, on),
        "software_company": None if industry is None else bool(_SOFTWARE.search(industry)),
        "strategic_emerging": None if emerging is None else emerging != EmergingIndustry.NONE,
        "key_supported_field": True if cluster in _KEY_SUPPORTED else None,
        "resident_mainland": True,
        **dict.fromkeys(NOT_IN_REGISTRY),
    }


def _whole_years(founded: date, on: date) -> int:
    before_anniversary = (founded.month, founded.day) > (on.month, on.day)
    return on.year - founded.year - int(before_anniversary)


def _last_fiscal_year(financials: Sequence[Row], on: date) -> int | None:
    return max((row["year"] for row in financials if row["year"] <= on.year - 1), default=None)


def _financial_inputs(financials: Sequence[Row], last_year: int | None) -> dict[str, Any]:
    """The last fiscal year's figures and the sums and series over the gapless history."""
    if last_year is None:
        return {}  # no fiscal year before the evaluation year: every financial input unknown
    window = sorted(
        (row for row in financials if last_year - HISTORY_YEARS + 1 <= row["year"] <= last_year),
        key=lambda row: row["year"],
    )
    if not any(row["year"] == last_year - 1 for row in window):
        window = [row for row in window if row["year"] == last_year]
    last = window[-1]
    rd = [row["rd_expense"] for row in window]
    domestic = sum(row["rd_expense"] * row["rd_domestic_share"] for row in window)
    return {
        **{name: money_of_fen(last[name]) for name in LAST_YEAR},
        "revenue_3y": money_of_fen(sum(row["revenue"] for row in window)),
        "rd_expense_3y": money_of_fen(sum(rd)),
        "rd_domestic_share": _ratio_of(domestic, sum(rd)),
        **{name: _series(window, column) for name, column in _HISTORIES.items()},
        "net_assets_history": tuple(
            Decimal(row["total_assets"] - row["total_liabilities"]).scaleb(-2) for row in window
        ),
    }


def _series(window: Iterable[Row], column: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(row[column]).scaleb(-2) for row in window)


def _ratio_of(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator in 10^-4 units, rounded half-even; None when not positive."""
    if denominator <= 0:
        return None
    quotient, remainder = divmod(numerator, denominator)
    round_up = 2 * remainder > denominator or (2 * remainder == denominator and quotient % 2 == 1)
    return Decimal(quotient + int(round_up)).scaleb(-4)


def _staff_inputs(staff_years: Sequence[Row], last_year: int | None) -> dict[str, Any]:
    """Staff of the last fiscal year."""
    found = [row for row in staff_years if last_year is not None and row["year"] == last_year]
    if not found:
        return {}
    row = found[-1]
    return {"staff": row["total"], "tech_staff": row["tech"], "rd_staff": row["rd"]}


def _ip_counted(row: Row, on: date) -> bool:
    granted_on, expires_on = row["granted_on"], row["expires_on"]
    return (
        bool(row["main_product_related"])
        and row["ip_type"] in COUNTED_IP_TYPES
        and row["status"] == COUNTED_IP_STATUS
        and (granted_on is None or granted_on <= on)
        and (expires_on is None or expires_on >= on)
    )


def _ip_inputs(ip_assets: Sequence[Row], on: date) -> dict[str, Any]:
    """Class I / II IP in force at `on` and related to the main products; whether any was
    self-developed stays unknown without such IP."""
    counted = [row for row in ip_assets if _ip_counted(row, on)]
    maintained_since = years_before(on, HIGH_VALUE_MAINTAINED_YEARS)
    class_i = [row for row in counted if row["ip_type"] in CLASS_I_IP]
    high_value = [
        row
        for row in class_i
        if (row["family_size"] is not None and row["family_size"] >= HIGH_VALUE_FAMILY_SIZE)
        or (row["filed_on"] is not None and row["filed_on"] <= maintained_since)
    ]
    return {
        "class_i_ip_main": len(class_i),
        "class_ii_ip_main": sum(row["ip_type"] in CLASS_II_IP for row in counted),
        "invention_patents_main": sum(row["ip_type"] == IPType.INVENTION_PATENT for row in counted),
        "high_value_ip_main": len(high_value),
        "ip_self_developed": (
            any(row["origin"] == IPOrigin.SELF_DEVELOPED for row in counted) if counted else None
        ),
    }


def _certifications(certifications: Sequence[Row], on: date) -> frozenset[str]:
    """Tokens of the certificates valid at `on` (`valid_to` is the last valid day)."""
    return frozenset(
        CERTIFICATION_TOKENS[row["kind"]]
        for row in certifications
        if row["valid_from"] <= on <= row["valid_to"]
    )


def _funding_inputs(funding_rounds: Sequence[Row], on: date) -> dict[str, Any]:
    """Equity raised by `on` within two and three years and in all; the latest round's stage."""
    rounds = [row for row in funding_rounds if row["closed_on"] <= on]

    def raised(since: date | None) -> Decimal | None:
        closed = (row for row in rounds if since is None or row["closed_on"] >= since)
        return money_of_fen(sum(row["amount"] for row in closed))

    latest = max(
        rounds,
        key=lambda row: (row["closed_on"], _STAGE_ORDER[row["stage"]], row["amount"]),
        default=None,
    )
    return {
        "equity_raised_2y": raised(years_before(on, 2)),
        "equity_raised_3y": raised(years_before(on, 3)),
        "equity_raised_total": raised(None),
        "latest_funding_stage": None if latest is None else latest["stage"],
    }


def _standards_led(standards: Sequence[Row], on: date) -> int:
    levels = {level.value for level in STANDARD_LEVELS_LED}
    return sum(
        row["role"] == StandardRole.LED
        and row["level"] in levels
        and on.year - STANDARD_YEARS + 1 <= row["year"] <= on.year
        for row in standards
    )


def _awards(awards: Sequence[Row], on: date) -> frozenset[str]:
    """Award tokens from level, rank and year (an unknown rank meets no rank condition)."""
    tokens: set[str] = set()
    for row in (row for row in awards if row["year"] <= on.year):
        national, provincial = row["level"] == Level.NATIONAL, row["level"] == Level.PROVINCIAL
        within_5y = row["year"] >= on.year - NATIONAL_AWARD_YEARS + 1
        within_3y = row["year"] >= on.year - RECENT_AWARD_YEARS + 1
        rank = row["rank"]
        held = {
            "national_award_top5_3y": national and within_3y and rank is not None and rank <= 5,
            "national_st_award": national,
            "national_st_award_top3": national and within_5y and rank is not None and rank <= 3,
            "provincial_award_top3_3y": provincial and within_3y and rank is not None and rank <= 3,
            "st_award_3y": (national or provincial) and within_3y,
        }
        tokens.update(token for token, test in held.items() if test)
    return frozenset(tokens)


def _compliance_inputs(flags: Sequence[Row], on: date) -> dict[str, Any]:
    """Compliance flags by their windows (see docs/assessment-inputs.md)."""
    past = [row for row in flags if row["occurred_on"] <= on]
    dishonest_since = years_before(on, DISHONESTY_LIST_YEARS)
    accident_since = years_before(on, 1)
    return {
        "major_violation": any(
            row["kind"] in VIOLATIONS and row["occurred_on"].year >= on.year - 1 for row in past
        ),
        "serious_dishonesty": any(
            row["kind"] == ComplianceKind.SERIOUS_DISHONESTY
            and row["occurred_on"] >= dishonest_since
            for row in past
        ),
        "restricted_products": any(
            row["kind"] == ComplianceKind.RESTRICTED_PRODUCT for row in past
        ),
        "major_accident_prior_year": any(
            row["kind"] in ACCIDENTS and row["occurred_on"] >= accident_since for row in past
        ),
    }
