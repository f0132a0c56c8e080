"""Snapshot frames from registry frames: every enterprise's assessment inputs as of one date.

`build_snapshots` turns `RegistryFrames` (one Polars frame per registry table, storage units)
into a frame of exactly `SNAPSHOT_SCHEMA`, one row per enterprise, with group-bys and joins only,
so a million enterprises cost a few seconds. The derivations and their assumptions are written
up in docs/assessment-inputs.md; the rules of thumb:

- *A missing table row is a known "none"*: the registry holds every certificate, IP asset,
  funding round, standard, award, R&D institution and compliance flag it knows of, so no row
  means none (counts 0, empty sets, flags false). Financials are the exception: a firm with no
  financial year before the evaluation year has every financial input null, never zero.
- *Inputs the registry has no data for* (converted results, national major projects, import
  substitution, world-leading technology) are null, so criteria reading them answer unknown.
- Windows are closed at both ends and end at the evaluation date: "within two years" of
  2026-06-30 starts on 2024-06-30.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

import polars as pl

from kejin.assessment.inputs.frames import FINE, MONEY, SNAPSHOT_SCHEMA
from kejin.assessment.inputs.sources import (
    COUNTED_IP_STATUS,
    COUNTED_IP_TYPES,
    KEY,
    SnapshotSources,
    sources_of,
)
from kejin.registry.frames import MONEY_COLUMNS, RegistryFrames
from kejin.registry.model import (
    CLASS_I_IP,
    CLASS_II_IP,
    CertificationKind,
    ComplianceKind,
    EmergingIndustry,
    FundingStage,
    IndustryCluster,
    IPOrigin,
    IPType,
    Level,
    StandardLevel,
    StandardRole,
)

HISTORY_YEARS: Final = 3  # sales, R&D and net-asset series; HNTE's "last three fiscal years"
STANDARD_YEARS: Final = 5  # "led a standard within five years" (tech-based SME direct route)
NATIONAL_AWARD_YEARS: Final = 5  # "national S&T award within five years, top 3"
RECENT_AWARD_YEARS: Final = 3  # graded-SME awards "within three years"
DISHONESTY_LIST_YEARS: Final = 3  # a serious-dishonesty listing lasts three years
HIGH_VALUE_MAINTAINED_YEARS: Final = 10  # CNIPA: invention patents maintained over ten years
HIGH_VALUE_FAMILY_SIZE: Final = 2  # CNIPA: patents with a family member abroad
SOFTWARE_INDUSTRY: Final = r"^I?65"  # GB/T 4754-2017 division 65 (section I)

CERTIFICATION_TOKENS: Final = {
    CertificationKind.HIGH_TECH: "hnte",
    CertificationKind.TECH_SME: "tech_sme",
    CertificationKind.INNOVATIVE_SME: "innovative_sme",
    CertificationKind.SPECIALISED_SME: "specialised_sme",
    CertificationKind.LITTLE_GIANT: "little_giant",
}
STANDARD_LEVELS_LED: Final = (
    StandardLevel.INTERNATIONAL,
    StandardLevel.NATIONAL,
    StandardLevel.INDUSTRY,
)
VIOLATIONS: Final = (  # 重大安全、重大质量事故, 严重环境违法, 科研严重失信
    ComplianceKind.SAFETY_INCIDENT,
    ComplianceKind.QUALITY_INCIDENT,
    ComplianceKind.ENVIRONMENTAL_VIOLATION,
    ComplianceKind.RESEARCH_MISCONDUCT,
)
ACCIDENTS: Final = VIOLATIONS[:3]  # HNTE condition 8 names no research misconduct
# The eight national key-supported high-tech fields (国家重点支持的高新技术领域) the region's
# clusters fall in; a cluster missing here gives an unknown `key_supported_field`.
KEY_SUPPORTED_FIELDS: Final = {
    IndustryCluster.BRAIN_SCIENCE: "biomedicine",  # 生物与新医药 (and 电子信息 for BCI)
    IndustryCluster.AI: "electronic_information",  # 电子信息
    IndustryCluster.BIOMEDICINE: "biomedicine",  # 生物与新医药
    IndustryCluster.SEMICONDUCTORS: "electronic_information",  # 电子信息
    IndustryCluster.NEW_MATERIALS: "new_materials",  # 新材料
    IndustryCluster.NEW_ENERGY: "new_energy_and_saving",  # 新能源与节能
    IndustryCluster.SOFTWARE: "electronic_information",  # 电子信息 (软件)
    IndustryCluster.HIGH_END_EQUIPMENT: "advanced_manufacturing",  # 先进制造与自动化
}
# Last fiscal year's figures, taken as they are from its financial-year row: every amount.
LAST_YEAR: Final = MONEY_COLUMNS["financial_years"]
# Inputs no registry table holds: always null, so the criteria reading them answer unknown.
NOT_IN_REGISTRY: Final = (
    "conversions_per_year",
    "national_major_project_lead",
    "import_substitution",
    "international_leading_tech",
)
_CENT = pl.lit(Decimal("0.01"), dtype=pl.Decimal(38, 2))
_RATIO_UNIT = pl.lit(Decimal("0.0001"), dtype=pl.Decimal(38, 4))


def build_snapshots(
    frames: RegistryFrames, on: date, enterprise_ids: pl.DataFrame | None = None
) -> pl.DataFrame:
    """One snapshot row per enterprise of `frames` as of `on`, in `SNAPSHOT_SCHEMA`.

    `enterprise_ids` (`uscc`, `enterprise_id`) fills the id column for enterprises that have
    one; without it the column is null, as for enterprises read from a file.
    """
    return snapshots_of(sources_of(frames, enterprise_ids), on)


def snapshots_of(sources: SnapshotSources, on: date) -> pl.DataFrame:
    """One snapshot row per enterprise of `sources` as of `on`, in `SNAPSHOT_SCHEMA`.

    The parts are computed apart (in parallel) and joined eagerly by key: one lazy plan over
    all of them ran about twice as slow.
    """
    enterprises, *parts = pl.collect_all(
        [_enterprise_inputs(sources, on), *(derive(sources, on) for derive in _DERIVATIONS)]
    )
    snapshots = enterprises
    for part in parts:
        snapshots = snapshots.join(part, on=KEY, how="left", maintain_order="left")
    return snapshots.with_columns(_known_none()).select(
        pl.col(name).cast(dtype) for name, dtype in SNAPSHOT_SCHEMA.items()
    )


def years_before(on: date, years: int) -> date:
    """The same day `years` earlier; 29 February falls back to the 28th."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def money_of_fen(fen: pl.Expr) -> pl.Expr:
    """Int64 fen as an exact `Decimal(38, 2)` amount in CNY."""
    return (fen.cast(pl.Decimal(38, 0)) * _CENT).cast(MONEY)


