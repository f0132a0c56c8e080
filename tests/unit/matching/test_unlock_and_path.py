"""What unlocks a missed product (plans the engine confirms) and the financing path (the next
stage confirmed by `stage_of`), on Lin's firm from JOURNEYS.md."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from kejin.assessment.advice.plans import apply
from kejin.assessment.model import Status
from kejin.assessment.points.stage import load_stage_rules, stage_of
from kejin.assessment.standards.catalogue import load_rulesets
from kejin.assessment.standards.engine import assess
from kejin.assessment.standards.rules import RuleSet
from kejin.matching.errors import ProductNotInForce
from kejin.matching.explain import match_one
from kejin.matching.model import PASSABLE
from kejin.matching.path import financing_path
from kejin.matching.unlock import (
    financing_effort_model,
    linked_rulesets,
    nearest_unlocks,
    unlock,
)
from kejin.products.vocabulary import MatchSnapshot
from kejin.registry.model import Stage
from tests.unit.matching.firms import CATALOGUE, ON
from tests.unit.matching.test_explain import LIN

MODEL = financing_effort_model()
LINKED = linked_rulesets(load_rulesets(), ON)
RULES = load_stage_rules()


def _ruleset(code: str) -> RuleSet:
    return next(e.ruleset for e in CATALOGUE.products if e.code == code)


def test_a_granted_invention_unlocks_lins_warrant_loan_and_the_engine_confirms_it() -> None:
    advice = unlock(CATALOGUE, "bank.kcb.warrant", LIN, MODEL, LINKED).advice
    best = advice.plans[0]
    assert [change.input for change in best.changes] == ["pledgeable_inventions"]
    assert best.months == 24
    after = apply(LIN, best)
    assert isinstance(after, MatchSnapshot)
    verdict = assess(_ruleset("bank.kcb.warrant"), after, ON).verdict
    assert verdict.status is Status.MANUAL_REVIEW  # the bank's own review is left
    assert after.class_i_ip_main == 1  # a new invention is Class I IP as well


def test_a_missing_talent_status_is_asked_for_rather_than_planned() -> None:
    advice = unlock(CATALOGUE, "bank.kcb.talent", LIN, MODEL, LINKED).advice
    assert [item.input for item in advice.missing] == ["talent_founder"]
    assert advice.plans == ()


def test_every_plan_of_the_nearest_misses_passes_when_applied() -> None:
    match = match_one(CATALOGUE, LIN, ON, explain=False)
    unlocks = nearest_unlocks(CATALOGUE, match, LIN, MODEL, LINKED)
    assert unlocks
    for found in unlocks:
        assert match.product(found.code).status not in PASSABLE
        for plan in found.advice.plans:
            verdict = assess(_ruleset(found.code), apply(LIN, plan), ON).verdict
            assert verdict.status in PASSABLE, (found.code, plan.sentence_en)


def test_lins_path_leads_to_growth_through_revenue_confirmed_by_the_stage_rules() -> None:
    path = financing_path(CATALOGUE, LIN, RULES, MODEL)
    assert path.stage is Stage.START_UP
    assert path.next is not None
    projected = dataclasses.replace(LIN, revenue=path.next.revenue)
    assert stage_of(projected, RULES).stage is Stage.GROWTH
    assert stage_of(dataclasses.replace(LIN, revenue=path.next.revenue - 1), RULES).stage is (
        Stage.START_UP
    )
    assert path.next.cost > 0
    assert all(p.stage_fit and p.status in PASSABLE for p in path.next.products)


def test_lins_path_shows_what_fits_now_and_why_star_listing_is_far() -> None:
    path = financing_path(CATALOGUE, LIN, RULES, MODEL)
    assert "bank.kcb.points" in {p.code for p in path.now}
    star = next(far for far in path.far if far.product.code == "cap.star.readiness")
    assert "cap.star.readiness/standards" in {item.id for item in star.blocking}


def test_a_seed_firm_reaches_start_up_at_the_start_up_revenue_bound() -> None:
    seed = MatchSnapshot(revenue=Decimal(300_000), age_days=1000, stage=Stage.SEED.value)
    step = financing_path(CATALOGUE, seed, RULES, MODEL).next
    assert step is not None
    assert (step.stage, step.revenue) == (Stage.START_UP, Decimal(1_000_000))


def test_a_young_seed_funded_firm_has_no_revenue_route_past_the_seed_cap() -> None:
    # Under two years, seed money only and revenue under 500万 keeps a firm at seed; at 500万
    # it would be a growth firm, so no revenue makes it a start-up: the step is left out.
    young = MatchSnapshot(
        revenue=Decimal(300_000), age_days=300, latest_funding_stage="seed", stage="seed"
    )
    assert financing_path(CATALOGUE, young, RULES, MODEL).next is None


def test_a_firm_of_unknown_revenue_has_no_verified_next_step() -> None:
    assert (
        financing_path(CATALOGUE, dataclasses.replace(LIN, revenue=None), RULES, MODEL).next is None
    )


def test_unlocking_a_product_not_offered_on_the_date_is_not_found() -> None:
    with pytest.raises(ProductNotInForce):
        unlock(CATALOGUE, "bank.nobody.loan", LIN, MODEL, LINKED)
