"""Registry use cases for readers: list, detail, export and the region summary.

Each function opens one unit of work, calls the repository and returns schema objects. Reads of
one enterprise pass through consent (`kejin.consent.service`) and commit the audit entries it
records. Lists and exports show the public columns to everyone and the latest figures only on
rows whose financials the reader may see; they commit only when they recorded such reads. The
region summary shows aggregates only, never commits, and withholds small cells (`MIN_CELL`).
Certifications count when valid on `valid_on`; by default the reference day is the registry's
data date (the newest `as_of`) or today, whichever is earlier, so figures and certificates
describe the same moment.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import NamedTuple

import polars as pl
from sqlalchemy.orm import Session

from kejin.consent import service as consent
from kejin.consent.model import CONSENTED_SECTIONS, DataScope
from kejin.core.i18n import N_
from kejin.core.pagination import PageRequest
from kejin.core.uow import UnitOfWork
from kejin.identity.model import Principal
from kejin.registry import repository
from kejin.registry.errors import EnterpriseNotFound, FinancialsNotShared
from kejin.registry.model import (
    CertificationKind,
    IndustryCluster,
    IPType,
    Stage,
    stage_for_revenue,
    validate_credit_code,
)
from kejin.registry.orm import EnterpriseRow, FinancialYearRow
from kejin.registry.schemas import (
    REVENUE_SORTS,
    ClusterIntensity,
    EnterpriseDetail,
    EnterpriseFilters,
    EnterpriseFinancials,
    EnterprisePage,
    EnterpriseSummary,
    RegionSummary,
)

UowFactory = Callable[[], UnitOfWork]
INTENSITY_PLACES = Decimal("0.0001")
# A cluster's R&D sums and intensity are published only when at least this many firms
# contribute, so no single firm's figures can be read off the home page (small-cell rule).
MIN_CELL = 3
PUBLIC_COLUMNS = ("uscc", "name", "region", "cluster", "founded_on")
FIGURE_COLUMNS = ("latest_year", "revenue", "rd_expense", "stage")
CONSENTED_NEEDS_SIGN_IN = N_(
    "Sign in to list the enterprises that share their financial data with you"
)
STAGE_NEEDS_CONSENT = N_(
    "The stage is derived from financial data: filter by stage only among the enterprises"
    " that share their financial data with you (consented)"
)
REVENUE_SORT_NEEDS_CONSENT = N_(
    "Revenue is financial data: sort by revenue only among the enterprises that share their"
    " financial data with you (consented)"
)


class EnterpriseExport(NamedTuple):
    """A CSV download: its header and its rows, streamed."""

    columns: tuple[str, ...]
    rows: Iterator[tuple[object, ...]]


class EnterpriseKey(NamedTuple):
    """Who an enterprise is, for other domains' use cases (public registry columns)."""

    id: int
    uscc: str
    name: str
    region: str
    cluster: IndustryCluster


def today() -> date:
    return datetime.now(UTC).date()


def enterprise_key(work: UnitOfWork, code: str) -> EnterpriseKey:
    """The enterprise with credit code `code` (validated first), inside the caller's unit of
    work; an unknown code is `EnterpriseNotFound` (404)."""
    row = _enterprise(work, code, children=False)
    return EnterpriseKey(row.id, row.uscc, row.name, row.region, row.cluster)


def enterprise_keys(work: UnitOfWork, ids: list[int]) -> dict[int, EnterpriseKey]:
    """Who the enterprises of `ids` are (unknown ids are left out), in one query."""
    rows = repository.enterprises_by_id(work.session, ids)
    return {
        row.id: EnterpriseKey(row.id, row.uscc, row.name, row.region, row.cluster) for row in rows
    }


def _reference_day(work: UnitOfWork, valid_on: date | None) -> date:
    if valid_on is not None:
        return valid_on
    data_date = repository.data_date(work.session)
    return min(today(), data_date) if data_date else today()


def ip_records(work: UnitOfWork, enterprise_id: int) -> list[repository.IpAssetRecord]:
    """Type, legal status and expiry of every IP asset of one enterprise (public registry
    facts), inside the caller's unit of work."""
    return repository.ip_records(work.session, enterprise_id)


def ip_assets_frame(work: UnitOfWork) -> pl.DataFrame:
    """`ip_records` of every enterprise as one frame (`enterprise_id`, `ip_type`, `status`,
    `expires_on`), inside the caller's unit of work."""
    return repository.ip_assets_frame(work.session)


def find_enterprise_id(session: Session, uscc: str, name: str) -> int | None:
    """The id of the enterprise registered with exactly this credit code and name, if any."""
    return repository.enterprise_id_by_code_and_name(session, uscc.strip().upper(), name.strip())