def _enterprise_inputs(sources: SnapshotSources, on: date) -> pl.LazyFrame:
    founded = pl.col("founded_on")
    return sources.enterprises.lazy().select(
        KEY,
        "enterprise_id",
        "uscc",
        "name",
        "region",
        "industry_code",
        "cluster",
        "founded_on",
        age_days=(pl.lit(on) - founded).dt.total_days(),
        years_in_niche=_whole_years(founded, on),
        software_company=pl.col("industry_code").str.contains(SOFTWARE_INDUSTRY),
        strategic_emerging=pl.col("emerging_industry") != EmergingIndustry.NONE.value,
        key_supported_field=pl.col("cluster").replace_strict(
            {cluster.value: True for cluster in KEY_SUPPORTED_FIELDS},
            default=None,
            return_dtype=pl.Boolean,
        ),
        resident_mainland=pl.lit(value=True),
        **{name: pl.lit(None) for name in NOT_IN_REGISTRY},
    )


def _whole_years(founded: pl.Expr, on: date) -> pl.Expr:
    """Whole years from `founded` to `on`: a year counts once its anniversary is reached."""
    month_day = founded.dt.month().cast(pl.Int32) * 100 + founded.dt.day().cast(pl.Int32)
    before_anniversary = month_day > on.month * 100 + on.day
    return pl.lit(on.year) - founded.dt.year() - before_anniversary.cast(pl.Int32)


