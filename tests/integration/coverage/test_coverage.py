"""Coverage over a stored match run, on SQLite and PostgreSQL: the cells equal what the run's
rows say firm by firm; needs count by stage at posting and instrument layer within the window;
a cell's drill-down counts its gap firms, names their blockers and lists only consented firms;
a policy's reach adds up to the run's firms and its lists name only consented firms; the gap
firms' inputs, read apart, equal the whole registry's rows for them."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import select

from kejin.assessment import service as assessment
from kejin.bootstrap import Platform
from kejin.consent.model import DataScope, GrantPurpose
from kejin.coverage import service
from kejin.coverage.schemas import CellQuery
from kejin.matching import service as matching
from kejin.matching.inputs import match_inputs
from kejin.matching.model import PolicyList
from kejin.matching.orm import MatchLayerResultRow, PolicyMatchRow
from kejin.needs.model import NeedMode, NeedStatus, Purpose
from kejin.needs.orm import NeedRow
from kejin.region import service as region
from kejin.registry.model import Stage
from tests.catalogue import seed_catalogue
from tests.factories import create_grant, create_user, institution_of, principal

ON = date(2026, 6, 30)
TODAY = date(2026, 11, 27)
ENTERPRISES = 160
SEED = 5


@pytest.fixture
def matched(platform: Platform) -> Platform:
    """A small demo region, assessed and matched on ON."""
    region.build_demo_region(platform, ENTERPRISES, SEED)
    assessment.run_registry(platform.uow, ON, started_by="test")
    seed_catalogue(platform)
    matching.run_all(platform.uow, started_by="test")
    return platform


def _layer_rows(platform: Platform) -> list[Any]:
    with platform.engine.connect() as conn:
        return list(conn.execute(select(MatchLayerResultRow.__table__)))


def _post(platform: Platform, firm: int, user: int, stage: str | None, **need: object) -> None:
    moment = need.pop("posted_at", datetime(2026, 10, 1, tzinfo=UTC))
    with platform.uow() as work:
        work.session.add(
            NeedRow(
                enterprise_id=firm,
                posted_by=user,
                purpose=Purpose.RESEARCH,
                term_months=36,
                mode=NeedMode.EXCLUSIVE,
                max_pickups=1,
                status=NeedStatus.POSTED,
                stage_at_posting=stage,
                share_scopes=[],
                posted_at=moment,
                pickup_due_at=moment,
                **need,
            )
        )
        work.commit()


def _share(platform: Platform, firm: int, reader: int, owner: int) -> None:
    create_grant(
        platform,
        enterprise_id=firm,
        institution_id=institution_of(platform, reader),
        granted_by=owner,
        scopes=(DataScope.ASSESSMENT,),
        purpose=GrantPurpose.POLICY_SUPPORT,
    )


def test_every_cell_equals_the_runs_rows_counted_firm_by_firm(matched: Platform) -> None:
    rows = _layer_rows(matched)
    expected: dict[tuple[str | None, str | None], list[int | Decimal]] = defaultdict(
        lambda: [0, 0, 0, Decimal(0)]
    )
    firms: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        firms[row.enterprise_id].append(row)
        cell = expected[(row.stage, row.layer)]
        cell[0] += 1
        cell[1] += row.met > 0
        cell[2] += row.met + row.review > 0
        cell[3] += (row.amount_high or 0) if row.met > 0 else 0
    for layers in firms.values():
        cell = expected[(layers[0].stage, None)]
        cell[0] += 1
        cell[1] += any(r.met for r in layers)
        cell[2] += any(r.met + r.review for r in layers)
        cell[3] += sum((r.amount_high or 0) for r in layers if r.met)
    found = service.coverage(matched.uow, today=TODAY)
    assert found.run is not None
    got = {
        (c.stage, c.layer): [c.firms, c.eligible, c.possible, c.amount_available]
        for c in found.cells
    }
    assert got == dict(expected)
    assert [c.layer for c in found.cells[:1]] == [None]  # the "any layer" row first
    early = {c.stage for c in found.cells if c.early}
    assert early <= {Stage.SEED, Stage.START_UP}


def test_needs_count_by_stage_at_posting_and_layer_within_the_window(matched: Platform) -> None:
    lin = create_user(matched, "enterprise_admin", "lin")
    firm = _layer_rows(matched)[0].enterprise_id
    _post(
        matched, firm, lin, "start_up", amount=Decimal(500_0000), instruments=["loan", "guarantee"]
    )
    _post(matched, firm, lin, "start_up", amount=Decimal(100_0000), instruments=["loan"])
    old = datetime(2025, 1, 1, tzinfo=UTC)
    _post(matched, firm, lin, "start_up", amount=Decimal(9), instruments=["loan"], posted_at=old)
    cells = {(c.stage, c.layer): c for c in service.coverage(matched.uow, today=TODAY).cells}
    bank = cells[(Stage.START_UP, "bank")]
    assert (bank.needs, bank.needs_amount) == (2, Decimal(600_0000))
    assert bank.ratio == bank.amount_available / Decimal(600_0000)
    assert cells[(Stage.START_UP, "guarantee_insurance")].needs == 1
    assert cells[(Stage.START_UP, None)].needs_amount == Decimal(600_0000)
    assert cells[(Stage.START_UP, "equity")].needs == 0


def test_a_cells_drill_down_counts_gap_firms_names_blockers_and_lists_consented_firms_only(
    matched: Platform,
) -> None:
    rows = [r for r in _layer_rows(matched) if r.layer == "bank" and r.stage == "start_up"]
    gap = sorted(r.enterprise_id for r in rows if r.met == 0)
    assert gap, "the demo region has start-ups without a bank product"
    chen = create_user(matched, "government_analyst", "chen")
    lin = create_user(matched, "enterprise_admin", "lin2")
    _share(matched, gap[0], chen, lin)
    query = CellQuery(stage=Stage.START_UP, layer="bank")
    found = service.cell_drill_down(matched.uow, principal(matched, chen), query)
    assert found.gap_firms == len(gap)
    assert found.blockers
    for blocker in found.blockers:
        assert 0 <= blocker.firms_sole_blocker <= blocker.firms_failing <= len(gap)
    assert len(found.listed) == 1
    assert found.listed[0].stage == Stage.START_UP


def test_a_policys_reach_adds_up_to_the_runs_firms_and_its_list_names_consented_firms_only(
    matched: Platform,
) -> None:
    with matched.engine.connect() as conn:
        listed = list(conn.execute(select(PolicyMatchRow.__table__)))
    automatic = [r for r in listed if r.list == PolicyList.AUTOMATIC]
    assert automatic, "some policy entitles firms without applying"
    code = automatic[0].policy
    reach = service.policy_reach(matched.uow, code)
    assert sum(c.automatic + c.apply + c.not_eligible for c in reach.cells) == ENTERPRISES
    entitled = [r for r in automatic if r.policy == code]
    assert sum(c.automatic for c in reach.cells) == len(entitled)
    assert sum(c.benefit_automatic for c in reach.cells) == sum(
        (r.benefit_high or Decimal(0)) for r in entitled
    )
    chen = create_user(matched, "government_analyst", "chen")
    lin = create_user(matched, "enterprise_admin", "lin")
    _share(matched, entitled[0].enterprise_id, chen, lin)
    firms = service.policy_firms(matched.uow, principal(matched, chen), code, PolicyList.AUTOMATIC)
    assert firms.total == len(entitled)
    assert len(firms.firms) == 1


def test_gap_inputs_read_in_process_equal_the_whole_registrys_rows_for_those_firms(
    matched: Platform,
) -> None:
    with matched.uow() as work:
        answers = assessment.stored_answers(work)
        assert answers is not None
        facts = matching.facts_frame(work, answers.snapshots, answers.evaluated_on)
        whole = match_inputs(answers.snapshots, answers.results, facts)
        ids = whole["enterprise_id"].to_list()[3::7]
        _, found = matching.gap_inputs(work, ids)
    assert_frame_equal(found, whole.filter(pl.col("enterprise_id").is_in(ids)))
