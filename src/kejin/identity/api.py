"""Identity JSON API under `/api/v1`: sign-up, institutions, invitations, users, API tokens.

Cookie-authenticated calls that change state send the session's CSRF token in `X-CSRF-Token`;
machine clients use `Authorization: Bearer kejin_…` tokens, limited by their scopes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from kejin.identity import authentication, service
from kejin.identity.model import Principal, Role, TokenScope
from kejin.identity.schemas import (
    ApiTokenCreate,
    ApiTokenIssued,
    ApiTokenRead,
    EnterpriseSignUp,
    InstitutionCreate,
    InstitutionRead,
    InvitationCreate,
    InvitationIssued,
    MemberCreate,
    UserRead,
)
from kejin.web.deps import PlatformDep
from kejin.web.policy import allow, public, signed_in
from kejin.web.problems import problem_responses

ERRORS = problem_responses(401, 403, 404, 409, 422)
router = APIRouter(prefix="/api/v1", tags=["identity"], responses=ERRORS)

PlatformAdmin = Annotated[Principal, Depends(allow(Role.PLATFORM_ADMIN))]
PlatformReader = Annotated[
    Principal, Depends(allow(Role.PLATFORM_ADMIN, scope=TokenScope.ACCOUNTS_READ))
]
AccountAdmin = Annotated[
    Principal,
    Depends(allow(Role.PLATFORM_ADMIN, Role.ENTERPRISE_ADMIN, scope=TokenScope.ACCOUNTS_READ)),
]
EnterpriseAdmin = Annotated[Principal, Depends(allow(Role.ENTERPRISE_ADMIN))]
SignedIn = Annotated[Principal, Depends(signed_in)]
UserId = Annotated[int, Path(ge=1)]


@router.post("/signup", status_code=201, dependencies=[Depends(public)])
def sign_up_enterprise(platform: PlatformDep, form: EnterpriseSignUp) -> UserRead:
    """Create an enterprise admin account, verified against the registry (code + exact name)."""
    return service.sign_up_enterprise(platform.uow, form)


@router.get("/me")
def who_am_i(principal: SignedIn) -> dict[str, Any]:
    """The signed-in user as services see them."""
    return {"user_id": principal.user_id, "login": principal.login, "role": principal.role}


@router.get("/institutions")
def list_institutions(platform: PlatformDep, principal: PlatformReader) -> list[InstitutionRead]:
    return service.list_institutions(platform.uow)


@router.post("/institutions", status_code=201)
def create_institution(
    platform: PlatformDep, principal: PlatformAdmin, form: InstitutionCreate
) -> InstitutionRead:
    return service.create_institution(platform.uow, principal, form)


@router.post("/invitations", status_code=201)
def invite_user(
    platform: PlatformDep, principal: PlatformAdmin, form: InvitationCreate
) -> InvitationIssued:
    """Invite someone to an institution; the token in the answer is shown only this once."""
    return service.invite_user(platform.uow, principal, form)


@router.get("/users")
def list_users(platform: PlatformDep, principal: AccountAdmin) -> list[UserRead]:
    """All accounts (platform admin) or the enterprise's own accounts (enterprise admin)."""
    return service.list_users(platform.uow, principal)


@router.post("/members", status_code=201)
def add_member(platform: PlatformDep, principal: EnterpriseAdmin, form: MemberCreate) -> UserRead:
    return service.add_member(platform.uow, principal, form)


@router.post("/users/{user_id}/deactivate")
def deactivate_user(
    platform: PlatformDep,
    principal: Annotated[Principal, Depends(allow(Role.PLATFORM_ADMIN, Role.ENTERPRISE_ADMIN))],
    user_id: UserId,
) -> UserRead:
    return service.deactivate_user(platform.uow, principal, user_id)


@router.get("/tokens")
def list_api_tokens(platform: PlatformDep, principal: SignedIn) -> list[ApiTokenRead]:
    return authentication.list_api_tokens(platform.uow, principal)


@router.post("/tokens", status_code=201)
def create_api_token(
    platform: PlatformDep, principal: SignedIn, form: ApiTokenCreate
) -> ApiTokenIssued:
    """A new API token; its text is in this answer only."""
    return authentication.create_api_token(platform.uow, principal, form)


@router.delete("/tokens/{token_id}")
def revoke_api_token(
    platform: PlatformDep, principal: SignedIn, token_id: Annotated[int, Path(ge=1)]
) -> ApiTokenRead:
    return authentication.revoke_api_token(platform.uow, principal, token_id)
