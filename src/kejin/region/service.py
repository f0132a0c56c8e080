"""Use cases of the demo region: build it into the database, or write it as an import file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kejin.bootstrap import Platform
from kejin.core.progress import ProgressCallback, no_progress
from kejin.lending.bulk import replace_loans
from kejin.region import calibration as cal
from kejin.region.jsonl import write_jsonl
from kejin.region.model import DemoRegion, generate_region
from kejin.registry.bulk import UpsertCounts, refresh_registry_statistics, upsert_frames

# Steps reported to the progress callback: "generate" and "write" count enterprises, "store"
# counts `STORE_STEPS`.
STORE_STEPS = ("registry", "loans")


@dataclass(frozen=True)
class DemoBuild:
    """What a demo build did: enterprise upsert counts and the loans now stored."""

    enterprises: UpsertCounts
    loans: int


def _generate(enterprises: int, seed: int, as_of: date, progress: ProgressCallback) -> DemoRegion:
    def report(done: int) -> None:
        progress("generate", done, enterprises)

    return generate_region(enterprises, seed, as_of, report)


def build_demo_region(
    platform: Platform,
    enterprises: int = cal.DEFAULT_ENTERPRISES,
    seed: int = cal.DEFAULT_SEED,
    as_of: date = cal.DEFAULT_AS_OF,
    progress: ProgressCallback = no_progress,
) -> DemoBuild:
    """Generate the region and store it in one transaction; re-running with a seed is safe.

    Enterprises are upserted by credit code (unchanged ones are skipped) and the loans of
    source "demo" are replaced as a whole, so a second run leaves the same state.
    """
    region = _generate(enterprises, seed, as_of, progress)
    with platform.uow() as uow:
        conn = uow.session.connection()
        counts = upsert_frames(conn, region.frames)
        refresh_registry_statistics(conn, counts)
        progress("store", 1, len(STORE_STEPS))
        loans = replace_loans(conn, region.loans, cal.SOURCE)
        uow.commit()
    progress("store", len(STORE_STEPS), len(STORE_STEPS))
    return DemoBuild(enterprises=counts, loans=loans)


def write_demo_region(
    path: Path,
    enterprises: int = cal.DEFAULT_ENTERPRISES,
    seed: int = cal.DEFAULT_SEED,
    as_of: date = cal.DEFAULT_AS_OF,
    progress: ProgressCallback = no_progress,
) -> int:
    """Generate the region and write it to `path` as JSON Lines; the number of enterprises."""
    region = _generate(enterprises, seed, as_of, progress)
    lines = write_jsonl(region.frames, path)
    progress("write", enterprises, enterprises)
    return lines