def first_enterprise_ids(uow: UowFactory, cluster: IndustryCluster, count: int) -> list[int]:
    """The ids of the first `count` enterprises of a cluster, oldest record first."""
    with uow() as work:
        return repository.first_ids_in_cluster(work.session, cluster, count)


def list_enterprises(
    uow: UowFactory,
    filters: EnterpriseFilters,
    request: PageRequest,
    principal: Principal | None = None,
    valid_on: date | None = None,
) -> EnterprisePage:
    """One page of the enterprise list with each row's certifications, and the latest figures
    on the rows whose financials `principal` may see (each such read by an institution is
    recorded in the audit log)."""
    with uow() as work:
        session = work.session
        readable = _readable(session, principal, filters)
        on = _reference_day(work, valid_on)
        within = readable if filters.consented else None
        rows, total = repository.enterprise_page(session, filters, request, on, within)
        ids = [row.id for row in rows]
        shown = [id_ for id_ in ids if id_ in readable]
        latest = repository.latest_financials_of(session, shown) if shown else {}
        kinds = repository.certifications_of(session, ids, on)
        if consent.record_list_reads(session, principal, shown, DataScope.FINANCIALS):
            work.commit()
        items = [
            _summary(row, row.id in readable, latest.get(row.id), kinds.get(row.id, []))
            for row in rows
        ]
    return EnterprisePage(
        items=items,
        total=total,
        page=request.page,
        size=request.size,
        pages=max(1, -(-total // request.size)),
    )


def _readable(
    session: Session, principal: Principal | None, filters: EnterpriseFilters
) -> frozenset[int]:
    """The enterprises whose figures `principal` may see, once the filters are checked."""
    _check_financial_filters(filters, principal)
    return consent.readable_enterprise_ids(session, principal, DataScope.FINANCIALS)


def _check_financial_filters(filters: EnterpriseFilters, principal: Principal | None) -> None:
    """Stage filters and revenue sorts work only within `consented` (the enterprises that show
    the reader their financials), which needs a signed-in reader; else 403 naming the field."""
    if filters.consented and principal is None:
        raise FinancialsNotShared(CONSENTED_NEEDS_SIGN_IN, field="consented")
    if filters.stage is not None and not filters.consented:
        raise FinancialsNotShared(STAGE_NEEDS_CONSENT, field="stage")
    if filters.sort in REVENUE_SORTS and not filters.consented:
        raise FinancialsNotShared(REVENUE_SORT_NEEDS_CONSENT, field="sort")


def _summary(
    row: EnterpriseRow, readable: bool, latest: FinancialYearRow | None, kinds: list[str]
) -> EnterpriseSummary:
    summary = EnterpriseSummary(
        uscc=row.uscc,
        name=row.name,
        region=row.region,
        cluster=row.cluster,
        founded_on=row.founded_on,
        certifications=[CertificationKind(kind) for kind in kinds],
        withheld=[] if readable else [DataScope.FINANCIALS],
    )
    if latest is None:
        return summary
    return summary.model_copy(
        update={
            "stage": stage_for_revenue(latest.revenue),
            "latest_year": latest.year,
            "revenue": latest.revenue,
            "rd_expense": latest.rd_expense,
        }
    )


def enterprise_detail(
    uow: UowFactory, code: str, principal: Principal | None = None
) -> EnterpriseDetail:
    """An enterprise and its child tables as `principal` may see them: public sections for
    everyone, consented sections for the enterprise's own users and within live grants (each
    grant used is recorded in the audit log). The code is validated first."""
    with uow() as work:
        row = _enterprise(work, code)
        readable = consent.readable_scopes(work.session, principal, row.id)
        latest = row.financials[-1] if row.financials else None
        stage = stage_for_revenue(latest.revenue) if latest else None
        detail = EnterpriseDetail.model_validate(row, from_attributes=True)
        work.commit()
    return _withhold(detail.model_copy(update={"stage": stage}), readable)


def _enterprise(work: UnitOfWork, code: str, *, children: bool = True) -> EnterpriseRow:
    uscc = validate_credit_code(code)
    find = repository.enterprise_by_code if children else repository.enterprise_identity
    row = find(work.session, uscc)
    if row is None:
        message = "no enterprise with credit code {code}"
        raise EnterpriseNotFound(message, field="uscc", code=uscc)
    return row


def _withhold(detail: EnterpriseDetail, readable: frozenset[DataScope]) -> EnterpriseDetail:
    """Empty every consented section outside `readable` and name the scopes withheld."""
    hidden = {
        section: scope for section, scope in CONSENTED_SECTIONS.items() if scope not in readable
    }
    blank: dict[str, list[object] | None] = {
        section: None if section == "stage" else [] for section in hidden
    }
    withheld = sorted(set(hidden.values()))
    return detail.model_copy(update={**blank, "withheld": withheld})


def enterprise_financials(
    uow: UowFactory, principal: Principal, code: str, purpose: str
) -> EnterpriseFinancials:
    """The enterprise's financial years, for its own users or within a live grant for
    `purpose`; the read is recorded, and a refused read too (then 403)."""
    with uow() as work:
        row = _enterprise(work, code)
        consent.require_access(work.session, principal, row.id, DataScope.FINANCIALS, purpose)
        found = EnterpriseFinancials.model_validate(row, from_attributes=True)
        work.commit()
    return found


def export_enterprises(
    uow: UowFactory,
    filters: EnterpriseFilters,
    principal: Principal | None = None,
    valid_on: date | None = None,
) -> EnterpriseExport:
    """Every enterprise matching `filters` as plain tuples for a CSV download: the public
    columns for everyone; signed-in readers also get the figure columns, filled on the rows
    whose financials they may see. The filters are checked at once; the rows stream later."""
    _check_financial_filters(filters, principal)
    columns = PUBLIC_COLUMNS if principal is None else PUBLIC_COLUMNS + FIGURE_COLUMNS
    return EnterpriseExport(columns, _export_rows(uow, filters, principal, valid_on))


def _export_rows(
    uow: UowFactory, filters: EnterpriseFilters, principal: Principal | None, valid_on: date | None
) -> Iterator[tuple[object, ...]]:
    """The rows, after recording (and committing) the institution's reads of every exported
    row with figures, so an aborted download is logged too."""
    with uow() as work:
        session = work.session
        on = _reference_day(work, valid_on)
        readable = consent.readable_enterprise_ids(session, principal, DataScope.FINANCIALS)
        if readable:
            exported = repository.matching_ids(session, filters, on, readable)
            if consent.record_list_reads(session, principal, exported, DataScope.FINANCIALS):
                work.commit()
        rows = repository.export_rows(
            session,
            filters,
            on,
            within=readable if filters.consented else None,
            figures_of=None if principal is None else readable,
        )
        for row in rows:
            yield tuple(row)


def region_summary(uow: UowFactory, valid_on: date | None = None) -> RegionSummary:
    """The region at a glance; every figure is one aggregate query."""
    with uow() as work:
        on = _reference_day(work, valid_on)
        session = work.session
        groups = repository.latest_year_groups(session)
        by_cluster = repository.count_by_cluster(session)
        by_certification = repository.count_by_certification(session, on)
        ip_by_type = repository.count_ip_by_type(session)
        enterprises = repository.count_enterprises(session)
    by_stage, totals = _fold_groups(groups)
    return RegionSummary(
        enterprises=enterprises,
        by_stage={stage: by_stage[stage] for stage in Stage},
        by_cluster={cluster: by_cluster.get(cluster, 0) for cluster in IndustryCluster},
        by_certification={kind: by_certification.get(kind, 0) for kind in CertificationKind},
        ip_by_type={ip_type: ip_by_type.get(ip_type, 0) for ip_type in IPType},
        total_revenue=sum((cell.revenue for cell in totals.values()), Decimal(0)),
        total_rd_expense=sum((cell.rd_expense for cell in totals.values()), Decimal(0)),
        rd_intensity_by_cluster=[
            _intensity(IndustryCluster(cluster), cell) for cluster, cell in sorted(totals.items())
        ],
        valid_on=on,
    )


class ClusterCell(NamedTuple):
    """One cluster's latest-year sums and how many firms they add up."""

    enterprises: int
    revenue: Decimal
    rd_expense: Decimal


def _fold_groups(
    groups: list[repository.LatestYearGroup],
) -> tuple[Counter[str], dict[str, ClusterCell]]:
    """Enterprises per stage, and the sums per cluster, from the groups."""
    by_stage = Counter[str]()
    totals: dict[str, ClusterCell] = {}
    for group in groups:
        by_stage[group.stage] += group.enterprises
        cell = totals.get(group.cluster, ClusterCell(0, Decimal(0), Decimal(0)))
        totals[group.cluster] = ClusterCell(
            cell.enterprises + group.enterprises,
            cell.revenue + group.revenue,
            cell.rd_expense + group.rd_expense,
        )
    return by_stage, totals


def _intensity(cluster: IndustryCluster, cell: ClusterCell) -> ClusterIntensity:
    """The cluster's R&D intensity, withheld with its sums below `MIN_CELL` firms."""
    if cell.enterprises < MIN_CELL:
        return ClusterIntensity(
            cluster=cluster,
            enterprises=cell.enterprises,
            rd_expense=None,
            revenue=None,
            intensity=None,
        )
    ratio = (cell.rd_expense / cell.revenue).quantize(INTENSITY_PLACES) if cell.revenue else None
    return ClusterIntensity(
        cluster=cluster,
        enterprises=cell.enterprises,
        rd_expense=cell.rd_expense,
        revenue=cell.revenue,
        intensity=ratio,
    )
