"""Use case: import enterprises from a file (`kejin import enterprises PATH`).

Records are read in chunks. Each chunk is prepared — validated, turned into `RegistryFrames`,
hashed (`kejin.registry.preparation`) — in worker processes while this process writes the
chunk before it, so parsing and writing overlap; the good records are upserted by credit code.
All chunks are written in one transaction, owned by this process: the database either takes
every good record of the file or, if anything fails, stays as it was. Bad records are
reported, not stored.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import chain, islice
from multiprocessing import get_context
from pathlib import Path

from kejin.core.bulk import large_sqlite_cache
from kejin.core.errors import FieldProblem
from kejin.core.uow import UnitOfWork
from kejin.registry.bulk import UpsertCounts, refresh_registry_statistics, upsert_frames
from kejin.registry.frames import RegistryFrames
from kejin.registry.preparation import PreparedChunk, prepare_chunk, without_cycle_collection
from kejin.registry.readers import RecordChunk, read_chunks

CHUNK_SIZE = 50_000
WORKERS = min(2, os.cpu_count() or 1)
"""Worker processes preparing chunks while the importing process writes. Preparing a chunk
costs about twice as much CPU as writing it, so two workers keep two cores busy; more would
wait for the writer."""


Progress = Callable[[int], None]


@dataclass(frozen=True)
class ImportReport:
    """Counts of enterprises by outcome, and every problem with its row and field."""

    inserted: int
    updated: int
    unchanged: int
    rejected: int
    problems: list[FieldProblem] = field(default_factory=list)


def import_enterprises(
    uow: UnitOfWork,
    path: Path,
    *,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
    workers: int = WORKERS,
) -> ImportReport:
    """Validate and upsert every enterprise of `path`; commit once, at the end."""
    counts, rejected = UpsertCounts(), 0
    problems: list[FieldProblem] = []
    seen: dict[str, int | None] = {}
    with uow:
        conn = uow.session.connection()
        with large_sqlite_cache(conn):
            for chunk in _prepared(read_chunks(path, chunk_size), workers):
                writable, refused = _first_occurrences(chunk, seen, problems)
                rejected += refused
                with without_cycle_collection():
                    counts += upsert_frames(conn, writable.frames, writable.hashes)
                if progress:
                    progress(len(chunk.rows))
        refresh_registry_statistics(conn, counts)
        uow.commit()
    return ImportReport(counts.inserted, counts.updated, counts.unchanged, rejected, problems)


@dataclass(frozen=True)
class FileRead:
    """The valid enterprises of a file as frames, and the problems of the refused ones."""

    frames: RegistryFrames
    rejected: int
    problems: list[FieldProblem] = field(default_factory=list)


def read_enterprise_file(
    path: Path, *, chunk_size: int = CHUNK_SIZE, workers: int = WORKERS
) -> FileRead:
    """Validate every enterprise of `path` exactly as an import would, without a database."""
    parts: list[RegistryFrames] = []
    problems: list[FieldProblem] = []
    seen: dict[str, int | None] = {}
    rejected = 0
    for chunk in _prepared(read_chunks(path, chunk_size), workers):
        kept, refused = _first_occurrences(chunk, seen, problems)
        rejected += refused
        parts.append(kept.frames)
    return FileRead(RegistryFrames.concat(parts), rejected, problems)


def _prepared(chunks: Iterator[RecordChunk], workers: int) -> Iterator[PreparedChunk]:
    """Prepared chunks in file order; from worker processes when there is more than one chunk.

    At most `workers + 1` chunks are in flight, so memory stays bounded by the chunk size.
    A single chunk is prepared here: starting processes would cost more than it saves.
    """
    ahead = list(islice(chunks, 2))
    if len(ahead) < 2 or workers < 1:
        yield from map(prepare_chunk, chain(ahead, chunks))
        return
    # "spawn": a forked child would inherit the thread pools of Polars and the open database
    # connection of this process, neither of which survives a fork safely.
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"))
    pending: deque[Future[PreparedChunk]] = deque()
    try:
        for chunk in chain(ahead, chunks):
            pending.append(pool.submit(prepare_chunk, chunk))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(cancel_futures=True)


def _first_occurrences(
    chunk: PreparedChunk, seen: dict[str, int | None], problems: list[FieldProblem]
) -> tuple[PreparedChunk, int]:
    """The chunk without codes seen on an earlier row; collects problems, counts refusals."""
    accepted: set[str] = set()
    refused = 0
    for position, (row, code) in enumerate(zip(chunk.rows, chunk.codes, strict=True)):
        if code is None:
            problems.extend(chunk.problems[position])
            refused += 1
        elif code in seen:
            reason = "credit code {code} already appeared on row {first}"
            problems.append(FieldProblem("uscc", reason, row, {"code": code, "first": seen[code]}))
            refused += 1
        else:
            seen[code] = row
            accepted.add(code)
    everything = len(accepted) == chunk.frames.enterprises.height
    return (chunk if everything else chunk.keeping(accepted)), refused
