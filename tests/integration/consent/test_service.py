"""Consent use cases against a real database (SQLite, or PostgreSQL when configured)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kejin.audit import service as audit
from kejin.bootstrap import Platform
from kejin.consent import service
from kejin.consent.errors import AccessRefused, GrantNotFound
from kejin.consent.model import DataScope, GrantPurpose, GrantStatus
from kejin.consent.schemas import GrantCreate
from kejin.core.errors import InvalidInput
from kejin.core.pagination import PageRequest
from kejin.identity.model import InstitutionKind, Principal
from kejin.identity.orm import InstitutionRow
from tests.factories import create_grant, create_user, institution_of, principal, seed_enterprises

CREDIT = GrantPurpose.CREDIT_ASSESSMENT


@pytest.fixture
def people(platform: Platform) -> tuple[Principal, Principal]:
    """An enterprise admin (of the first enterprise) and a bank officer."""
    seed_enterprises(platform, 5)
    admin = principal(platform, create_user(platform, "enterprise_admin", "lin"))
    officer = principal(platform, create_user(platform, "bank_officer", "wang"))
    return admin, officer


def _form(institution_id: int, **changes: object) -> GrantCreate:
    values = {
        "institution_id": institution_id,
        "scopes": [DataScope.FINANCIALS, DataScope.IP, DataScope.FINANCIALS],
        "purpose": CREDIT,
        "expires_on": service.today() + timedelta(days=90),
    } | changes
    return GrantCreate(**values)  # type: ignore[arg-type]


def _read(platform: Platform, reader: Principal, enterprise_id: int, scope: DataScope) -> None:
    with platform.uow() as work:
        service.require_access(work.session, reader, enterprise_id, scope, CREDIT.value)
        work.commit()


def _log(platform: Platform, enterprise_id: int) -> list[tuple[str, str | None]]:
    page = audit.entries_about(platform.uow, "enterprise", str(enterprise_id), PageRequest(size=50))
    return [(entry.action, entry.detail.get("outcome")) for entry in reversed(page.items)]


def test_grant_read_revoke_refuse_and_every_step_is_in_the_audit_log(
    platform: Platform, people: tuple[Principal, Principal]
) -> None:
    admin, officer = people
    assert admin.enterprise_id is not None
    assert officer.institution_id is not None
    granted = service.grant(platform.uow, admin, _form(officer.institution_id))
    assert (granted.scopes, granted.status) == ([DataScope.FINANCIALS, DataScope.IP], "active")
    _read(platform, officer, admin.enterprise_id, DataScope.FINANCIALS)
    service.revoke(platform.uow, admin, granted.id)
    with pytest.raises(AccessRefused) as refused:
        _read(platform, officer, admin.enterprise_id, DataScope.FINANCIALS)
    assert refused.value.status == 403
    assert _log(platform, admin.enterprise_id) == [
        ("consent.grant", None),
        ("consent.read", "allowed"),
        ("consent.revoke", None),
        ("consent.read_refused", "refused"),
    ]
    assert audit.verify(platform.uow).ok


def test_the_refusal_is_kept_although_the_callers_unit_of_work_never_commits(
    platform: Platform, people: tuple[Principal, Principal]
) -> None:
    admin, officer = people
    assert admin.enterprise_id is not None
    with pytest.raises(AccessRefused), platform.uow() as work:
        service.require_access(work.session, officer, admin.enterprise_id, DataScope.TAX, "x")
    assert _log(platform, admin.enterprise_id) == [("consent.read_refused", "refused")]


def test_an_expired_grant_and_an_uncovered_scope_are_refused(
    platform: Platform, people: tuple[Principal, Principal]
) -> None:
    admin, officer = people
    assert admin.enterprise_id is not None
    bank = institution_of(platform, officer.user_id)
    create_grant(
        platform,
        enterprise_id=admin.enterprise_id,
        institution_id=bank,
        granted_by=admin.user_id,
        expires_on=service.today() - timedelta(days=1),
    )
    create_grant(
        platform,
        enterprise_id=admin.enterprise_id,
        institution_id=bank,
        granted_by=admin.user_id,
        scopes=(DataScope.IP,),
    )
    with pytest.raises(AccessRefused):
        _read(platform, officer, admin.enterprise_id, DataScope.FINANCIALS)
    _read(platform, officer, admin.enterprise_id, DataScope.IP)


def test_own_users_read_everything_and_are_not_logged(
    platform: Platform, people: tuple[Principal, Principal]
) -> None:
    admin, _ = people
    assert admin.enterprise_id is not None
    for scope in DataScope:
        _read(platform, admin, admin.enterprise_id, scope)
    assert _log(platform, admin.enterprise_id) == []


def test_a_grant_is_validated_and_names_each_problem(
    platform: Platform, people: tuple[Principal, Principal]
) -> None:
    admin, _ = people
    with platform.uow() as work:
        operator = InstitutionRow(name="平台运营方", kind=InstitutionKind.PLATFORM_OPERATOR)
        work.session.add(operator)
        work.session.flush()
        work.commit()
        operator_id = operator.id
    with pytest.raises(InvalidInput) as refused:
        service.grant(
            platform.uow, admin, _form(operator_id, scopes=[], expires_on=service.today())
        )
    assert [p.field for p in refused.value.problems] == ["scopes", "expires_on", "institution_id"]


def test_an_enterprise_cannot_revoke_another_enterprises_grant(
    platform: Platform, people: tuple[Principal, Principal]
) -> None:
    admin, officer = people
    assert admin.enterprise_id is not None
    foreign = create_grant(
        platform,
        enterprise_id=admin.enterprise_id + 1,
        institution_id=institution_of(platform, officer.user_id),
        granted_by=admin.user_id,
    )
    with pytest.raises(GrantNotFound):
        service.revoke(platform.uow, admin, foreign)


def test_the_institution_sees_the_grants_it_received_in_every_status(
    platform: Platform, people: tuple[Principal, Principal]
) -> None:
    admin, officer = people
    assert admin.enterprise_id is not None
    for revoked in (False, True):
        create_grant(
            platform,
            enterprise_id=admin.enterprise_id,
            institution_id=institution_of(platform, officer.user_id),
            granted_by=admin.user_id,
            revoked=revoked,
        )
    statuses = [grant.status for grant in service.my_grants(platform.uow, officer).items]
    assert sorted(statuses) == [GrantStatus.ACTIVE, GrantStatus.REVOKED]
    assert len(service.my_grants(platform.uow, admin).items) == 2


def test_the_page_view_records_one_allowed_read_per_live_grant_used(
    platform: Platform, people: tuple[Principal, Principal]
) -> None:
    admin, officer = people
    assert admin.enterprise_id is not None
    bank = institution_of(platform, officer.user_id)
    for scopes in ((DataScope.FINANCIALS,), (DataScope.IP, DataScope.TAX)):
        create_grant(
            platform,
            enterprise_id=admin.enterprise_id,
            institution_id=bank,
            granted_by=admin.user_id,
            scopes=scopes,
        )
    with platform.uow() as work:
        readable = service.readable_scopes(work.session, officer, admin.enterprise_id)
        work.commit()
    assert readable == {DataScope.FINANCIALS, DataScope.IP}
    assert _log(platform, admin.enterprise_id) == [("consent.read", "allowed")] * 2


def test_the_demo_bank_sees_some_enterprises_financials_and_not_others(
    platform: Platform, people: tuple[Principal, Principal]
) -> None:
    admin, officer = people
    assert admin.enterprise_id is not None
    assert officer.institution_id is not None
    enterprise_ids = range(admin.enterprise_id, admin.enterprise_id + 5)
    ids = service.seed_demo_grants(
        platform.uow, dict.fromkeys(enterprise_ids, admin.user_id), [officer.institution_id]
    )
    assert len(ids) == len(service.DEMO_GRANTS)
    seen = []
    for enterprise_id in enterprise_ids:
        try:
            _read(platform, officer, enterprise_id, DataScope.FINANCIALS)
            seen.append(True)
        except AccessRefused:
            seen.append(False)
    assert seen == [True, True, False, False, False]


def test_readable_enterprise_ids_follow_live_grants_of_the_scope_and_list_reads_are_logged(
    platform: Platform, people: tuple[Principal, Principal]
) -> None:
    admin, officer = people
    assert admin.enterprise_id is not None
    assert officer.institution_id is not None
    common = {"institution_id": officer.institution_id, "granted_by": admin.user_id}
    create_grant(platform, enterprise_id=admin.enterprise_id, **common)
    create_grant(platform, enterprise_id=admin.enterprise_id + 1, scopes=(DataScope.IP,), **common)
    create_grant(platform, enterprise_id=admin.enterprise_id + 2, revoked=True, **common)
    with platform.uow() as work:
        session = work.session
        readable = service.readable_enterprise_ids(session, officer, DataScope.FINANCIALS)
        assert readable == {admin.enterprise_id}
        assert service.readable_enterprise_ids(session, admin, DataScope.FINANCIALS) == {
            admin.enterprise_id
        }
        assert service.readable_enterprise_ids(session, None, DataScope.FINANCIALS) == set()
        assert not service.record_list_reads(session, admin, readable, DataScope.FINANCIALS)
        assert service.record_list_reads(session, officer, readable, DataScope.FINANCIALS)
        work.commit()
    assert _log(platform, admin.enterprise_id) == [("consent.read", "allowed")]
