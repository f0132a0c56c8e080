"""Coverage pages for government analysts and platform admins: the stage × layer table with its
heatmap and the bar chart of money available against needs, a cell's drill-down to its gap firms
and blockers (CSV), and a policy's reach with its 免申即享 and apply lists (CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, StreamingResponse

from kejin.core.i18n import N_, translate
from kejin.core.money import WAN
from kejin.coverage import service
from kejin.coverage.errors import NoMatchRun
from kejin.coverage.model import Weakness
from kejin.coverage.schemas import (
    ANY_LAYER,
    NO_STAGE,
    CellQuery,
    CoverageCellRead,
    ReachCell,
)
from kejin.identity.model import Principal, Role
from kejin.matching.model import PolicyList
from kejin.products.model import Layer
from kejin.registry.model import IndustryCluster, Stage
from kejin.web import charts
from kejin.web.deps import PlatformDep
from kejin.web.labels import label
from kejin.web.locale import locale_of
from kejin.web.policy import allow
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)
RegionStaff = Annotated[Principal, Depends(allow(Role.GOVERNMENT_ANALYST, Role.PLATFORM_ADMIN))]
Code = Annotated[str, Path(max_length=80)]
NO_STAGE_LABEL = N_("No stage")
ANY_LAYER_LABEL = N_("Any layer")
LISTS = (PolicyList.AUTOMATIC, PolicyList.APPLY)
WEAKNESS_LABELS = {
    Weakness.FEW_ELIGIBLE: N_("Few eligible"),
    Weakness.FEW_POSSIBLE: N_("Few even on review"),
    Weakness.SHORT_OF_NEEDS: N_("Short of needs"),
}
SHOWN_FIRMS = 100  # names on a page; the export holds every one


def cell_url(stage: Stage | None, layer: Layer | None, cluster: IndustryCluster | None) -> str:
    """The drill-down of one cell of the coverage table."""
    query = {
        "stage": NO_STAGE if stage is None else stage.value,
        "layer": ANY_LAYER if layer is None else layer.value,
    } | ({"cluster": cluster.value} if cluster else {})
    return "/financing/coverage/cell?" + urlencode(query)


@router.get("/financing/coverage", response_class=HTMLResponse)
def coverage_page(
    request: Request,
    platform: PlatformDep,
    principal: RegionStaff,
    cluster: Annotated[IndustryCluster | None, Query()] = None,
) -> HTMLResponse:
    """The newest match run's coverage, for all clusters or one."""
    found = service.coverage(platform.uow, cluster)
    locale = locale_of(request)
    stages = _stages(found.cells)
    layers = [layer for layer in Layer if any(c.layer is layer for c in found.cells)]
    context = {
        "result": found,
        "stages": stages,
        "layers": layers,
        "clusters": list(IndustryCluster),
        "heatmap": _heatmap(locale, stages, layers) if found.cells else None,
        "needs_chart": _needs_chart(locale, stages) if found.cells and not cluster else None,
        "cell_url": cell_url,
        "stage_name": lambda stage: _stage_name(locale, stage),
        "any_layer": ANY_LAYER_LABEL,
        "weakness_labels": WEAKNESS_LABELS,
    }
    return render(request, "coverage/coverage.html", context)


def _stages(
    cells: Iterable[CoverageCellRead],
) -> list[tuple[Stage | None, dict[Layer | None, CoverageCellRead]]]:
    rows: dict[Stage | None, dict[Layer | None, CoverageCellRead]] = {}
    for cell in cells:
        rows.setdefault(cell.stage, {})[cell.layer] = cell
    return list(rows.items())


def _stage_name(locale: str, stage: Stage | None) -> str:
    return label(locale, stage) if stage else translate(locale, NO_STAGE_LABEL)


def _heatmap(
    locale: str,
    stages: Sequence[tuple[Stage | None, dict[Layer | None, CoverageCellRead]]],
    layers: Sequence[Layer],
) -> dict[str, Any]:
    columns: list[Layer | None] = [None, *layers]
    names = [translate(locale, ANY_LAYER_LABEL) if c is None else label(locale, c) for c in columns]
    values = [
        [cells[c].share_eligible if c in cells else None for c in columns] for _, cells in stages
    ]
    rows = [_stage_name(locale, stage) for stage, _ in stages]
    return charts.heatmap(names, rows, values, percent=True)


def _needs_chart(
    locale: str, stages: Sequence[tuple[Stage | None, dict[Layer | None, CoverageCellRead]]]
) -> dict[str, Any]:
    scale, unit = (WAN, "万元") if locale.startswith("zh") else (Decimal(1_000_000), "CNY m")
    rows = [(stage, cells[None]) for stage, cells in stages if None in cells]
    series = [
        (translate(locale, N_("Available")), [c.amount_available / scale for _, c in rows]),
        (translate(locale, N_("Needed")), [c.needs_amount / scale for _, c in rows]),
    ]
    return charts.grouped([_stage_name(locale, stage) for stage, _ in rows], series, unit)


