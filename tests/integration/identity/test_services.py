"""Identity use cases on a real database: sign-up, invitations, sign-in throttling, sessions,
API tokens, deactivation — and the audit entries each write leaves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from kejin.audit.orm import AuditEntryRow
from kejin.bootstrap import Platform
from kejin.core.errors import Conflict, InvalidInput, NotFound
from kejin.identity import authentication, service
from kejin.identity.errors import InvalidCredentials, InvalidInvitation, TooManyAttempts
from kejin.identity.model import InstitutionKind, Principal, Role, TokenScope
from kejin.identity.orm import ApiTokenRow, InvitationRow, WebSessionRow
from kejin.identity.schemas import (
    ApiTokenCreate,
    EnterpriseSignUp,
    InstitutionCreate,
    InvitationCreate,
    MemberCreate,
)
from tests.factories import PASSWORD, create_user, credit_code, seed_enterprises

CLIENT = "10.0.0.1"


def _admin(platform: Platform) -> Principal:
    user_id = create_user(platform, "platform_admin")
    return Principal(user_id=user_id, login="platform_admin", role=Role.PLATFORM_ADMIN)


def _actions(platform: Platform) -> list[str]:
    with platform.uow() as uow:
        return list(uow.session.scalars(select(AuditEntryRow.action).order_by(AuditEntryRow.seq)))


def _enterprise_name(platform: Platform) -> str:
    from kejin.registry.orm import EnterpriseRow

    with platform.uow() as uow:
        return (
            uow.session.scalars(select(EnterpriseRow.name).order_by(EnterpriseRow.id)).first() or ""
        )


def test_enterprise_sign_up_needs_the_registered_code_and_exact_name(platform: Platform) -> None:
    seed_enterprises(platform, 2)
    form = {"uscc": credit_code(0), "login": "boss", "display_name": "Boss", "password": PASSWORD}
    with pytest.raises(InvalidInput):
        service.sign_up_enterprise(platform.uow, EnterpriseSignUp(enterprise_name="Wrong", **form))
    user = service.sign_up_enterprise(
        platform.uow, EnterpriseSignUp(enterprise_name=_enterprise_name(platform), **form)
    )
    assert user.role is Role.ENTERPRISE_ADMIN
    assert user.enterprise_id is not None
    admin = Principal(user.id, user.login, user.role, enterprise_id=user.enterprise_id)
    member = service.add_member(
        platform.uow, admin, MemberCreate(login="clerk", display_name="Clerk", password=PASSWORD)
    )
    assert member.enterprise_id == user.enterprise_id
    assert [u.login for u in service.list_users(platform.uow, admin)] == ["boss", "clerk"]
    with pytest.raises(Conflict):
        service.sign_up_enterprise(
            platform.uow, EnterpriseSignUp(enterprise_name=_enterprise_name(platform), **form)
        )
    assert _actions(platform) == ["user.created", "user.created"]


def test_an_invitation_works_once_and_only_for_a_fitting_role(platform: Platform) -> None:
    admin = _admin(platform)
    bank = service.create_institution(
        platform.uow, admin, InstitutionCreate(name="杭州科技银行", kind=InstitutionKind.BANK)
    )
    with pytest.raises(InvalidInput):
        service.invite_user(
            platform.uow,
            admin,
            InvitationCreate(institution_id=bank.id, role=Role.FUND_MANAGER, login="wrong"),
        )
    issued = service.invite_user(
        platform.uow,
        admin,
        InvitationCreate(institution_id=bank.id, role=Role.BANK_OFFICER, login="Officer"),
    )
    with pytest.raises(InvalidInput):
        service.accept_invitation(platform.uow, issued.token, "Officer", "officer")
    user = service.accept_invitation(platform.uow, issued.token, "Officer Wang", PASSWORD)
    assert (user.login, user.role, user.institution_id) == ("officer", Role.BANK_OFFICER, bank.id)
    with pytest.raises(InvalidInvitation):
        service.accept_invitation(platform.uow, issued.token, "Again", PASSWORD)
    assert _actions(platform) == ["institution.created", "invitation.created", "user.created"]


def test_an_expired_invitation_is_refused(platform: Platform) -> None:
    admin = _admin(platform)
    bank = service.create_institution(
        platform.uow, admin, InstitutionCreate(name="Bank", kind=InstitutionKind.BANK)
    )
    issued = service.invite_user(
        platform.uow,
        admin,
        InvitationCreate(institution_id=bank.id, role=Role.BANK_APPROVER, login="late"),
    )
    with platform.uow() as uow:
        uow.session.execute(
            update(InvitationRow).values(expires_at=service.now() - timedelta(seconds=1))
        )
        uow.commit()
    with pytest.raises(InvalidInvitation):
        service.accept_invitation(platform.uow, issued.token, "Late", PASSWORD)


def test_sign_in_opens_a_session_and_replaces_an_older_one(platform: Platform) -> None:
    create_user(platform, "bank_officer")
    first = authentication.sign_in(platform.uow, "BANK_OFFICER", PASSWORD, CLIENT)
    second = authentication.sign_in(
        platform.uow, "bank_officer", PASSWORD, CLIENT, first.session_token
    )
    assert authentication.session_principal(platform.uow, first.session_token) is None
    found = authentication.session_principal(platform.uow, second.session_token)
    assert found is not None
    assert found[0].role is Role.BANK_OFFICER
    assert found[1] == second.csrf_token
    authentication.sign_out(platform.uow, second.session_token)
    assert authentication.session_principal(platform.uow, second.session_token) is None
    assert _actions(platform) == ["login.succeeded", "login.succeeded", "logout"]


def test_an_idle_session_expires(platform: Platform) -> None:
    create_user(platform, "fund_manager")
    signed_in = authentication.sign_in(platform.uow, "fund_manager", PASSWORD, CLIENT)
    with platform.uow() as uow:
        stale = service.now() - timedelta(hours=3)
        uow.session.execute(update(WebSessionRow).values(last_seen_at=stale))
        uow.commit()
    assert authentication.session_principal(platform.uow, signed_in.session_token) is None


@pytest.mark.parametrize("login", ["bank_officer", "nobody-by-this-name"])
def test_five_failures_lock_a_login_whether_or_not_it_exists(
    platform: Platform, login: str
) -> None:
    create_user(platform, "bank_officer")
    for _ in range(5):
        with pytest.raises(InvalidCredentials, match="Wrong login or password"):
            authentication.sign_in(platform.uow, login, "wrong password!", CLIENT)
    with pytest.raises(TooManyAttempts):
        authentication.sign_in(platform.uow, login, PASSWORD, CLIENT)
    assert _actions(platform) == ["login.failed"] * 5


def test_one_client_address_is_throttled_across_logins(platform: Platform) -> None:
    create_user(platform, "bank_officer")
    for n in range(20):
        with pytest.raises(InvalidCredentials):
            authentication.sign_in(platform.uow, f"guess{n}", "wrong password!", CLIENT)
    with pytest.raises(TooManyAttempts):
        authentication.sign_in(platform.uow, "bank_officer", PASSWORD, CLIENT)
    assert authentication.sign_in(platform.uow, "bank_officer", PASSWORD, "10.0.0.2").principal


def test_api_tokens_carry_scopes_and_stop_when_revoked_or_expired(platform: Platform) -> None:
    user_id = create_user(platform, "bank_officer")
    owner = Principal(user_id, "bank_officer", Role.BANK_OFFICER)
    form = ApiTokenCreate(name="batch", scopes=[TokenScope.CONSENT_READ], days=30)
    issued = authentication.create_api_token(platform.uow, owner, form)
    principal = authentication.token_principal(platform.uow, issued.token)
    assert principal.scopes == frozenset({"consent:read"})
    with platform.uow() as uow:
        stored = uow.session.scalars(select(ApiTokenRow.token_hash)).one()
    assert issued.token not in stored
    other = Principal(create_user(platform, "fund_manager"), "fund_manager", Role.FUND_MANAGER)
    with pytest.raises(NotFound):
        authentication.revoke_api_token(platform.uow, other, issued.id)
    authentication.revoke_api_token(platform.uow, owner, issued.id)
    with pytest.raises(InvalidCredentials, match="revoked"):
        authentication.token_principal(platform.uow, issued.token)
    expiring = authentication.create_api_token(platform.uow, owner, form)
    with platform.uow() as uow:
        uow.session.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.id == expiring.id)
            .values(expires_at=service.now() - timedelta(seconds=1))
        )
        uow.commit()
    with pytest.raises(InvalidCredentials, match="expired"):
        authentication.token_principal(platform.uow, expiring.token)
    assert _actions(platform) == ["api_token.created", "api_token.revoked", "api_token.created"]


def test_a_tokens_use_is_written_down_at_most_once_a_minute(platform: Platform) -> None:
    owner = Principal(create_user(platform, "bank_officer"), "bank_officer", Role.BANK_OFFICER)
    form = ApiTokenCreate(name="batch", scopes=[TokenScope.CONSENT_READ], days=30)
    issued = authentication.create_api_token(platform.uow, owner, form)

    def last_used() -> object:
        with platform.uow() as uow:
            return uow.session.scalars(select(ApiTokenRow.last_used_at)).one()

    authentication.token_principal(platform.uow, issued.token)
    first = last_used()
    authentication.token_principal(platform.uow, issued.token)
    assert first is not None
    assert last_used() == first
    with platform.uow() as uow:
        earlier = service.now() - authentication.TOUCH_EVERY - timedelta(seconds=1)
        uow.session.execute(update(ApiTokenRow).values(last_used_at=earlier))
        uow.commit()
    authentication.token_principal(platform.uow, issued.token)
    assert last_used() != first


def test_deactivation_ends_sessions_and_tokens_and_refuses_sign_in(platform: Platform) -> None:
    admin = _admin(platform)
    user_id = create_user(platform, "government_analyst")
    signed_in = authentication.sign_in(platform.uow, "government_analyst", PASSWORD, CLIENT)
    analyst = Principal(user_id, "government_analyst", Role.GOVERNMENT_ANALYST)
    form = ApiTokenCreate(name="batch", scopes=[TokenScope.CONSENT_READ], days=30)
    issued = authentication.create_api_token(platform.uow, analyst, form)
    service.deactivate_user(platform.uow, admin, user_id)
    assert authentication.session_principal(platform.uow, signed_in.session_token) is None
    with pytest.raises(InvalidCredentials, match="revoked"):
        authentication.token_principal(platform.uow, issued.token)
    with pytest.raises(InvalidCredentials):
        authentication.sign_in(platform.uow, "government_analyst", PASSWORD, CLIENT)
    with pytest.raises(Conflict):
        service.deactivate_user(platform.uow, admin, admin.user_id)
    assert "user.deactivated" in _actions(platform)


def test_the_first_platform_admin_comes_from_the_command_line(platform: Platform) -> None:
    user = service.create_platform_admin(platform.uow, "root", "Root", PASSWORD)
    assert user.role is Role.PLATFORM_ADMIN
    assert [i.kind for i in service.list_institutions(platform.uow)] == [
        InstitutionKind.PLATFORM_OPERATOR
    ]
