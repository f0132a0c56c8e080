"""Registry queries: set-based reads for the enterprise list, the detail and the region summary.

The life-cycle stage is not stored: it is derived in SQL from the latest financial year's
revenue with a CASE built from `STAGE_REVENUE_FLOORS`, so filters and counts stay set-based
for regions of up to a million enterprises. A list page costs a fixed number of queries
(count, page, latest financials and certifications of the page's rows), whatever its size.
Which rows may show figures is decided by consent; queries here take that set as `within` (the
rows listed) or `figures_of` (the rows whose figures are filled).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import polars as pl
from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    case,
    exists,
    func,
    null,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased, selectinload
from sqlalchemy.orm.util import AliasedClass

from kejin.core.pagination import PageRequest
from kejin.registry.model import STAGE_REVENUE_FLOORS, IndustryCluster, Stage
from kejin.registry.orm import CertificationRow, EnterpriseRow, FinancialYearRow, IPAssetRow
from kejin.registry.schemas import REVENUE_SORTS, EnterpriseFilters, EnterpriseSort

AnySelect = Select[*tuple[Any, ...]]
LatestYear = AliasedClass[FinancialYearRow]


def stage_case(revenue: Any) -> ColumnElement[str | None]:
    """SQL twin of `stage_for_revenue`: NULL when the enterprise reported no financials."""
    bands = [(revenue >= floor, stage.value) for stage, floor in STAGE_REVENUE_FLOORS[:-1]]
    return case((revenue.is_(None), null()), *bands, else_=Stage.SEED.value)


def latest_year() -> LatestYear:
    """An alias of the financial-year table, to be joined on each enterprise's latest year."""
    year_row: LatestYear = aliased(FinancialYearRow, name="latest_fy")  # type: ignore[assignment]
    return year_row


def _join_latest(stmt: AnySelect, fy: LatestYear, *, outer: bool = True) -> AnySelect:
    """Join each enterprise's latest financial year: the year with no later year (an
    anti-join, which both databases run in one pass over the index)."""
    later = aliased(FinancialYearRow, name="later_fy")
    no_later = ~exists().where(later.enterprise_id == fy.enterprise_id, later.year > fy.year)
    on = and_(fy.enterprise_id == EnterpriseRow.id, no_later)
    return stmt.outerjoin(fy, on) if outer else stmt.join(fy, on)


def _conditions(filters: EnterpriseFilters, valid_on: date) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if filters.q:
        pattern = f"%{_escape_like(filters.q)}%"
        found.append(
            or_(
                EnterpriseRow.name.ilike(pattern, escape="\\"),
                EnterpriseRow.uscc.like(pattern.upper(), escape="\\"),
            )
        )
    if filters.region:
        found.append(EnterpriseRow.region == filters.region)
    if filters.cluster:
        found.append(EnterpriseRow.cluster == filters.cluster)
    if filters.certification:
        found.append(_holds(filters.certification.value, valid_on))
    if filters.founded_from:
        found.append(EnterpriseRow.founded_on >= date(filters.founded_from, 1, 1))
    if filters.founded_to:
        found.append(EnterpriseRow.founded_on <= date(filters.founded_to, 12, 31))
    return found


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _holds(kind: str, valid_on: date) -> ColumnElement[bool]:
    return exists().where(
        CertificationRow.enterprise_id == EnterpriseRow.id,
        CertificationRow.kind == kind,
        CertificationRow.valid_from <= valid_on,
        CertificationRow.valid_to >= valid_on,
    )


def _filtered(
    filters: EnterpriseFilters,
    valid_on: date,
    latest: LatestYear,
    *,
    within: Collection[int] | None = None,
    join_latest: bool = False,
) -> AnySelect:
    """Enterprises matching `filters`, and only those in `within` when given (the readable
    set of a `consented` list)."""
    stmt = select(EnterpriseRow)
    if join_latest or filters.stage is not None or filters.sort in REVENUE_SORTS:
        stmt = _join_latest(stmt, latest)
    if filters.stage:
        stmt = stmt.where(stage_case(latest.revenue) == filters.stage.value)
    if within is not None:
        stmt = stmt.where(EnterpriseRow.id.in_(within))
    return stmt.where(*_conditions(filters, valid_on))


