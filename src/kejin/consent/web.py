"""Consent pages: the enterprise's consent centre (grant, revoke, access history) and, for
institution staff, the enterprises that granted their institution access."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kejin.consent import service
from kejin.consent.model import DataScope, GrantPurpose
from kejin.consent.schemas import GrantCreate
from kejin.core.errors import KejinError
from kejin.core.i18n import N_
from kejin.core.pagination import PageRequest
from kejin.identity.model import Principal, Role
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.labels import label
from kejin.web.locale import locale_of
from kejin.web.policy import allow, signed_in
from kejin.web.problems import refusal
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[Principal, Depends(signed_in)]
EnterpriseAdmin = Annotated[Principal, Depends(allow(Role.ENTERPRISE_ADMIN))]
DEFAULT_GRANT_DAYS = 90
EVENTS = {
    service.READ: N_("Read"),
    service.READ_REFUSED: N_("Read refused"),
    service.GRANTED: N_("Granted"),
    service.REVOKED: N_("Revoked"),
}
PURPOSES = {purpose.value: purpose for purpose in GrantPurpose}


@router.get("/consent", response_class=HTMLResponse)
def consent_page(
    request: Request, platform: PlatformDep, principal: SignedIn, page: PageDep
) -> HTMLResponse:
    """Enterprise users: the consent centre. Institution staff: grants to their institution."""
    return _page(request, platform, principal, page)


def _page(
    request: Request,
    platform: PlatformDep,
    principal: Principal,
    page: PageRequest,
    status_code: int = 200,
    **extra: Any,
) -> HTMLResponse:
    locale = locale_of(request)
    grants = service.my_grants(platform.uow, principal).items
    common = {"grants": grants, "purpose_label": partial(_purpose_label, locale)}
    if not principal.is_enterprise_user:
        return render(request, "consent/received.html", common)
    context = {
        **common,
        "principal": principal,
        "events": EVENTS,
        "history": service.own_access_log(platform.uow, principal, page),
        "institutions": service.grantee_options(platform.uow),
        "scopes": list(DataScope),
        "purposes": list(GrantPurpose),
        "default_expiry": service.today() + timedelta(days=DEFAULT_GRANT_DAYS),
        "error": None,
        "problems": [],
        **extra,
    }
    return render(request, "consent/centre.html", context, status_code=status_code)


@router.post("/consent/grants")
def grant_consent(
    request: Request,
    *,
    platform: PlatformDep,
    principal: EnterpriseAdmin,
    institution_id: Annotated[int, Form(ge=1)],
    purpose: Annotated[GrantPurpose, Form()],
    expires_on: Annotated[date, Form()],
    scopes: Annotated[list[DataScope] | None, Form()] = None,
) -> Response:
    form = GrantCreate(
        institution_id=institution_id, scopes=scopes or [], purpose=purpose, expires_on=expires_on
    )
    try:
        service.grant(platform.uow, principal, form)
    except KejinError as exc:
        return _refused(request, platform, principal, exc)
    return RedirectResponse("/consent", status_code=303)


@router.post("/consent/grants/{grant_id}/revoke")
def revoke_consent(
    request: Request,
    platform: PlatformDep,
    principal: EnterpriseAdmin,
    grant_id: Annotated[int, Path(ge=1)],
) -> Response:
    try:
        service.revoke(platform.uow, principal, grant_id)
    except KejinError as exc:
        return _refused(request, platform, principal, exc)
    return RedirectResponse("/consent", status_code=303)


def _purpose_label(locale: str, purpose: str | None) -> str:
    """A grant purpose's display name; other text as it was written."""
    known = PURPOSES.get(purpose or "")
    return label(locale, known) if known else purpose or "—"


def _refused(
    request: Request, platform: PlatformDep, principal: Principal, exc: KejinError
) -> HTMLResponse:
    """The centre again, with the reason the action was refused."""
    shown = refusal(locale_of(request), exc)
    return _page(request, platform, principal, PageRequest(), exc.status, **shown)
