"""Registry runs stored and read back, on SQLite and PostgreSQL: a run stores verdicts, scores
and cohort statistics with the versions it used; the same data and date store the same rows;
one enterprise read alone equals its row of the run, also after a newer run; only the newest
runs keep results; a refused read is recorded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Table, func, select, text

from kejin.assessment import reads, service, store
from kejin.assessment.orm import (
    AssessmentRunRow,
    EnterpriseResultRow,
    PointsCohortRow,
    PointsScoreRow,
)
from kejin.assessment.schemas import NO_STAGE, DrillDown, RunRead
from kejin.audit import service as audit
from kejin.bootstrap import Platform
from kejin.consent.errors import AccessRefused
from kejin.consent.model import DataScope, GrantPurpose
from kejin.consent.service import READ, READ_REFUSED, SUBJECT
from kejin.core.bulk import partition_name, partitions
from kejin.core.pagination import PageRequest
from kejin.identity.model import Principal, Role
from kejin.region import service as region
from kejin.registry.orm import EnterpriseRow
from tests.factories import create_grant, create_user, institution_of, principal

ON = date(2026, 6, 30)
LATER = date(2029, 6, 30)
ENTERPRISES = 400
SEED = 5
RESULT_TABLES = (EnterpriseResultRow, PointsCohortRow, PointsScoreRow)


@pytest.fixture
def built(platform: Platform) -> Platform:
    """A small demo region, stored."""
    region.build_demo_region(platform, ENTERPRISES, SEED)
    return platform


def _run(platform: Platform) -> RunRead:
    return service.run_registry(platform.uow, ON, started_by="test")


def _rows(platform: Platform, table: Any, run_id: int) -> list[tuple[Any, ...]]:
    """A run's rows of `table` without the run id (and surrogate keys), sorted."""
    columns = [c for c in table.__table__.columns if c.name not in ("run_id", "id")]
    with platform.engine.connect() as conn:
        found = conn.execute(select(*columns).where(table.run_id == run_id)).all()
    return sorted((tuple(row) for row in found), key=repr)


def _count(platform: Platform, table: Any, run_id: int | None = None) -> int:
    query = select(func.count()).select_from(table)
    if run_id is not None:
        query = query.where(table.run_id == run_id)
    with platform.engine.connect() as conn:
        return int(conn.scalar(query) or 0)


def test_a_run_stores_verdicts_scores_and_statistics_with_the_versions_used(
    built: Platform,
) -> None:
    run = _run(built)
    catalogue = service.shipped_catalogue()
    standards = catalogue.versions(ON)
    assert run.enterprises == ENTERPRISES
    assert run.evaluated_on == ON
    assert run.rule_versions == standards
    assert run.config_versions == catalogue.config_versions()
    assert run.finished_at is not None
    assert _count(built, EnterpriseResultRow, run.id) == ENTERPRISES
    assert _count(built, PointsCohortRow, run.id) > 0
    with built.engine.connect() as conn:
        scored = conn.scalar(
            select(func.count())
            .select_from(EnterpriseResultRow)
            .where(EnterpriseResultRow.innovation_points.is_not(None))
        )
        ranked = conn.scalar(select(func.sum(PointsScoreRow.count)))
    assert scored == ranked
    assert scored is not None
    assert scored > ENTERPRISES // 2
    view = reads.region_assessment(built.uow)
    assert view.run is not None
    assert view.run.id == run.id
    assert {ref.code for ref in view.standards} == set(standards)
    for code in standards:
        assert sum(cell.total for cell in view.cells if cell.standard == code) == ENTERPRISES


def test_a_second_run_on_the_same_data_and_date_stores_identical_rows(built: Platform) -> None:
    first, second = _run(built), _run(built)
    assert second.id != first.id
    for table in RESULT_TABLES:
        rows = _rows(built, table, first.id)
        assert rows, table.__tablename__
        assert _rows(built, table, second.id) == rows, table.__tablename__
    with built.uow() as uow:
        summaries = [uow.session.get(AssessmentRunRow, run.id) for run in (first, second)]
        assert summaries[0] is not None
        assert summaries[1] is not None
        assert summaries[0].summary == summaries[1].summary


def test_one_enterprise_read_alone_equals_its_row_of_the_run(built: Platform) -> None:
    _assert_reads_equal_the_run(built, _run(built), ON)


def test_reads_after_a_newer_run_score_against_the_newer_runs_cohorts(built: Platform) -> None:
    _assert_reads_equal_the_run(built, _run(built), ON)
    # three years on, firms have aged into other stages: the cohorts differ
    later = service.run_registry(built.uow, LATER, started_by="test")
    _assert_reads_equal_the_run(built, later, LATER)


def _assert_reads_equal_the_run(built: Platform, run: RunRead, on: date) -> None:
    """Every ninth enterprise read alone (its own user reading) equals its row of `run`."""
    with built.engine.connect() as conn:
        enterprises = conn.execute(
            select(EnterpriseRow.id, EnterpriseRow.uscc).order_by(EnterpriseRow.id)
        ).all()
        stored = conn.execute(
            select(EnterpriseResultRow).where(EnterpriseResultRow.run_id == run.id)
        ).all()
    scores = {row.enterprise_id: row for row in stored}
    verdicts = {
        (row.enterprise_id, code): row
        for code in run.rule_versions
        for row in store.cell_rows(stored, run.rule_versions, code)
    }
    compared = 0
    for enterprise_id, code in enterprises[::9]:
        own = Principal(0, "own", Role.ENTERPRISE_ADMIN, enterprise_id=enterprise_id)
        read = reads.enterprise_assessment(built.uow, own, code, None, on=on, advice=False)
        assert read.run_id == run.id
        assert {s.code for s in read.standards} == set(run.rule_versions)
        for standard in read.standards:
            stored = verdicts[(enterprise_id, standard.code)]
            assert (standard.status, standard.points_low, standard.points_high) == (
                stored.status,
                stored.points_low,
                stored.points_high,
            ), (code, standard.code)
            assert all(s.advice is None for s in read.standards)
        stored_score = scores[enterprise_id]
        assert read.stage == stored_score.stage
        if stored_score.innovation_points is None:
            assert read.points is None
            continue
        assert read.points is not None
        assert read.points.score == stored_score.innovation_points
        assert read.points.rank == stored_score.points_rank
        assert read.points.band == stored_score.band
        assert sum(i.contribution for i in read.points.indicators) == pytest.approx(
            Decimal(read.points.score), abs=Decimal(1)
        )
        compared += 1
    assert compared > 10


