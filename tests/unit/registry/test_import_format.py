"""Import validation: strict types, domain rules, located problems, the committed JSON Schema."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.registry.import_format import enterprise_json_schema, parse_record
from kejin.registry.model import credit_code_with_check

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PREFIXES = st.builds(
    lambda region, organisation: f"91{region}{organisation}",
    st.text(alphabet=string.digits, min_size=6, max_size=6),
    st.text(alphabet=CODE_CHARS, min_size=9, max_size=9),
)


def _example() -> dict[str, Any]:
    lines = (EXAMPLES / "enterprises.jsonl").read_text(encoding="utf-8").splitlines()
    return dict(json.loads(lines[0]))


def _problems(record: dict[str, Any]) -> dict[str, str]:
    parsed, problems = parse_record(json.dumps(record, ensure_ascii=False), row=7)
    assert parsed is None
    assert {problem.row for problem in problems} == {7}
    return {problem.field: problem.reason.format(**problem.params) for problem in problems}


def test_a_good_record_parses_without_problems() -> None:
    record, problems = parse_record(json.dumps(_example()), row=1)
    assert problems == []
    assert record is not None
    assert record.financial_years[2].revenue == "12960000.50"


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("staff_years.0.total", "67", "must be a whole number"),
        ("staff_years.0.total", 67.0, "must be a whole number"),
        ("financial_years.1.revenue", 7650000.5, "amounts must be quoted"),
        ("financial_years.1.revenue", "7650000.555", "at most 2 decimals"),
        ("financial_years.1.revenue", "-1", "at most 2 decimals"),
        ("financial_years.1.rd_domestic_share", "1.2", "share from 0 to 1"),
        ("financial_years.1.rd_domestic_share", 1, "must be text"),
        ("cluster", "AI", "is not one of"),
        ("founded_on", "2019/06/18", "YYYY-MM-DD"),
        ("ip_assets.0.main_product_related", "true", "true or false"),
        ("ip_assets.0.main_product_related", 1, "true or false"),
        ("industry_code", "65-13", "industry code"),
        ("name", "", "must not be empty"),
    ],
)
def test_a_bad_value_is_refused_with_its_field_and_reason(
    path: str, value: object, expected: str
) -> None:
    record = _example()
    *parents, last = path.split(".")
    target: Any = record
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = value
    field = re.sub(r"\.(\d+)", r"[\1]", path)
    problems = _problems(record)
    assert list(problems) == [field]
    assert expected in problems[field]


def test_unknown_and_missing_fields_are_named() -> None:
    record = _example() | {"employees": 67}
    del record["financial_years"][0]["net_profit"]
    assert _problems(record) == {
        "employees": "unknown field",
        "financial_years[0].net_profit": "required",
    }


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        (
            {"staff_years": [{"year": 2024, "total": 5, "tech": 6, "rd": 1}]},
            "staff_years[0].tech",
            "tech staff (6) exceed total staff (5)",
        ),
        (
            {"staff_years": [{"year": 2024, "total": 5, "tech": 1, "rd": 6}]},
            "staff_years[0].rd",
            "rd staff (6) exceed",
        ),
        (
            {"staff_years": [{"year": 2024, "total": 5, "tech": 1, "rd": 1}] * 2},
            "staff_years[1].year",
            "2024 repeats item 0",
        ),
        ({"founded_on": "2026-01-01"}, "founded_on", "founded after the as-of date"),
    ],
)
def test_domain_rules_name_the_offending_field(
    change: dict[str, Any], field: str, expected: str
) -> None:
    problems = _problems(_example() | change)
    assert list(problems) == [field]
    assert expected in problems[field]


def test_high_tech_revenue_above_revenue_and_inverted_dates_are_refused() -> None:
    record = _example()
    record["financial_years"][0]["high_tech_revenue"] = "9999999999"
    record["ip_assets"][0]["granted_on"] = "2019-01-01"
    record["certifications"][0]["valid_to"] = "2020-01-01"
    record["ip_assets"].append(dict(record["ip_assets"][0]))
    assert set(_problems(record)) == {
        "financial_years[0].high_tech_revenue",
        "ip_assets[0].granted_on",
        "ip_assets[3].granted_on",
        "ip_assets[3].number",
        "certifications[0].valid_to",
    }


def test_a_lower_case_credit_code_is_not_silently_upper_cased() -> None:
    record = _example()
    problems = _problems(record | {"uscc": record["uscc"].lower()})
    assert problems == {"uscc": f"credit code must be written as {record['uscc']}"}


@given(PREFIXES)
def test_codes_with_a_computed_check_character_always_pass(prefix: str) -> None:
    code = credit_code_with_check(prefix)
    record, problems = parse_record(json.dumps(_example() | {"uscc": code}), row=1)
    assert problems == []


@given(
    PREFIXES,
    st.sampled_from(CODE_CHARS),
)
def test_a_changed_check_character_fails_naming_the_expected_one(prefix: str, wrong: str) -> None:
    expected = credit_code_with_check(prefix)[-1]
    if wrong == expected:
        return
    problems = _problems(_example() | {"uscc": prefix + wrong})
    assert problems == {
        "uscc": f"check character of {prefix + wrong} is {wrong}, expected {expected}"
    }


def test_the_committed_json_schema_is_the_generated_one() -> None:
    committed = (ROOT / "docs" / "schemas" / "enterprise.schema.json").read_text(encoding="utf-8")
    assert committed == enterprise_json_schema()


def test_the_example_file_validates_against_the_json_schema() -> None:
    schema = json.loads(enterprise_json_schema())
    for line in (EXAMPLES / "enterprises.jsonl").read_text(encoding="utf-8").splitlines():
        jsonschema.validate(json.loads(line), schema)


def test_the_error_example_fails_the_json_schema_on_its_typed_errors() -> None:
    schema = json.loads(enterprise_json_schema())
    lines = (EXAMPLES / "enterprises-with-errors.jsonl").read_text(encoding="utf-8").splitlines()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(lines[1]), schema)
