"""The partitioned assessment on Dask (`kejin assess --all --engine dask`).

The steps of `kejin.assessment.runs.partitioned` run as Dask tasks, one per partition and pass.
Each task receives a small recipe (`RegistryPartition`: a database URL and an id range, or any
other `PartitionSource`) and builds its snapshots in the worker, so no snapshot frame crosses
the network: what travels is the catalogue (sent once to every worker), the partitions' cohort
and score tables (merged on the workers in a tree, two at a time, then fetched once for
storing), the prepared cohort index (to each worker once) and the result partitions. The
results are fetched in partition order with at most `window` partitions under way, and handed
to the caller one at a time, so neither the workers nor this process ever hold all of them.

Where the cluster is: `dask_client(address)` connects to a running scheduler at `address`
(`kejin assess --scheduler`, or the `KEJIN_DASK_SCHEDULER` environment variable read by the
command), or else starts a local cluster of `LOCAL_WORKERS` worker processes with one thread
each and `WORKER_MEMORY` of memory each, closed again afterwards. Workers of a remote cluster
need Kejin installed and must reach the database at the URL the run gives them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

import polars as pl
from distributed import Client, Future, LocalCluster
from sqlalchemy import Connection

from kejin.assessment import repository
from kejin.assessment.points.cohorts import cohort_index, merge_cohorts
from kejin.assessment.points.rank import merge_scores
from kejin.assessment.runs.partitioned import (
    PartitionedRun,
    PartitionSource,
    Ranking,
    Scratch,
    assess_one,
    count_cohorts,
    count_scores,
    with_one_partition,
)
from kejin.assessment.runs.pipeline import Catalogue, Statistics
from kejin.core.errors import InvalidInput
from kejin.core.i18n import N_

SCHEDULER_ENV = "KEJIN_DASK_SCHEDULER"
LOCAL_WORKERS = 2
WORKER_MEMORY = "3GiB"  # per worker process: a partition of 250,000 firms peaks near 1.5 GB
# Two at a time: a merge task holds its two tables and their sum, and a table waits for its
# partner only, so the workers' peak stays near one partition's, however many partitions.
MERGE_FAN_IN = 2
# Polars allocates with jemalloc. Worker processes of a local cluster hand freed pages back to
# the system after a second. Handing them back at once (decay 0) kept the workers' memory a
# little lower but made them fault the pages in again for every partition: 2,000,000 firms took
# 85.9 s with decay 0 against 62.9 s with a second (system time 74.6 → 40.8 s, process tree peak
# 2,149 → 2,423 MB); 10,000,000 firms 305 s at a peak of 2.9 GB (docs/benchmarks.md). The
# setting must be in the environment a worker process starts with (a spawned worker imports this
# program's main module, and Polars with it, before a nanny's `env` is applied), and the
# nannies copy that environment from this process's, where Polars has already written its own
# setting (this one is appended, so wins).
JEMALLOC_CONF = "_RJEM_MALLOC_CONF"
WORKER_ALLOCATOR = "dirty_decay_ms:1000,muzzy_decay_ms:1000"
# Merges run as soon as their tables are there, before further partitions are built: otherwise
# every partition's table waits in the workers until the last partition is done.
MERGE_PRIORITY = 1


@dataclasses.dataclass(frozen=True, slots=True)
class RegistryPartition:
    """The enterprises of one id range of the registry at `url`, read and built in a worker."""

    url: str
    ids: repository.IdRange

    @property
    def key(self) -> str:
        return f"ids-{self.ids.first}-{self.ids.last}"

    def snapshots(self, on: dt.date) -> pl.DataFrame:
        return repository.build_partition(self.url, self.ids, on)


def registry_partitions(conn: Connection, size: int) -> list[RegistryPartition]:
    """The registry behind `conn` as partitions of `size` ids. Workers open the database
    themselves, so an in-memory SQLite database (private to this connection) is refused."""
    url = conn.engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        raise InvalidInput(N_("The Dask engine cannot read an in-memory database"))
    plain = url.render_as_string(hide_password=False)
    return [RegistryPartition(plain, ids) for ids in repository.id_ranges(conn, size)]


@contextmanager
def dask_client(
    address: str | None = None,
    *,
    workers: int = LOCAL_WORKERS,
    memory_limit: str = WORKER_MEMORY,
) -> Iterator[Client]:
    """A client of the scheduler at `address`, or of a local cluster started (and closed)
    here: worker processes, one thread each (Polars parallelises inside a task), returning freed
    memory to the system after a second (`WORKER_ALLOCATOR`)."""
    if address:
        with Client(address) as client:
            yield client
        return
    with (
        _worker_allocator(),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=memory_limit,
            dashboard_address=":0",  # any free port: two clusters never clash over 8787
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@contextmanager
def _worker_allocator() -> Iterator[None]:
    """This process's environment with `WORKER_ALLOCATOR` while the local cluster starts its
    workers (this process's allocator is set up already, so unaffected)."""
    before = os.environ.get(JEMALLOC_CONF)
    os.environ[JEMALLOC_CONF] = ",".join(filter(None, [before, WORKER_ALLOCATOR]))
    try:
        yield
    finally:
        if before is None:
            del os.environ[JEMALLOC_CONF]
        else:
            os.environ[JEMALLOC_CONF] = before


def assess_on_dask(
    client: Client,
    sources: Sequence[PartitionSource],
    on: dt.date,
    catalogue: Catalogue,
    *,
    scratch: Scratch | None = None,
    window: int | None = None,
) -> PartitionedRun:
    """The three passes over `sources` as Dask tasks; returns once the statistics are merged,
    with the results to be consumed (in source order) while `client` is open. `window` bounds
    the result partitions under way at once (default: two per worker thread)."""
    kept = scratch or Scratch()
    parts = list(with_one_partition(sources))
    shared = client.scatter(catalogue, broadcast=True, hash=False)
    # Each level of partition tables is handed to `_merged` alone, so it is let go level by level.
    cohorts = _merged(
        client,
        client.map(count_cohorts, parts, on=on, catalogue=shared, scratch=kept, pure=False),
        merge_cohorts,
    )
    index = client.submit(cohort_index, cohorts, catalogue.points, pure=False)
    scores = _merged(
        client,
        client.map(
            count_scores, parts, on=on, catalogue=shared, cohorts=index, scratch=kept, pure=False
        ),
        merge_scores,
    )
    statistics = Statistics(*client.gather([cohorts, scores]))
    cohorts.release()
    ranking = client.submit(Ranking, index, scores, pure=False)
    index.release()
    scores.release()
    ahead = window or 2 * max(sum(client.nthreads().values()), 1)

    def assess(part: PartitionSource) -> Future:
        return client.submit(
            assess_one, part, on=on, catalogue=shared, ranking=ranking, scratch=kept, pure=False
        )

    return PartitionedRun(statistics, _in_order(parts, assess, ahead))


def _in_order(
    parts: Sequence[PartitionSource],
    submit: Callable[[PartitionSource], Future],
    window: int,
) -> Iterator[pl.DataFrame]:
    """Pass 3, in source order, with at most `window` partitions submitted and not yet taken."""
    pending: deque[Future] = deque()
    for part in parts:
        pending.append(submit(part))
        if len(pending) >= window:
            yield _taken(pending.popleft())
    while pending:
        yield _taken(pending.popleft())


def _taken(future: Future) -> pl.DataFrame:
    """The result, and the worker's copy released at once."""
    result: pl.DataFrame = future.result()
    future.release()
    return result


def _merged(
    client: Client,
    tables: list[Future[pl.DataFrame]],
    merge: Callable[[Iterable[pl.DataFrame]], pl.DataFrame],
) -> Future[pl.DataFrame]:
    """The tables merged on the workers, `MERGE_FAN_IN` at a time, level by level (a tree), so
    no task and not this process receives all partitions' tables, and few wait at any time."""
    while True:
        tables = [
            client.submit(
                _merge_some,
                merge,
                *tables[start : start + MERGE_FAN_IN],
                pure=False,
                priority=MERGE_PRIORITY,
            )
            for start in range(0, len(tables), MERGE_FAN_IN)
        ]
        if len(tables) == 1:
            return tables[0]


def _merge_some(
    merge: Callable[[Iterable[pl.DataFrame]], pl.DataFrame], *tables: pl.DataFrame
) -> pl.DataFrame:
    return merge(tables)
