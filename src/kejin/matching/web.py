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
from kejin.core.i18n import N_
from kejin.identity.model import Principal
from kejin.matching import maps
from kejin.web.deps import PlatformDep
from kejin.web.policy import signed_in
from kejin.web.purpose import ConsentedView, purpose_page
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)
FINANCING_VIEW = ConsentedView(
    path="financing",
    title=N_("Financing map"),
    choose_heading=N_("Why are you reading this financing map?"),
    refused_heading=N_("This financing map is not shared with you"),
    own_only=N_("An enterprise sees only its own financing map."),
    about=N_(
        "The financing map is read from the enterprise's assessment, which is consented data: "
        "you read it within the enterprise's grant for one purpose."
    ),
    show=N_("Show the financing map"),
)
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
        usual = assessment.default_purpose(principal.role)
        return purpose_page(request, FINANCING_VIEW, principal, uscc, usual)
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
        asked = purpose or assessment.default_purpose(principal.role)
        return purpose_page(request, FINANCING_VIEW, principal, uscc, asked, refused=True)
    context = {
        "m": found,
        "purpose": purpose,
        "purposes": list(GrantPurpose),
        "icons": STATUS_ICONS,
        "unlocks": {u.code: u for u in found.unlocks},
    }
    return render(request, "matching/financing.html", context)
