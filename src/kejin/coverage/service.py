"""Coverage use cases over the newest stored match run: the stage × layer cells against the
needs posted, one cell's gap firms and what blocks them, a policy's reach and its lists.

Counts cover every firm of the run; firms are named only where they share their assessment
with the reader's institution (`consent.readable_enterprise_ids`), and the names shown are
recorded as reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from kejin.consent import service as consent
from kejin.consent.model import DataScope
from kejin.core.uow import UnitOfWork
from kejin.coverage import repository
from kejin.coverage.errors import NoMatchRun, PolicyNotInRun
from kejin.coverage.model import (
    Blocker,
    NeedCount,
    blockers,
    coverage_cells,
    needs_since,
    shipped_config,
)
from kejin.coverage.schemas import (
    BlockerRead,
    CellDrillDown,
    CellQuery,
    CoverageCellRead,
    CoverageRead,
    GapFirm,
    ListedFirm,
    PolicyFirms,
    PolicyReachRead,
    ReachCell,
    Thresholds,
)
from kejin.identity.model import Principal
from kejin.matching import service as matching
from kejin.matching.model import PolicyList
from kejin.matching.orm import MatchRunRow
from kejin.matching.schemas import MatchRunRead
from kejin.needs import queries as needs
from kejin.products.imports import catalogue_in
from kejin.registry import service as registry
from kejin.registry.model import IndustryCluster, Stage

UowFactory = Callable[[], UnitOfWork]


def thresholds() -> Thresholds:
    config = shipped_config()
    return Thresholds(
        version=config.version,
        min_share_eligible=config.min_share_eligible,
        min_share_possible=config.min_share_possible,
        min_ratio=config.min_ratio,
    )


def coverage(
    uow: UowFactory, cluster: IndustryCluster | None = None, today: dt.date | None = None
) -> CoverageRead:
    """The newest run's cells (of one cluster, or all), with the needs posted in the window
    ending `today` (default today); before any run, no cells."""
    config = shipped_config()
    since = needs_since(today or registry.today(), config)
    with uow() as work:
        run = repository.latest_run(work.session)
        if run is None:
            return CoverageRead(run=None, thresholds=thresholds())
        counts = repository.layer_counts(
            work.session, run.id, None if cluster is None else cluster.value
        )
        posted = needs.need_totals(work, dt.datetime.combine(since, dt.time(), dt.UTC))
        revision = catalogue_in(work).revision
        read = MatchRunRead.model_validate(run)
    # A cluster filter has no needs of its own: needs are counted by stage, not by cluster.
    wanted = [NeedCount(n.stage, n.instruments, n.needs, n.amount) for n in posted]
    wanted = [] if cluster else wanted
    cells = coverage_cells(counts, wanted, config)
    return CoverageRead(
        run=read,
        catalogue_revision_now=revision,
        cluster=cluster,
        needs_since=since,
        thresholds=thresholds(),
        cells=[CoverageCellRead.model_validate(cell, from_attributes=True) for cell in cells],
    )


def cell_drill_down(uow: UowFactory, principal: Principal, query: CellQuery) -> CellDrillDown:
    """One cell's gap firms, the conditions of the layer's products that block them (matched
    again on the run's inputs against the live catalogue), and those the reader may see."""
    stage, layer, cluster = query.stage_or_none, query.layer_or_none, query.cluster
    with uow() as work:
        run = _run(work)
        gap = repository.gap_firms(
            run.id,
            None if stage is None else stage.value,
            None if layer is None else layer.value,
            None if cluster is None else cluster.value,
        )
        ids = list(work.session.scalars(gap))
        found = _cell_blockers(work, query, ids)
        readable = consent.readable_enterprise_ids(work.session, principal, DataScope.ASSESSMENT)
        shown = sorted(readable.intersection(ids))
        listed = _gap_firms(work, principal, shown, stage)
        read = MatchRunRead.model_validate(run)
        work.commit()
    return CellDrillDown(
        run=read,
        stage=stage,
        layer=layer,
        cluster=cluster,
        gap_firms=len(ids),
        blockers=[
            BlockerRead(
                label_zh=b.label_zh,
                label_en=b.label_en,
                products=b.products,
                firms_failing=b.firms_failing,
                firms_sole_blocker=b.firms_sole_blocker,
                share_sole_blocker=Decimal(b.firms_sole_blocker) / len(ids) if ids else None,
            )
            for b in found
        ],
        listed=listed,
    )


def _cell_blockers(work: UnitOfWork, query: CellQuery, ids: list[int]) -> list[Blocker]:
    if not ids:
        return []
    catalogue, inputs = matching.gap_inputs(work, ids)
    layer = query.layer_or_none
    entries = catalogue.products if layer is None else catalogue.layer(layer)
    return blockers([e.ruleset for e in entries], inputs, catalogue.on)


def _gap_firms(
    work: UnitOfWork, principal: Principal, ids: list[int], stage: Stage | None
) -> list[GapFirm]:
    consent.record_list_reads(work.session, principal, ids, DataScope.ASSESSMENT)
    keys = registry.enterprise_keys(work, ids)
    return [
        GapFirm(uscc=key.uscc, name=key.name, cluster=key.cluster, stage=stage)
        for key in (keys[i] for i in ids if i in keys)
    ]


def policy_reach(uow: UowFactory, code: str) -> PolicyReachRead:
    """Per stage × cluster: firms entitled without applying, to apply, not eligible, and Σ
    benefit of the first two (before any run: no cells)."""
    with uow() as work:
        run = repository.latest_run(work.session)
        if run is None:
            return PolicyReachRead(run=None, policy=code)
        _require_policy(run, code)
        rows = repository.policy_reach(work.session, run.id, code)
        live = catalogue_in(work).catalogue.policies
        name = next((spec.name for spec in live if spec.code == code), None)
        read = MatchRunRead.model_validate(run)
    return PolicyReachRead(
        run=read,
        policy=code,
        name_zh=code if name is None else name.zh,
        name_en=code if name is None else name.en,
        cells=_reach(rows),
    )


def _reach(rows: list[tuple[Any, ...]]) -> list[ReachCell]:
    cells: dict[tuple[Stage | None, IndustryCluster], dict[str, Any]] = {}
    for stage, cluster, listed, firms, benefit in rows:
        key = (None if stage is None else Stage(stage), IndustryCluster(cluster))
        cell = cells.setdefault(key, {"firms": {}, "benefit": {}})
        cell["firms"][str(listed)] = int(firms)
        cell["benefit"][str(listed)] = benefit or Decimal(0)
    order = {stage: index for index, stage in enumerate([*Stage, None])}
    return [
        ReachCell(
            stage=stage,
            cluster=cluster,
            automatic=cell["firms"].get(PolicyList.AUTOMATIC, 0),
            apply=cell["firms"].get(PolicyList.APPLY, 0),
            not_eligible=cell["firms"].get(PolicyList.NONE, 0),
            benefit_automatic=cell["benefit"].get(PolicyList.AUTOMATIC, Decimal(0)),
            benefit_apply=cell["benefit"].get(PolicyList.APPLY, Decimal(0)),
        )
        for (stage, cluster), cell in sorted(
            cells.items(), key=lambda item: (order[item[0][0]], item[0][1].value)
        )
    ]


def policy_firms(
    uow: UowFactory, principal: Principal, code: str, listed: PolicyList
) -> PolicyFirms:
    """The firms of one list of a policy that share their assessment with the reader (every
    one, for an export), the best benefit first; the reads are recorded."""
    with uow() as work:
        run = _run(work)
        _require_policy(run, code)
        readable = consent.readable_enterprise_ids(work.session, principal, DataScope.ASSESSMENT)
        total, rows = repository.policy_firms(work.session, run.id, code, listed.value, readable)
        ids = [row[0] for row in rows]
        consent.record_list_reads(work.session, principal, ids, DataScope.ASSESSMENT)
        keys = registry.enterprise_keys(work, ids)
        read = MatchRunRead.model_validate(run)
        work.commit()
    firms = [
        ListedFirm(
            uscc=keys[firm].uscc,
            name=keys[firm].name,
            cluster=IndustryCluster(cluster),
            stage=None if stage is None else Stage(stage),
            status=status,
            benefit_high=benefit,
        )
        for firm, stage, cluster, status, benefit in rows
        if firm in keys
    ]
    return PolicyFirms(run=read, policy=code, listed=listed, total=total, firms=firms)


def _run(work: UnitOfWork) -> MatchRunRow:
    run = repository.latest_run(work.session)
    if run is None:
        raise NoMatchRun("No match run has been stored yet: run kejin match --all")
    return run


def _require_policy(run: MatchRunRow, code: str) -> None:
    if code not in run.policy_versions:
        raise PolicyNotInRun("The newest match run did not read policy {code}", code=code)
