"""Pure assessment vocabulary: the enterprise snapshot, criterion statuses and results.

Every input of the snapshot is optional; `None` means "not known", and a criterion that needs it
answers `unknown` rather than guessing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum

InputValue = Decimal | int | bool | str | tuple[Decimal, ...] | frozenset[str] | None


class Status(StrEnum):
    MET = "met"
    UNMET = "unmet"
    UNKNOWN = "unknown"  # an input is missing
    MANUAL_REVIEW = "manual_review"  # an expert judges it; points are a range
    NOT_APPLICABLE = "not_applicable"


@dataclasses.dataclass(frozen=True, slots=True)
class EnterpriseSnapshot:
    """The inputs the rule sets read, as of one evaluation date. Money in CNY, ratios as 0–1.

    Series (`*_history`) run oldest first over at most three fiscal years, the last being the
    last fiscal year. Set inputs hold tokens from the vocabularies below.
    """

    staff: int | None = None
    tech_staff: int | None = None
    rd_staff: int | None = None
    revenue: Decimal | None = None  # last fiscal year's sales revenue
    revenue_3y: Decimal | None = None  # sales over the last three fiscal years (fewer if younger)
    total_costs: Decimal | None = None  # last year's total costs and expenses
    rd_expense: Decimal | None = None  # last fiscal year
    rd_expense_3y: Decimal | None = None  # same period as revenue_3y
    rd_domestic_share: Decimal | None = None  # share of rd_expense_3y spent in China
    high_tech_revenue: Decimal | None = None  # last year's high-tech products and services
    total_assets: Decimal | None = None
    class_i_ip_main: int | None = None  # Class I IP related to the main products
    class_ii_ip_main: int | None = None  # Class II IP related to the main products
    ip_self_developed: bool | None = None  # False: only assigned or acquired IP
    age_days: int | None = None  # days since registration at the evaluation date
    certifications: frozenset[str] | None = None  # e.g. "hnte"
    standards_led: int | None = None  # standards led within the last five years
    awards: frozenset[str] | None = None  # e.g. "national_st_award_top3"
    rd_institutions: frozenset[str] | None = None  # levels: "national", "provincial", ...
    conversions_per_year: Decimal | None = None  # converted results, 3-year average
    sales_history: tuple[Decimal, ...] | None = None
    net_assets_history: tuple[Decimal, ...] | None = None
    resident_mainland: bool | None = None
    key_supported_field: bool | None = None  # core technology in the 8 national fields
    restricted_products: bool | None = None  # prohibited, restricted or eliminated products
    major_violation: bool | None = None  # safety/quality/environment/misconduct, this or last year
    serious_dishonesty: bool | None = None
    major_accident_prior_year: bool | None = None
    invention_patents_main: int | None = None  # granted invention patents behind the main business
    high_value_ip_main: int | None = None  # high-value Class I IP for the main products (CNIPA)
    main_business_revenue: Decimal | None = None  # last fiscal year
    main_revenue_history: tuple[Decimal, ...] | None = None
    rd_expense_history: tuple[Decimal, ...] | None = None
    total_liabilities: Decimal | None = None  # end of the last fiscal year
    net_profit: Decimal | None = None  # last fiscal year
    equity_raised_2y: Decimal | None = None  # new paid-in equity, two years to the evaluation date
    equity_raised_3y: Decimal | None = None  # ... three years
    equity_raised_total: Decimal | None = None  # every recorded round
    latest_funding_stage: str | None = None  # FundingStage value of the latest round
    years_in_niche: int | None = None  # whole years in the main business's niche market
    software_company: bool | None = None  # industry I65 (software and IT services)
    strategic_emerging: bool | None = None  # main product in a strategic emerging industry
    national_major_project_lead: bool | None = None  # leads a national major S&T project
    import_substitution: bool | None = None  # import-substituting key equipment/parts/materials
    international_leading_tech: bool | None = None  # core tech recognised as world-leading

    def value(self, name: str) -> InputValue:
        """The input called `name`; unknown names are a rule-file error, caught at load time."""
        return getattr(self, name)  # type: ignore[no-any-return]


SNAPSHOT_INPUTS = frozenset(field.name for field in dataclasses.fields(EnterpriseSnapshot))

# Tokens of the set inputs. Certifications valid on the evaluation date:
CERTIFICATIONS = frozenset(
    {"hnte", "tech_sme", "innovative_sme", "specialised_sme", "little_giant", "ip_demonstration"}
)
# Levels of recognised R&D institutions ("provincial" includes ministerial ones):
RD_INSTITUTION_LEVELS = frozenset(
    {"national", "provincial", "ministerial", "municipal", "district"}
)
# Awards, each token naming what it proves:
AWARDS = frozenset(
    {
        "national_st_award_top3",  # national S&T award within 5 years, ranked top 3 among units
        "national_st_award",  # main participant in a national S&T award (any year)
        "st_award_3y",  # national or provincial S&T award within 3 years
        "provincial_award_top3_3y",  # provincial award within 3 years, ranked top 3
        "national_award_top5_3y",  # national award within 3 years, ranked top 5
    }
)


@dataclasses.dataclass(frozen=True, slots=True)
class Points:
    """A points range; `low == high` when the points are exact."""

    low: Decimal
    high: Decimal

    @classmethod
    def exact(cls, value: Decimal | int) -> Points:
        return cls(Decimal(value), Decimal(value))

    def __add__(self, other: Points) -> Points:
        return Points(self.low + other.low, self.high + other.high)

    def capped(self, cap: Decimal | None) -> Points:
        return self if cap is None else Points(min(self.low, cap), min(self.high, cap))

    @property
    def is_exact(self) -> bool:
        return self.low == self.high

    def __str__(self) -> str:
        return f"{self.low}" if self.is_exact else f"{self.low}–{self.high}"


@dataclasses.dataclass(frozen=True, slots=True)
class RuleSetVersion:
    """Where a rule set comes from and when it is in force (`effective_to` inclusive)."""

    code: str
    name_zh: str
    name_en: str
    issuer: str
    doc_no: str
    version: str
    effective_from: dt.date
    effective_to: dt.date | None
    source_url: str

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclasses.dataclass(frozen=True, slots=True)
class CriterionResult:
    """One criterion's answer, with the inputs it read and why, in Chinese and English."""

    id: str
    status: Status
    points: Points | None
    inputs: Mapping[str, InputValue]
    sentence_zh: str
    sentence_en: str
    chosen: str | None = None  # for a best-of criterion: the option used
    children: tuple[CriterionResult, ...] = ()

    def find(self, criterion_id: str) -> CriterionResult | None:
        """This result or the nested one called `criterion_id`."""
        if self.id == criterion_id:
            return self
        return next((found for child in self.children if (found := child.find(criterion_id))), None)


@dataclasses.dataclass(frozen=True, slots=True)
class Assessment:
    """A rule set's verdict for one enterprise on one date, with the version used."""

    ruleset: RuleSetVersion
    evaluated_on: dt.date
    verdict: CriterionResult