def test_only_the_newest_three_runs_keep_their_results(built: Platform) -> None:
    runs = [_run(built) for _ in range(service.KEEP_RUNS + 1)]
    assert _count(built, AssessmentRunRow) == len(runs)  # run rows stay as history
    for table in RESULT_TABLES:
        assert _count(built, table, runs[0].id) == 0, table.__tablename__
        for kept in runs[1:]:
            assert _count(built, table, kept.id) > 0, table.__tablename__
    assert reads.latest_run(built.uow).id == runs[-1].id
    if built.engine.dialect.name == "postgresql":  # a run's results are a partition of its own
        with built.engine.connect() as conn:
            table: Table = EnterpriseResultRow.__table__  # type: ignore[assignment]
            assert partitions(conn, table) == sorted(
                partition_name(table, run.id) for run in runs[1:]
            )
            indexes = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE tablename = :name"),
                {"name": partition_name(table, runs[-1].id)},
            ).scalars()
            assert sorted(definition.split(" USING ")[1] for definition in indexes) == [
                "btree (run_id, enterprise_id)",
                "btree (run_id, stage, cluster, verdicts)",
            ]


def test_a_refused_read_is_recorded_and_a_granted_one_too(built: Platform) -> None:
    _run(built)
    officer = create_user(built, "bank_officer", "wang")
    grantor = create_user(built, "enterprise_admin", "lin")
    wang = principal(built, officer)
    with built.engine.connect() as conn:
        first = conn.execute(select(EnterpriseRow.id, EnterpriseRow.uscc).limit(1)).one()
    purpose = GrantPurpose.CREDIT_ASSESSMENT.value
    with pytest.raises(AccessRefused):
        reads.enterprise_assessment(built.uow, wang, first.uscc, purpose, on=ON, advice=False)
    create_grant(
        built,
        enterprise_id=first.id,
        institution_id=institution_of(built, officer),
        granted_by=grantor,
        scopes=(DataScope.ASSESSMENT,),
    )
    read = reads.enterprise_assessment(built.uow, wang, first.uscc, purpose, on=ON, advice=False)
    assert read.enterprise_id == first.id
    log = audit.entries_about(built.uow, SUBJECT, str(first.id), PageRequest(size=10)).items
    entries = [(entry.action, entry.purpose, entry.detail["scopes"]) for entry in log]
    assert entries == [(READ, purpose, ["assessment"]), (READ_REFUSED, purpose, ["assessment"])]


def test_a_drill_down_counts_every_enterprise_and_lists_the_shared_ones(built: Platform) -> None:
    run = _run(built)
    analyst = create_user(built, "government_analyst", "chen")
    grantor = create_user(built, "enterprise_admin", "lin")
    office = institution_of(built, analyst)
    code = next(iter(run.rule_versions))
    with built.engine.connect() as conn:
        seed_firms = conn.execute(
            select(EnterpriseResultRow.enterprise_id)
            .where(EnterpriseResultRow.run_id == run.id, EnterpriseResultRow.stage == "seed")
            .order_by(EnterpriseResultRow.enterprise_id)
        ).all()
    shared = [row.enterprise_id for row in seed_firms[:7]]
    for enterprise_id in shared:
        create_grant(
            built,
            enterprise_id=enterprise_id,
            institution_id=office,
            granted_by=grantor,
            scopes=(DataScope.ASSESSMENT,),
            purpose=GrantPurpose.POLICY_SUPPORT,
        )
    query = DrillDown(standard=code, stage="seed")
    page = reads.drill_down(built.uow, principal(built, analyst), query, PageRequest(size=5))
    assert page.total == len(seed_firms)
    assert page.shared == len(shared)
    assert page.pages == 2
    assert len(page.items) == 5
    points = [item.innovation_points or -1 for item in page.items]
    assert points == sorted(points, reverse=True)
    export = reads.drill_down_export(built.uow, principal(built, analyst), query)
    with built.engine.connect() as conn:
        codes = set(
            conn.scalars(select(EnterpriseRow.uscc).where(EnterpriseRow.id.in_(shared))).all()
        )
    assert {item.uscc for item in export.items} == codes
    assert export.total == len(seed_firms)


def test_a_drill_down_by_status_counts_the_region_views_cell(built: Platform) -> None:
    run = _run(built)
    admin = principal(built, create_user(built, "platform_admin", "zhao"))
    cells = reads.region_assessment(built.uow).cells
    checked = 0
    for cell in cells[::5]:
        for status, count in cell.counts.items():
            query = DrillDown(
                standard=cell.standard,
                stage=cell.stage or NO_STAGE,
                cluster=cell.cluster,
                status=status,
            )
            page = reads.drill_down(built.uow, admin, query, PageRequest(size=3))
            assert page.total == count, (cell, status)
            assert {item.status for item in page.items} <= {status}
            checked += 1
    assert checked > 10
    assert run.enterprises == ENTERPRISES
