"""Assessment pages: one enterprise's assessment report (consent applies), and for government
analysts and platform admins the region view of the newest run with its drill-down and CSV
export. Each view calls one service function and renders one template."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, StreamingResponse

from kejin.assessment import reads
from kejin.assessment.errors import NoAssessmentRun
from kejin.assessment.model import Status
from kejin.assessment.schemas import (
    NO_STAGE,
    DrillDown,
    PointsView,
    SummaryCell,
)
from kejin.consent.errors import AccessRefused
from kejin.consent.model import GrantPurpose
from kejin.core.i18n import N_, translate
from kejin.identity.model import Principal, Role
from kejin.registry.model import IndustryCluster, Stage
from kejin.web import charts
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.labels import label
from kejin.web.locale import locale_of
from kejin.web.policy import allow, signed_in
from kejin.web.purpose import ConsentedView, purpose_page
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[Principal, Depends(signed_in)]
RegionStaff = Annotated[Principal, Depends(allow(Role.GOVERNMENT_ANALYST, Role.PLATFORM_ADMIN))]
Uscc = Annotated[str, Path(max_length=40)]

# Best first: the order of columns, chart segments and legends.
STATUS_ORDER = (
    Status.MET,
    Status.MANUAL_REVIEW,
    Status.UNKNOWN,
    Status.UNMET,
    Status.NOT_APPLICABLE,
)
STATUS_COLORS = {
    Status.MET: "#059669",
    Status.MANUAL_REVIEW: "#ca8a04",
    Status.UNKNOWN: "#94a3b8",
    Status.UNMET: "#dc2626",
    Status.NOT_APPLICABLE: "#cbd5e1",
}
STATUS_ICONS = {
    Status.MET: "✓",
    Status.MANUAL_REVIEW: "⚖",
    Status.UNKNOWN: "?",
    Status.UNMET: "✗",
    Status.NOT_APPLICABLE: "–",
}
NO_STAGE_LABEL = N_("No stage")
ASSESSMENT_VIEW = ConsentedView(
    path="assessment",
    title=N_("Technology assessment"),
    choose_heading=N_("Why are you reading this assessment?"),
    refused_heading=N_("This assessment is not shared with you"),
    own_only=N_(
        "An enterprise sees only its own assessment. Institutions see another enterprise's "
        "assessment when it grants them access."
    ),
    about=N_(
        "An assessment is consented data: you read it within the enterprise's grant for one "
        "purpose, and the enterprise sees every read in its access log."
    ),
    show=N_("Show the assessment"),
    how_to_grant=N_(
        "An enterprise shares its assessment through a consent grant to your institution that "
        "opens %(scope)s for the purpose of your read, until a date it chooses. Ask the "
        "enterprise to grant it in its consent centre, or choose the purpose a grant was made "
        "for."
    ),
)
POINTS_BIN = 25  # points per bar of the cohort distribution (0–1000)
CSV_COLUMNS = (
    "uscc",
    "name",
    "cluster",
    "stage",
    "standard",
    "status",
    "points_low",
    "points_high",
    "innovation_points",
    "band",
    "evaluated_on",
)


def _local(locale: str, item: Any, name: str) -> Any:
    """The Chinese or English variant of a bilingual field (`name_zh` / `name_en`)."""
    return getattr(item, f"{name}_{'zh' if locale.startswith('zh') else 'en'}")


# --- one enterprise ---------------------------------------------------------------------------


def assessment_url(principal: Principal | None, uscc: str) -> str:
    """The link to an enterprise's assessment page; institution staff's links carry their
    role's usual purpose (they may change it on the page)."""
    purpose = None if principal is None else reads.default_purpose(principal.role)
    url = f"/enterprises/{uscc}/assessment"
    return url if purpose is None else f"{url}?purpose={purpose.value}"