def _ordering(sort: EnterpriseSort, latest: LatestYear) -> list[ColumnElement[Any]]:
    revenue = latest.revenue
    columns: dict[EnterpriseSort, ColumnElement[Any]] = {
        EnterpriseSort.NAME: EnterpriseRow.name.asc(),
        EnterpriseSort.NAME_DESC: EnterpriseRow.name.desc(),
        EnterpriseSort.FOUNDED: EnterpriseRow.founded_on.asc(),
        EnterpriseSort.FOUNDED_DESC: EnterpriseRow.founded_on.desc(),
        EnterpriseSort.CODE: EnterpriseRow.uscc.asc(),
        EnterpriseSort.REVENUE: revenue.asc().nulls_last(),
        EnterpriseSort.REVENUE_DESC: revenue.desc().nulls_last(),
    }
    return [columns[sort], EnterpriseRow.id.asc()]


def enterprise_page(
    session: Session,
    filters: EnterpriseFilters,
    request: PageRequest,
    valid_on: date,
    within: Collection[int] | None = None,
) -> tuple[list[EnterpriseRow], int]:
    """One page of enterprises matching `filters` (within `within`, when given), and how many
    match in all."""
    latest = latest_year()
    stmt = _filtered(filters, valid_on, latest, within=within)
    total = session.scalar(stmt.with_only_columns(func.count(EnterpriseRow.id)).order_by(None))
    page = stmt.order_by(*_ordering(filters.sort, latest)).offset(request.offset)
    return list(session.scalars(page.limit(request.size))), total or 0


def latest_financials_of(session: Session, ids: list[int]) -> dict[int, FinancialYearRow]:
    """The latest financial year of each listed enterprise (one query)."""
    rows = session.scalars(
        select(FinancialYearRow)
        .where(FinancialYearRow.enterprise_id.in_(ids))
        .order_by(FinancialYearRow.year)
    )
    return {row.enterprise_id: row for row in rows}


def certifications_of(session: Session, ids: list[int], valid_on: date) -> dict[int, list[str]]:
    """Kinds of certification valid on `valid_on`, per listed enterprise (one query)."""
    rows = session.execute(
        select(CertificationRow.enterprise_id, CertificationRow.kind)
        .where(
            CertificationRow.enterprise_id.in_(ids),
            CertificationRow.valid_from <= valid_on,
            CertificationRow.valid_to >= valid_on,
        )
        .distinct()
        .order_by(CertificationRow.enterprise_id, CertificationRow.kind)
    )
    kinds: dict[int, list[str]] = {}
    for enterprise_id, kind in rows:
        kinds.setdefault(enterprise_id, []).append(kind)
    return kinds


def enterprise_identity(session: Session, uscc: str) -> EnterpriseRow | None:
    """An enterprise's own row, without its child tables."""
    return session.scalar(select(EnterpriseRow).where(EnterpriseRow.uscc == uscc))


def enterprises_by_id(session: Session, ids: list[int]) -> list[EnterpriseRow]:
    """The enterprises of `ids` (own rows only), in one query."""
    if not ids:
        return []
    return list(session.scalars(select(EnterpriseRow).where(EnterpriseRow.id.in_(ids))))


def enterprise_by_code(session: Session, uscc: str) -> EnterpriseRow | None:
    """An enterprise with all its child tables loaded (one query per child table)."""
    return session.scalar(
        select(EnterpriseRow)
        .where(EnterpriseRow.uscc == uscc)
        .options(
            selectinload(EnterpriseRow.staff),
            selectinload(EnterpriseRow.financials),
            selectinload(EnterpriseRow.ip_assets),
            selectinload(EnterpriseRow.certifications),
            selectinload(EnterpriseRow.funding_rounds),
            selectinload(EnterpriseRow.standards),
            selectinload(EnterpriseRow.awards),
            selectinload(EnterpriseRow.rd_institutions),
            selectinload(EnterpriseRow.compliance_flags),
        )
    )


def matching_ids(
    session: Session, filters: EnterpriseFilters, valid_on: date, within: Collection[int]
) -> list[int]:
    """The ids of the enterprises in `within` that match `filters` (one query)."""
    stmt = _filtered(filters, valid_on, latest_year(), within=within)
    return list(session.scalars(stmt.with_only_columns(EnterpriseRow.id).order_by(None)))


