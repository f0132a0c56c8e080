"""What would it take, for the STAR and graded-SME rule sets: series, ladders, flags that apply.

Each case starts from a firm that passes (or, for STAR, fails only where the case says), checks
that starting point with the engine, and compares the advice with a plan worked out by hand
from the rule file and the shipped effort model.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from kejin.assessment.advice.effort import load_effort_model
from kejin.assessment.advice.plans import Plan, advise
from kejin.assessment.model import CriterionResult, EnterpriseSnapshot, Status
from kejin.assessment.standards.catalogue import load_rulesets, ruleset_in_force
from kejin.assessment.standards.engine import assess

ON = dt.date(2026, 6, 1)
RULESETS = load_rulesets()
MODEL = load_effort_model("2025")
D = Decimal
M = 1_000_000

# Passes the 2026 specialised-SME and little-giant rule sets and the innovative-SME score route.
GRADED = EnterpriseSnapshot(
    resident_mainland=True,
    staff=100,
    tech_staff=30,
    rd_staff=25,
    revenue=D(100 * M),
    revenue_3y=D(270 * M),
    main_business_revenue=D(95 * M),
    total_costs=D(80 * M),
    total_assets=D(80 * M),
    total_liabilities=D(32 * M),
    net_profit=D(12 * M),
    rd_expense=D(7 * M),
    rd_expense_3y=D(18 * M),
    rd_expense_history=(D(5 * M), D(6 * M), D(7 * M)),
    sales_history=(D(80 * M), D(90 * M), D(100 * M)),
    main_revenue_history=(D(70 * M), D(80 * M), D(95 * M)),
    class_i_ip_main=4,
    class_ii_ip_main=3,
    high_value_ip_main=1,
    invention_patents_main=7,
    ip_self_developed=True,
    certifications=frozenset({"specialised_sme", "innovative_sme"}),
    awards=frozenset(),
    rd_institutions=frozenset({"provincial"}),
    years_in_niche=10,
    equity_raised_2y=D(0),
    equity_raised_3y=D(0),
    strategic_emerging=True,
    software_company=False,
    international_leading_tech=False,
    national_major_project_lead=False,
    import_substitution=False,
)
PASSING = (Status.MET, Status.MANUAL_REVIEW)


def firm(**changes: object) -> EnterpriseSnapshot:
    return dataclasses.replace(GRADED, **changes)  # type: ignore[arg-type]


def moves(plan: Plan) -> dict[str, tuple[object, object]]:
    return {change.input: (change.before, change.member or change.after) for change in plan.changes}


def effort(cost: Decimal, months: int) -> Decimal:
    return cost + MODEL.month_value * months


def failing(code: str, snapshot: EnterpriseSnapshot) -> set[str]:
    """The failing criteria under failing parents, down to the leaves: why the verdict fails."""
    found: set[str] = set()

    def walk(result: CriterionResult) -> None:
        if result.status is not Status.UNMET:
            return
        if not result.children:
            found.add(result.id)
        for child in result.children:
            walk(child)

    walk(assess(ruleset_in_force(RULESETS, code, ON), snapshot, ON).verdict)
    return found


def test_the_graded_firm_passes_the_2026_mii_rule_sets() -> None:
    for code in ("specialised_sme", "little_giant", "innovative_sme"):
        ruleset = ruleset_in_force(RULESETS, code, ON)
        assert advise(ruleset, GRADED, ON, MODEL).status in PASSING, code


def test_star_growth_the_cheapest_route_is_fifty_patents_and_the_growth_route_is_exact() -> None:
    # Sales 80M → 100M over three years: CAGR 11.8% < 25%, sales 100M < 300M. Exception: 50
    # invention patents, 43 more at 50,000 and 24 months = 2,390,000. Growth route: the latest
    # year must reach 80M × 1.25² = 125M: +25M at 0.5 per yuan and 12 months = 12,620,000.
    star = ruleset_in_force(RULESETS, "star", ON)
    assert failing("star", GRADED) >= {"star.4_growth.cagr", "star.4_growth.revenue"}
    plans = advise(star, GRADED, ON, MODEL).plans
    assert moves(plans[0]) == {"invention_patents_main": (7, 50)}
    assert plans[0].effort == effort(43 * MODEL.inputs["invention_patents_main"].cost, 24)
    growth = next(plan for plan in plans if "sales_history" in moves(plan))
    assert moves(growth)["sales_history"][1] == (D(80 * M), D(90 * M), D(125 * M))
    assert growth.effort == effort(D("12500000"), 12)
    assert "Revenue CAGR" in growth.sentence_en


def test_little_giant_two_year_rd_sum_is_made_up_in_the_latest_year() -> None:
    # R&D 5M then 6M: 11M < 12M over two years; the latest year makes up 1M (1 per yuan, 12
    # months). R&D stays above 3% of sales in both years.
    snapshot = firm(rd_expense_history=(D(4 * M), D(5 * M), D(6 * M)))
    assert failing("little_giant", snapshot) == {"lg.rd.amount"}
    plan = advise(ruleset_in_force(RULESETS, "little_giant", ON), snapshot, ON, MODEL).plans[0]
    assert moves(plan) == {
        "rd_expense_history": (
            (D(4 * M), D(5 * M), D(6 * M)),
            (D(4 * M), D(5 * M), D(7 * M)),
        )
    }
    assert plan.effort == effort(D(M), 12)


def smaller(**changes: object) -> EnterpriseSnapshot:
    """A 30M firm, where 1M of R&D is 3.3% of sales."""
    sales = {
        "revenue": D(30 * M),
        "main_business_revenue": D("28500000"),
        "sales_history": (D(20 * M), D(25 * M), D(30 * M)),
    }
    return firm(**sales | changes)


def test_specialised_sme_each_year_an_earlier_short_year_cannot_be_fixed_now() -> None:
    # R&D must reach 1M in each of the last two years. 0.8M a year ago cannot change now.
    snapshot = smaller(rd_expense_history=(D(M), D("800000"), D("1200000")))
    ruleset = ruleset_in_force(RULESETS, "specialised_sme", ON)
    assert failing("specialised_sme", snapshot) == {"ssme.rd.amount"}
    advice = advise(ruleset, snapshot, ON, MODEL)
    assert advice.plans == ()
    assert [item.criterion for item in advice.excluded] == ["ssme.rd.amount"]
    assert "earlier year" in advice.excluded[0].sentence_en


def test_specialised_sme_each_year_only_the_latest_short_year_is_raised() -> None:
    # 1.2M then 0.9M (3% of 30M sales, enough for the ratio): the latest year needs 1M,
    # +100,000 at 1 per yuan and 12 months.
    snapshot = smaller(rd_expense_history=(D(M), D("1200000"), D("900000")))
    assert failing("specialised_sme", snapshot) == {"ssme.rd.amount"}
    plan = advise(ruleset_in_force(RULESETS, "specialised_sme", ON), snapshot, ON, MODEL).plans[0]
    assert moves(plan)["rd_expense_history"][1] == (D(M), D("1200000"), D(M))
    assert plan.effort == effort(D("100000"), 12)


def test_innovative_sme_innovation_floor_is_reached_up_the_ip_ladder() -> None:
    # Innovation = IP ladder + R&D bands, floor 20. With only Class II IP (5) and R&D at 2% of
    # 100M (10) it is 15. One self-developed Class I item climbs to the 15 rung (+10 → 25) for
    # 50,000 and 24 months = 290,000; R&D to 3% costs +1M and 12 months = 1,120,000; raising
    # 5M of equity 500,000 + 9 months = 590,000; IP demonstration 200,000 + 24 months.
    snapshot = firm(
        class_i_ip_main=0,
        high_value_ip_main=0,
        rd_expense=D(2 * M),
        certifications=frozenset(),
        rd_institutions=frozenset(),
    )
    # The score itself is 15 + 30 (growth 20, debt 40% → 10) + 30 (emerging 10, main 95% → 20).
    direct = {"isme.direct.award", "isme.direct.honour", "isme.direct.institution"}
    assert failing("innovative_sme", snapshot) == {
        "isme.innovation_floor",
        "isme.direct.equity",
        *direct,
    }
    ruleset = ruleset_in_force(RULESETS, "innovative_sme", ON)
    plan = advise(ruleset, snapshot, ON, MODEL).plans[0]
    assert moves(plan) == {"class_i_ip_main": (0, 1)}
    assert plan.effort == effort(MODEL.inputs["class_i_ip_main"].cost, 24)


def test_star_software_firms_meet_their_own_rd_variant() -> None:
    # For a software firm the general R&D test does not apply; its 10% variant does: 3-year
    # R&D 18M of 270M sales is 6.67%, and 10% needs 27M: +9M at 1 per yuan and 12 months. The
    # patents condition does not apply either, so that plan costs 9,120,000 against growth
    # (12,620,000) and 50 patents (2,390,000).
    snapshot = firm(software_company=True)
    star = ruleset_in_force(RULESETS, "star", ON)
    plans = advise(star, snapshot, ON, MODEL).plans
    assert moves(plans[0]) == {"invention_patents_main": (7, 50)}
    rd = next(plan for plan in plans if "rd_expense_3y" in moves(plan))
    assert moves(rd)["rd_expense_3y"] == (D(18 * M), D(27 * M))
