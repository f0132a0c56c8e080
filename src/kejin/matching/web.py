"""The enterprise's financing map page: per layer the ranked products with their checklists,
amounts and rates, what unlocks the nearest misses, the financing path and the policies split
into 免申即享 and apply-needed. Consent applies as for the assessment page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse

from kejin.assessment import reads as assessment
from kejin.assessment.web import STATUS_ICONS
from kejin.consent.errors import AccessRefused
from kejin.consent.model import GrantPurpose
from kejin.identity.model import Principal
from kejin.matching import maps
from kejin.web.deps import PlatformDep
from kejin.web.policy import signed_in
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[Principal, Depends(signed_in)]
Uscc = Annotated[str, Path(max_length=40)]


def financing_url(principal: Principal | None, uscc: str) -> str:
    """The link to an enterprise's financing map; institution staff's links carry their role's
    usual purpose (they may change it on the page)."""
    purpose = None if principal is None else assessment.default_purpose(principal.role)
    url = f"/enterprises/{uscc}/financing"
    return url if purpose is None else f"{url}?purpose={purpose.value}"


@router.get("/enterprises/{uscc}/financing", response_class=HTMLResponse)
def financing_page(
    request: Request,
    platform: PlatformDep,
    principal: SignedIn,
    uscc: Uscc,
    purpose: Annotated[GrantPurpose | None, Query()] = None,
) -> HTMLResponse:
    """The map. Institution staff first say why they read; a read outside every grant shows
    why not (403)."""
    if purpose is None and not principal.is_enterprise_user:
        return _access_page(request, principal, uscc, None)
    try:
        found = maps.enterprise_financing(
            platform.uow,
            principal,
            uscc,
            None if purpose is None else purpose.value,
            unlocks=True,
            path=True,
        )
    except AccessRefused:
        return _access_page(request, principal, uscc, purpose, status_code=403)
    context = {
        "m": found,
        "purpose": purpose,
        "purposes": list(GrantPurpose),
        "icons": STATUS_ICONS,
        "unlocks": {u.code: u for u in found.unlocks},
    }
    return render(request, "matching/financing.html", context)


def _access_page(
    request: Request,
    principal: Principal,
    uscc: str,
    purpose: GrantPurpose | None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "uscc": uscc,
        "refused": status_code == 403,
        "enterprise_user": principal.is_enterprise_user,
        "purpose": purpose or assessment.default_purpose(principal.role),
        "purposes": list(GrantPurpose),
    }
    return render(request, "matching/access.html", context, status_code=status_code)