@router.get("/enterprises/{uscc}/assessment", response_class=HTMLResponse)
def assessment_page(
    request: Request,
    platform: PlatformDep,
    principal: SignedIn,
    uscc: Uscc,
    purpose: Annotated[GrantPurpose | None, Query()] = None,
) -> HTMLResponse:
    """The assessment report. Institution staff first say why they read (the role's usual
    purpose is preselected; links carry it); a read outside every grant shows why not."""
    if purpose is None and not principal.is_enterprise_user:
        usual = reads.default_purpose(principal.role)
        return purpose_page(request, ASSESSMENT_VIEW, principal, uscc, usual)
    try:
        found = reads.enterprise_assessment(
            platform.uow, principal, uscc, None if purpose is None else purpose.value
        )
    except AccessRefused:
        asked = purpose or reads.default_purpose(principal.role)
        return purpose_page(request, ASSESSMENT_VIEW, principal, uscc, asked, refused=True)
    locale = locale_of(request)
    context = {
        "a": found,
        "local": partial(_local, locale),
        "purpose": purpose,
        "purposes": list(GrantPurpose),
        "icons": STATUS_ICONS,
        "points_chart": _points_chart(locale, found.points),
    }
    return render(request, "assessment/enterprise.html", context)


def _points_chart(locale: str, points: PointsView | None) -> dict[str, Any] | None:
    if points is None or not points.cohort_scores:
        return None
    return charts.distribution(
        [value for value, _ in points.cohort_scores],
        [count for _, count in points.cohort_scores],
        points.score,
        marker_label=translate(locale, "This enterprise: {points}", points=points.score),
        bin_width=POINTS_BIN,
        x_title=translate(locale, "Innovation points"),
        y_title=translate(locale, "Number of enterprises"),
    )


# --- the region --------------------------------------------------------------------------------


@dataclass
class CountRow:
    """Enterprises of one stage (and cluster, for a cluster row) by status, with the query
    parameters of its drill-down."""

    stage: Stage | None
    cluster: IndustryCluster | None
    counts: dict[Status, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, counts: dict[Status, int]) -> None:
        for status, count in counts.items():
            self.counts[status] = self.counts.get(status, 0) + count

    def share(self, status: Status) -> Decimal | None:
        return Decimal(self.counts.get(status, 0)) / self.total if self.total else None

    def query(self) -> dict[str, str]:
        found = {"stage": NO_STAGE if self.stage is None else self.stage.value}
        return found | ({"cluster": self.cluster.value} if self.cluster else {})


def drill_url(standard: str, status: Status | None = None, **params: str) -> str:
    """The drill-down of one count of the region view."""
    query = {"standard": standard} | ({"status": status.value} if status else {}) | params
    return "/assessment/enterprises?" + urlencode(query)


@router.get("/assessment", response_class=HTMLResponse)
def region_page(
    request: Request,
    platform: PlatformDep,
    principal: RegionStaff,
    standard: Annotated[str | None, Query(max_length=32)] = None,
) -> HTMLResponse:
    """The newest run by standard: counts and shares by stage × cluster, totals per standard."""
    region = reads.region_assessment(platform.uow)
    if region.run is None:
        return render(request, "assessment/region.html", {"run": None})
    locale = locale_of(request)
    codes = [ref.code for ref in region.standards]
    chosen = standard if standard in codes else codes[0]
    cells = [cell for cell in region.cells if cell.standard == chosen]
    stages = _stage_rows(cells)
    statuses = _present(region.cells)
    context = {
        "run": region.run,
        "standards": region.standards,
        "chosen": next(ref for ref in region.standards if ref.code == chosen),
        "statuses": statuses,
        "stages": stages,
        "totals": _standard_totals(region.cells, codes),
        "stage_chart": _stage_chart(locale, stages, statuses),
        "local": partial(_local, locale),
        "drill_url": drill_url,
        "icons": STATUS_ICONS,
        "no_stage": NO_STAGE_LABEL,
    }
    return render(request, "assessment/region.html", context)


