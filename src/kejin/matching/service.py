"""Match runs (`kejin match --all`): every firm of the registry against the live catalogue,
stored in one transaction.

A run reads the newest assessment run's stored answers beside the registry's snapshots
(`assessment.service.stored_answers`), every loan and IP asset as frames, and builds the match
inputs (`inputs.match_inputs`; a firm without loans or IP gets zeros, as `match_basis` gives
one firm). `batch.match_frame` matches them in partitions against the catalogue as stored now,
and the per-firm layer results, product reach, policy lists and the region's cells are stored
in bulk with the catalogue revision and the product and policy versions used. Rows of all but
the newest `KEEP_RUNS` runs are pruned; run rows stay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

import polars as pl

from kejin.assessment import service as assessment
from kejin.assessment.errors import NoAssessmentRun
from kejin.core.progress import ProgressCallback, no_progress
from kejin.core.uow import UnitOfWork
from kejin.lending import service as lending
from kejin.matching import reads, store
from kejin.matching.batch import PARTITION_ROWS, match_frame
from kejin.matching.catalogue import MatchCatalogue
from kejin.matching.errors import EmptyCatalogue
from kejin.matching.facts import ip_facts_frame, loan_facts_frame
from kejin.matching.inputs import FACT_COLUMNS, match_inputs
from kejin.matching.orm import MatchRunRow
from kejin.matching.schemas import MatchRunRead
from kejin.registry import service as registry

UowFactory = Callable[[], UnitOfWork]
KEEP_RUNS = 3
RUN_STEPS = ("read", "match", "store")


def run_all(
    uow: UowFactory,
    *,
    started_by: str,
    on: dt.date | None = None,
    progress: ProgressCallback = no_progress,
    partition_rows: int = PARTITION_ROWS,
) -> MatchRunRead:
    """Match every enterprise on `on` (default: the newest assessment run's date, whose
    answers the run reads) and store the run."""
    started = dt.datetime.now(dt.UTC)
    with uow() as work:
        answers = assessment.stored_answers(work, on)
        if answers is None:
            raise NoAssessmentRun("No assessment run has been stored yet: run kejin assess --all")
        day = answers.evaluated_on
        facts = facts_frame(work, answers.snapshots, day)
        live, compiled = reads.live_catalogue(work, day)
        if not compiled.products:
            raise EmptyCatalogue(
                "No product is offered on {date}: load the catalogue (kejin products import)",
                date=day.isoformat(),
            )
        progress("read", 1, len(RUN_STEPS))
        inputs = match_inputs(answers.snapshots, answers.results, facts)
        frames = match_frame(compiled, inputs, partition_rows=partition_rows)
        progress("match", 2, len(RUN_STEPS))
        run = MatchRunRow(
            started_at=started,
            evaluated_on=day,
            assessment_run_id=answers.run_id,
            catalogue_revision=live.revision,
            product_versions={e.code: live.versions[e.code] for e in compiled.products},
            policy_versions={e.code: live.policy_versions[e.code] for e in compiled.policies},
            enterprises=inputs.height,
            started_by=started_by,
            summary=store.summary_of(frames, compiled),
        )
        work.session.add(run)
        work.session.flush()
        clusters = inputs.select("enterprise_id", "cluster")
        store.store_rows(work.session.connection(), run.id, frames, compiled, clusters)
        run.finished_at = dt.datetime.now(dt.UTC)
        store.prune(work.session, KEEP_RUNS)
        work.commit()
        progress("store", 3, len(RUN_STEPS))
        return MatchRunRead.model_validate(run)


def ensure_run(
    uow: UowFactory, *, started_by: str, progress: ProgressCallback = no_progress
) -> MatchRunRead:
    """The newest match run if it read the newest assessment run and the catalogue as it
    stands, else a new run (so running the demo again adds nothing)."""
    with uow() as work:
        latest = store.latest_run(work.session)
        answered = assessment.latest_run_id(work)
        revision = reads.catalogue_revision(work)
        if (
            latest is not None
            and latest.assessment_run_id == answered
            and latest.catalogue_revision == revision
        ):
            return MatchRunRead.model_validate(latest)
    return run_all(uow, started_by=started_by, progress=progress)


def facts_frame(work: UnitOfWork, snapshots: pl.DataFrame, on: dt.date) -> pl.DataFrame:
    """The loan and IP facts of every firm of `snapshots` on `on`, by `uscc`: zeros for a firm
    without records (the registry holds every loan and IP asset)."""
    loans = loan_facts_frame(lending.loans_frame(work).lazy(), on)
    ip = ip_facts_frame(registry.ip_assets_frame(work).lazy(), on)
    keyed = (
        snapshots.lazy()
        .select("enterprise_id", "uscc")
        .join(loans, on="enterprise_id", how="left", maintain_order="left")
        .join(ip, on="enterprise_id", how="left", maintain_order="left")
    )
    return keyed.with_columns(pl.col(name).fill_null(0) for name in FACT_COLUMNS).collect()


def gap_inputs(
    work: UnitOfWork, enterprise_ids: Collection[int]
) -> tuple[MatchCatalogue, pl.DataFrame]:
    """The live catalogue compiled for the newest assessment run's date, and the match inputs
    of these firms on it, as a match run builds them (what blocks a coverage cell's gap firms)."""
    answers = assessment.stored_answers(work, ids=enterprise_ids)
    if answers is None:
        raise NoAssessmentRun("No assessment run has been stored yet: run kejin assess --all")
    facts = facts_frame(work, answers.snapshots, answers.evaluated_on)
    _, compiled = reads.live_catalogue(work, answers.evaluated_on)
    return compiled, match_inputs(answers.snapshots, answers.results, facts)
