"""What would it take: hand-worked cheapest plans per shipped rule set, and plan properties.

The expected plans below are worked out by hand from the rule files and the shipped effort
model (`config/effort-2025.json`); each case says how. A property test then checks, for random
enterprises, that every plan really passes when applied and that no change in it is spare.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kejin.assessment.advice.effort import load_effort_model
from kejin.assessment.advice.plans import Advice, Plan, advise, advise_all, apply
from kejin.assessment.model import (
    CriterionResult,
    EnterpriseSnapshot,
    Points,
    RuleSetVersion,
    Status,
)
from kejin.assessment.standards import engine
from kejin.assessment.standards.catalogue import load_rulesets, ruleset_in_force
from kejin.assessment.standards.rules import Criterion, Measure, RuleSet

ON = dt.date(2025, 6, 1)
RULESETS = load_rulesets()
MODEL = load_effort_model("2025")
TECH_SME = ruleset_in_force(RULESETS, "tech_sme", ON)
HNTE = ruleset_in_force(RULESETS, "hnte", ON)
PASSING = (Status.MET, Status.MANUAL_REVIEW)
D = Decimal

# A firm that passes both rule sets: tech SME by score 20 + 50 + 18 = 88, HNTE with an
# innovation score of 26 (IP) + 12 + 20 + 14 (growth) = 72 at the top of its range.
BASE = EnterpriseSnapshot(
    resident_mainland=True,
    staff=100,
    tech_staff=30,
    revenue=D(10_000_000),
    revenue_3y=D(25_000_000),
    total_costs=D(8_000_000),
    rd_expense=D(600_000),
    rd_expense_3y=D(1_500_000),
    rd_domestic_share=D("0.9"),
    high_tech_revenue=D(7_000_000),
    total_assets=D(20_000_000),
    restricted_products=False,
    major_violation=False,
    serious_dishonesty=False,
    major_accident_prior_year=False,
    key_supported_field=True,
    class_i_ip_main=0,
    class_ii_ip_main=3,
    ip_self_developed=True,
    age_days=800,
    certifications=frozenset(),
    awards=frozenset(),
    rd_institutions=frozenset(),
    standards_led=0,
    conversions_per_year=D(2),
    net_assets_history=(D(5_000_000), D(6_000_000), D(7_000_000)),
    sales_history=(D(6_000_000), D(8_000_000), D(10_000_000)),
)


def firm(**changes: object) -> EnterpriseSnapshot:
    return dataclasses.replace(BASE, **changes)  # type: ignore[arg-type]


def moves(plan: Plan) -> dict[str, tuple[object, object]]:
    """input → (before, after) of every change; a set input shows the token obtained."""
    return {change.input: (change.before, change.member or change.after) for change in plan.changes}


def effort(cost: Decimal, months: int) -> Decimal:
    return cost + MODEL.month_value * months


def unit(name: str) -> Decimal:
    return MODEL.inputs[name].cost


def test_the_base_firm_passes_both_and_needs_no_advice() -> None:
    for ruleset in (TECH_SME, HNTE):
        advice = advise(ruleset, BASE, ON, MODEL)
        assert advice.status in PASSING
        assert advice.plans == ()
        assert advice.missing == ()


def test_tech_sme_with_9_percent_tech_staff_and_no_ip_hires_two_and_files_a_class_ii_ip() -> None:
    # Score 0 + 50 + 0 = 50 and A = 0. A > 0 needs 10%: (9 + x) / (100 + x) ≥ 0.1 → x ≥ 1.11,
    # so 2 hires (the second costs 5% more); that gives A = 4 and 54, and the cheapest 6 more
    # points is one Class II IP (C = 6). Leading a standard (540,000) or 8 hires cost more.
    advice = advise(TECH_SME, firm(tech_staff=9, class_ii_ip_main=0), ON, MODEL)
    best = advice.plans[0]
    assert advice.status is Status.UNMET
    assert moves(best) == {"tech_staff": (9, 11), "class_ii_ip_main": (0, 1)}
    assert dict(best.changes[0].also) == {"staff": 2}
    hires = unit("tech_staff") * (1 + MODEL.inputs["tech_staff"].factor)
    assert best.cost == hires + unit("class_ii_ip_main")
    assert best.months == 6
    assert best.effort == effort(best.cost, 6) == D(478_000)
    assert best.outcome is Status.MET
    assert "9% → 10.78%" in best.sentence_en
    assert "科技人员增加2名" in best.sentence_zh


def test_tech_sme_with_no_rd_score_and_no_ip_mixes_four_class_ii_with_rd_at_3_percent() -> None:
    # Score 20 + 0 + 0 = 20 (R&D 1% of sales, 1.25% of costs): 40 more points. Worked mixes:
    # 4 Class II (24) + R&D 3% of sales (20, +200,000) → 232,000 + 12 months = 352,000;
    # Class I (30) + R&D 2% (10) → 150,000 + 24 months = 390,000; R&D 5% alone → 520,000.
    advice = advise(TECH_SME, firm(rd_expense=D(100_000), class_ii_ip_main=0), ON, MODEL)
    best = advice.plans[0]
    assert moves(best) == {
        "class_ii_ip_main": (0, 4),
        "rd_expense": (D(100_000), D(300_000)),
    }
    assert best.effort == effort(4 * unit("class_ii_ip_main") + D(200_000), 12) == D(352_000)
    assert [plan.effort for plan in advice.plans] == sorted(plan.effort for plan in advice.plans)
    rd = next(change for change in best.changes if change.input == "rd_expense")
    assert dict(rd.also) == {"total_costs": D(200_000)}
    assert "20万元" in rd.sentence_zh
    assert "CNY 200,000" in rd.sentence_en


def test_a_major_violation_is_not_achievable_before_it_lapses() -> None:
    advice = advise(TECH_SME, firm(major_violation=True), ON, MODEL)
    (plan,) = advice.plans
    assert moves(plan) == {"major_violation": (True, False)}
    assert plan.not_before == dt.date(2027, 1, 1)
    assert plan.cost == 0
    assert "Not achievable before 2027-01-01" in plan.sentence_en


def test_a_firm_on_the_dishonesty_list_gets_no_plan_and_the_reason() -> None:
    advice = advise(TECH_SME, firm(serious_dishonesty=True), ON, MODEL)
    assert advice.plans == ()
    assert [item.input for item in advice.excluded] == ["serious_dishonesty"]
    assert "credit repair" in advice.sentence_en


def test_a_firm_above_500_staff_is_not_told_to_shrink() -> None:
    advice = advise(TECH_SME, firm(staff=600, tech_staff=180), ON, MODEL)
    assert advice.plans == ()
    assert any(item.input == "staff" for item in advice.excluded)


def test_missing_data_comes_first_and_plans_that_do_not_need_it_still_count() -> None:
    # Without R&D figures the score route is unknown; the direct routes do not read them, and
    # leading a standard (300,000 + 24 months) is the cheapest direct route priced on its own.
    advice = advise(TECH_SME, firm(rd_expense=None), ON, MODEL)
    assert advice.status is Status.UNKNOWN
    assert [item.input for item in advice.missing] == ["rd_expense"]
    assert advice.sentence_en.startswith(
        "Tech-based SME evaluation: cannot be decided yet. Provide the missing data first: "
        "R&D expense (rd_expense)."
    )
    assert moves(advice.plans[0]) == {"standards_led": (0, 1)}
    assert advice.plans[0].effort == effort(unit("standards_led"), 24)


def test_an_hnte_certificate_is_priced_by_the_hnte_rule_set_when_it_is_given() -> None:
    # Tech SME score 20 + 0 + 18 = 38 (R&D 1% last year), yet the HNTE conditions hold (3-year
    # R&D 6%): the certificate costs its own 50,000 + 6 months = 110,000, less than the
    # cheapest score mix (R&D to 3% and a 4th Class II: 208,000 + 12 months = 328,000).
    snapshot = firm(rd_expense=D(100_000))
    priced = {advice.ruleset: advice for advice in advise_all(RULESETS, snapshot, ON, MODEL)}
    best = priced["tech_sme"].plans[0]
    assert moves(best) == {"certifications": (frozenset(), "hnte")}
    assert best.changes[0].prerequisite is not None
    assert best.changes[0].prerequisite.changes == ()
    assert best.effort == effort(D(50_000), 6)
    unpriced = advise(TECH_SME, snapshot, ON, MODEL)
    assert all("certifications" not in moves(plan) for plan in unpriced.plans)
    assert any(item.input == "certifications" for item in unpriced.excluded)


def test_hnte_with_42_percent_high_tech_revenue_and_no_ip() -> None:
    # Condition 6: 60% of 10,000,000 needs +1,800,000 high-tech revenue at the current sales
    # (0.2 per yuan → 360,000, 12 months). Condition 2 needs one IP item, and the innovation
    # score (68 at most without IP) needs 71: three Class II items give 3–4 quantity points
    # (72) for 24,000, cheaper than a Class I patent (24 months) or more conversions.
    advice = advise(HNTE, firm(high_tech_revenue=D(4_200_000), class_ii_ip_main=0), ON, MODEL)
    best = advice.plans[0]
    assert moves(best) == {
        "high_tech_revenue": (D(4_200_000), D(6_000_000)),
        "class_ii_ip_main": (0, 3),
    }
    assert best.effort == effort(D(360_000) + 3 * unit("class_ii_ip_main"), 12) == D(504_000)
    assert best.outcome is Status.MANUAL_REVIEW
    assert "expert-judged" in best.sentence_en
    assert "按当前销售收入" in best.sentence_zh


def test_a_young_firm_is_told_the_earliest_date_for_hnte() -> None:
    advice = advise(HNTE, firm(age_days=200), ON, MODEL)
    (plan,) = advice.plans
    assert moves(plan) == {"age_days": (200, 365)}
    assert plan.not_before == ON + dt.timedelta(days=165)
    assert plan.cost == 0


@pytest.mark.parametrize(
    ("revenue", "revenue_3y", "rd_3y", "needed"),
    [
        # ≤ 50M last year: 5% of 25M is 1,250,000.
        (D(10_000_000), D(25_000_000), D(1_000_000), D(1_250_000)),
        # 50M–200M: 4% of 200M is 8,000,000.
        (D(80_000_000), D(200_000_000), D(7_000_000), D(8_000_000)),
    ],
)
def test_hnte_rd_intensity_names_the_rd_needed_at_the_current_sales(
    revenue: Decimal, revenue_3y: Decimal, rd_3y: Decimal, needed: Decimal
) -> None:
    snapshot = firm(
        revenue=revenue,
        revenue_3y=revenue_3y,
        rd_expense_3y=rd_3y,
        high_tech_revenue=revenue * D("0.7"),
    )
    best = advise(HNTE, snapshot, ON, MODEL).plans[0]
    assert moves(best) == {"rd_expense_3y": (rd_3y, needed)}
    assert best.effort == effort(needed - rd_3y, 12)
    assert "at the current sales over three years" in best.sentence_en


def test_a_major_accident_lapses_a_year_on_at_the_latest() -> None:
    (plan,) = advise(HNTE, firm(major_accident_prior_year=True), ON, MODEL).plans
    assert plan.not_before == dt.date(2026, 6, 1)


def test_a_core_technology_outside_the_key_fields_gets_no_plan() -> None:
    advice = advise(HNTE, firm(key_supported_field=False), ON, MODEL)
    assert advice.plans == ()
    assert [item.criterion for item in advice.excluded] == ["hnte.3_field"]


def test_advice_is_json() -> None:
    advice = advise(HNTE, firm(high_tech_revenue=D(4_200_000), class_ii_ip_main=0), ON, MODEL)
    decoded = json.loads(json.dumps(advice.to_dict(), ensure_ascii=False))
    assert decoded["status"] == "unmet"
    assert decoded["plans"][0]["changes"][0]["before"] == "4200000"
    assert decoded["plans"][0]["outcome"] == "manual_review"


def test_apply_moves_coupled_inputs_and_adds_tokens() -> None:
    advice = advise(TECH_SME, firm(tech_staff=9, class_ii_ip_main=0), ON, MODEL)
    changed = apply(BASE, advice.plans[0])
    assert (changed.tech_staff, changed.staff, changed.class_ii_ip_main) == (11, 102, 1)
    priced = {a.ruleset: a for a in advise_all(RULESETS, firm(rd_expense=D(100_000)), ON, MODEL)}
    with_certificate = apply(BASE, priced["tech_sme"].plans[0])
    assert with_certificate.certifications == frozenset({"hnte"})


def test_hires_that_would_push_staff_past_500_are_not_proposed() -> None:
    # 49 of 500 is 9.8%: 10% needs 2 hires (440,000 with their 3 months, cheaper than any
    # direct route), but 502 staff breaks the SME limit. The engine refuses that candidate;
    # leading a standard (540,000) is the cheapest route left.
    snapshot = firm(staff=500, tech_staff=49)
    advice = advise(TECH_SME, snapshot, ON, MODEL)
    assert all("tech_staff" not in moves(plan) for plan in advice.plans)
    assert moves(advice.plans[0]) == {"standards_led": (0, 1)}
    _check_plans(TECH_SME, snapshot, advice)


def test_changes_that_interact_are_completed_until_the_engine_agrees() -> None:
    # Tech staff ≥ 30% (met: 30/100) and R&D staff ≥ 20% (10/100). R&D hires also raise total
    # staff: 13 of them give 23/113, and the tech share falls to 26.5%; 6 tech hires give
    # 36/119 but R&D 23/119 < 20%; one more R&D hire: 24/120 = 20% and 36/120 = 30%.
    both = _label(
        "root",
        "all_of",
        children=(
            _label(
                "tech", "threshold", measure=Measure("tech_staff", "staff"), op=">=", value=D("0.3")
            ),
            _label(
                "rd", "threshold", measure=Measure("rd_staff", "staff"), op=">=", value=D("0.2")
            ),
        ),
    )
    plan = advise(_ruleset(both), firm(rd_staff=10), ON, MODEL).plans[0]
    assert moves(plan) == {"tech_staff": (30, 36), "rd_staff": (10, 24)}
    assert apply(BASE, plan).staff == 120


def test_an_input_the_effort_model_does_not_price_is_never_planned() -> None:
    # Without a Class II entry the score route needs a Class I patent beside the 2 hires
    # (460,000 + 24 months = 700,000), so leading a standard (540,000) becomes the cheapest.
    unpriced = dataclasses.replace(
        MODEL, inputs={n: s for n, s in MODEL.inputs.items() if n != "class_ii_ip_main"}
    )
    advice = advise(TECH_SME, firm(tech_staff=9, class_ii_ip_main=0), ON, unpriced)
    assert [moves(plan) for plan in advice.plans[:2]] == [
        {"standards_led": (0, 1)},
        {"tech_staff": (9, 11), "class_i_ip_main": (0, 1)},
    ]
    assert all("class_ii_ip_main" not in moves(plan) for plan in advice.plans)


# --- a kind the advice does not know yet --------------------------------------------------


def _future_kind(criterion: Criterion, run: object) -> CriterionResult:
    return CriterionResult(criterion.id, Status.UNMET, Points.exact(0), {}, "", "")


def _ruleset(root: Criterion) -> RuleSet:
    version = RuleSetVersion("test", "测试", "Test", "—", "—", "1", ON, None, "")
    return RuleSet(version, root)


def _label(id_: str, kind: str, **fields: object) -> Criterion:
    return Criterion(id_, kind, id_, id_, **fields)  # type: ignore[arg-type]


CLASS_II = _label("class_ii", "threshold", measure=Measure("class_ii_ip_main"), op=">=", value=D(5))


def test_an_unknown_kind_gives_no_advice_for_it_and_the_other_routes_still_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(engine._KINDS, "future_kind", _future_kind)
    routes = _label("root", "any_of", children=(_label("new", "future_kind"), CLASS_II))
    advice = advise(_ruleset(routes), BASE, ON, MODEL)
    assert moves(advice.plans[0]) == {"class_ii_ip_main": (3, 5)}
    assert [item.sentence_en for item in advice.excluded] == ["new: no advice for kind future_kind"]
    required = _label("root", "all_of", children=(_label("new", "future_kind"), CLASS_II))
    blocked = advise(_ruleset(required), BASE, ON, MODEL)
    assert blocked.plans == ()
    assert "no advice for kind future_kind" in blocked.sentence_en


# --- properties over random enterprises ---------------------------------------------------

# Mostly inside the tech-SME size limits (≤ 500 staff, ≤ 2亿), so that most unmet firms can act.
money = st.integers(min_value=0, max_value=210_000_000).map(Decimal)
share = st.integers(min_value=0, max_value=100).map(lambda pct: Decimal(pct) / 100)
history = st.lists(
    st.integers(min_value=0, max_value=50_000_000).map(Decimal), min_size=1, max_size=3
).map(tuple)


# Inputs the shipped rule sets read; a drawn firm may miss one of them.
READ = sorted(
    {"staff", "tech_staff", "rd_staff", "revenue", "revenue_3y", "total_costs", "rd_expense_3y"}
    | {"high_tech_revenue", "class_i_ip_main", "class_ii_ip_main", "age_days"}
    | {"certifications", "standards_led", "conversions_per_year", "sales_history"}
    | {"main_business_revenue", "rd_expense_history", "total_liabilities", "years_in_niche"}
)


@st.composite
def enterprises(draw: st.DrawFn) -> EnterpriseSnapshot:
    staff = draw(st.integers(min_value=1, max_value=520))
    revenue = draw(money)
    maybe = st.booleans()
    rarely = st.sampled_from([False] * 7 + [True])
    tokens = ["hnte", "tech_sme", "innovative_sme", "specialised_sme"]
    snapshot = EnterpriseSnapshot(
        resident_mainland=not draw(rarely),
        staff=staff,
        tech_staff=draw(st.integers(min_value=0, max_value=staff)),
        rd_staff=draw(st.integers(min_value=0, max_value=staff)),
        revenue=revenue,
        revenue_3y=revenue * draw(st.integers(min_value=1, max_value=3)),
        main_business_revenue=revenue * draw(share),
        total_costs=draw(money),
        rd_expense=draw(st.none() | money.map(lambda amount: amount / 20)),
        rd_expense_3y=draw(money.map(lambda amount: amount / 10)),
        rd_expense_history=draw(history.map(lambda years: tuple(v / 10 for v in years))),
        rd_domestic_share=draw(share),
        high_tech_revenue=revenue * draw(share),
        total_assets=draw(money),
        total_liabilities=draw(money),
        net_profit=draw(money.map(lambda amount: amount / 10)),
        restricted_products=draw(rarely),
        major_violation=draw(rarely),
        serious_dishonesty=draw(rarely),
        major_accident_prior_year=draw(rarely),
        key_supported_field=not draw(rarely),
        class_i_ip_main=draw(st.integers(min_value=0, max_value=5)),
        class_ii_ip_main=draw(st.integers(min_value=0, max_value=6)),
        high_value_ip_main=draw(st.integers(min_value=0, max_value=1)),
        invention_patents_main=draw(st.integers(min_value=0, max_value=60)),
        ip_self_developed=draw(maybe),
        age_days=draw(st.integers(min_value=0, max_value=2_000)),
        years_in_niche=draw(st.integers(min_value=0, max_value=12)),
        certifications=draw(st.sets(st.sampled_from(tokens)).map(frozenset)),
        awards=frozenset(),
        rd_institutions=draw(st.sets(st.sampled_from(["municipal", "provincial"])).map(frozenset)),
        standards_led=draw(st.integers(min_value=0, max_value=1)),
        conversions_per_year=draw(st.integers(min_value=0, max_value=6).map(Decimal)),
        net_assets_history=draw(history),
        sales_history=draw(history),
        main_revenue_history=draw(history),
        equity_raised_2y=draw(money.map(lambda amount: amount / 5)),
        equity_raised_3y=draw(money.map(lambda amount: amount / 20)),
        strategic_emerging=draw(maybe),
        software_company=draw(rarely),
        international_leading_tech=False,
        national_major_project_lead=False,
        import_substitution=False,
    )
    unknown = draw(st.sets(st.sampled_from(READ), max_size=1))
    return dataclasses.replace(snapshot, **dict.fromkeys(unknown))


def _status(ruleset: RuleSet, snapshot: EnterpriseSnapshot, on: dt.date = ON) -> Status:
    return engine.assess(ruleset, snapshot, on).verdict.status


def _check_plans(
    ruleset: RuleSet, snapshot: EnterpriseSnapshot, advice: Advice, on: dt.date = ON
) -> None:
    for plan in advice.plans:
        assert plan.changes
        assert _status(ruleset, apply(snapshot, plan), on) is plan.outcome
        assert plan.outcome in PASSING
        for left_out in plan.changes:
            rest = [change for change in plan.changes if change is not left_out]
            assert _status(ruleset, apply(snapshot, rest), on) not in PASSING, left_out.input


DATES = (ON, dt.date(2026, 6, 1))  # the 2022 and the 2026 MIIT versions
IN_FORCE = {
    (on, ruleset.version.code): ruleset
    for on in DATES
    for ruleset in RULESETS
    if ruleset.version.in_force(on)
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(enterprises(), st.sampled_from(sorted(IN_FORCE)))
def test_every_plan_passes_when_applied_and_needs_every_change(
    snapshot: EnterpriseSnapshot, which: tuple[dt.date, str]
) -> None:
    on, _ = which
    ruleset = IN_FORCE[which]
    status = _status(ruleset, snapshot, on)
    linked = {code: r for (day, code), r in IN_FORCE.items() if day == on}
    advice = advise(ruleset, snapshot, on, MODEL, linked=linked)
    assert advice.status is status
    if status in PASSING:
        assert advice.plans == ()
        return
    _check_plans(ruleset, snapshot, advice, on)
    efforts = [plan.effort for plan in advice.plans]
    assert efforts == sorted(efforts)
    assert len(advice.plans) <= MODEL.max_plans
    json.dumps(advice.to_dict())


def test_a_text_input_is_not_planned_and_its_effort_reason_is_given() -> None:
    stage = _label(
        "stage", "contains_any", measure=Measure("latest_funding_stage"), members=("seed",)
    )
    advice = advise(_ruleset(stage), firm(latest_funding_stage="series_a"), ON, MODEL)
    assert advice.status is Status.UNMET
    assert advice.plans == ()
    reason = MODEL.inputs["latest_funding_stage"].reason
    assert reason is not None
    assert [obstacle.sentence_en for obstacle in advice.excluded] == [f"stage: {reason.en}"]
