"""Registry use cases for readers: list, detail, export and the region summary.

Each function opens one unit of work, calls the repository and returns schema objects. Reads of
one enterprise pass through consent (`kejin.consent.service`) and commit the audit entries it
records; list, export and summary reads never commit. Certifications count when valid on
`valid_on`; by default the reference day is the registry's data date (the newest `as_of`) or
today, whichever is earlier, so figures and certificates describe the same moment.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kejin.consent import service as consent
from kejin.consent.model import CONSENTED_SECTIONS, DataScope
from kejin.core.pagination import PageRequest
from kejin.core.uow import UnitOfWork
from kejin.identity.model import Principal
from kejin.registry import repository
from kejin.registry.errors import EnterpriseNotFound
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


def today() -> date:
    return datetime.now(UTC).date()


def _reference_day(work: UnitOfWork, valid_on: date | None) -> date:
    if valid_on is not None:
        return valid_on
    data_date = repository.data_date(work.session)
    return min(today(), data_date) if data_date else today()


def find_enterprise_id(session: Session, uscc: str, name: str) -> int | None:
    """The id of the enterprise registered with exactly this credit code and name, if any."""
    stmt = select(EnterpriseRow.id).where(
        EnterpriseRow.uscc == uscc.strip().upper(), EnterpriseRow.name == name.strip()
    )
    return session.scalar(stmt)


def first_enterprise_ids(uow: UowFactory, cluster: IndustryCluster, count: int) -> list[int]:
    """The ids of the first `count` enterprises of a cluster, oldest record first."""
    with uow() as work:
        return repository.first_ids_in_cluster(work.session, cluster, count)


def list_enterprises(
    uow: UowFactory, filters: EnterpriseFilters, request: PageRequest, valid_on: date | None = None
) -> EnterprisePage:
    """One page of the enterprise list with each row's latest figures and certifications."""
    with uow() as work:
        on = _reference_day(work, valid_on)
        rows, total = repository.enterprise_page(work.session, filters, request, on)
        ids = [row.id for row in rows]
        latest = repository.latest_financials_of(work.session, ids)
        kinds = repository.certifications_of(work.session, ids, on)
        items = [_summary(row, latest.get(row.id), kinds.get(row.id, [])) for row in rows]
    return EnterprisePage(
        items=items,
        total=total,
        page=request.page,
        size=request.size,
        pages=max(1, -(-total // request.size)),
    )


def _summary(
    row: EnterpriseRow, latest: FinancialYearRow | None, kinds: list[str]
) -> EnterpriseSummary:
    return EnterpriseSummary(
        uscc=row.uscc,
        name=row.name,
        region=row.region,
        cluster=row.cluster,
        founded_on=row.founded_on,
        stage=stage_for_revenue(latest.revenue) if latest else None,
        latest_year=latest.year if latest else None,
        revenue=latest.revenue if latest else None,
        rd_expense=latest.rd_expense if latest else None,
        certifications=[CertificationKind(kind) for kind in kinds],
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


def _enterprise(work: UnitOfWork, code: str) -> EnterpriseRow:
    uscc = validate_credit_code(code)
    row = repository.enterprise_by_code(work.session, uscc)
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
    uow: UowFactory, filters: EnterpriseFilters, valid_on: date | None = None
) -> Iterator[tuple[object, ...]]:
    """Every enterprise matching `filters` as plain tuples (code, name, region, cluster,
    founded, latest year, revenue, R&D expense, stage), streamed for a CSV download."""
    with uow() as work:
        on = _reference_day(work, valid_on)
        for row in repository.export_rows(work.session, filters, on):
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
        total_revenue=sum((revenue for revenue, _ in totals.values()), Decimal(0)),
        total_rd_expense=sum((rd for _, rd in totals.values()), Decimal(0)),
        rd_intensity_by_cluster=[
            _intensity(IndustryCluster(cluster), revenue, rd)
            for cluster, (revenue, rd) in sorted(totals.items())
        ],
        valid_on=on,
    )


def _fold_groups(
    groups: list[repository.LatestYearGroup],
) -> tuple[Counter[str], dict[str, tuple[Decimal, Decimal]]]:
    """Enterprises per stage, and (revenue, R&D expense) per cluster, from the groups."""
    by_stage = Counter[str]()
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    for group in groups:
        by_stage[group.stage] += group.enterprises
        revenue, rd = totals.get(group.cluster, (Decimal(0), Decimal(0)))
        totals[group.cluster] = (revenue + group.revenue, rd + group.rd_expense)
    return by_stage, totals


def _intensity(cluster: IndustryCluster, revenue: Decimal, rd: Decimal) -> ClusterIntensity:
    ratio = (rd / revenue).quantize(INTENSITY_PLACES) if revenue else None
    return ClusterIntensity(cluster=cluster, rd_expense=rd, revenue=revenue, intensity=ratio)