def _financial_inputs(sources: SnapshotSources, on: date) -> pl.LazyFrame:
    """The last fiscal year's figures, and sums and series over the history: the last fiscal
    year and the consecutive years before it, at most `HISTORY_YEARS` (a gap ends it)."""
    history = _history_years(sources, on).sort(KEY, "year")
    rd = pl.col("rd_expense").cast(pl.Int128)
    series = {
        "sales_history": pl.col("revenue"),
        "main_revenue_history": pl.col("main_business_revenue"),
        "rd_expense_history": pl.col("rd_expense"),
        "net_assets_history": pl.col("total_assets") - pl.col("total_liabilities"),
    }
    sums = history.group_by(KEY).agg(
        *(pl.col(name).last() for name in LAST_YEAR),  # the newest row is the last fiscal year
        revenue_3y=pl.col("revenue").sum(),
        rd_expense_3y=pl.col("rd_expense").sum(),
        domestic_rd=(rd * pl.col("rd_domestic_share")).sum(),
        all_rd=rd.sum(),
        **{name: money_of_fen(values) for name, values in series.items()},
    )
    return sums.select(
        KEY,
        *series,
        *(
            money_of_fen(pl.col(name)).alias(name)
            for name in (*LAST_YEAR, "revenue_3y", "rd_expense_3y")
        ),
        rd_domestic_share=_ratio_of(pl.col("domestic_rd"), pl.col("all_rd")),
    )


def _history_years(sources: SnapshotSources, on: date) -> pl.LazyFrame:
    """Financial rows of the last fiscal year and of the consecutive years before it."""
    year, last_year = pl.col("year"), pl.col("last_year")
    window = (
        sources.financial_years.lazy()
        .join(_last_fiscal_years(sources, on), on=KEY)
        .filter(year.is_between(last_year - HISTORY_YEARS + 1, last_year))
    )
    # With a row for the year before the last the window has no gap; without one only the
    # last year counts, as a row two years back would follow a gap.
    gapless = window.filter(year == last_year - 1).select(KEY, gapless=pl.lit(value=True))
    return window.join(gapless, on=KEY, how="left").filter(
        (year == last_year) | pl.col("gapless").fill_null(value=False)
    )


def _last_fiscal_years(sources: SnapshotSources, on: date) -> pl.LazyFrame:
    """Each enterprise's last fiscal year: its latest financial year before `on`'s year."""
    return (
        sources.financial_years.lazy()
        .filter(pl.col("year") <= on.year - 1)
        .group_by(KEY)
        .agg(last_year=pl.col("year").max())
    )


