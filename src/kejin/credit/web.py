"""Credit pages: the card of the model in service (bank staff, platform admins) and one
enterprise's credit report (bank staff; consent applies; without it the firm's public data).
Each view calls one use case."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi import Path as PathParam
from starlette.requests import Request
from starlette.responses import HTMLResponse

from kejin.assessment.web import STATUS_ICONS
from kejin.consent.errors import AccessRefused
from kejin.consent.model import GrantPurpose
from kejin.core.i18n import N_, translate
from kejin.core.money import from_float
from kejin.credit import lending
from kejin.credit.features import STAGE, WAN
from kejin.credit.grading import Value
from kejin.identity.model import Principal, Role
from kejin.registry.model import Stage
from kejin.web import charts
from kejin.web.deps import PlatformDep
from kejin.web.formatting import money, share
from kejin.web.labels import label
from kejin.web.locale import locale_of
from kejin.web.policy import allow
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)
BANK_STAFF = (Role.BANK_OFFICER, Role.BANK_APPROVER)
Scorer = Annotated[Principal, Depends(allow(*BANK_STAFF))]
CardReader = Annotated[Principal, Depends(allow(*BANK_STAFF, Role.PLATFORM_ADMIN))]
Uscc = Annotated[str, PathParam(max_length=40)]
PURPOSE = GrantPurpose.CREDIT_ASSESSMENT

# Features of `lending.SCOPES` in words; a transformed feature is named by the quantity it
# is derived from, and shown as that quantity (`feature_value`).
FEATURE_LABELS = {
    "rd_intensity": N_("R&D intensity"),
    "debt_ratio": N_("Debt ratio"),
    "net_margin": N_("Net margin"),
    "revenue_growth": N_("Revenue growth"),
    "log_revenue_wan": N_("Revenue of the prior year"),
    "tech_staff_ratio": N_("Tech staff share"),
    "log1p_invention_patents": N_("Invention patents in force"),
    "log1p_age_years": N_("Age in years"),
    "has_equity_funding": N_("Equity funding raised"),
    "compliance_flag": N_("Compliance flag on record"),
    "high_tech_certificate": N_("High-tech enterprise"),
    STAGE: N_("Stage"),
    "innovation_points": N_("Innovation points"),
}
RATIOS = ("rd_intensity", "debt_ratio", "net_margin", "revenue_growth", "tech_staff_ratio")
FLAGS = ("high_tech_certificate", "has_equity_funding", "compliance_flag")


def feature_label(locale: str, name: str) -> str:
    return translate(locale, FEATURE_LABELS[name]) if name in FEATURE_LABELS else name


FLAG_WORDS = (N_("no"), N_("yes"))


def _flag(locale: str, value: float) -> str:
    return translate(locale, FLAG_WORDS[value >= 0.5])  # a 0/1 flag, or a bin's cut


def _revenue(locale: str, log_wan: float) -> str:
    return money(locale, from_float(math.exp(log_wan) * WAN))


# How a number is shown, by feature: ratios in percent, flags as yes or no, the log features
# inverted (revenue as an amount, patents as a count, age in years).
_NUMBERS: dict[str, Callable[[str, float], str]] = {
    **dict.fromkeys(RATIOS, share),
    **dict.fromkeys(FLAGS, _flag),
    "log_revenue_wan": _revenue,
    "log1p_invention_patents": lambda _, value: f"{math.expm1(value):,.0f}",
    "log1p_age_years": lambda _, value: f"{math.expm1(value):,.1f}",
}


def feature_value(locale: str, name: str, value: Value) -> str:
    """A value as a reader understands it (`_NUMBERS`; the stage by name); other numbers to
    four significant digits."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return label(locale, Stage(value)) if name == STAGE else value
    shown = _NUMBERS.get(name)
    return f"{value:,.4g}" if shown is None else shown(locale, value)


# A bin as training labels it: "(-inf, 0.5)", "[0.5, 1.2)" (numeric), "seed, start_up"
# (categories), "special", "missing".
_INTERVAL = re.compile(r"^([\[(])(\S+), (\S+)\)$")
_OTHER_BINS = {"special": N_("special values"), "missing": N_("not known")}


def bin_shown(locale: str, name: str, bin_label: str) -> str:
    """A bin in the units its feature is shown in (`feature_value`): bounds of a transformed
    feature inverted, flags as yes or no, stages by name."""
    if bin_label in _OTHER_BINS:
        return translate(locale, _OTHER_BINS[bin_label])
    interval = _INTERVAL.match(bin_label)
    if interval is None:
        separator = "、" if locale.startswith("zh") else ", "
        return separator.join(feature_value(locale, name, c) for c in bin_label.split(", "))
    opening, low, high = interval.groups()
    if name in FLAGS:
        return _flag(locale, 0.0 if low == "-inf" else 1.0)
    low_shown = "−∞" if low == "-inf" else feature_value(locale, name, float(low))
    high_shown = "∞" if high == "inf" else feature_value(locale, name, float(high))
    return f"{opening}{low_shown}, {high_shown})"


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
    """The credit report for purpose credit assessment; without a grant (the refusal is
    recorded), the firm's public data only and how it can grant access."""
    try:
        report = lending.credit_report(
            platform.uow, principal, uscc, PURPOSE.value, Path(platform.settings.data_dir)
        )
    except AccessRefused:
        profile = lending.public_profile(platform.uow, uscc)
        return render(request, "credit/public.html", {"e": profile, "purpose": PURPOSE})
    locale = locale_of(request)
    context: dict[str, Any] = {
        "r": report,
        "purpose": PURPOSE,
        "feature": partial(feature_label, locale),
        "shown": partial(feature_value, locale),
        "bin": partial(bin_shown, locale),
        "withheld": [feature_label(locale, name) for name in report.withheld],
        "stage": None if report.assessment is None else _stage(report.assessment.stage),
        "verdicts": _verdicts(locale, report.assessment),
        "icons": STATUS_ICONS,
    }
    return render(request, "credit/enterprise.html", context)


def _stage(stage: str | None) -> Stage | None:
    return None if stage is None else Stage(stage)


def _verdicts(
    locale: str, beside: lending.AssessmentBeside | None
) -> list[tuple[str, lending.Verdict]]:
    """Each verdict with its standard's name in the reader's language."""
    if beside is None:
        return []
    chinese = locale.startswith("zh")
    return [(v.name_zh if chinese else v.name_en, v) for v in beside.verdicts]