# --- one cell ----------------------------------------------------------------------------------


@router.get("/financing/coverage/cell", response_class=HTMLResponse)
def cell_page(
    request: Request,
    platform: PlatformDep,
    principal: RegionStaff,
    query: Annotated[CellQuery, Query()],
) -> HTMLResponse:
    """A cell's gap firms: how many, what blocks them, and those sharing their assessment."""
    try:
        found = service.cell_drill_down(platform.uow, principal, query)
    except NoMatchRun:
        return _no_run(request)
    locale = locale_of(request)
    context = {
        "result": found,
        "stage_name": _stage_name(locale, found.stage),
        "layer_name": translate(locale, ANY_LAYER_LABEL)
        if found.layer is None
        else label(locale, found.layer),
        "shown": found.listed[:SHOWN_FIRMS],
        "export_query": request.url.query,
    }
    return render(request, "coverage/cell.html", context)


@router.get("/financing/coverage/cell/export.csv")
def cell_export(
    platform: PlatformDep, principal: RegionStaff, query: Annotated[CellQuery, Query()]
) -> StreamingResponse:
    """The consented gap firms of a cell as CSV."""
    found = service.cell_drill_down(platform.uow, principal, query)
    rows = [
        [firm.uscc, firm.name, firm.cluster.value, query.stage, query.layer]
        for firm in found.listed
    ]
    name = f"coverage-{query.stage}-{query.layer}-{found.run.evaluated_on.isoformat()}.csv"
    return _csv(name, ("uscc", "name", "cluster", "stage", "layer"), rows)


# --- a policy's reach --------------------------------------------------------------------------


@router.get("/policies/{code}/reach", response_class=HTMLResponse)
def reach_page(
    request: Request, platform: PlatformDep, principal: RegionStaff, code: Code
) -> HTMLResponse:
    """Who a policy reaches by stage and cluster, and its 免申即享 and apply lists."""
    reach = service.policy_reach(platform.uow, code)
    if reach.run is None:
        return _no_run(request)
    locale = locale_of(request)
    lists = {
        listed: service.policy_firms(platform.uow, principal, code, listed) for listed in LISTS
    }
    context = {
        "reach": reach,
        "totals": _reach_totals(reach.cells),
        "reach_chart": _reach_chart(locale, reach.cells),
        "lists": lists,
        "shown": SHOWN_FIRMS,
        "stage_name": lambda stage: _stage_name(locale, stage),
    }
    return render(request, "coverage/reach.html", context)


def _reach_totals(cells: Iterable[ReachCell]) -> dict[str, Any]:
    found = list(cells)
    return {
        "automatic": sum(c.automatic for c in found),
        "apply": sum(c.apply for c in found),
        "not_eligible": sum(c.not_eligible for c in found),
        "benefit_automatic": sum((c.benefit_automatic for c in found), Decimal(0)),
        "benefit_apply": sum((c.benefit_apply for c in found), Decimal(0)),
    }


def _reach_chart(locale: str, cells: Sequence[ReachCell]) -> dict[str, Any]:
    by_stage: dict[Stage | None, list[int]] = {}
    for cell in cells:
        counts = by_stage.setdefault(cell.stage, [0, 0, 0])
        for index, count in enumerate((cell.automatic, cell.apply, cell.not_eligible)):
            counts[index] += count
    names = (N_("Automatic (免申即享)"), N_("Must apply"), N_("Not eligible"))
    colors = ("#059669", "#ca8a04", "#cbd5e1")
    series = [
        (translate(locale, name), [counts[i] for counts in by_stage.values()], colors[i])
        for i, name in enumerate(names)
    ]
    labels = [_stage_name(locale, stage) for stage in by_stage]
    return charts.stacked(labels, series, totals=[sum(c) for c in by_stage.values()])


@router.get("/policies/{code}/reach/export.csv")
def reach_export(
    platform: PlatformDep,
    principal: RegionStaff,
    code: Code,
    listed: Annotated[PolicyList, Query(alias="list")] = PolicyList.AUTOMATIC,
) -> StreamingResponse:
    """The consented firms of one list of a policy as CSV."""
    found = service.policy_firms(platform.uow, principal, code, listed)
    rows = [
        [
            firm.uscc,
            firm.name,
            firm.cluster.value,
            firm.stage.value if firm.stage else "",
            firm.status,
            "" if firm.benefit_high is None else firm.benefit_high,
        ]
        for firm in found.firms
    ]
    name = f"policy-{code}-{listed.value}-{found.run.evaluated_on.isoformat()}.csv"
    return _csv(name, ("uscc", "name", "cluster", "stage", "status", "benefit_high"), rows)


def _csv(name: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> StreamingResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so spreadsheet programs read the Chinese names as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(iter([buffer.getvalue()]), media_type="text/csv", headers=headers)


def _no_run(request: Request) -> HTMLResponse:
    return render(request, "coverage/coverage.html", {"result": None})
