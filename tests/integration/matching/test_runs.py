"""Match runs stored and read back, on SQLite and PostgreSQL: a run's rows equal what
`match_one` gives each sampled firm; only the newest runs keep rows; an edited product changes
the next live map and the next run at once; `kejin match FILE` maps a file's firms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Table, func, select

from kejin.assessment import service as assessment
from kejin.bootstrap import Platform
from kejin.core.bulk import partition_name, partitions
from kejin.matching import files, reads, service
from kejin.matching.model import PolicyList
from kejin.matching.orm import MatchLayerResultRow, MatchRunRow, PolicyMatchRow, ProductReachRow
from kejin.products import service as products
from kejin.region import service as region
from tests.catalogue import OWN_BANK, POINTS_LOAN, provider_staff, seed_catalogue
from tests.factories import principal

ON = date(2026, 6, 30)
ENTERPRISES = 300
SEED = 5
SAMPLED = 25


@pytest.fixture
def matched(platform: Platform) -> Platform:
    """A small demo region, assessed on ON, with the shipped catalogue stored."""
    region.build_demo_region(platform, ENTERPRISES, SEED)
    assessment.run_registry(platform.uow, ON, started_by="test")
    seed_catalogue(platform)
    return platform


def _count(platform: Platform, table: type, run_id: int | None = None) -> int:
    query = select(func.count()).select_from(table)
    if run_id is not None:
        query = query.where(table.run_id == run_id)  # type: ignore[attr-defined]
    with platform.engine.connect() as conn:
        return int(conn.scalar(query) or 0)


def test_a_run_stores_for_every_sampled_firm_what_match_one_gives_it(matched: Platform) -> None:
    run = service.run_all(matched.uow, started_by="test")
    assert (run.evaluated_on, run.enterprises) == (ON, ENTERPRISES)
    with matched.uow() as work:
        stored = work.session.execute(
            select(MatchLayerResultRow).where(MatchLayerResultRow.run_id == run.id)
        ).scalars()
        layers = {(row.enterprise_id, row.layer): row for row in stored}
        listed = {
            (row.enterprise_id, row.policy): row
            for row in work.session.execute(
                select(PolicyMatchRow).where(PolicyMatchRow.run_id == run.id)
            ).scalars()
        }
        firms = sorted({firm for firm, _ in layers})[:: ENTERPRISES // SAMPLED]
        for firm in firms:
            match = reads.enterprise_match(work, firm, ON, explain=False)
            for layer, ranked in match.layers.items():
                best, row = ranked[0], layers[(firm, layer)]
                assert (row.best_product, row.status) == (best.code, best.status.value)
                assert row.amount_high == best.amount.high
                assert row.stage == (None if match.stage is None else match.stage)
                counts = [sum(p.status.value == s for p in ranked) for s in
                          ("met", "manual_review", "unknown")]  # fmt: skip
                assert [row.met, row.review, row.unknown] == counts
            for policy in match.policies:
                found = listed.get((firm, policy.code))
                if policy.list is PolicyList.NONE:
                    assert found is None
                else:
                    assert found is not None
                    assert found.listed == policy.list
                    assert found.status == policy.status.value
    reach = _count(matched, ProductReachRow, run.id)
    assert reach > 0


def test_only_the_newest_three_runs_keep_their_rows(matched: Platform) -> None:
    runs = [service.run_all(matched.uow, started_by="test") for _ in range(4)]
    assert _count(matched, MatchRunRow) == 4
    assert _count(matched, MatchLayerResultRow, runs[0].id) == 0
    assert _count(matched, PolicyMatchRow, runs[0].id) == 0
    assert _count(matched, ProductReachRow, runs[0].id) == 0
    for run in runs[1:]:
        assert _count(matched, MatchLayerResultRow, run.id) > 0
        assert _count(matched, PolicyMatchRow, run.id) > 0
    if matched.engine.dialect.name == "postgresql":  # a run's rows per firm: its partitions
        with matched.engine.connect() as conn:
            for row in (MatchLayerResultRow, PolicyMatchRow):
                table: Table = row.__table__  # type: ignore[assignment]
                assert partitions(conn, table) == sorted(
                    partition_name(table, run.id) for run in runs[1:]
                )


def test_the_demo_step_adds_no_run_while_answers_and_catalogue_stand(matched: Platform) -> None:
    first = service.ensure_run(matched.uow, started_by="test")
    assert service.ensure_run(matched.uow, started_by="test").id == first.id
    assert _count(matched, MatchRunRow) == 1


def test_an_edited_product_changes_the_next_live_map_and_run_at_once(matched: Platform) -> None:
    before = service.run_all(matched.uow, started_by="test")
    with matched.uow() as work:
        firm = work.session.scalar(select(MatchLayerResultRow.enterprise_id).limit(1))
        assert firm is not None
        live = reads.enterprise_match(work, firm, ON, explain=False)
    assert POINTS_LOAN in {p.code for layer in live.layers.values() for p in layer}
    wang = principal(matched, provider_staff(matched, OWN_BANK, "wang"))
    products.patch_product(matched.uow, wang, POINTS_LOAN, {"status": "suspended"}, 1)
    with matched.uow() as work:
        edited = reads.enterprise_match(work, firm, ON, explain=False)
    assert POINTS_LOAN not in {p.code for layer in edited.layers.values() for p in layer}
    after = service.run_all(matched.uow, started_by="test")
    with matched.uow() as work:
        versions = work.session.get(MatchRunRow, after.id)
        assert versions is not None
        assert POINTS_LOAN not in versions.product_versions
    assert after.catalogue_revision > before.catalogue_revision


def test_a_file_is_mapped_without_a_database(tmp_path: Path) -> None:
    source = tmp_path / "firms.jsonl"
    region.write_demo_region(source, 60, SEED, ON)
    found = files.match_file(source, ON)
    maps = files.firm_maps(found)
    assert len(maps) == 60
    assert found.rejected == 0
    statuses = {"met", "manual_review", "unknown", "unmet"}
    for firm in maps:
        assert set(firm["layers"]) == {"government", "equity", "bank", "guarantee_insurance",
                                       "capital_market"}  # fmt: skip
        for layer in firm["layers"].values():
            assert layer["status"] in statuses
            assert layer["amount_high"] is None or Decimal(layer["amount_high"]) >= 0
    assert files.as_csv(found).count("\n") == 1 + 60 * 5
