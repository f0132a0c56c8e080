"""Credit pages: the card of the model in service (bank staff, platform admins) and one
enterprise's credit report (bank staff; consent applies). Each view calls one use case."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi import Path as PathParam
from starlette.requests import Request
from starlette.responses import HTMLResponse

from kejin.consent.errors import AccessRefused
from kejin.consent.model import GrantPurpose
from kejin.core.i18n import N_, translate
from kejin.credit import lending
from kejin.credit.grading import Value
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

# Features of `lending.SCOPES` in words (the transformed ones show their own name); ratios are
# shown as percentages.
FEATURE_LABELS = {
    "rd_intensity": N_("R&D intensity"),
    "debt_ratio": N_("Debt ratio"),
    "net_margin": N_("Net margin"),
    "revenue_growth": N_("Revenue growth"),
    "tech_staff_ratio": N_("Tech staff share"),
    "high_tech_certificate": N_("High-tech enterprise"),
    "stage": N_("Stage"),
    "innovation_points": N_("Innovation points"),
}
RATIOS = frozenset({"rd_intensity", "debt_ratio", "net_margin", "revenue_growth",
                    "tech_staff_ratio"})  # fmt: skip


def feature_label(locale: str, name: str) -> str:
    return translate(locale, FEATURE_LABELS[name]) if name in FEATURE_LABELS else name


def feature_value(name: str, value: Value) -> str:
    """A value as a reader expects it: ratios in percent, numbers to four significant digits."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{value:.1%}" if name in RATIOS else f"{value:,.4g}"


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
        refused = {"uscc": uscc, "purpose": PURPOSE}
        return render(request, "credit/refused.html", refused, status_code=403)
    locale = locale_of(request)
    context: dict[str, Any] = {
        "r": report,
        "purpose": PURPOSE,
        "feature": partial(feature_label, locale),
        "shown": feature_value,
        "withheld": [feature_label(locale, name) for name in report.withheld],
    }
    return render(request, "credit/enterprise.html", context)
