"""The page before a read of consented enterprise data: why is it read (the purpose a grant
must match), or — 403 — the enterprise has not granted it. One page serves every view that
reads an enterprise's assessment (the assessment page, the financing map); each view gives its
own words as message ids."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import HTMLResponse

from kejin.consent.model import GrantPurpose
from kejin.identity.model import Principal
from kejin.web.templating import render


@dataclass(frozen=True, slots=True)
class ConsentedView:
    """How a view of consented data names itself on the purpose page (English message ids,
    marked with `N_` where they are declared)."""

    path: str  # the view's address below /enterprises/{uscc}/
    title: str
    choose_heading: str
    refused_heading: str
    own_only: str  # to an enterprise user refused another enterprise's view
    about: str  # why a purpose is asked
    show: str  # the button
    how_to_grant: str | None = None  # with %(scope)s, shown under a refusal


def purpose_page(
    request: Request,
    view: ConsentedView,
    principal: Principal,
    uscc: str,
    purpose: GrantPurpose | None,
    *,
    refused: bool = False,
) -> HTMLResponse:
    """Choose the purpose of the read (`purpose` preselected), or (403) the read for `purpose`
    was refused: a grant is needed."""
    context = {
        "view": view,
        "uscc": uscc,
        "refused": refused,
        "enterprise_user": principal.is_enterprise_user,
        "purpose": purpose,
        "purposes": list(GrantPurpose),
    }
    return render(request, "purpose.html", context, status_code=403 if refused else 200)
