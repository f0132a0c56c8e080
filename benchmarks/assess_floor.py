"""The least a registry run needs on this machine: the database server's CPU time to produce the
source rows, and the client's CPU time to build snapshots and assess them — with nothing of
decoding, storing or waiting counted.

    PYTHONPATH=src python -m benchmarks.assess_floor --url postgresql://postgres@127.0.0.1:5432/DB

Over an existing PostgreSQL database (e.g. one `benchmarks/assessment_load.py --phase store`
built), the server part runs each source query of the whole registry
(`repository.source_queries`) as `COPY (…) TO '/dev/null' (FORMAT binary)`: the server makes the
very stream a run reads and writes it nowhere, so no client decodes it (writing a server file
takes a superuser or `pg_write_server_files`). The server's CPU time is read from its backend
process in `/proc` (the server must run on this machine). The client part reads the sources as
a run does, then times, with this process's CPU clock, building the snapshots
(`snapshots_of`) and assessing them (`assess_snapshots`), `--repeat` times each (the least is
kept). The floor is the sum of those CPU-seconds spread perfectly over every core. Prints a
Markdown table; no figure is asserted.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg import sql as psql
from sqlalchemy import create_engine

from benchmarks.assessment_load import ON
from kejin.assessment import repository
from kejin.assessment.inputs.snapshots import snapshots_of
from kejin.assessment.inputs.sources import SnapshotSources
from kejin.assessment.runs.pipeline import assess_snapshots, load_catalogue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a PostgreSQL database on this machine")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    url = args.url.replace("postgresql+psycopg://", "postgresql://")
    server = _server_seconds(url)
    sources = _sources(url)
    build = min(_cpu(lambda: snapshots_of(sources, ON)) for _ in range(args.repeat))
    frame = snapshots_of(sources, ON)
    catalogue = load_catalogue()
    assess = min(_cpu(lambda: assess_snapshots(frame, ON, catalogue)) for _ in range(args.repeat))
    cores = os.cpu_count() or 1
    total = sum(server.values()) + build + assess
    print(f"\n{frame.height:,} enterprises, {cores} cores, load {os.getloadavg()[0]:.1f}\n")
    print("| part | CPU-seconds |\n|---|---:|")
    for table, seconds in server.items():
        print(f"| server: {table} | {seconds:.2f} |")
    print(f"| server, all source rows | {sum(server.values()):.2f} |")
    print(f"| client: build snapshots | {build:.2f} |")
    print(f"| client: assess | {assess:.2f} |")
    print(f"| **sum** | **{total:.2f}** |")
    print(f"\nfloor on {cores} cores: {total / cores:.2f} s of wall time")


def _server_seconds(url: str) -> dict[str, float]:
    """CPU-seconds of the server's backend making each source query's COPY stream."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT pg_backend_pid(), min(id), max(id) FROM enterprises").fetchone()
        assert row is not None
        backend, first, last = row
        seconds = {}
        queries = repository.source_queries("postgresql", repository.IdRange(first, last))
        for table, sql in queries.items():
            before = _process_cpu(backend)
            conn.execute(psql.SQL(f"COPY ({sql}) TO '/dev/null' (FORMAT binary)"))
            seconds[table] = _process_cpu(backend) - before
    return seconds


def _process_cpu(pid: int) -> float:
    """User and system CPU-seconds of a process of this machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _sources(url: str) -> SnapshotSources:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        ranges = repository.id_ranges(conn, repository.DEFAULT_PARTITION)
        plain = conn.engine.url.render_as_string(hide_password=False)
    engine.dispose()
    return SnapshotSources.concat([repository.read_partition(plain, ids) for ids in ranges])


def _cpu(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


if __name__ == "__main__":
    main()
