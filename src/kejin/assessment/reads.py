"""Use cases that read stored assessments: one enterprise's assessment (consent applies), the
region view of the newest run and its drill-down to the enterprises (reads recorded)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from kejin.assessment import repository, store, views
from kejin.assessment.errors import NoAssessmentRun
from kejin.assessment.model import EnterpriseSnapshot, Status
from kejin.assessment.orm import (
    AssessmentRunRow,
)
from kejin.assessment.points.config import PointsConfig, load_points_config
from kejin.assessment.points.enterprise import points_for
from kejin.assessment.points.lookup import PointsLookup
from kejin.assessment.points.rank import rank_for
from kejin.assessment.points.stage import stage_of
from kejin.assessment.runs.pipeline import Catalogue
from kejin.assessment.schemas import (
    DrillDown,
    DrillDownItem,
    DrillDownPage,
    EnterpriseAssessment,
    RegionAssessment,
    RunRead,
    StandardRef,
    SummaryCell,
)
from kejin.assessment.service import shipped_catalogue
from kejin.assessment.standards.engine import assess_many
from kejin.consent import service as consent
from kejin.consent.model import DataScope, GrantPurpose
from kejin.core.errors import InvalidInput
from kejin.core.pagination import PageRequest
from kejin.core.uow import UnitOfWork
from kejin.identity.model import Principal, Role
from kejin.registry import service as registry
from kejin.registry.model import IndustryCluster, Stage

UowFactory = Callable[[], UnitOfWork]


@cache
def points_config(version: str) -> PointsConfig:
    """A shipped innovation-points configuration by version, read once per process."""
    return load_points_config(version)


# What an institution user reads an assessment for unless they choose otherwise.
DEFAULT_PURPOSES = {
    Role.BANK_OFFICER: GrantPurpose.CREDIT_ASSESSMENT,
    Role.BANK_APPROVER: GrantPurpose.CREDIT_ASSESSMENT,
    Role.FUND_MANAGER: GrantPurpose.INVESTMENT_DUE_DILIGENCE,
    Role.GOVERNMENT_ANALYST: GrantPurpose.POLICY_SUPPORT,
    Role.PLATFORM_ADMIN: GrantPurpose.POLICY_SUPPORT,
}


def standard_refs(rule_versions: dict[str, Any]) -> list[StandardRef]:
    """The names and sources of the standards a run used (by code and version)."""
    known = shipped_catalogue().rulesets
    versions = {(r.version.code, r.version.version): r.version for r in known}
    refs = []
    for code, used in rule_versions.items():
        found = versions.get((code, str(used.get("version"))))
        refs.append(
            StandardRef(
                code=code,
                name_zh=found.name_zh if found else code,
                name_en=found.name_en if found else code,
                version=str(used.get("version", "")),
                doc_no=str(used.get("doc_no", "")),
                source_url=found.source_url if found else "",
            )
        )
    return refs


@dataclasses.dataclass(frozen=True)
class DrillDownExport:
    """Every row of a drill-down the reader may see, and the run and cell they come from."""

    run: RunRead
    query: DrillDown
    items: list[DrillDownItem]
    total: int  # enterprises in the cell, listed or not


def latest_run(uow: UowFactory) -> RunRead:
    """The newest finished run; none yet is an error the pages turn into an empty state."""
    with uow() as work:
        return RunRead.model_validate(_newest_run(work.session), from_attributes=True)


def default_purpose(role: Role) -> GrantPurpose | None:
    """The purpose an institution user reads for unless they choose another; None for
    enterprise users, who read their own enterprise without one."""
    return DEFAULT_PURPOSES.get(role)


def enterprise_assessment(
    uow: UowFactory,
    principal: Principal,
    code: str,
    purpose: str | None,
    *,
    on: date | None = None,
    catalogue: Catalogue | None = None,
    advice: bool = True,
) -> EnterpriseAssessment:
    """One enterprise's assessment as of `on` (default today): every standard in force with
    its explanation and (with `advice`, the slow part) what would meet it, the stage, and
    innovation points against the newest stored run's cohorts. Its own users read it; others
    need a live `assessment` grant for `purpose` (the read, or the refusal, is recorded), which
    institution staff must name."""
    catalogue = catalogue or shipped_catalogue()
    day = on or registry.today()
    with uow() as work:
        key = registry.enterprise_key(work, code)
        if purpose is None and not principal.is_enterprise_user:
            raise InvalidInput(
                "Name the purpose of your read; it must match the enterprise's grant",
                field="purpose",
            )
        consent.require_access(work.session, principal, key.id, DataScope.ASSESSMENT, purpose or "")
        snapshot = repository.load_snapshot(work.session.connection(), key.id, day)
        assert snapshot is not None  # the enterprise was just found
        run = store.latest_run_head(work.session)
        lookup = None if run is None else _points_lookup(work.session, run)
        work.commit()
    standards = views.standards(catalogue, snapshot, day, advice=advice)
    points = (
        views.points(
            snapshot, key.region, key.cluster.value, lookup, points_config(run.points_config)
        )
        if run is not None and lookup is not None
        else None
    )
    return EnterpriseAssessment(
        enterprise_id=key.id,
        uscc=key.uscc,
        name=key.name,
        cluster=key.cluster,
        evaluated_on=day,
        stage=stage_of(snapshot, catalogue.points.stages).stage,
        points=points,
        run_id=None if run is None else run.id,
        run_evaluated_on=None if run is None else run.evaluated_on,
        standards=standards,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Standing:
    """What the assessment says of one enterprise on a date, for the platform's own use cases
    (matching it to products and policies, the credit report): no explanation, no consent
    check — a caller that shows it to institution staff checks their `assessment` scope."""

    snapshot: EnterpriseSnapshot
    statuses: dict[str, Status]  # rule-set code → status, every standard in force
    stage: str | None
    innovation_points: int | None
    points_band: str | None  # top_5, top_10, top_20, rest; None without a stored run
    points_rank: int | None  # in the enterprise's region and stage, 1 the best
    points_rank_pct: float | None  # 100 · rank / firms ranked
    region: str
    cluster: str


def standing(
    work: UnitOfWork, enterprise_id: int, on: date, catalogue: Catalogue | None = None
) -> Standing:
    """One enterprise's standing on `on`, inside the caller's unit of work: the standards in
    force (without sentences), the stage, and the innovation points and band against the newest
    stored run."""
    catalogue = catalogue or shipped_catalogue()
    key = registry.enterprise_keys(work, [enterprise_id])[enterprise_id]
    snapshot = repository.load_snapshot(work.session.connection(), enterprise_id, on)
    assert snapshot is not None  # the enterprise was just found
    in_force = catalogue.in_force(on)
    verdicts = assess_many(in_force, snapshot, on, explain=False)
    statuses = {
        ruleset.version.code: found.verdict.status
        for ruleset, found in zip(in_force, verdicts, strict=True)
    }
    run = store.latest_run_head(work.session)
    lookup = None if run is None else _points_lookup(work.session, run)
    score = rank = None
    if run is not None and lookup is not None:
        config = points_config(run.points_config)
        found = points_for(snapshot, lookup.cohorts, config, region=key.region,
                           cluster=key.cluster.value)  # fmt: skip
        score = found.innovation_points
        stage_id = found.stage.stage
        rank = (
            None
            if score is None or stage_id is None
            else rank_for(score, key.region, stage_id, lookup.scores, config)
        )
    return Standing(
        snapshot=snapshot,
        statuses=statuses,
        stage=stage_of(snapshot, catalogue.points.stages).stage,
        innovation_points=score,
        points_band=None if rank is None else rank.band,
        points_rank=None if rank is None else rank.rank,
        points_rank_pct=None if rank is None else rank.rank_pct,
        region=key.region,
        cluster=key.cluster.value,
    )


def _newest_run(session: Session) -> AssessmentRunRow:
    run = store.latest_run_row(session)
    if run is None:
        raise NoAssessmentRun("No assessment run has been stored yet")
    return run


# Cached lookups of the newest run per database (its URL): a newer run replaces them.
_LOOKUPS: dict[str, tuple[tuple[int, datetime], PointsLookup | None]] = {}
_CACHED_DATABASES = 4
_LOOKUPS_LOCK = threading.Lock()


def _points_lookup(session: Session, run: store.RunHead) -> PointsLookup | None:
    """A run's cohort and score tables as lookups (None if it stored none), built once per
    process: runs never change once finished. The start time is part of the key, as an
    emptied database hands out run ids again."""
    database = session.get_bind().engine.url.render_as_string()
    key = (run.id, run.started_at)
    cached = _LOOKUPS.get(database)
    if cached is not None and cached[0] == key:
        return cached[1]
    found = store.read_statistics(session.connection(), run.id, run.points_config)
    lookup = (
        None
        if found is None
        else PointsLookup.of(found.cohorts, found.scores, points_config(run.points_config))
    )
    with _LOOKUPS_LOCK:  # requests are answered on several threads
        _LOOKUPS.pop(database, None)
        while len(_LOOKUPS) >= _CACHED_DATABASES:
            _LOOKUPS.pop(next(iter(_LOOKUPS)))
        _LOOKUPS[database] = (key, lookup)
    return lookup


def region_assessment(uow: UowFactory) -> RegionAssessment:
    """The newest run's counts by standard × stage × cluster × status (empty before any run)."""
    with uow() as work:
        run = store.latest_run_row(work.session)
        if run is None:
            return RegionAssessment(run=None, cells=[])
        return RegionAssessment(
            run=RunRead.model_validate(run, from_attributes=True),
            standards=standard_refs(run.rule_versions),
            cells=_cells(run.summary),
        )


