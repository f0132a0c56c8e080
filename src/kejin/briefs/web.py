"""The document page: metadata, the brief beside the full text, every citation a link to its
paragraph (`#p-<position>`), highlighted when followed; printable. Any signed-in user."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from starlette.requests import Request
from starlette.responses import HTMLResponse

from kejin.briefs import service
from kejin.briefs.extraction import FigureKind
from kejin.briefs.model import Theme
from kejin.core.i18n import N_
from kejin.identity.model import Principal
from kejin.web.deps import PlatformDep
from kejin.web.policy import signed_in
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)
ExternalId = Annotated[str, Path(max_length=64)]
THEME_LABELS = {
    Theme.TRENDS: N_("Trends"),
    Theme.CHALLENGES: N_("Challenges"),
    Theme.MEASURES: N_("Proposed measures"),
    Theme.SCOPE: N_("Who it applies to"),
    Theme.OBLIGATIONS: N_("Obligations"),
    Theme.SUPPORT: N_("Support measures"),
    Theme.PENALTIES: N_("Penalties"),
}
FIGURE_LABELS = {
    FigureKind.AMOUNT: N_("Amount"),
    FigureKind.PERCENTAGE: N_("Percentage"),
    FigureKind.PERCENTAGE_POINTS: N_("Percentage points"),
    FigureKind.DATE: N_("Date"),
    FigureKind.DOCUMENT: N_("Named document"),
    FigureKind.PROGRAMME: N_("Programme"),
    FigureKind.DOCUMENT_NUMBER: N_("Document number"),
}


@router.get("/documents/{external_id}", response_class=HTMLResponse)
def document_page(
    request: Request,
    platform: PlatformDep,
    principal: Annotated[Principal, Depends(signed_in)],
    external_id: ExternalId,
) -> HTMLResponse:
    """One document with its brief."""
    found = service.document_brief(platform.uow, external_id)
    numbers = {citation: n for n, citation in enumerate(found.brief.sources(), start=1)}
    amounts = {
        figure: Decimal(figure.value)
        for figure in found.brief.figures
        if figure.kind is FigureKind.AMOUNT
    }
    context = {
        "document": found.document,
        "paragraphs": found.paragraphs,
        "brief": found.brief,
        "numbers": numbers,
        "amounts": amounts,
        "theme_labels": THEME_LABELS,
        "figure_labels": FIGURE_LABELS,
    }
    return render(request, "briefs/document.html", context)