def export_rows(
    session: Session,
    filters: EnterpriseFilters,
    valid_on: date,
    *,
    within: Collection[int] | None = None,
    figures_of: Collection[int] | None = None,
) -> Iterator[Row[Any]]:
    """Every enterprise matching `filters` (within `within`, when given), streamed: the public
    columns, then, when `figures_of` is given, the latest year, revenue, R&D expense and stage,
    filled only for the enterprises in `figures_of`."""
    fy = latest = latest_year()
    public = (
        EnterpriseRow.uscc,
        EnterpriseRow.name,
        EnterpriseRow.region,
        EnterpriseRow.cluster,
        EnterpriseRow.founded_on,
    )
    figures: tuple[ColumnElement[Any], ...] = ()
    if figures_of is not None:
        shown = EnterpriseRow.id.in_(figures_of)
        figures = tuple(
            case((shown, column), else_=null())
            for column in (fy.year, fy.revenue, fy.rd_expense, stage_case(fy.revenue))
        )
    stmt = (
        _filtered(filters, valid_on, latest, within=within, join_latest=figures_of is not None)
        .with_only_columns(*public, *figures)
        .order_by(*_ordering(filters.sort, latest))
    )
    yield from session.execute(stmt.execution_options(yield_per=2000))


def count_enterprises(session: Session) -> int:
    return session.scalar(select(func.count(EnterpriseRow.id))) or 0


def count_by_cluster(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(EnterpriseRow.cluster, func.count()).group_by(EnterpriseRow.cluster)
    )
    return dict(rows.all())


def enterprise_id_by_code_and_name(session: Session, uscc: str, name: str) -> int | None:
    stmt = select(EnterpriseRow.id).where(EnterpriseRow.uscc == uscc, EnterpriseRow.name == name)
    return session.scalar(stmt)


def first_ids_in_cluster(session: Session, cluster: IndustryCluster, count: int) -> list[int]:
    stmt = (
        select(EnterpriseRow.id)
        .where(EnterpriseRow.cluster == cluster)
        .order_by(EnterpriseRow.id)
        .limit(count)
    )
    return list(session.scalars(stmt))


def data_date(session: Session) -> date | None:
    """The newest as-of date in the registry: the moment its figures describe."""
    return session.scalar(select(func.max(EnterpriseRow.as_of)))


def count_by_certification(session: Session, valid_on: date) -> dict[str, int]:
    rows = session.execute(
        select(CertificationRow.kind, func.count(func.distinct(CertificationRow.enterprise_id)))
        .where(CertificationRow.valid_from <= valid_on, CertificationRow.valid_to >= valid_on)
        .group_by(CertificationRow.kind)
    )
    return dict(rows.all())


def count_ip_by_type(session: Session) -> dict[str, int]:
    rows = session.execute(select(IPAssetRow.ip_type, func.count()).group_by(IPAssetRow.ip_type))
    return dict(rows.all())


class LatestYearGroup(NamedTuple):
    """Enterprises of one cluster in one stage, with their latest-year sums."""

    cluster: str
    stage: str
    enterprises: int
    revenue: Decimal
    rd_expense: Decimal


def latest_year_groups(session: Session) -> list[LatestYearGroup]:
    """Latest-year counts and sums by cluster and stage, in one pass over the region."""
    fy = latest = latest_year()
    stage = stage_case(fy.revenue).label("stage")
    columns = (
        EnterpriseRow.cluster,
        stage,
        func.count(),
        func.sum(fy.revenue),
        func.sum(fy.rd_expense),
    )
    stmt = _join_latest(select(*columns).select_from(EnterpriseRow), latest, outer=False)
    rows = session.execute(stmt.group_by(EnterpriseRow.cluster, stage))
    return [LatestYearGroup(*row) for row in rows]


class IpAssetRecord(NamedTuple):
    ip_type: str
    status: str
    expires_on: date | None


def ip_records(session: Session, enterprise_id: int) -> list[IpAssetRecord]:
    """Type, legal status and expiry of every IP asset of one enterprise."""
    rows = session.execute(
        select(IPAssetRow.ip_type, IPAssetRow.status, IPAssetRow.expires_on).where(
            IPAssetRow.enterprise_id == enterprise_id
        )
    )
    return [IpAssetRecord(str(kind), str(status), expires) for kind, status, expires in rows]


def ip_assets_frame(session: Session) -> pl.DataFrame:
    """Type, legal status and expiry of every IP asset of the registry, by `enterprise_id`."""
    ip = IPAssetRow.__table__.c
    return pl.read_database(
        select(ip.enterprise_id, ip.ip_type, ip.status, ip.expires_on),
        session.connection(),
        schema_overrides={
            "enterprise_id": pl.Int64(),
            "ip_type": pl.String(),
            "status": pl.String(),
            "expires_on": pl.Date(),
        },
    )
