"""Building the demo region into the database: complete, in one transaction, and repeatable."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from kejin.bootstrap import Platform
from kejin.lending.orm import LoanRow
from kejin.region.model import generate_region
from kejin.region.service import build_demo_region
from kejin.registry.frames import SCHEMAS
from kejin.registry.orm import EnterpriseRow

AS_OF = date(2025, 12, 31)


def table_counts(platform: Platform) -> dict[str, int]:
    with platform.engine.connect() as conn:
        return {
            name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
            for name in [*SCHEMAS, "loans"]
        }


def test_the_demo_region_is_stored_whole_with_its_loans(platform: Platform) -> None:
    region = generate_region(300, seed=3, as_of=AS_OF)
    steps: list[str] = []
    built = build_demo_region(platform, 300, 3, AS_OF, lambda step, _d, _t: steps.append(step))
    assert built.enterprises.inserted == 300
    assert built.loans == region.loans.height
    counts = table_counts(platform)
    for name, frame in region.frames.items():
        assert counts[name] == frame.height, name
    assert counts["loans"] == region.loans.height
    assert {"generate", "store"} <= set(steps)
    with platform.uow() as uow:
        defaulted = uow.session.scalar(select(func.count()).where(LoanRow.defaulted))
        assert defaulted == region.loans["defaulted"].sum()
        sources = set(uow.session.scalars(select(LoanRow.source)))
        assert sources == {"demo"}


def test_building_again_with_the_same_seed_changes_nothing(platform: Platform) -> None:
    build_demo_region(platform, 200, 4, AS_OF)
    with platform.uow() as uow:
        versions = set(uow.session.scalars(select(EnterpriseRow.version)))
    before = table_counts(platform)
    again = build_demo_region(platform, 200, 4, AS_OF)
    assert (again.enterprises.inserted, again.enterprises.updated) == (0, 0)
    assert again.enterprises.unchanged == 200
    assert table_counts(platform) == before
    with platform.uow() as uow:
        assert set(uow.session.scalars(select(EnterpriseRow.version))) == versions == {1}


def test_a_failed_build_leaves_the_database_as_it_was(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_demo_region(platform, 100, 5, AS_OF)
    before = table_counts(platform)

    def broken(*_args: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr("kejin.region.service.replace_loans", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        build_demo_region(platform, 150, 6, AS_OF)
    assert table_counts(platform) == before
