"""The pure consent rules: grant liveness, the access decision, grant validation, the split."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kejin.consent.model import (
    CONSENTED_SECTIONS,
    MAX_GRANT_DURATION,
    PUBLIC_SECTIONS,
    ConsentGrant,
    DataScope,
    GrantPurpose,
    GrantStatus,
    decide,
    grant_problems,
)
from kejin.identity.model import Principal, Role
from kejin.registry.schemas import EnterpriseDetail

TODAY = date(2026, 6, 1)
ENTERPRISE = 7
BANK = 3
CREDIT = GrantPurpose.CREDIT_ASSESSMENT.value
OFFICER = Principal(user_id=1, login="wang", role=Role.BANK_OFFICER, institution_id=BANK)


def a_grant(**changes: object) -> ConsentGrant:
    values: dict[str, object] = {
        "id": 1,
        "enterprise_id": ENTERPRISE,
        "institution_id": BANK,
        "scopes": frozenset({DataScope.FINANCIALS}),
        "purpose": CREDIT,
        "granted_at": datetime(2026, 5, 1, tzinfo=UTC),
        "expires_on": TODAY,
    } | changes
    return ConsentGrant(**values)  # type: ignore[arg-type]


def test_a_grant_is_live_through_its_expiry_day_and_expired_the_day_after() -> None:
    grant = a_grant()
    assert grant.status_on(TODAY) is GrantStatus.ACTIVE
    assert grant.status_on(TODAY + timedelta(days=1)) is GrantStatus.EXPIRED


def test_a_revoked_grant_is_revoked_whatever_its_expiry() -> None:
    grant = a_grant(revoked_at=datetime(2026, 5, 2, tzinfo=UTC), expires_on=date(2027, 1, 1))
    assert grant.status_on(TODAY) is GrantStatus.REVOKED
    assert not grant.is_live(TODAY)


def test_the_enterprises_own_users_always_read() -> None:
    member = Principal(2, "lin", Role.ENTERPRISE_MEMBER, enterprise_id=ENTERPRISE)
    decision = decide(member, ENTERPRISE, DataScope.TAX, CREDIT, grants=[], today=TODAY)
    assert (decision.allowed, decision.reason) == (True, "own_enterprise")


def test_another_enterprises_user_never_reads() -> None:
    other = Principal(2, "zhou", Role.ENTERPRISE_ADMIN, enterprise_id=ENTERPRISE + 1)
    decision = decide(
        other, ENTERPRISE, DataScope.FINANCIALS, CREDIT, grants=[a_grant()], today=TODAY
    )
    assert not decision.allowed


def test_an_institution_reads_within_a_live_grant_naming_the_grant() -> None:
    decision = decide(
        OFFICER, ENTERPRISE, DataScope.FINANCIALS, CREDIT, grants=[a_grant(id=9)], today=TODAY
    )
    assert (decision.allowed, decision.grant_id) == (True, 9)


@pytest.mark.parametrize(
    ("grant", "scope", "purpose", "today"),
    [
        (a_grant(), DataScope.IP, CREDIT, TODAY),
        (a_grant(), DataScope.FINANCIALS, GrantPurpose.POLICY_SUPPORT.value, TODAY),
        (a_grant(), DataScope.FINANCIALS, CREDIT, TODAY + timedelta(days=1)),
        (a_grant(institution_id=BANK + 1), DataScope.FINANCIALS, CREDIT, TODAY),
        (a_grant(revoked_at=datetime(2026, 5, 2, tzinfo=UTC)), DataScope.FINANCIALS, CREDIT, TODAY),
    ],
    ids=["scope not covered", "other purpose", "expired", "other institution", "revoked"],
)
def test_reads_outside_a_live_matching_grant_are_refused(
    grant: ConsentGrant, scope: DataScope, purpose: str, today: date
) -> None:
    decision = decide(OFFICER, ENTERPRISE, scope, purpose, grants=[grant], today=today)
    assert (decision.allowed, decision.reason) == (False, "no_grant")


def test_a_grant_needs_a_scope_and_an_expiry_within_the_limit() -> None:
    assert [p.field for p in grant_problems([], TODAY, TODAY)] == ["scopes", "expires_on"]
    too_far = grant_problems([DataScope.IP], TODAY + MAX_GRANT_DURATION + timedelta(days=1), TODAY)
    assert [(p.field, p.params) for p in too_far] == [
        ("expires_on", {"latest": TODAY + MAX_GRANT_DURATION})
    ]
    assert grant_problems([DataScope.IP], TODAY + MAX_GRANT_DURATION, TODAY) == []


def test_every_section_of_the_enterprise_record_is_public_or_consented_never_both() -> None:
    sections = set(EnterpriseDetail.model_fields) - {"source", "as_of", "withheld"}
    assert set(PUBLIC_SECTIONS).isdisjoint(CONSENTED_SECTIONS)
    assert set(PUBLIC_SECTIONS) | set(CONSENTED_SECTIONS) == sections
