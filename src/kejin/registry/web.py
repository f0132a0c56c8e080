"""Registry pages: the region at a glance (home), the enterprise list with CSV export, and
the enterprise detail. Each view calls one service function and renders one template."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, StreamingResponse

from kejin.assessment.web import assessment_url
from kejin.core.i18n import N_, translate
from kejin.core.money import WAN
from kejin.feeds.web import reported_card
from kejin.identity.model import Principal
from kejin.matching.web import financing_url
from kejin.registry import service
from kejin.registry.model import CertificationKind, IndustryCluster, IPType, Stage
from kejin.registry.schemas import (
    REVENUE_SORTS,
    EnterpriseDetail,
    EnterpriseFilters,
    EnterpriseSort,
    RegionSummary,
)
from kejin.web import charts
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.labels import label
from kejin.web.locale import locale_of
from kejin.web.policy import public
from kejin.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(public)])
CLASS_I = (IPType.INVENTION_PATENT, IPType.IC_LAYOUT, IPType.PLANT_VARIETY, IPType.NEW_DRUG)
SORT_LABELS = {
    EnterpriseSort.NAME: N_("Name"),
    EnterpriseSort.NAME_DESC: N_("Name (Z–A)"),
    EnterpriseSort.FOUNDED: N_("Oldest first"),
    EnterpriseSort.FOUNDED_DESC: N_("Newest first"),
    EnterpriseSort.CODE: N_("Credit code"),
    EnterpriseSort.REVENUE: N_("Revenue (low to high)"),
    EnterpriseSort.REVENUE_DESC: N_("Revenue (high to low)"),
}


@router.get("/", response_class=HTMLResponse)
def home(request: Request, platform: PlatformDep) -> HTMLResponse:
    summary = service.region_summary(platform.uow)
    locale = locale_of(request)
    context = {"summary": summary, "headline": _headline(summary), **_home_charts(locale, summary)}
    return render(request, "registry/home.html", context)


def _headline(summary: RegionSummary) -> dict[str, Any]:
    def share(kind: CertificationKind) -> Decimal:
        return _share(summary.by_certification[kind], summary.enterprises)

    revenue = summary.total_revenue
    return {
        "high_tech_share": share(CertificationKind.HIGH_TECH),
        "tech_sme_share": share(CertificationKind.TECH_SME),
        "specialised_share": share(CertificationKind.SPECIALISED_SME),
        "rd_intensity": summary.total_rd_expense / revenue if revenue else None,
        "class_i_ip": sum(summary.ip_by_type[ip_type] for ip_type in CLASS_I),
        "ip_total": sum(summary.ip_by_type.values()),
    }


def _home_charts(locale: str, summary: RegionSummary) -> dict[str, dict[str, Any]]:
    clusters = sorted(summary.by_cluster.items(), key=lambda item: -item[1])
    intensity = sorted(
        (row for row in summary.rd_intensity_by_cluster if row.intensity is not None),
        key=lambda row: -(row.intensity or 0),
    )
    return {
        "stage_chart": charts.bar(
            [label(locale, stage) for stage in Stage],
            [summary.by_stage[stage] for stage in Stage],
            colors=charts.STAGE_RAMP,
        ),
        "cluster_chart": charts.bar(
            [label(locale, c) for c, _ in clusters], [n for _, n in clusters], horizontal=True
        ),
        "certification_chart": charts.bar(
            [label(locale, kind) for kind in CertificationKind],
            [
                _share(summary.by_certification[kind], summary.enterprises)
                for kind in CertificationKind
            ],
            horizontal=True,
            percent=True,
            colors=(charts.PALETTE[1],),
        ),
        "intensity_chart": charts.bar(
            [label(locale, row.cluster) for row in intensity],
            [row.intensity or 0 for row in intensity],
            horizontal=True,
            percent=True,
            colors=(charts.PALETTE[2],),
        ),
    }


def _share(part: int, whole: int) -> Decimal:
    return Decimal(part) / whole if whole else Decimal(0)


@router.get("/enterprises", response_class=HTMLResponse)
def enterprise_list(
    request: Request,
    platform: PlatformDep,
    principal: Annotated[Principal | None, Depends(public)],
    filters: Annotated[EnterpriseFilters, Query()],
    page: PageDep,
) -> HTMLResponse:
    result = service.list_enterprises(platform.uow, filters, page, principal)
    context = {
        "result": result,
        "filters": filters,
        "signed_in": principal is not None,
        "stages": list(Stage),
        "clusters": list(IndustryCluster),
        "certifications": list(CertificationKind),
        "sorts": {
            sort: text
            for sort, text in SORT_LABELS.items()
            if filters.consented or sort not in REVENUE_SORTS
        },
        "export_query": request.url.query,
    }
    return render(request, "registry/list.html", context)


@router.get("/enterprises/export.csv")
def enterprise_export(
    platform: PlatformDep,
    principal: Annotated[Principal | None, Depends(public)],
    filters: Annotated[EnterpriseFilters, Query()],
) -> StreamingResponse:
    export = service.export_enterprises(platform.uow, filters, principal)
    headers = {"Content-Disposition": 'attachment; filename="enterprises.csv"'}
    return StreamingResponse(_csv_lines(export), media_type="text/csv", headers=headers)


def _csv_lines(export: service.EnterpriseExport) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # so spreadsheet programs read the Chinese names as UTF-8
    writer.writerow(export.columns)
    for index, row in enumerate(export.rows, start=1):
        writer.writerow("" if value is None else value for value in row)
        if index % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@router.get("/enterprises/{uscc}", response_class=HTMLResponse)
def enterprise_page(
    request: Request,
    platform: PlatformDep,
    principal: Annotated[Principal | None, Depends(public)],
    uscc: str,
) -> HTMLResponse:
    detail = service.enterprise_detail(platform.uow, uscc, principal)
    context = {
        "e": detail,
        "yearly_chart": _yearly_chart(locale_of(request), detail),
        "reported": reported_card(request, platform, detail.uscc),
        "assessment_url": assessment_url(principal, detail.uscc),
        "financing_url": financing_url(principal, detail.uscc),
    }
    return render(request, "registry/detail.html", context)


def _yearly_chart(locale: str, detail: EnterpriseDetail) -> dict[str, Any] | None:
    if not detail.financials:
        return None
    scale, unit = (WAN, "万元") if locale.startswith("zh") else (Decimal(1_000_000), "CNY m")
    years = [row.year for row in detail.financials]
    series = [
        (translate(locale, "Revenue"), [row.revenue / scale for row in detail.financials]),
        (translate(locale, "R&D expense"), [row.rd_expense / scale for row in detail.financials]),
    ]
    return charts.yearly(years, series, unit)
