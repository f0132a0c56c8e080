"""The evaluation date selects the rule-set version in force; outside every version is an error.

`versions/` holds the real 2017 tech-SME rules closed at 2029-12-31 and a TEST-ONLY 2030 version
that caps staff at 300 instead of 500.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kejin.assessment.errors import RuleSetNotInForce
from kejin.assessment.model import EnterpriseSnapshot, Status
from kejin.assessment.standards.catalogue import load_rulesets, ruleset_in_force
from kejin.assessment.standards.engine import assess

VERSIONS = load_rulesets(Path(__file__).parent / "versions")
STAFF_400 = EnterpriseSnapshot(staff=400)


@pytest.mark.parametrize(
    ("on", "version", "status"),
    [
        (dt.date(2017, 5, 3), "2017", Status.MET),
        (dt.date(2029, 12, 31), "2017", Status.MET),
        (dt.date(2030, 1, 1), "TEST-ONLY 2030", Status.UNMET),
    ],
)
def test_the_date_selects_the_version_in_force(on: dt.date, version: str, status: Status) -> None:
    result = assess(ruleset_in_force(VERSIONS, "tech_sme", on), STAFF_400, on)
    assert result.ruleset.version == version
    staff = result.verdict.find("tsme.eligibility.staff")
    assert staff is not None
    assert staff.status is status


def test_a_date_before_every_version_is_an_error() -> None:
    with pytest.raises(RuleSetNotInForce, match="tech_sme"):
        ruleset_in_force(VERSIONS, "tech_sme", dt.date(2017, 5, 2))


def test_results_explain_themselves_in_both_languages() -> None:
    on = dt.date(2025, 1, 1)
    staff = assess(ruleset_in_force(VERSIONS, "tech_sme", on), STAFF_400, on).verdict
    found = staff.find("tsme.eligibility.staff")
    assert found is not None
    assert found.inputs == {"staff": 400}
    assert found.sentence_en == "At most 500 employees: met (staff=400)."
    assert found.sentence_zh == "职工总数不超过500人：符合（staff=400）。"
