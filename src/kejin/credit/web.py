"""Credit pages: the card of the model in service (bank staff, platform admins) and one
enterprise's credit report (bank staff; consent applies). Each view calls one use case."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi import Path as PathParam
from starlette.requests import Request
from starlette.responses import HTMLResponse

from kejin.consent.errors import AccessRefused
from kejin.consent.model import GrantPurpose
from kejin.core.i18n import translate
from kejin.credit import lending
from kejin.identity.model import Principal, Role
from kejin.web import charts
from kejin.web.deps import PlatformDep
from kejin.web.locale import locale_of
from kejin.web.policy import allow
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)
BANK_STAFF = (Role.BANK_OFFICER, Role.BANK_APPROVER)
Scorer = Annotated[Principal, Depends(allow(*BANK_STAFF))]
CardReader = Annotated[Principal, Depends(allow(*BANK_STAFF, Role.PLATFORM_ADMIN))]
Uscc = Annotated[str, PathParam(max_length=40)]
PURPOSE = GrantPurpose.CREDIT_ASSESSMENT


@router.get("/credit/model", response_class=HTMLResponse)
def model_page(request: Request, platform: PlatformDep, principal: CardReader) -> HTMLResponse:
    """The model card: discrimination per split, calibration, score distribution, binning."""
    card = lending.current_card(Path(platform.settings.data_dir))
    locale = locale_of(request)
    context = {
        "card": card,
        "calibration_chart": _calibration_chart(locale, card),
        "distribution_chart": charts.bar(
            [f"{band['from']:.0f}" for band in card["score_distribution"]],
            [band["rows"] for band in card["score_distribution"]],
        ),
    }
    return render(request, "credit/model.html", context)


def _calibration_chart(locale: str, card: dict[str, Any]) -> dict[str, Any]:
    bands = card["calibration_test"]
    return charts.grouped(
        [str(band["band"]) for band in bands],
        [
            (translate(locale, "Predicted PD"), [100 * band["predicted"] for band in bands]),
            (translate(locale, "Observed bad rate"), [100 * band["observed"] for band in bands]),
        ],
        "%",
    )


@router.get("/enterprises/{uscc}/credit", response_class=HTMLResponse)
def credit_page(
    request: Request, platform: PlatformDep, principal: Scorer, uscc: Uscc
) -> HTMLResponse:
    """The credit report for purpose credit assessment; without a grant, public data only."""
    try:
        report = lending.credit_report(
            platform.uow, principal, uscc, PURPOSE.value, Path(platform.settings.data_dir)
        )
    except AccessRefused:
        context = {"uscc": uscc, "purpose": PURPOSE}
        return render(request, "credit/refused.html", context, status_code=403)
    return render(request, "credit/enterprise.html", {"r": report, "purpose": PURPOSE})
