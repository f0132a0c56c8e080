"""Identity pages: login and logout, enterprise sign-up, accepting an invitation, account
administration and API tokens. Each view calls one service function and renders one template;
refused input is shown on the same form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kejin.core.errors import KejinError
from kejin.core.i18n import N_, translate
from kejin.identity import authentication, service
from kejin.identity.model import ENTERPRISE_ROLES, InstitutionKind, Principal, Role, TokenScope
from kejin.identity.schemas import (
    ApiTokenCreate,
    EnterpriseSignUp,
    InstitutionCreate,
    InvitationCreate,
    MemberCreate,
)
from kejin.web import auth
from kejin.web.deps import PlatformDep
from kejin.web.locale import locale_of
from kejin.web.policy import allow, public, signed_in
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]
SignedIn = Annotated[Principal, Depends(signed_in)]
AccountAdmin = Annotated[Principal, Depends(allow(Role.PLATFORM_ADMIN, Role.ENTERPRISE_ADMIN))]
PlatformAdmin = Annotated[Principal, Depends(allow(Role.PLATFORM_ADMIN))]
EnterpriseAdmin = Annotated[Principal, Depends(allow(Role.ENTERPRISE_ADMIN))]
INSTITUTION_ROLES = [role for role in Role if role not in ENTERPRISE_ROLES]
ROLE_LABELS = {
    Role.ENTERPRISE_ADMIN: N_("Enterprise admin"),
    Role.ENTERPRISE_MEMBER: N_("Enterprise member"),
    Role.BANK_OFFICER: N_("Bank officer"),
    Role.BANK_APPROVER: N_("Bank approver"),
    Role.FUND_MANAGER: N_("Fund manager"),
    Role.GOVERNMENT_ANALYST: N_("Government analyst"),
    Role.PLATFORM_ADMIN: N_("Platform admin"),
}
KIND_LABELS = {
    InstitutionKind.BANK: N_("Bank"),
    InstitutionKind.GUARANTOR: N_("Guarantor"),
    InstitutionKind.INSURER: N_("Insurer"),
    InstitutionKind.FUND_MANAGER: N_("Fund management company"),
    InstitutionKind.GOVERNMENT_OFFICE: N_("Government office"),
    InstitutionKind.PLATFORM_OPERATOR: N_("Platform operator"),
}


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a local path only (never another site)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _message(request: Request, exc: KejinError) -> str:
    return translate(locale_of(request), exc.message, **exc.params)


@router.get("/login", dependencies=[Depends(public)])
def login_page(request: Request, next: Annotated[str, Query(max_length=500)] = "/") -> HTMLResponse:  # noqa: A002 - the conventional name
    return render(request, "identity/login.html", {"next": safe_next(next), "error": None, "login": ""})


@router.post("/login", dependencies=[Depends(public)])
def login(
    request: Request,
    platform: PlatformDep,
    login: Text,
    password: Text,
    next: Annotated[str, Form(max_length=500)] = "/",  # noqa: A002
) -> Response:
    client = request.client.host if request.client else "unknown"
    replaces = request.cookies.get(auth.SESSION_COOKIE)
    try:
        signed_in = authentication.sign_in(platform.uow, login, password, client, replaces)
    except KejinError as exc:
        context = {"next": safe_next(next), "error": _message(request, exc), "login": login}
        return render(request, "identity/login.html", context, status_code=exc.status)
    response = RedirectResponse(safe_next(next), status_code=303)
    auth.start_session(request, response, signed_in)
    return response


@router.post("/logout", dependencies=[Depends(signed_in)])
def logout(request: Request, platform: PlatformDep) -> Response:
    known = auth.credentials(request)
    if known.session_token:
        authentication.sign_out(platform.uow, known.session_token)
    response = RedirectResponse("/", status_code=303)
    auth.end_session(response)
    return response


@router.get("/signup", dependencies=[Depends(public)])
def signup_page(request: Request) -> HTMLResponse:
    return render(request, "identity/signup.html", {"error": None, "form": {}})


@router.post("/signup", dependencies=[Depends(public)])
def signup(
    request: Request,
    *,
    platform: PlatformDep,
    uscc: Text,
    enterprise_name: Text,
    login: Text,
    display_name: Text,
    password: Text,
) -> Response:
    form = {
        "uscc": uscc,
        "enterprise_name": enterprise_name,
        "login": login,
        "display_name": display_name,
    }
    try:
        service.sign_up_enterprise(platform.uow, EnterpriseSignUp(password=password, **form))
    except KejinError as exc:
        context = {"error": _message(request, exc), "form": form}
        return render(request, "identity/signup.html", context, status_code=exc.status)
    return RedirectResponse("/login?signed_up=1", status_code=303)


@router.get("/invitation", dependencies=[Depends(public)])
def invitation_page(request: Request) -> HTMLResponse:
    """The token travels in the URL fragment (never sent to the server or its logs)."""
    return render(request, "identity/invitation.html", {"error": None})


@router.post("/invitation", dependencies=[Depends(public)])
def accept_invitation(
    request: Request, platform: PlatformDep, token: Text, display_name: Text, password: Text
) -> Response:
    try:
        service.accept_invitation(platform.uow, token, display_name, password)
    except KejinError as exc:
        context = {"error": _message(request, exc)}
        return render(request, "identity/invitation.html", context, status_code=exc.status)
    return RedirectResponse("/login", status_code=303)


@router.get("/admin/accounts")
def accounts_page(request: Request, platform: PlatformDep, principal: AccountAdmin) -> HTMLResponse:
    return _accounts(request, platform, principal)


def _accounts(
    request: Request, platform: PlatformDep, principal: Principal, **extra: Any
) -> HTMLResponse:
    is_platform = principal.role is Role.PLATFORM_ADMIN
    context = {
        "principal": principal,
        "users": service.list_users(platform.uow, principal),
        "institutions": service.list_institutions(platform.uow) if is_platform else [],
        "kinds": list(InstitutionKind),
        "roles": INSTITUTION_ROLES,
        "role_labels": ROLE_LABELS,
        "kind_labels": KIND_LABELS,
        "issued": None,
        "error": None,
        **extra,
    }
    return render(request, "identity/accounts.html", context)


def _after(
    request: Request,
    platform: PlatformDep,
    principal: Principal,
    action: Callable[[], object],
    *,
    show_result: bool = False,
) -> Response:
    """Run an admin action; then back to the list (showing a one-time result, or the reason)."""
    try:
        result = action()
    except KejinError as exc:
        return _accounts(request, platform, principal, error=_message(request, exc))
    if show_result:
        return _accounts(request, platform, principal, issued=result)
    return RedirectResponse("/admin/accounts", status_code=303)


@router.post("/admin/institutions")
def create_institution(
    request: Request,
    platform: PlatformDep,
    principal: PlatformAdmin,
    name: Text,
    kind: Annotated[InstitutionKind, Form()],
) -> Response:
    form = InstitutionCreate(name=name, kind=kind)
    return _after(
        request,
        platform,
        principal,
        lambda: service.create_institution(platform.uow, principal, form),
    )


@router.post("/admin/invitations")
def invite_user(
    request: Request,
    *,
    platform: PlatformDep,
    principal: PlatformAdmin,
    login: Text,
    institution_id: Annotated[int, Form()],
    role: Annotated[Role, Form()],
) -> Response:
    form = InvitationCreate(institution_id=institution_id, role=role, login=login)
    return _after(
        request,
        platform,
        principal,
        lambda: service.invite_user(platform.uow, principal, form),
        show_result=True,
    )


@router.post("/admin/members")
def add_member(
    request: Request,
    *,
    platform: PlatformDep,
    principal: EnterpriseAdmin,
    login: Text,
    display_name: Text,
    password: Text,
) -> Response:
    form = MemberCreate(login=login, display_name=display_name, password=password)
    return _after(
        request, platform, principal, lambda: service.add_member(platform.uow, principal, form)
    )


@router.post("/admin/users/{user_id}/deactivate")
def deactivate_user(
    request: Request, platform: PlatformDep, principal: AccountAdmin, user_id: int
) -> Response:
    return _after(
        request,
        platform,
        principal,
        lambda: service.deactivate_user(platform.uow, principal, user_id),
    )


@router.get("/account/tokens")
def tokens_page(request: Request, platform: PlatformDep, principal: SignedIn) -> HTMLResponse:
    return _tokens(request, platform, principal)


def _tokens(
    request: Request, platform: PlatformDep, principal: Principal, **extra: Any
) -> HTMLResponse:
    context = {
        "tokens": authentication.list_api_tokens(platform.uow, principal),
        "scopes": list(TokenScope),
        "issued": None,
        "error": None,
        **extra,
    }
    return render(request, "identity/tokens.html", context)


@router.post("/account/tokens")
def create_token(
    request: Request,
    *,
    platform: PlatformDep,
    principal: SignedIn,
    name: Text,
    scopes: Annotated[list[TokenScope], Form()],
    days: Annotated[int, Form(ge=1, le=365)] = 90,
) -> HTMLResponse:
    try:
        issued = authentication.create_api_token(
            platform.uow, principal, ApiTokenCreate(name=name, scopes=scopes, days=days)
        )
    except KejinError as exc:
        return _tokens(request, platform, principal, error=_message(request, exc))
    return _tokens(request, platform, principal, issued=issued)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, platform: PlatformDep, principal: SignedIn, token_id: int
) -> Response:
    authentication.revoke_api_token(platform.uow, principal, token_id)
    return RedirectResponse("/account/tokens", status_code=303)
