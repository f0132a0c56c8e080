"""Writing and reading stored monitoring runs (`credit_monitoring_runs`); never commits."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kejin.credit.errors import MonitoringRunNotFound
from kejin.credit.monitoring import FeatureStability, Monitoring, MonitoringRun, ScoreBand
from kejin.credit.orm import MonitoringRunRow


def add_run(  # noqa: PLR0917 — the run's parts, as the use case assembles them
    session: Session,
    model_version: str,
    as_of: dt.date,
    result: Monitoring,
    started_by: str,
    created_at: dt.datetime,
) -> MonitoringRun:
    """Store one run (flushed, so it has its id)."""
    row = MonitoringRunRow(
        model_version=model_version,
        as_of=as_of,
        rows=result.rows,
        score_psi=result.score_psi,
        band=result.band,
        features=[dataclasses.asdict(f) for f in result.features],
        distribution=[dataclasses.asdict(b) for b in result.bands],
        started_by=started_by,
        created_at=created_at,
    )
    session.add(row)
    session.flush()
    return _run(row)


def get_run(session: Session, run_id: int) -> MonitoringRun:
    row = session.get(MonitoringRunRow, run_id)
    if row is None:
        raise MonitoringRunNotFound("No monitoring run {id}", id=run_id)
    return _run(row)


def page_of_runs(session: Session, offset: int, limit: int) -> tuple[list[MonitoringRun], int]:
    """Runs of every model, newest first, from `offset`; and how many there are."""
    total = session.scalar(select(func.count()).select_from(MonitoringRunRow)) or 0
    rows = session.scalars(
        select(MonitoringRunRow).order_by(MonitoringRunRow.id.desc()).offset(offset).limit(limit)
    ).all()
    return [_run(row) for row in rows], total


def newest_run(session: Session, model_version: str) -> MonitoringRun | None:
    """The model's run stored last."""
    row = session.scalars(
        select(MonitoringRunRow)
        .where(MonitoringRunRow.model_version == model_version)
        .order_by(MonitoringRunRow.id.desc())
        .limit(1)
    ).first()
    return None if row is None else _run(row)


def model_series(session: Session, model_version: str) -> list[MonitoringRun]:
    """Every run of one model in as-of order (then the order they were stored)."""
    rows = session.scalars(
        select(MonitoringRunRow)
        .where(MonitoringRunRow.model_version == model_version)
        .order_by(MonitoringRunRow.as_of, MonitoringRunRow.id)
    ).all()
    return [_run(row) for row in rows]


def _run(row: MonitoringRunRow) -> MonitoringRun:
    features = tuple(
        FeatureStability(
            f["name"], tuple(f["labels"]), tuple(f["expected"]), tuple(f["actual"]), f["psi"]
        )
        for f in row.features
    )
    bands = tuple(ScoreBand(b["lower"], b["expected"], b["actual"]) for b in row.distribution)
    result = Monitoring(row.rows, row.score_psi, features, (), bands)
    created = row.created_at
    if created.tzinfo is None:  # SQLite hands back naive datetimes
        created = created.replace(tzinfo=dt.UTC)
    return MonitoringRun(row.id, row.model_version, row.as_of, created, row.started_by, result)