def _cells(summary: list[dict[str, Any]]) -> list[SummaryCell]:
    """The stored summary (one row per standard × stage × cluster × status) as cells holding
    their counts by status."""
    counts: dict[tuple[str, str | None, str], dict[Status, int]] = {}
    for row in summary:
        cell = counts.setdefault((row["standard"], row["stage"], row["cluster"]), {})
        status = Status(row["status"])
        cell[status] = cell.get(status, 0) + int(row["count"])
    return [
        SummaryCell(
            standard=standard,
            stage=None if stage is None else Stage(stage),
            cluster=IndustryCluster(cluster),
            counts=found,
            total=sum(found.values()),
        )
        for (standard, stage, cluster), found in counts.items()
    ]


def drill_down(
    uow: UowFactory, principal: Principal, query: DrillDown, request: PageRequest
) -> DrillDownPage:
    """The enterprises of one cell of the region view in the newest run, best points first.

    Counts cover every enterprise; rows are listed only where the reader may see the
    assessment (their own enterprise, or a live `assessment` grant to their institution), and
    the rows shown are recorded as reads.
    """
    with uow() as work:
        cell = _cell(work, principal, query)
        total = work.session.scalar(store.count_of(cell.whole)) or 0
        listed = work.session.scalar(store.count_of(cell.shared)) or 0
        page = store.page_of(cell.shared, request.offset, request.size)
        found = store.cell_rows(work.session.execute(page), cell.run.rule_versions, query.standard)
        items = _items(work, principal, cell, found)
        work.commit()
    return DrillDownPage(
        run_id=cell.run.id,
        evaluated_on=cell.run.evaluated_on,
        standards=standard_refs(cell.run.rule_versions),
        items=items,
        total=total,
        shared=listed,
        page=request.page,
        size=request.size,
        pages=max(1, -(-listed // request.size)),
    )


def drill_down_export(uow: UowFactory, principal: Principal, query: DrillDown) -> DrillDownExport:
    """Every row of a drill-down the reader may see (all pages), for a CSV export; each row is
    recorded as a read."""
    with uow() as work:
        cell = _cell(work, principal, query)
        total = work.session.scalar(store.count_of(cell.whole)) or 0
        listed = work.session.scalar(store.count_of(cell.shared)) or 0
        page = store.page_of(cell.shared, 0, listed)
        found = store.cell_rows(work.session.execute(page), cell.run.rule_versions, query.standard)
        items = _items(work, principal, cell, found)
        work.commit()
    return DrillDownExport(run=cell.run, query=query, items=items, total=total)


@dataclasses.dataclass(frozen=True, slots=True)
class _Cell:
    """A drill-down's run, its rows (`whole`) and those the reader may see (`shared`)."""

    run: RunRead
    points_config: str
    whole: store.AnySelect
    shared: store.AnySelect


def _cell(work: UnitOfWork, principal: Principal, query: DrillDown) -> _Cell:
    run = _newest_run(work.session)
    if query.standard not in run.rule_versions:
        raise InvalidInput(
            "The newest run did not assess standard {standard}",
            field="standard",
            standard=query.standard,
        )
    readable = consent.readable_enterprise_ids(work.session, principal, DataScope.ASSESSMENT)
    whole = store.cell_query(run.id, run.rule_versions, query)
    return _Cell(
        RunRead.model_validate(run, from_attributes=True),
        run.points_config,
        whole,
        store.shared_part(whole, readable),
    )


def _items(
    work: UnitOfWork, principal: Principal, cell: _Cell, rows: list[store.CellRow]
) -> list[DrillDownItem]:
    """The rows as items, named from the registry; their reads are recorded."""
    ids = [row.enterprise_id for row in rows]
    consent.record_list_reads(work.session, principal, ids, DataScope.ASSESSMENT)
    keys = registry.enterprise_keys(work, ids)
    bands = {band.id: band for band in points_config(cell.points_config).bands}
    return [
        DrillDownItem(
            uscc=keys[row.enterprise_id].uscc,
            name=keys[row.enterprise_id].name,
            cluster=row.cluster,
            stage=row.stage,
            status=row.status,
            points_low=row.points_low,
            points_high=row.points_high,
            innovation_points=row.innovation_points,
            band=row.band,
            band_zh=bands[row.band].zh if row.band in bands else None,
            band_en=bands[row.band].en if row.band in bands else None,
        )
        for row in rows
    ]
