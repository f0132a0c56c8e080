"""Feed formats and cells: every example file reads cleanly, bad cells name their reason."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kejin.feeds.model import (
    FORMATS,
    READERS,
    CellError,
    Department,
    Kind,
    canonical,
    format_for,
)
from kejin.feeds.reconcile import read_rows
from kejin.registry.model import IPStatus

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "feeds"
EXAMPLE_FILES = {
    "tax_bureau.csv": (Department.TAX_BUREAU, "annual_return"),
    "social_security.csv": (Department.SOCIAL_SECURITY, "insured_staff"),
    "ip_office.csv": (Department.IP_OFFICE, "ip_assets"),
    "market_regulator_registration.csv": (Department.MARKET_REGULATOR, "registration"),
    "market_regulator_compliance.csv": (Department.MARKET_REGULATOR, "compliance"),
}


@pytest.mark.parametrize("name", sorted(EXAMPLE_FILES))
def test_each_example_file_matches_its_format_and_reads_without_problems(name: str) -> None:
    department, format_name = EXAMPLE_FILES[name]
    with (EXAMPLES / name).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        feed_format = format_for(department, reader.fieldnames or [])
        assert feed_format is not None
        assert feed_format.name == format_name
        assert set(reader.fieldnames or []) == set(feed_format.header)
        records, problems = read_rows(feed_format, reader)
    assert problems == []
    assert records
    assert all(record.uscc and record.as_of for record in records)


def test_every_department_has_a_format() -> None:
    assert set(FORMATS) == set(Department)


@pytest.mark.parametrize(
    ("kind", "text", "reason"),
    [
        (Kind.MONEY, "12,5x", "not an amount: {value}"),
        (Kind.MONEY, "1.005", "amount {value} has more than two decimal places"),
        (Kind.MONEY, "-3", "amount {value} is negative"),
        (Kind.RATIO, "1.2", "not a share between 0 and 1: {value}"),
        (Kind.COUNT, "-3", "not a whole number: {value}"),
        (Kind.YEAR, "20x4", "not a year: {value}"),
        (Kind.DATE, "2024/05/01", "not a date (YYYY-MM-DD): {value}"),
        (Kind.DATE, "2024-5-1", "not a date (YYYY-MM-DD): {value}"),
        (Kind.REGION, "33030", "not a six-digit region code: {value}"),
        (Kind.INDUSTRY, "C3589", "not an industry code (2 to 4 digits): {value}"),
        (Kind.IP_STATUS, "有效", "{value} is not one of: {choices}"),
        (Kind.TEXT, "长" * 201, "longer than {limit} characters"),
    ],
)
def test_a_bad_cell_is_refused_with_its_reason(kind: Kind, text: str, reason: str) -> None:
    with pytest.raises(CellError) as refused:
        READERS[kind](text)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (Kind.MONEY, "1,200", "1200.00"),
        (Kind.SIGNED_MONEY, "-270000.5", "-270000.50"),
        (Kind.RATIO, "1", "1.0000"),
        (Kind.DATE, "2024-05-01", "2024-05-01"),
        (Kind.IP_STATUS, "lapsed", "lapsed"),
        (Kind.YEAR, "2024", "2024"),
    ],
)
def test_canonical_text_is_the_same_whatever_the_spelling(
    kind: Kind, text: str, expected: str
) -> None:
    assert canonical(READERS[kind](text), kind) == expected


def test_registry_values_print_as_feed_values_do() -> None:
    assert canonical(Decimal("12960000.5"), Kind.MONEY) == "12960000.50"
    assert canonical(Decimal("0.95"), Kind.RATIO) == "0.9500"
    assert canonical(date(2022, 8, 5), Kind.DATE) == "2022-08-05"
    assert canonical(IPStatus.GRANTED, Kind.IP_STATUS) == "granted"


def test_a_header_of_another_department_matches_no_format() -> None:
    assert format_for(Department.SOCIAL_SECURITY, ["uscc", "as_of", "revenue"]) is None
    market = format_for(Department.MARKET_REGULATOR, ["uscc", "occurred_on", "as_of", "kind"])
    assert market is not None
    assert market.name == "compliance"
