"""Golden cases: every rule set's band edges, routes and missing data, read from readable files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kejin.assessment.model import CriterionResult, EnterpriseSnapshot, Points
from kejin.assessment.standards.catalogue import load_rulesets, ruleset_in_force
from kejin.assessment.standards.engine import assess

GOLDEN = Path(__file__).parent / "golden"
RULESETS = load_rulesets()


def snapshot_from(values: Mapping[str, Any]) -> EnterpriseSnapshot:
    """A snapshot from JSON values: strings are decimals, lists of names are sets."""
    types = {field.name: str(field.type) for field in dataclasses.fields(EnterpriseSnapshot)}

    def convert(name: str, value: Any) -> Any:
        if value is None or isinstance(value, bool | int):
            return value
        if "frozenset" in types[name]:
            return frozenset(value)
        if "tuple" in types[name]:
            return tuple(Decimal(item) for item in value)
        return Decimal(value)

    return EnterpriseSnapshot(**{name: convert(name, value) for name, value in values.items()})


def golden_cases() -> list[Any]:
    """Every case of every golden file; a case may pin the version its date must select."""
    cases = []
    for path in sorted(GOLDEN.glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        for case in suite["cases"]:
            values = suite["base"] | case.get("snapshot", {})
            date = dt.date.fromisoformat(case.get("date", suite["date"]))
            cases.append(
                pytest.param(
                    suite["ruleset"],
                    date,
                    values,
                    case.get("version"),
                    case["expect"],
                    id=f"{path.stem}: {case['name']}",
                )
            )
    return cases


CASES = golden_cases()


def expected_points(spec: int | list[int] | None) -> Points | None:
    if spec is None:
        return None
    return (
        Points.exact(spec) if isinstance(spec, int) else Points(Decimal(spec[0]), Decimal(spec[1]))
    )


@pytest.mark.parametrize(("code", "date", "values", "version", "expect"), CASES)
def test_golden_case(
    code: str, date: dt.date, values: dict[str, Any], version: str | None, expect: dict[str, Any]
) -> None:
    assessment = assess(ruleset_in_force(RULESETS, code, date), snapshot_from(values), date)
    if version is not None:
        assert assessment.ruleset.version == version
    verdict = assessment.verdict
    for criterion_id, expected in expect.items():
        found = verdict.find(criterion_id)
        assert found is not None, criterion_id
        assert _observed(found, expected) == expected, criterion_id


def _observed(result: CriterionResult, expected: Mapping[str, Any]) -> dict[str, Any]:
    observed: dict[str, Any] = {}
    if "status" in expected:
        observed["status"] = result.status.value
    if "points" in expected:
        observed["points"] = (
            expected["points"]
            if result.points == expected_points(expected["points"])
            else str(result.points)
        )
    if "chosen" in expected:
        observed["chosen"] = result.chosen
    if "inputs" in expected:
        observed["inputs"] = {name: _text(result.inputs.get(name)) for name in expected["inputs"]}
    return observed


def _text(value: Any) -> str:
    """An input as a golden file writes it: a series as [a, b], anything else as str()."""
    return "[" + ", ".join(map(str, value)) + "]" if isinstance(value, tuple) else str(value)


def test_every_shipped_rule_file_has_golden_cases() -> None:
    """A rule file (each version of each rule set) that no golden case selects is untested."""
    covered = {
        (ruleset.version.code, ruleset.version.version)
        for code, date, *_ in (case.values for case in CASES)
        for ruleset in [ruleset_in_force(RULESETS, code, date)]
    }
    shipped = {(ruleset.version.code, ruleset.version.version) for ruleset in RULESETS}
    assert shipped - covered == set()
