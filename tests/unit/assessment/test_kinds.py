"""The series, ladder and applicability kinds on small rule sets written for each behaviour."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kejin.assessment.errors import InvalidRuleSet
from kejin.assessment.model import CriterionResult, EnterpriseSnapshot, Points, Status
from kejin.assessment.standards.engine import assess
from kejin.assessment.standards.rules import parse_ruleset

ON = dt.date(2025, 1, 1)
LABEL = {"zh": "标签", "en": "Label"}


def ruleset_of(verdict: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": "probe",
        "name_zh": "测试",
        "name_en": "Probe",
        "issuer": "Kejin",
        "doc_no": "TEST-ONLY",
        "version": "1",
        "effective_from": "2000-01-01",
        "effective_to": None,
        "source_url": "",
        "verdict": verdict,
    }


def evaluate(verdict: dict[str, Any], snapshot: EnterpriseSnapshot) -> CriterionResult:
    return assess(parse_ruleset(ruleset_of(verdict)), snapshot, ON).verdict


def cagr(**fields: Any) -> dict[str, Any]:
    return {
        "id": "g",
        "kind": "cagr",
        "label": LABEL,
        "measure": "sales_history",
        "years": 3,
    } | fields


def history(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(value) for value in values)


@pytest.mark.parametrize(
    ("last", "status"),
    [("13.31", Status.MET), ("13.3099999999", Status.UNMET)],
)
def test_a_cagr_on_its_bound_is_decided_exactly(last: str, status: Status) -> None:
    # 13.31 / 11 = 1.21 = 1.1², where a float ratio against 1.1 ** 2 says "below".
    snapshot = EnterpriseSnapshot(sales_history=history("11", "12", last))
    assert evaluate(cagr(op=">=", value=Decimal("0.10")), snapshot).status is status


def test_a_negative_first_year_gives_no_growth_rate() -> None:
    snapshot = EnterpriseSnapshot(sales_history=history("-10", "5", "10"))
    result = evaluate(cagr(op=">=", value=Decimal("-1")), snapshot)
    assert result.status is Status.UNMET
    assert result.inputs["cagr"] is None


def test_a_two_year_cagr_is_the_plain_growth_rate() -> None:
    snapshot = EnterpriseSnapshot(sales_history=history("100", "80", "90"))
    bands = [{"from": Decimal("0.125"), "points": 7}, {"from": Decimal("0"), "points": 1}]
    result = evaluate(cagr(years=2, bands=bands), snapshot)
    assert (result.points, result.inputs["cagr"]) == (Points.exact(7), Decimal("0.1250"))


def yearly(aggregate: str, op: str, value: str) -> dict[str, Any]:
    return {
        "id": "y",
        "kind": "yearly",
        "label": LABEL,
        "measure": ["rd_expense_history", "sales_history"],
        "years": 3,
        "aggregate": aggregate,
        "op": op,
        "value": Decimal(value),
    }


def test_a_sum_of_yearly_ratios_is_exact() -> None:
    # ⅓ + ⅓ + ⅓ is 1; rounded decimals would add up to 0.999…
    snapshot = EnterpriseSnapshot(
        rd_expense_history=history("1", "1", "1"), sales_history=history("3", "3", "3")
    )
    assert evaluate(yearly("sum", ">=", "1"), snapshot).status is Status.MET


def test_a_mean_of_yearly_ratios_is_exact() -> None:
    snapshot = EnterpriseSnapshot(
        rd_expense_history=history("1", "2", "1"), sales_history=history("3", "3", "2")
    )
    result = evaluate(yearly("mean", "==", "0.5"), snapshot)  # (⅓ + ⅔ + ½) / 3
    assert (result.status, result.inputs["mean"]) == (Status.MET, Decimal("0.5000"))


def test_each_year_must_pass_and_a_series_too_short_is_unknown() -> None:
    passing = EnterpriseSnapshot(
        rd_expense_history=history("3", "4", "5"), sales_history=history("100", "100", "100")
    )
    failing = EnterpriseSnapshot(
        rd_expense_history=history("2", "4", "5"), sales_history=history("100", "100", "100")
    )
    short = EnterpriseSnapshot(
        rd_expense_history=history("4", "5"), sales_history=history("100", "100", "100")
    )
    statuses = [evaluate(yearly("each", ">=", "0.03"), s).status for s in (passing, failing, short)]
    assert statuses == [Status.MET, Status.UNMET, Status.UNKNOWN]


def rung(points: int, members: list[str], name: str) -> dict[str, Any]:
    condition = {
        "id": name,
        "kind": "contains_any",
        "label": LABEL,
        "measure": "rd_institutions",
        "members": members,
    }
    return {"points": points, "when": condition}


LADDER = {
    "id": "ladder",
    "kind": "ladder",
    "label": LABEL,
    "rungs": [rung(10, ["national"], "top"), rung(4, ["municipal"], "middle")],
    "otherwise": 1,
}


def test_a_ladder_gives_its_otherwise_points_when_no_rung_is_met() -> None:
    result = evaluate(LADDER, EnterpriseSnapshot(rd_institutions=frozenset({"district"})))
    assert (result.status, result.points, result.chosen) == (Status.MET, Points.exact(1), None)


def test_a_ladder_explains_the_rung_it_used() -> None:
    result = evaluate(LADDER, EnterpriseSnapshot(rd_institutions=frozenset({"municipal"})))
    assert result.sentence_en == "Label: met, 4 points, using middle."


def best_of_ladder_and(option_points: int) -> dict[str, Any]:
    option = {
        "id": "option",
        "kind": "bands",
        "label": LABEL,
        "measure": "staff",
        "bands": [{"from": 1, "points": option_points}],
    }
    return {"id": "best", "kind": "best_of", "label": LABEL, "children": [LADDER, option]}


@pytest.mark.parametrize(("option_points", "status"), [(9, Status.UNKNOWN), (10, Status.MET)])
def test_an_unknown_ladder_could_still_beat_a_known_option(
    option_points: int, status: Status
) -> None:
    result = evaluate(best_of_ladder_and(option_points), EnterpriseSnapshot(staff=1))
    assert result.status is status


def applies_if(value: bool) -> dict[str, Any]:
    child = {
        "id": "child",
        "kind": "bands",
        "label": LABEL,
        "measure": "staff",
        "bands": [{"from": 1, "points": 3}],
    }
    return {
        "id": "applies",
        "kind": "applies_if",
        "label": LABEL,
        "measure": "software_company",
        "value": value,
        "children": [child],
    }


def test_an_applicable_criterion_passes_on_its_childs_points() -> None:
    result = evaluate(applies_if(True), EnterpriseSnapshot(staff=5, software_company=True))
    assert (result.status, result.points) == (Status.MET, Points.exact(3))


def test_a_criterion_that_does_not_apply_says_so() -> None:
    result = evaluate(applies_if(True), EnterpriseSnapshot(staff=5, software_company=False))
    assert (result.status, result.points) == (Status.NOT_APPLICABLE, None)


@pytest.mark.parametrize(
    ("verdict", "reason"),
    [
        (cagr(years=1, op=">=", value=Decimal("0.1")), "at least two years"),
        (cagr(op=">=", value=Decimal("0.1"), bands=[{"from": 0, "points": 1}]), "either op"),
        (cagr(), "either op"),
        (cagr(op=">=", value=Decimal("-1.5")), "at least -1"),
        (cagr(op=">=", value=True), "compared with a number"),
        (yearly("median", ">=", "1"), "unknown aggregate"),
        ({**yearly("sum", ">=", "1"), "years": 0}, "number of years"),
        ({**yearly("sum", ">=", "1"), "value": True}, "compares with a number"),
        ({"id": "l", "kind": "ladder", "label": LABEL, "rungs": []}, "at least one rung"),
        ({**applies_if(True), "value": Decimal(1)}, "one child"),
        ({**applies_if(True), "children": []}, "one child"),
        (
            {"id": "g", "kind": "growth", "label": LABEL, "measure": "sales_history"},
            "either op",
        ),
    ],
)
def test_a_malformed_criterion_of_a_new_kind_is_refused(
    verdict: dict[str, Any], reason: str
) -> None:
    with pytest.raises(InvalidRuleSet) as raised:
        parse_ruleset(ruleset_of(verdict))
    assert reason in str(raised.value.params["reason"])
