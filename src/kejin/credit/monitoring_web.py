"""The monitoring page of the credit model in service (bank staff, platform admins): the newest
stored run on the registry — training against current score distribution, each feature's PSI
against the 0.1 / 0.25 thresholds — and the score PSI over the model's stored runs; platform
admins run a new monitoring of the registry from it."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kejin.core.i18n import N_, translate
from kejin.credit import stability
from kejin.credit.monitoring import SHIFT_FROM, STABLE_BELOW, MonitoringRun, Stability
from kejin.credit.web import CardReader, feature_label
from kejin.identity.model import Principal, Role
from kejin.registry.service import today
from kejin.web import charts
from kejin.web.deps import PlatformDep
from kejin.web.locale import locale_of
from kejin.web.policy import allow
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)
# Running reads every registry firm's figures (in aggregate): the platform's operator does it.
Operator = Annotated[Principal, Depends(allow(Role.PLATFORM_ADMIN))]
BANDS = {
    Stability.STABLE: N_("Stable"),
    Stability.SHIFT: N_("Shift worth examining"),
    Stability.SIGNIFICANT: N_("Significant shift"),
}
THRESHOLDS = (STABLE_BELOW, SHIFT_FROM)
COLOURS = {
    Stability.STABLE: charts.PALETTE[2],
    Stability.SHIFT: charts.PALETTE[3],
    Stability.SIGNIFICANT: charts.PALETTE[4],
}


@router.get("/credit/monitoring", response_class=HTMLResponse)
def monitoring_page(
    request: Request,
    platform: PlatformDep,
    principal: CardReader,
    run: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    """The newest monitoring run of the model in service (or run `run`), its charts and the
    score PSI of every stored run of its model."""
    view = stability.overview(platform.uow, Path(platform.settings.data_dir), run)
    locale = locale_of(request)
    context: dict[str, Any] = {
        "view": view,
        "bands": {band: translate(locale, text) for band, text in BANDS.items()},
        "feature": partial(feature_label, locale),
        "may_run": principal.role is Role.PLATFORM_ADMIN,
    }
    if view.run is not None:
        context |= {
            "distribution_chart": _distribution_chart(locale, view.run),
            "features_chart": _features_chart(locale, view.run),
            "series_chart": _series_chart(locale, view.series),
        }
    return render(request, "credit/monitoring.html", context)


@router.post("/credit/monitoring")
def run_monitoring(platform: PlatformDep, principal: Operator) -> Response:
    """Monitor the registry today with the model in service; back to the page."""
    data_dir = Path(platform.settings.data_dir)
    stability.monitor_registry(platform.uow, data_dir, [today()], principal.login)
    return RedirectResponse("/credit/monitoring", status_code=303)


def _distribution_chart(locale: str, run: MonitoringRun) -> dict[str, Any]:
    bands = run.result.bands
    training = sum(b.expected for b in bands) or 1
    current = sum(b.actual for b in bands) or 1
    return charts.grouped(
        [f"{b.lower:.0f}" for b in bands],
        [
            (translate(locale, "Training"), [100 * b.expected / training for b in bands]),
            (translate(locale, "Registry on the day"), [100 * b.actual / current for b in bands]),
        ],
        "%",
    )


def _features_chart(locale: str, run: MonitoringRun) -> dict[str, Any]:
    features = sorted(run.result.features, key=lambda f: -f.psi)
    figure = charts.bar(
        [feature_label(locale, f.name) for f in features],
        [round(f.psi, 4) for f in features],
        horizontal=True,
        colors=[COLOURS[f.band] for f in features],
    )
    return charts.with_thresholds(figure, THRESHOLDS, axis="x")


def _series_chart(locale: str, series: tuple[MonitoringRun, ...]) -> dict[str, Any]:
    figure = charts.line(
        [r.as_of.isoformat() for r in series],
        [r.result.score_psi for r in series],
        y_title=translate(locale, "Score PSI"),
    )
    return charts.with_thresholds(figure, THRESHOLDS)
