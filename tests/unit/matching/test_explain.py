"""One firm's financing map: Lin's journey (JOURNEYS.md), checklists with any-of groups, the
policy lists, and the match snapshot built from the assessment and the facts beside it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from kejin.assessment.model import EnterpriseSnapshot, Status
from kejin.matching.explain import match_one, policy_list
from kejin.matching.inputs import AssessmentFacts, IpFacts, LoanFacts, match_snapshot
from kejin.matching.model import PolicyList
from kejin.products.loader import load_catalogue
from kejin.products.model import Layer, PolicyMode
from kejin.products.vocabulary import MATCH_FIELDS, MatchSnapshot
from tests.unit.matching.firms import CATALOGUE, ON
from tests.unit.matching.golden_firms import snapshot_from

LIN = snapshot_from(
    json.loads((Path(__file__).parent / "golden" / "lin.json").read_text(encoding="utf-8"))[
        "snapshot"
    ]
)


def test_lin_sees_a_points_loan_of_up_to_300_wan_as_her_best_bank_product() -> None:
    best = match_one(CATALOGUE, LIN, ON).layers[Layer.BANK][0]
    assert (best.code, best.status, best.amount.high) == (
        "bank.kcb.points",
        Status.MET,
        Decimal("3000000.00"),
    )


def test_lin_is_asked_for_her_talent_status_and_then_gets_the_talent_loan() -> None:
    before = match_one(CATALOGUE, LIN, ON).product("bank.kcb.talent")
    after = match_one(CATALOGUE, dataclasses.replace(LIN, talent_founder=True), ON).product(
        "bank.kcb.talent"
    )
    missing = [item.id for item in before.checklist if item.status is Status.UNKNOWN]
    assert (before.status, missing) == (Status.UNKNOWN, ["bank.kcb.talent/talent"])
    assert after.status is Status.MET


def test_lin_reaches_the_warrant_loan_once_her_patent_is_granted() -> None:
    granted = dataclasses.replace(LIN, pledgeable_inventions=1)
    before = match_one(CATALOGUE, LIN, ON).product("bank.kcb.warrant")
    after = match_one(CATALOGUE, granted, ON).product("bank.kcb.warrant")
    assert (before.status, before.unmet) == (Status.UNMET, 1)
    assert (after.status, after.unmet) == (Status.MANUAL_REVIEW, 0)


def test_star_listing_is_far_away_for_lin_and_the_checklist_says_why() -> None:
    star = match_one(CATALOGUE, LIN, ON).product("cap.star.readiness")
    assert star.status is Status.UNMET
    assert [item.status for item in star.checklist] == [Status.UNMET, Status.UNMET]
    assert "STAR" in star.checklist[0].sentence_en


def test_a_nested_any_of_is_one_checklist_group_with_its_options() -> None:
    talent = match_one(CATALOGUE, LIN, ON).product("bank.kcb.talent")
    group = next(item for item in talent.checklist if item.id == "bank.kcb.talent/firm")
    assert group.is_group
    assert group.status is Status.MET
    assert {option.status for option in group.options} >= {Status.MET}


def test_policies_met_from_shared_data_are_granted_without_applying() -> None:
    match = match_one(CATALOGUE, LIN, ON)
    assert {p.code for p in match.entitled} == {"guarantee_tiers", "risk_pool_coverage"}
    assert all(p.mode is PolicyMode.APPLY or p.status is not Status.MET for p in match.apply_needed)


def test_a_policy_lands_in_a_list_by_its_mode_and_status() -> None:
    automatic, apply = PolicyMode.AUTOMATIC, PolicyMode.APPLY
    assert policy_list(automatic, Status.MET) is PolicyList.AUTOMATIC
    assert policy_list(automatic, Status.UNKNOWN) is PolicyList.APPLY
    assert policy_list(automatic, Status.MANUAL_REVIEW) is PolicyList.APPLY
    assert policy_list(apply, Status.MET) is PolicyList.APPLY
    assert policy_list(apply, Status.UNMET) is PolicyList.NONE


def test_without_explanations_the_map_is_the_same_but_for_the_sentences() -> None:
    quiet = match_one(CATALOGUE, LIN, ON, explain=False)
    full = match_one(CATALOGUE, LIN, ON)
    for layer in Layer:
        assert [(m.code, m.status, m.rank) for m in quiet.layers[layer]] == [
            (m.code, m.status, m.rank) for m in full.layers[layer]
        ]
    assert all(not i.sentence_en for m in quiet.layers[Layer.BANK] for i in m.checklist)


def test_the_match_snapshot_has_exactly_the_match_fields_beyond_the_assessment() -> None:
    added = {f.name for f in dataclasses.fields(MatchSnapshot)} - {
        f.name for f in dataclasses.fields(EnterpriseSnapshot)
    }
    assert added == set(MATCH_FIELDS)


def test_the_match_snapshot_carries_standards_stage_points_and_facts() -> None:
    base = EnterpriseSnapshot(revenue=Decimal("3200000"), certifications=frozenset({"tech_sme"}))
    facts = AssessmentFacts(
        {"tech_sme": Status.MET, "hnte": Status.UNMET, "star": Status.MANUAL_REVIEW},
        stage="start_up",
        innovation_points=640,
        points_band="top_10",
    )
    built = match_snapshot(
        base,
        facts,
        LoanFacts(bank_loans=0, annual_interest=Decimal(0)),
        IpFacts(pledgeable_inventions=0),
        cluster="brain_science",
    )
    assert built.revenue == base.revenue
    assert built.certifications == base.certifications
    assert built.standards_met == frozenset({"tech_sme"})
    assert built.standards_passable == frozenset({"tech_sme", "star"})
    assert (built.stage, built.innovation_points, built.points_band) == ("start_up", 640, "top_10")
    assert (built.bank_loans, built.pledgeable_inventions, built.cluster) == (0, 0, "brain_science")
    assert built.talent_founder is None
    assert built.defaults_3y is None


def test_the_shipped_catalogue_is_prepared_for_the_date_when_given_raw() -> None:
    raw = match_one(load_catalogue(), LIN, ON)
    assert raw == match_one(CATALOGUE, LIN, ON)


def test_a_catalogue_prepared_for_another_date_is_refused() -> None:
    with pytest.raises(ValueError, match="prepared"):
        match_one(CATALOGUE, LIN, ON + dt.timedelta(days=1))
