"""Use cases of monitoring the model in service on the registry (监测): score every
enterprise's signals on a day (`region.registry_signals`, a loan starting that day for each
firm) with the model in service, compare them with the training data kept in its card and
artefact (`monitoring.monitor`), store the run; read the stored runs back — the newest, one
by id, and the series of the model in service (its drift over time)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from kejin.core.pagination import Page, PageRequest
from kejin.core.uow import UnitOfWork
from kejin.credit import store
from kejin.credit.errors import EmptyPopulation, NoModelInService
from kejin.credit.export import content_version
from kejin.credit.lending import current_model
from kejin.credit.monitoring import MonitoringRun
from kejin.credit.region import registry_signals
from kejin.credit.service import load_model, monitor

UowFactory = Callable[[], UnitOfWork]


def monitor_registry(
    uow: UowFactory, data_dir: Path, days: Sequence[dt.date], started_by: str
) -> list[MonitoringRun]:
    """Monitor the registry's population on each of `days` with the model in service and
    store one run per day, all in one transaction."""
    directory = current_model(data_dir)
    version = content_version(load_model(directory))
    runs: list[MonitoringRun] = []
    with uow() as work:
        conn = work.session.connection()
        for day in days:
            population = registry_signals(conn, day)
            if population.is_empty():
                raise EmptyPopulation(
                    "No enterprise of the registry existed on {date}", date=day.isoformat()
                )
            result = monitor(directory, population, None)
            moment = dt.datetime.now(dt.UTC)
            runs.append(store.add_run(work.session, version, day, result, started_by, moment))
        work.commit()
    return runs


def list_runs(uow: UowFactory, request: PageRequest) -> Page[MonitoringRun]:
    """Stored runs of every model, newest first."""
    with uow() as work:
        runs, total = store.page_of_runs(work.session, request.offset, request.size)
    return Page(runs, total, request.page, request.size)


def get_run(uow: UowFactory, run_id: int) -> MonitoringRun:
    with uow() as work:
        return store.get_run(work.session, run_id)


@dataclasses.dataclass(frozen=True, slots=True)
class Overview:
    """What the monitoring page shows: the model in service (None: no model), one run (the
    model's newest, or the one asked for; None before any) and the series of its model."""

    model_version: str | None
    run: MonitoringRun | None
    series: tuple[MonitoringRun, ...]


def overview(uow: UowFactory, data_dir: Path, run_id: int | None = None) -> Overview:
    try:
        version: str | None = content_version(load_model(current_model(data_dir)))
    except NoModelInService:
        version = None
    with uow() as work:
        run: MonitoringRun | None = None
        if run_id is not None:
            run = store.get_run(work.session, run_id)
        elif version is not None:
            run = store.newest_run(work.session, version)
        series = store.model_series(work.session, run.model_version) if run else []
    return Overview(version, run, tuple(series))