def _ratio_of(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator, both in 10^-4 units × the same weight, rounded half-even to
    10^-4 as `Decimal(38, 4)`; null when the denominator is 0."""
    quotient, remainder = numerator // denominator, numerator % denominator
    round_up = (2 * remainder > denominator) | (
        (2 * remainder == denominator) & (quotient % 2 == 1)
    )
    units = quotient + round_up.cast(pl.Int128)
    scaled = (units.cast(pl.Decimal(38, 0)) * _RATIO_UNIT).cast(FINE)
    return pl.when(denominator > 0).then(scaled)


def _staff_inputs(sources: SnapshotSources, on: date) -> pl.LazyFrame:
    """Staff of the last fiscal year (the year of the financials' last fiscal year)."""
    last_years = _last_fiscal_years(sources, on).rename({"last_year": "year"})
    return (
        sources.staff_years.lazy()
        .join(last_years, on=[KEY, "year"])
        .select(KEY, staff="total", tech_staff="tech", rd_staff="rd")
    )


def _ip_counted(on: date) -> pl.Expr:
    """Main-product IP of Class I or II, granted, granted by `on` (an unknown grant date
    trusts the status) and not expired at `on` (`expires_on` is its last day in force)."""
    granted_on, expires_on = pl.col("granted_on"), pl.col("expires_on")
    return (
        pl.col("main_product_related")
        & pl.col("ip_type").is_in(sorted(COUNTED_IP_TYPES))
        & (pl.col("status") == COUNTED_IP_STATUS)
        & (granted_on.is_null() | (granted_on <= on))
        & (expires_on.is_null() | (expires_on >= on))
    )


def _ip_inputs(sources: SnapshotSources, on: date) -> pl.LazyFrame:
    """Class I / II IP in force at `on` and related to the main products."""
    class_i = pl.col("ip_type").is_in(sorted(CLASS_I_IP))
    high_value = (pl.col("family_size") >= HIGH_VALUE_FAMILY_SIZE) | (
        pl.col("filed_on") <= years_before(on, HIGH_VALUE_MAINTAINED_YEARS)
    )
    return (
        sources.ip_assets.lazy()
        .filter(_ip_counted(on))
        .group_by(KEY)
        .agg(
            class_i_ip_main=class_i.sum(),
            class_ii_ip_main=pl.col("ip_type").is_in(sorted(CLASS_II_IP)).sum(),
            invention_patents_main=(pl.col("ip_type") == IPType.INVENTION_PATENT).sum(),
            high_value_ip_main=(class_i & high_value.fill_null(value=False)).sum(),
            ip_self_developed=(pl.col("origin") == IPOrigin.SELF_DEVELOPED).any(),
        )
    )


def _certification_inputs(sources: SnapshotSources, on: date) -> pl.LazyFrame:
    """Tokens of the certificates valid at `on` (`valid_to` is the last valid day)."""
    tokens = {kind.value: token for kind, token in CERTIFICATION_TOKENS.items()}
    return (
        sources.certifications.lazy()
        .filter((pl.col("valid_from") <= on) & (pl.col("valid_to") >= on))
        .group_by(KEY)
        .agg(
            certifications=pl.col("kind")
            .replace_strict(tokens, return_dtype=pl.String)
            .unique()
            .sort()
        )
    )


def _funding_inputs(sources: SnapshotSources, on: date) -> pl.LazyFrame:
    """Equity raised in rounds closed by `on`: within two and three years, and in all; the
    stage of the latest round (same day: the later stage in `FundingStage` order)."""
    stage_order = {stage.value: rank for rank, stage in enumerate(FundingStage)}
    amount, closed = pl.col("amount"), pl.col("closed_on")
    rounds = sources.funding_rounds.lazy().filter(closed <= on)
    sums = rounds.group_by(KEY).agg(
        equity_raised_2y=amount.filter(closed >= years_before(on, 2)).sum(),
        equity_raised_3y=amount.filter(closed >= years_before(on, 3)).sum(),
        equity_raised_total=amount.sum(),
        latest_funding_stage=pl.col("stage")
        .sort_by(closed, pl.col("stage").replace_strict(stage_order), amount)
        .last(),
    )
    totals = ("equity_raised_2y", "equity_raised_3y", "equity_raised_total")
    return sums.with_columns(money_of_fen(pl.col(name)).alias(name) for name in totals)


def _standard_inputs(sources: SnapshotSources, on: date) -> pl.LazyFrame:
    """International, national and industry standards led in the five calendar years ending
    with `on`'s year."""
    year = pl.col("year")
    return (
        sources.standards.lazy()
        .filter(
            (pl.col("role") == StandardRole.LED.value)
            & pl.col("level").is_in([level.value for level in STANDARD_LEVELS_LED])
            & year.is_between(on.year - STANDARD_YEARS + 1, on.year)
        )
        .group_by(KEY)
        .agg(standards_led=pl.len())
    )


def _award_inputs(sources: SnapshotSources, on: date) -> pl.LazyFrame:
    """Award tokens (`AWARDS`) from level, rank and year; years counted like standards."""
    level, rank, year = pl.col("level"), pl.col("rank"), pl.col("year")
    national = level == Level.NATIONAL.value
    provincial = level == Level.PROVINCIAL.value
    within_5y = year >= on.year - NATIONAL_AWARD_YEARS + 1
    within_3y = year >= on.year - RECENT_AWARD_YEARS + 1
    tokens = {  # sorted by token, the order of the set column
        "national_award_top5_3y": national & within_3y & (rank <= 5),
        "national_st_award": national,
        "national_st_award_top3": national & within_5y & (rank <= 3),
        "provincial_award_top3_3y": provincial & within_3y & (rank <= 3),
        "st_award_3y": (national | provincial) & within_3y,
    }
    held = (
        sources.awards.lazy()
        .filter(year <= on.year)
        .group_by(KEY)
        .agg(*(test.fill_null(value=False).any().alias(token) for token, test in tokens.items()))
    )
    return held.select(
        KEY,
        awards=pl.concat_list(
            pl.when(pl.col(token)).then(pl.lit(token)) for token in tokens
        ).list.drop_nulls(),
    )


def _institution_inputs(sources: SnapshotSources, on: date) -> pl.LazyFrame:
    """Levels of the R&D institutions recognised by `on`."""
    return (
        sources.rd_institutions.lazy()
        .filter(pl.col("recognised_on") <= on)
        .group_by(KEY)
        .agg(rd_institutions=pl.col("level").unique().sort())
    )


def _compliance_inputs(sources: SnapshotSources, on: date) -> pl.LazyFrame:
    """Compliance flags by their windows (see docs/assessment-inputs.md)."""
    kind, occurred = pl.col("kind"), pl.col("occurred_on")
    violation = kind.is_in([flag.value for flag in VIOLATIONS])
    accident = kind.is_in([flag.value for flag in ACCIDENTS])
    return (
        sources.compliance_flags.lazy()
        .filter(occurred <= on)
        .group_by(KEY)
        .agg(
            major_violation=(violation & (occurred.dt.year() >= on.year - 1)).any(),
            serious_dishonesty=(
                (kind == ComplianceKind.SERIOUS_DISHONESTY.value)
                & (occurred >= years_before(on, DISHONESTY_LIST_YEARS))
            ).any(),
            restricted_products=(kind == ComplianceKind.RESTRICTED_PRODUCT.value).any(),
            major_accident_prior_year=(accident & (occurred >= years_before(on, 1))).any(),
        )
    )


def _known_none() -> list[pl.Expr]:
    """No row in a table the registry keeps whole means none: 0, an empty set, false.
    `ip_self_developed` stays null without main-product IP (nothing to say how it was got)."""
    counts = (
        "class_i_ip_main",
        "class_ii_ip_main",
        "invention_patents_main",
        "high_value_ip_main",
        "standards_led",
    )
    sets = ("certifications", "awards", "rd_institutions")
    flags = (
        "major_violation",
        "serious_dishonesty",
        "restricted_products",
        "major_accident_prior_year",
    )
    equity = ("equity_raised_2y", "equity_raised_3y", "equity_raised_total")
    return [
        *(pl.col(name).fill_null(0) for name in counts),
        *(pl.col(name).fill_null(pl.lit([], dtype=pl.List(pl.String))) for name in sets),
        *(pl.col(name).fill_null(value=False) for name in flags),
        *(pl.col(name).fill_null(pl.lit(Decimal(0), dtype=MONEY)) for name in equity),
    ]


_DERIVATIONS = (
    _financial_inputs,
    _staff_inputs,
    _ip_inputs,
    _certification_inputs,
    _funding_inputs,
    _standard_inputs,
    _award_inputs,
    _institution_inputs,
    _compliance_inputs,
)