def _stage_rows(cells: Iterable[SummaryCell]) -> list[tuple[CountRow, list[CountRow]]]:
    """Per stage (in life-cycle order, those without a stage last) its total row and its
    cluster rows; stages with no enterprise are left out."""
    rows: dict[Stage | None, tuple[CountRow, dict[IndustryCluster, CountRow]]] = {}
    for cell in cells:
        stage_row, clusters = rows.setdefault(cell.stage, (CountRow(cell.stage, None), {}))
        stage_row.add(cell.counts)
        clusters.setdefault(cell.cluster, CountRow(cell.stage, cell.cluster)).add(cell.counts)
    order: list[Stage | None] = [*Stage, None]
    return [
        (rows[stage][0], [rows[stage][1][c] for c in IndustryCluster if c in rows[stage][1]])
        for stage in order
        if stage in rows
    ]


def _present(cells: Iterable[SummaryCell]) -> list[Status]:
    """The statuses any standard of the run gave, best first (the table's columns)."""
    seen = {status for cell in cells for status, count in cell.counts.items() if count}
    return [status for status in STATUS_ORDER if status in seen]


def _standard_totals(cells: Iterable[SummaryCell], codes: Sequence[str]) -> dict[str, CountRow]:
    totals = {code: CountRow(None, None) for code in codes}
    for cell in cells:
        if cell.standard in totals:
            totals[cell.standard].add(cell.counts)
    return totals


def _stage_chart(
    locale: str, stages: list[tuple[CountRow, list[CountRow]]], statuses: list[Status]
) -> dict[str, Any]:
    rows = [row for row, _ in stages]
    labels = [
        label(locale, row.stage) if row.stage else translate(locale, NO_STAGE_LABEL) for row in rows
    ]
    series = [
        (label(locale, status), [row.counts.get(status, 0) for row in rows], STATUS_COLORS[status])
        for status in statuses
    ]
    return charts.stacked(labels, series, totals=[row.total for row in rows])


# --- drill-down --------------------------------------------------------------------------------


@router.get("/assessment/enterprises", response_class=HTMLResponse)
def drill_down_page(
    request: Request,
    platform: PlatformDep,
    principal: RegionStaff,
    query: Annotated[DrillDown, Query()],
    page: PageDep,
) -> HTMLResponse:
    """The enterprises of one count of the region view that share their assessment."""
    try:
        result = reads.drill_down(platform.uow, principal, query, page)
    except NoAssessmentRun:
        return render(request, "assessment/region.html", {"run": None})
    locale = locale_of(request)
    context = {
        "result": result,
        "query": query,
        "chosen": next((ref for ref in result.standards if ref.code == query.standard), None),
        "statuses": list(STATUS_ORDER),
        "stages": list(Stage),
        "clusters": list(IndustryCluster),
        "no_stage": NO_STAGE,
        "no_stage_label": NO_STAGE_LABEL,
        "local": partial(_local, locale),
        "icons": STATUS_ICONS,
        "purpose": reads.default_purpose(principal.role),
        "export_query": request.url.query,
    }
    return render(request, "assessment/drill_down.html", context)


@router.get("/assessment/enterprises/export.csv")
def drill_down_export(
    platform: PlatformDep, principal: RegionStaff, query: Annotated[DrillDown, Query()]
) -> StreamingResponse:
    """The listed rows of a drill-down (every page) as CSV."""
    export = reads.drill_down_export(platform.uow, principal, query)
    name = f"assessment-{query.standard}-{export.run.evaluated_on.isoformat()}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(_csv_lines(export), media_type="text/csv", headers=headers)


def _csv_lines(export: reads.DrillDownExport) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # so spreadsheet programs read the Chinese names as UTF-8
    writer.writerow(CSV_COLUMNS)
    for item in export.items:
        writer.writerow(
            [
                item.uscc,
                item.name,
                item.cluster.value,
                item.stage.value if item.stage else "",
                export.query.standard,
                item.status.value,
                _blank(item.points_low),
                _blank(item.points_high),
                _blank(item.innovation_points),
                item.band or "",
                export.run.evaluated_on.isoformat(),
            ]
        )
    yield buffer.getvalue()


def _blank(value: object) -> object:
    return "" if value is None else value
