"""The credit report scores an enterprise with the region models' own feature derivation: on a
small seeded and assessed region, a report on a loan's start day carries that loan's row of the
training table, and the tech-aware model of `compare` withholds nothing when every scope is
granted (SQLite, or PostgreSQL with KEJIN_TEST_DATABASE_URL)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from kejin.assessment import service as assessment
from kejin.bootstrap import Platform
from kejin.consent.model import DataScope, GrantPurpose
from kejin.credit import lending, service
from kejin.credit.features import FEATURE_SETS
from kejin.credit.region import enterprise_signals
from kejin.region.service import build_demo_region
from kejin.registry.orm import EnterpriseRow
from tests.factories import create_grant, create_user, institution_of, principal

AS_OF = date(2025, 12, 31)
ASSESSED_ON = date(2026, 6, 30)
PURPOSE = GrantPurpose.CREDIT_ASSESSMENT.value


def _same(left: object, right: object) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return left == pytest.approx(right, nan_ok=True)
    return left == right


def test_a_report_on_a_loans_start_day_scores_that_loans_training_row_with_nothing_withheld(
    platform: Platform, tmp_path: Path
) -> None:
    build_demo_region(platform, 1500, 5, AS_OF)
    assessment.run_registry(platform.uow, ASSESSED_ON, started_by="test")
    service.compare_on_region(platform, tmp_path / "compare", 5)
    shutil.copytree(tmp_path / "compare" / "tech", service.models_folder(tmp_path) / "tech")
    scorecard = service.load_model(lending.current_model(tmp_path))
    table = service.region_training_table(platform)
    assert table["stage"].null_count() < table.height
    loans = (
        table.filter(table["debt_ratio"].is_not_null())
        .unique("enterprise_id", maintain_order=True)
        .head(5)
    )
    assert loans.height == 5
    officer = create_user(platform, "bank_officer", "wang")
    granter = create_user(platform, "enterprise_admin", "lin")
    wang = principal(platform, officer)
    for row in loans.to_dicts():
        with platform.engine.connect() as conn:
            signals = enterprise_signals(conn, row["enterprise_id"], row["start_on"])
            uscc = conn.execute(
                select(EnterpriseRow.uscc).where(EnterpriseRow.id == row["enterprise_id"])
            ).scalar_one()
        assert all(_same(signals[n], row[n]) for n in FEATURE_SETS["tech"]), (signals, row)
        create_grant(
            platform,
            enterprise_id=row["enterprise_id"],
            institution_id=institution_of(platform, officer),
            granted_by=granter,
            scopes=tuple(DataScope),
        )
        report = lending.credit_report(
            platform.uow, wang, uscc, PURPOSE, tmp_path, on=row["start_on"]
        )
        assert report.withheld == ()
        values = {d.feature: d.value for d in report.grading.drivers}
        assert set(values) == set(scorecard.feature_names)
        assert all(_same(values[n], row[n]) for n in values), (values, row)
