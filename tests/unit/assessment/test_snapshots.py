"""Snapshot frames from registry frames: every derivation, its windows and their edges."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kejin.assessment.inputs.frames import SNAPSHOT_SCHEMA, snapshot_from_row
from kejin.assessment.inputs.snapshots import build_snapshots, years_before
from kejin.assessment.model import AWARDS, CERTIFICATIONS, RD_INSTITUTION_LEVELS, Status
from kejin.assessment.standards.catalogue import load_rulesets, ruleset_in_force
from kejin.assessment.standards.engine import assess
from kejin.registry.frames import RegistryFrames
from tests.unit.assessment.registry_rows import FIRM, registry, snapshot

ON = date(2025, 6, 30)
DAY = timedelta(days=1)


def year(value: int, **figures: int) -> dict[str, int]:
    return {"year": value, **figures}


# --- the frame -------------------------------------------------------------------------------


def test_the_frame_has_exactly_the_snapshot_schema_and_one_row_per_enterprise() -> None:
    frames = registry(enterprises=[{}, {"uscc": "OTHER"}], financial_years=[{}, {"uscc": "OTHER"}])
    built = build_snapshots(frames, ON)
    assert dict(built.schema) == SNAPSHOT_SCHEMA
    assert built["uscc"].to_list() == [FIRM, "OTHER"]
    assert built["enterprise_id"].to_list() == [None, None]


def test_an_empty_registry_gives_an_empty_frame_of_the_schema() -> None:
    built = build_snapshots(RegistryFrames.empty(), ON)
    assert built.is_empty()
    assert dict(built.schema) == SNAPSHOT_SCHEMA


def test_enterprise_ids_are_filled_by_credit_code_when_given() -> None:
    ids = pl.DataFrame({"uscc": ["OTHER", FIRM], "enterprise_id": [8, 5]})
    built = build_snapshots(registry(enterprises=[{}, {"uscc": "OTHER"}]), ON, ids)
    assert built["enterprise_id"].to_list() == [5, 8]


def test_each_enterprise_reads_only_its_own_rows() -> None:
    frames = registry(
        enterprises=[{}, {"uscc": "OTHER"}],
        financial_years=[{"revenue": 100}, {"uscc": "OTHER", "revenue": 900}],
        ip_assets=[{"uscc": "OTHER"}],
        certifications=[{"uscc": "OTHER", "kind": "high_tech"}],
    )
    mine, other = (
        snapshot_from_row(row) for row in build_snapshots(frames, ON).iter_rows(named=True)
    )
    assert (mine.revenue, other.revenue) == (Decimal("1.00"), Decimal("9.00"))
    assert (mine.class_i_ip_main, other.class_i_ip_main) == (0, 1)
    assert (mine.certifications, other.certifications) == (frozenset(), frozenset({"hnte"}))


def test_child_rows_of_an_unknown_credit_code_are_ignored() -> None:
    frames = registry(financial_years=[{"uscc": "NOBODY"}])
    assert build_snapshots(frames, ON).height == 1
    assert snapshot(ON, financial_years=[{"uscc": "NOBODY"}]).revenue is None


# --- financials ------------------------------------------------------------------------------


def test_a_firm_without_financial_rows_has_null_financial_inputs_never_zeros() -> None:
    got = snapshot(ON, staff_years=[{}])
    for name in (
        "revenue",
        "revenue_3y",
        "rd_expense",
        "rd_expense_3y",
        "rd_domestic_share",
        "total_assets",
        "net_profit",
        "sales_history",
        "net_assets_history",
        "staff",  # staff follow the last fiscal year, which there is none of
    ):
        assert getattr(got, name) is None, name


def test_the_last_fiscal_year_is_the_latest_year_before_the_evaluation_year() -> None:
    rows = [year(2023, revenue=100), year(2024, revenue=200), year(2025, revenue=300)]
    assert snapshot(ON, financial_years=rows).revenue == Decimal("2.00")
    assert snapshot(date(2026, 1, 1), financial_years=rows).revenue == Decimal("3.00")
    assert snapshot(date(2023, 12, 31), financial_years=rows).revenue is None


def test_the_last_fiscal_year_gives_every_last_year_figure_exactly() -> None:
    row = year(
        2024,
        revenue=123_456_789,
        main_business_revenue=100_000_001,
        high_tech_revenue=99,
        total_costs=5,
        rd_expense=7,
        total_assets=1_000,
        total_liabilities=2_000,
        net_profit=-1_234,
    )
    got = snapshot(ON, financial_years=[row])
    assert got.revenue == Decimal("1234567.89")
    assert got.main_business_revenue == Decimal("1000000.01")
    assert got.high_tech_revenue == Decimal("0.99")
    assert got.total_costs == Decimal("0.05")
    assert got.rd_expense == Decimal("0.07")
    assert got.total_assets == Decimal("10.00")
    assert got.total_liabilities == Decimal("20.00")
    assert got.net_profit == Decimal("-12.34")
    assert got.net_assets_history == (Decimal("-10.00"),)


def test_one_fiscal_year_gives_series_and_sums_of_that_year() -> None:
    got = snapshot(ON, financial_years=[year(2022, revenue=500, rd_expense=50)])
    assert got.sales_history == (Decimal("5.00"),)
    assert got.revenue_3y == Decimal("5.00")
    assert got.rd_expense_3y == Decimal("0.50")


def test_three_consecutive_years_run_oldest_first_and_are_summed() -> None:
    rows = [
        year(2024, revenue=300, main_business_revenue=30, rd_expense=3, total_liabilities=0),
        year(2022, revenue=100, main_business_revenue=10, rd_expense=1, total_liabilities=0),
        year(2023, revenue=200, main_business_revenue=20, rd_expense=2, total_liabilities=0),
        year(2021, revenue=900, main_business_revenue=90, rd_expense=9, total_liabilities=0),
    ]
    got = snapshot(ON, financial_years=[{"total_assets": 7} | row for row in rows])
    assert got.sales_history == (Decimal("1.00"), Decimal("2.00"), Decimal("3.00"))
    assert got.main_revenue_history == (Decimal("0.10"), Decimal("0.20"), Decimal("0.30"))
    assert got.rd_expense_history == (Decimal("0.01"), Decimal("0.02"), Decimal("0.03"))
    assert got.net_assets_history == (Decimal("0.07"),) * 3
    assert got.revenue_3y == Decimal("6.00")
    assert got.rd_expense_3y == Decimal("0.06")


def test_a_gap_before_the_last_fiscal_year_ends_the_history() -> None:
    got = snapshot(ON, financial_years=[year(2022, revenue=100), year(2024, revenue=300)])
    assert got.sales_history == (Decimal("3.00"),)
    assert got.revenue_3y == Decimal("3.00")
    got = snapshot(
        ON,
        financial_years=[year(2021, revenue=1), year(2023, revenue=200), year(2024, revenue=300)],
    )
    assert got.sales_history == (Decimal("2.00"), Decimal("3.00"))


def test_the_domestic_rd_share_is_weighted_by_rd_expense() -> None:
    rows = [
        year(2023, rd_expense=100, rd_domestic_share=5_000),
        year(2024, rd_expense=300, rd_domestic_share=10_000),
    ]
    assert snapshot(ON, financial_years=rows).rd_domestic_share == Decimal("0.8750")


@pytest.mark.parametrize(
    ("shares", "expected"),
    [((1, 2), Decimal("0.0002")), ((1, 0), Decimal("0.0000")), ((3, 2), Decimal("0.0002"))],
)
def test_the_domestic_rd_share_rounds_half_even(shares: tuple[int, int], expected: Decimal) -> None:
    rows = [year(2023 + n, rd_expense=1, rd_domestic_share=s) for n, s in enumerate(shares)]
    assert snapshot(ON, financial_years=rows).rd_domestic_share == expected


def test_without_rd_expense_the_domestic_share_is_unknown() -> None:
    got = snapshot(ON, financial_years=[year(2024, rd_expense=0)])
    assert got.rd_domestic_share is None
    assert got.rd_expense == Decimal("0.00")


def test_staff_come_from_the_last_fiscal_years_staff_row() -> None:
    staff = [year(2023, total=10), year(2024, total=20), year(2025, total=30)]
    assert snapshot(ON, financial_years=[year(2024)], staff_years=staff).staff == 20
    assert snapshot(ON, financial_years=[year(2023)], staff_years=staff).staff == 10
    got = snapshot(ON, financial_years=[year(2022)], staff_years=staff)
    assert (got.staff, got.tech_staff, got.rd_staff) == (None, None, None)


# --- intellectual property -------------------------------------------------------------------


def ip(**fields: object) -> dict[str, object]:
    return {"number": f"ZL{sorted(fields.items())}"} | fields


def test_class_i_and_ii_ip_counts_only_granted_main_product_ip_in_force() -> None:
    assets = [
        ip(ip_type="invention_patent"),
        ip(ip_type="ic_layout"),
        ip(ip_type="utility_model"),
        ip(ip_type="software_copyright"),
        ip(ip_type="trademark"),  # neither class
        ip(ip_type="invention_patent", main_product_related=False),
        ip(ip_type="invention_patent", status="pending", granted_on=None),
        ip(ip_type="invention_patent", status="expired"),
        ip(ip_type="invention_patent", status="lapsed"),
        ip(ip_type="design_patent", status="invalidated"),
    ]
    got = snapshot(ON, ip_assets=assets)
    assert (got.class_i_ip_main, got.class_ii_ip_main) == (2, 2)
    assert got.invention_patents_main == 1


def test_ip_is_in_force_from_its_grant_to_its_expiry_day() -> None:
    assets = [
        ip(expires_on=ON - DAY),  # expired the day before
        ip(expires_on=ON),  # its last day
        ip(granted_on=ON + DAY),  # granted the day after
        ip(granted_on=ON),
        ip(granted_on=None, expires_on=None),  # the status says granted; dates unknown
    ]
    assert snapshot(ON, ip_assets=assets).class_i_ip_main == 3


def test_high_value_ip_has_a_family_abroad_or_ten_years_of_maintenance() -> None:
    ten_years = years_before(ON, 10)
    assets = [
        ip(family_size=2),
        ip(family_size=1, filed_on=ten_years),
        ip(family_size=1, filed_on=ten_years + DAY),
        ip(family_size=None, filed_on=date(2020, 1, 1)),
        ip(ip_type="utility_model", family_size=5),  # Class II is never high-value here
        ip(family_size=3, main_product_related=False),
    ]
    assert snapshot(ON, ip_assets=assets).high_value_ip_main == 2


def test_self_developed_ip_is_unknown_without_main_product_ip() -> None:
    assert snapshot(ON).ip_self_developed is None
    assert snapshot(ON, ip_assets=[ip(main_product_related=False)]).ip_self_developed is None
    assert snapshot(ON, ip_assets=[ip(ip_type="trademark")]).ip_self_developed is None


def test_self_developed_ip_is_false_when_all_main_product_ip_was_acquired() -> None:
    acquired = [ip(origin="acquired"), ip(ip_type="utility_model", origin="acquired")]
    assert snapshot(ON, ip_assets=acquired).ip_self_developed is False
    mixed = [*acquired, ip(ip_type="software_copyright")]
    assert snapshot(ON, ip_assets=mixed).ip_self_developed is True


def test_a_firm_without_ip_has_zero_counts() -> None:
    got = snapshot(ON)
    assert (got.class_i_ip_main, got.class_ii_ip_main) == (0, 0)
    assert (got.invention_patents_main, got.high_value_ip_main) == (0, 0)


# --- the enterprise itself -------------------------------------------------------------------


def test_age_is_counted_in_days_and_niche_years_in_whole_years() -> None:
    founded = {"founded_on": date(2020, 7, 1)}
    got = snapshot(ON, enterprises=[founded])
    assert got.age_days == (ON - date(2020, 7, 1)).days
    assert got.years_in_niche == 4  # the fifth anniversary is tomorrow
    assert snapshot(ON + DAY, enterprises=[founded]).years_in_niche == 5


@pytest.mark.parametrize(
    ("industry_code", "expected"), [("6513", True), ("I6550", True), ("65", True), ("3563", False)]
)
def test_software_companies_are_industry_division_65(industry_code: str, expected: bool) -> None:
    assert snapshot(ON, enterprises=[{"industry_code": industry_code}]).software_company is expected


def test_strategic_emerging_means_any_category_but_none() -> None:
    assert snapshot(ON, enterprises=[{"emerging_industry": "biotech"}]).strategic_emerging
    assert not snapshot(ON, enterprises=[{"emerging_industry": "none"}]).strategic_emerging


def test_a_known_cluster_lies_in_a_key_supported_field_and_an_unknown_one_is_unknown() -> None:
    assert snapshot(ON, enterprises=[{"cluster": "new_energy"}]).key_supported_field is True
    assert snapshot(ON, enterprises=[{"cluster": "tourism"}]).key_supported_field is None


def test_registered_firms_are_resident_and_inputs_outside_the_registry_are_unknown() -> None:
    got = snapshot(ON)
    assert got.resident_mainland is True
    assert got.conversions_per_year is None
    assert got.national_major_project_lead is None
    assert got.import_substitution is None
    assert got.international_leading_tech is None


# --- certificates, standards, awards, institutions ------------------------------------------


def test_certificates_count_from_their_first_to_their_last_valid_day() -> None:
    certificates = [
        {"kind": "high_tech", "number": "1", "valid_to": ON},
        {"kind": "little_giant", "number": "2", "valid_to": ON - DAY},  # expired yesterday
        {"kind": "innovative_sme", "number": "3", "valid_from": ON},
        {"kind": "specialised_sme", "number": "4", "valid_from": ON + DAY},
        {"kind": "tech_sme", "number": "5"},
        {"kind": "tech_sme", "number": "6"},
    ]
    got = snapshot(ON, certifications=certificates)
    assert got.certifications == frozenset({"hnte", "innovative_sme", "tech_sme"})


def test_every_certificate_kind_has_a_token_of_the_vocabulary() -> None:
    kinds = ["high_tech", "tech_sme", "innovative_sme", "specialised_sme", "little_giant"]
    rows = [{"kind": kind, "number": kind} for kind in kinds]
    got = snapshot(ON, certifications=rows).certifications
    assert got is not None
    assert len(got) == len(kinds)
    assert got <= CERTIFICATIONS


def test_standards_led_count_higher_levels_in_the_five_years_ending_this_year() -> None:
    standards = [
        {"level": "international", "year": 2025},
        {"level": "national", "year": 2021},
        {"level": "industry", "year": 2023},
        {"level": "national", "year": 2020},  # six calendar years back
        {"level": "national", "year": 2026},  # not yet
        {"level": "local", "year": 2024},
        {"level": "group", "year": 2024},
        {"level": "national", "role": "participated", "year": 2024},
    ]
    assert snapshot(ON, standards=standards).standards_led == 3


@pytest.mark.parametrize(
    ("award", "tokens"),
    [
        (
            {"level": "national", "rank": 3, "year": 2023},
            {
                "national_st_award",
                "national_st_award_top3",
                "national_award_top5_3y",
                "st_award_3y",
            },
        ),
        (
            {"level": "national", "rank": 2, "year": 2021},
            {"national_st_award", "national_st_award_top3"},
        ),
        ({"level": "national", "rank": 2, "year": 2020}, {"national_st_award"}),
        (
            {"level": "national", "rank": 5, "year": 2025},
            {"national_st_award", "national_award_top5_3y", "st_award_3y"},
        ),
        ({"level": "national", "rank": 6, "year": 2025}, {"national_st_award", "st_award_3y"}),
        ({"level": "national", "rank": None, "year": 2025}, {"national_st_award", "st_award_3y"}),
        (
            {"level": "provincial", "rank": 3, "year": 2023},
            {"provincial_award_top3_3y", "st_award_3y"},
        ),
        ({"level": "provincial", "rank": 4, "year": 2023}, {"st_award_3y"}),
        ({"level": "provincial", "rank": 1, "year": 2022}, set()),
        ({"level": "municipal", "rank": 1, "year": 2025}, set()),
        ({"level": "national", "rank": 1, "year": 2026}, set()),  # not yet awarded
    ],
)
def test_award_tokens_follow_level_rank_and_year(
    award: dict[str, object], tokens: set[str]
) -> None:
    got = snapshot(ON, awards=[award]).awards
    assert got == frozenset(tokens)
    assert got <= AWARDS


def test_rd_institutions_give_the_levels_recognised_by_the_evaluation_date() -> None:
    institutions = [
        {"level": "national", "recognised_on": ON},
        {"level": "municipal", "recognised_on": date(2019, 5, 1)},
        {"level": "municipal", "recognised_on": date(2021, 5, 1)},
        {"level": "district", "recognised_on": ON + DAY},
    ]
    got = snapshot(ON, rd_institutions=institutions).rd_institutions
    assert got == frozenset({"national", "municipal"})
    assert got <= RD_INSTITUTION_LEVELS


def test_a_firm_without_such_rows_holds_empty_sets() -> None:
    got = snapshot(ON)
    assert got.certifications == got.awards == got.rd_institutions == frozenset()
    assert got.standards_led == 0


# --- compliance ------------------------------------------------------------------------------


def flag(kind: str, occurred_on: date) -> dict[str, object]:
    return {"kind": kind, "occurred_on": occurred_on}


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([flag("quality_incident", date(2024, 1, 1))], True),  # last year
        ([flag("research_misconduct", ON)], True),  # this year
        ([flag("environmental_violation", date(2023, 12, 31))], False),  # the year before last
        ([flag("safety_incident", ON + DAY)], False),  # after the evaluation date
        ([flag("serious_dishonesty", ON)], False),  # another flag
    ],
)
def test_a_major_violation_counts_this_year_or_last_year(
    flags: list[dict[str, object]], expected: bool
) -> None:
    assert snapshot(ON, compliance_flags=flags).major_violation is expected


def test_a_serious_dishonesty_listing_counts_for_three_years() -> None:
    start = years_before(ON, 3)
    listed = snapshot(ON, compliance_flags=[flag("serious_dishonesty", start)])
    assert listed.serious_dishonesty is True
    lifted = snapshot(ON, compliance_flags=[flag("serious_dishonesty", start - DAY)])
    assert lifted.serious_dishonesty is False


def test_restricted_products_count_whenever_flagged_before_the_evaluation_date() -> None:
    old = snapshot(ON, compliance_flags=[flag("restricted_product", date(2010, 1, 1))])
    assert old.restricted_products is True
    later = snapshot(ON, compliance_flags=[flag("restricted_product", ON + DAY)])
    assert later.restricted_products is False


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([flag("safety_incident", years_before(ON, 1))], True),
        ([flag("environmental_violation", ON)], True),
        ([flag("quality_incident", years_before(ON, 1) - DAY)], False),
        ([flag("research_misconduct", ON)], False),  # not an accident
    ],
)
def test_a_major_accident_counts_within_the_year_before_the_evaluation_date(
    flags: list[dict[str, object]], expected: bool
) -> None:
    assert snapshot(ON, compliance_flags=flags).major_accident_prior_year is expected


def test_a_firm_without_flags_is_clean() -> None:
    got = snapshot(ON)
    assert got.major_violation is got.serious_dishonesty is False
    assert got.restricted_products is got.major_accident_prior_year is False


# --- funding ---------------------------------------------------------------------------------


def funding(closed_on: date, amount: int, stage: str = "series_a") -> dict[str, object]:
    return {"closed_on": closed_on, "amount": amount, "stage": stage}


def test_equity_raised_sums_rounds_in_two_and_three_years_and_in_all() -> None:
    rounds = [
        funding(years_before(ON, 2), 100),  # the first day of the two-year window
        funding(years_before(ON, 2) - DAY, 1_000),
        funding(years_before(ON, 3), 10_000),
        funding(years_before(ON, 3) - DAY, 100_000),
        funding(ON + DAY, 1_000_000),  # after the evaluation date
    ]
    got = snapshot(ON, funding_rounds=rounds)
    assert got.equity_raised_2y == Decimal("1.00")
    assert got.equity_raised_3y == Decimal("111.00")
    assert got.equity_raised_total == Decimal("1111.00")


def test_the_latest_funding_stage_is_that_of_the_last_round_closed() -> None:
    rounds = [
        funding(date(2024, 1, 1), 1, "series_b"),
        funding(date(2024, 3, 1), 1, "pre_a"),
        funding(ON + DAY, 1, "series_c"),
    ]
    assert snapshot(ON, funding_rounds=rounds).latest_funding_stage == "pre_a"
    same_day = [funding(ON, 1, "series_b"), funding(ON, 1, "angel")]
    assert snapshot(ON, funding_rounds=same_day).latest_funding_stage == "series_b"


def test_a_firm_without_rounds_raised_nothing_and_has_no_stage() -> None:
    got = snapshot(ON)
    assert got.equity_raised_2y == got.equity_raised_3y == got.equity_raised_total == Decimal(0)
    assert got.latest_funding_stage is None


# --- with the rule sets ----------------------------------------------------------------------


def test_a_built_snapshot_meets_the_tech_sme_direct_route_through_its_hnte_certificate() -> None:
    got = snapshot(
        ON,
        financial_years=[{}],
        staff_years=[{}],
        certifications=[{"kind": "high_tech"}],
    )
    ruleset = ruleset_in_force(load_rulesets(), "tech_sme", ON)
    verdict = assess(ruleset, got, ON).verdict
    direct = verdict.find("tsme.direct.hnte")
    assert direct is not None
    assert direct.status is Status.MET
    assert verdict.status is Status.MET


# --- the financial history against a scalar reference ----------------------------------------


def reference_history(
    rows: dict[int, tuple[int, int, int]], on: date
) -> tuple[tuple[Decimal, ...] | None, Decimal | None]:
    """Sales history and domestic R&D share by hand: the last year before `on`'s year, then
    the years before it while they follow without a gap, at most three."""
    years = [year for year in rows if year < on.year]
    if not years:
        return None, None
    history = [max(years)]
    while len(history) < 3 and history[0] - 1 in rows:
        history.insert(0, history[0] - 1)
    sales = tuple(Decimal(rows[year][0]) / 100 for year in history)
    rd = sum(rows[year][1] for year in history)
    domestic = sum(rows[year][1] * rows[year][2] for year in history)
    share = (Decimal(domestic) / rd / 10_000).quantize(Decimal("0.0001")) if rd else None
    return sales, share


@given(
    rows=st.dictionaries(
        st.integers(2015, 2026),
        st.tuples(st.integers(-(10**12), 10**12), st.integers(0, 10**11), st.integers(0, 10_000)),
        max_size=8,
    ),
    on=st.dates(date(2016, 1, 1), date(2027, 12, 31)),
)
@settings(max_examples=150, deadline=None)
def test_the_financial_history_matches_a_scalar_reference(
    rows: dict[int, tuple[int, int, int]], on: date
) -> None:
    financial_years = [
        year(value, revenue=revenue, rd_expense=rd, rd_domestic_share=share)
        for value, (revenue, rd, share) in rows.items()
    ]
    got = snapshot(on, financial_years=financial_years)
    sales, share = reference_history(rows, on)
    assert got.sales_history == sales
    assert got.revenue_3y == (sum(sales, Decimal(0)) if sales is not None else None)
    assert got.rd_domestic_share == share
