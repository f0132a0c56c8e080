"""Reading rows, deciding what a reported value does, and comparing sources — without a
database."""

from __future__ import annotations

from datetime import date

from kejin.feeds.model import IP_OFFICE, MARKET_COMPLIANCE, SOCIAL_SECURITY, TAX_BUREAU, Outcome
from kejin.feeds.reconcile import (
    FeedRecord,
    SourceValue,
    StoredRow,
    compare_fields,
    decide,
    new_row,
    read_rows,
    reported_items,
)
from kejin.registry.model import credit_code_with_check

CODE = credit_code_with_check("91330300MA2H7K0L8")
STAFF = "staff_years.total"


def _staff(total: str, as_of: str = "2025-01-15", code: str = CODE) -> dict[str, str]:
    return {"uscc": code, "year": "2024", "as_of": as_of, "insured_staff": total}


def _record(total: int, as_of: date = date(2025, 1, 15)) -> FeedRecord:
    return FeedRecord(2, CODE, 2024, "2024", as_of, {STAFF: total}, {})


def _stored(total: str, source: str, as_of: date = date(2025, 3, 31)) -> StoredRow:
    return StoredRow(7, {"total": total}, source, as_of)


def test_rows_read_into_typed_records_and_bad_rows_into_problems() -> None:
    rows = [_staff("67"), _staff("x"), _staff("5", code=CODE[:-1] + "0"), _staff("67"), {}]
    records, problems = read_rows(SOCIAL_SECURITY, rows)

    assert [(r.row, r.period, r.values) for r in records] == [(2, "2024", {STAFF: 67})]
    assert [(p.row, p.field, p.reason) for p in problems] == [
        (3, "insured_staff", "not a whole number: {value}"),
        (4, "uscc", "check character of {code} is {actual}, expected {expected}"),
        (5, "uscc", "repeats row {first} (same enterprise, period and as-of date)"),
        (6, "uscc", "credit code {code} has {length} characters, expected 18"),
        (6, "as_of", "a value is required"),
        (6, "year", "a value is required"),
        (6, "insured_staff", "a value is required"),
    ]


def test_a_value_equal_to_the_registry_agrees_whatever_its_source() -> None:
    decision = decide(SOCIAL_SECURITY, _record(67), [_stored("67", "enterprise_filing")])
    assert decision.outcomes == {STAFF: Outcome.AGREES}
    assert decision.changes is None


def test_a_different_value_from_another_source_is_a_conflict_and_changes_nothing() -> None:
    decision = decide(SOCIAL_SECURITY, _record(70), [_stored("67", "enterprise_filing")])
    assert decision.outcomes == {STAFF: Outcome.CONFLICT}
    assert decision.changes is None
    assert not decision.create


def test_the_same_source_updates_with_a_newer_as_of_and_not_with_an_older() -> None:
    own = _stored("67", "social_security", date(2025, 1, 15))
    newer = decide(SOCIAL_SECURITY, _record(70, date(2025, 2, 15)), [own])
    older = decide(SOCIAL_SECURITY, _record(70, date(2024, 12, 15)), [own])

    assert newer.outcomes == {STAFF: Outcome.UPDATED}
    assert newer.changes == {"total": 70}
    assert older.outcomes == {STAFF: Outcome.STALE}
    assert older.changes is None


def test_no_registry_row_is_created_from_a_feed_that_cannot_complete_it() -> None:
    decision = decide(SOCIAL_SECURITY, _record(70), [])
    assert decision.outcomes == {STAFF: Outcome.HELD}
    assert not decision.create


def test_an_ip_row_creates_an_asset_with_the_department_as_source() -> None:
    [record], _ = read_rows(
        IP_OFFICE,
        [
            {
                "uscc": CODE,
                "number": "ZL202310556677.2",
                "as_of": "2025-09-30",
                "ip_type": "invention_patent",
                "filed_on": "2023-05-22",
                "status": "pending",
                "origin": "self_developed",
            }
        ],
    )
    decision = decide(IP_OFFICE, record, [])
    row = new_row(IP_OFFICE, record, 3)

    assert decision.create
    assert set(decision.outcomes.values()) == {Outcome.APPLIED}
    assert row["number"] == "ZL202310556677.2"
    assert row["source"] == "ip_office"
    assert row["title"] is None
    assert row["main_product_related"] is False


def test_a_tax_row_lacking_balance_sheet_figures_is_held_and_tax_paid_only_reported() -> None:
    cells = {
        "uscc": CODE,
        "year": "2024",
        "as_of": "2025-05-31",
        "revenue": "100",
        "total_costs": "90",
        "rd_expense": "10",
        "tax_paid": "3",
    }
    [record], _ = read_rows(TAX_BUREAU, [cells])
    decision = decide(TAX_BUREAU, record, [])

    assert not decision.create
    assert decision.outcomes["financial_years.revenue"] is Outcome.HELD
    assert decision.outcomes["tax_returns.tax_paid"] is Outcome.REPORTED


def test_events_of_one_day_are_distinct_and_a_known_event_agrees() -> None:
    rows = [
        {"uscc": CODE, "occurred_on": "2025-07-08", "as_of": "2025-10-31", "kind": kind}
        for kind in ("quality_incident", "safety_incident")
    ]
    records, problems = read_rows(MARKET_COMPLIANCE, rows)
    known = StoredRow(1, {"kind": "quality_incident"}, "credit_china", date(2025, 8, 1))

    assert problems == []
    assert [reported_items(MARKET_COMPLIANCE, r) for r in records] == [
        {"compliance_flags.quality_incident": ""},
        {"compliance_flags.safety_incident": ""},
    ]
    assert [decide(MARKET_COMPLIANCE, r, [known]).create for r in records] == [False, True]


def test_sources_conflict_only_when_their_current_values_differ() -> None:
    registry = {(STAFF, "2024"): SourceValue("enterprise_filing", "67", date(2025, 3, 31), True)}
    reported = [
        (STAFF, "2024", SourceValue("social_security", "70", date(2025, 1, 15))),
        (STAFF, "2024", SourceValue("social_security", "67", date(2025, 2, 15))),
        (STAFF, "2023", SourceValue("social_security", "52", date(2024, 1, 15))),
    ]
    [year_2023, year_2024] = compare_fields(reported, registry)

    assert not year_2024.conflict
    assert [v.value for v in year_2024.values] == ["67", "67"]
    assert not year_2023.conflict


def test_a_source_s_own_newer_report_replaces_its_registry_value_in_the_comparison() -> None:
    registry = {(STAFF, "2024"): SourceValue("social_security", "67", date(2025, 1, 15), True)}
    reported = [
        (STAFF, "2024", SourceValue("social_security", "70", date(2025, 2, 15))),
        (STAFF, "2024", SourceValue("enterprise_filing", "70", date(2025, 3, 31))),
    ]
    [comparison] = compare_fields(reported, registry)
    assert not comparison.conflict
