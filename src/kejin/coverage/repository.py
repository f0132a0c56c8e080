"""SQL over the newest stored match run (read only): per stage × layer the firms, eligible and
possible firms and Σ of the eligible firms' best amounts; the gap firms of one cell; per policy
the firms in each list by stage and cluster, and the firms of one list.

Every count is one GROUP BY in the database: no row of a run is loaded into Python to be
counted.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select
from sqlalchemy.orm import Session

from kejin.coverage.model import LayerCount
from kejin.matching.orm import MatchLayerResultRow, MatchRunRow, PolicyMatchRow

NO_STAGE = "none"
NOT_LISTED = "none"
_R = MatchLayerResultRow


def latest_run(session: Session) -> MatchRunRow | None:
    return session.scalars(
        select(MatchRunRow)
        .where(MatchRunRow.finished_at.is_not(None))
        .order_by(MatchRunRow.id.desc())
        .limit(1)
    ).first()


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _where(run_id: int, cluster: str | None) -> list[ColumnElement[bool]]:
    found = [_R.run_id == run_id]
    return found if cluster is None else [*found, _R.cluster == cluster]


def _stage_is(stage: str | None) -> ColumnElement[bool]:
    return _R.stage.is_(None) if stage is None else _R.stage == stage


def layer_counts(session: Session, run_id: int, cluster: str | None) -> list[LayerCount]:
    """Per stage × layer, and per stage over any layer."""
    eligible = _R.met > 0
    amount = func.sum(case((eligible, _R.amount_high)))
    per_layer = (
        select(
            _R.stage,
            _R.layer,
            func.count(),
            func.sum(_flag(eligible)),
            func.sum(_flag(_R.met + _R.review > 0)),
            amount,
        )
        .where(*_where(run_id, cluster))
        .group_by(_R.stage, _R.layer)
    )
    firms = (
        select(
            _R.stage.label("stage"),
            func.max(_flag(eligible)).label("eligible"),
            func.max(_flag(_R.met + _R.review > 0)).label("possible"),
            amount.label("amount"),
        )
        .where(*_where(run_id, cluster))
        .group_by(_R.enterprise_id, _R.stage)
        .subquery()
    )
    any_layer = select(
        firms.c.stage,
        literal(None),
        func.count(),
        func.sum(firms.c.eligible),
        func.sum(firms.c.possible),
        func.sum(firms.c.amount, type_=_R.amount_high.type),
    ).group_by(firms.c.stage)
    rows = [*session.execute(per_layer), *session.execute(any_layer)]
    return [
        LayerCount(
            None if stage is None else str(stage),
            None if layer is None else str(layer),
            int(count),
            int(met or 0),
            int(possible or 0),
            money or Decimal(0),
        )
        for stage, layer, count, met, possible, money in rows
    ]


def gap_firms(
    run_id: int, stage: str | None, layer: str | None, cluster: str | None
) -> Select[int]:
    """The firms of a cell without an eligible product in the layer (in any layer: in none)."""
    where = [*_where(run_id, cluster), _stage_is(stage)]
    if layer is not None:
        return select(_R.enterprise_id).where(*where, _R.layer == layer, _R.met == 0)
    return (
        select(_R.enterprise_id)
        .where(*where)
        .group_by(_R.enterprise_id)
        .having(func.sum(_R.met) == 0)
    )


def _population(run_id: int) -> Any:
    """Every firm of the run once, with its stage and cluster."""
    return (
        select(_R.enterprise_id, _R.stage, _R.cluster)
        .where(_R.run_id == run_id)
        .group_by(_R.enterprise_id, _R.stage, _R.cluster)
        .subquery()
    )


def policy_reach(session: Session, run_id: int, policy: str) -> list[tuple[Any, ...]]:
    """Per stage × cluster × list (`none`: not listed): firms and Σ benefit high."""
    firms = _population(run_id)
    matched = and_(
        PolicyMatchRow.run_id == run_id,
        PolicyMatchRow.policy == policy,
        PolicyMatchRow.enterprise_id == firms.c.enterprise_id,
    )
    listed = func.coalesce(PolicyMatchRow.listed, NOT_LISTED)
    return list(
        session.execute(
            select(
                firms.c.stage,
                firms.c.cluster,
                listed,
                func.count(),
                func.sum(PolicyMatchRow.benefit_high),
            )
            .select_from(firms)
            .outerjoin(PolicyMatchRow, matched)
            .group_by(firms.c.stage, firms.c.cluster, listed)
        ).all()
    )


def policy_firms(
    session: Session, run_id: int, policy: str, listed: str, readable: Collection[int]
) -> tuple[int, list[tuple[Any, ...]]]:
    """How many firms a policy lists in `listed`, and those of `readable` with their stage,
    cluster, status and benefit high."""
    where = [
        PolicyMatchRow.run_id == run_id,
        PolicyMatchRow.policy == policy,
        PolicyMatchRow.listed == listed,
    ]
    total = session.scalar(select(func.count()).where(*where)) or 0
    firms = _population(run_id)
    rows = session.execute(
        select(
            PolicyMatchRow.enterprise_id,
            firms.c.stage,
            firms.c.cluster,
            PolicyMatchRow.status,
            PolicyMatchRow.benefit_high,
        )
        .join(firms, firms.c.enterprise_id == PolicyMatchRow.enterprise_id)
        .where(*where, PolicyMatchRow.enterprise_id.in_(sorted(readable)))
        .order_by(PolicyMatchRow.benefit_high.desc().nulls_last(), PolicyMatchRow.enterprise_id)
    ).all()
    return int(total), [tuple(row) for row in rows]
