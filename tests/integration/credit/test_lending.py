"""Scoring one enterprise of a small seeded region with a scorecard trained in the test, on
SQLite and PostgreSQL: consent gates the score (the refusal is recorded), scopes not granted
leave their features withheld, and the one-firm grading equals the vectorised scoring."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from kejin.audit import service as audit
from kejin.bootstrap import Platform
from kejin.consent.errors import AccessRefused
from kejin.consent.model import DataScope, GrantPurpose
from kejin.consent.service import READ, READ_REFUSED, SUBJECT
from kejin.core.pagination import PageRequest
from kejin.credit import lending, service
from kejin.credit.grading import shipped_grade_table
from kejin.credit.scoring import score_frame
from kejin.region import service as region
from kejin.registry.orm import EnterpriseRow
from tests.credit_data import put_model_in_service
from tests.factories import create_grant, create_user, institution_of, principal

ON = date(2026, 6, 30)
PURPOSE = GrantPurpose.CREDIT_ASSESSMENT.value


@pytest.fixture
def world(platform: Platform, tmp_path: Path) -> tuple[Platform, Path]:
    """A region of 40 firms and a model in service under a data dir."""
    region.build_demo_region(platform, 40, 3)
    put_model_in_service(tmp_path)
    return platform, tmp_path


def _first_firm(platform: Platform) -> tuple[int, str]:
    with platform.engine.connect() as conn:
        row = conn.execute(select(EnterpriseRow.id, EnterpriseRow.uscc).limit(1)).one()
    return row.id, row.uscc


def test_a_bank_without_consent_is_refused_and_the_refusal_is_recorded(
    world: tuple[Platform, Path],
) -> None:
    platform, data_dir = world
    wang = principal(platform, create_user(platform, "bank_officer", "wang"))
    firm, uscc = _first_firm(platform)
    with pytest.raises(AccessRefused):
        lending.credit_report(platform.uow, wang, uscc, PURPOSE, data_dir, on=ON)
    log = audit.entries_about(platform.uow, SUBJECT, str(firm), PageRequest(size=5)).items
    assert [(e.action, e.detail["scopes"]) for e in log] == [(READ_REFUSED, ["financials"])]


def test_a_consented_firm_is_graded_priced_and_its_ungranted_features_are_withheld(
    world: tuple[Platform, Path],
) -> None:
    platform, data_dir = world
    officer = create_user(platform, "bank_officer", "wang")
    wang = principal(platform, officer)
    firm, uscc = _first_firm(platform)
    create_grant(
        platform,
        enterprise_id=firm,
        institution_id=institution_of(platform, officer),
        granted_by=create_user(platform, "enterprise_admin", "lin"),
    )
    report = lending.credit_report(platform.uow, wang, uscc, PURPOSE, data_dir, on=ON)
    scorecard = service.load_model(lending.current_model(data_dir))
    assert report.uscc == uscc
    assert "tech_staff_ratio" in scorecard.feature_names
    assert report.withheld == ("tech_staff_ratio",)
    withheld = next(d for d in report.grading.drivers if d.feature == "tech_staff_ratio")
    assert (withheld.value, withheld.bin.label) == (None, "missing")
    table = shipped_grade_table()
    band = table.band_of(report.grading.pd)
    assert report.grading.grade == band.grade
    assert report.limit <= band.cap
    assert report.rate == Decimal("0.0300") + band.spread_bp * Decimal("0.0001")
    log = audit.entries_about(platform.uow, SUBJECT, str(firm), PageRequest(size=5)).items
    assert (READ, ["financials"]) in [(e.action, e.detail["scopes"]) for e in log]
    values = {d.feature: d.value for d in report.grading.drivers}
    vectorised = score_frame(
        scorecard, pl.DataFrame([values], schema=dict.fromkeys(values, pl.Float64))
    )
    assert vectorised["score"][0] == pytest.approx(report.grading.score, abs=1e-9)
    assert vectorised["pd"][0] == pytest.approx(report.grading.pd)


def test_granting_social_security_data_adds_the_tech_staff_feature(
    world: tuple[Platform, Path],
) -> None:
    platform, data_dir = world
    officer = create_user(platform, "bank_officer", "wang")
    firm, uscc = _first_firm(platform)
    create_grant(
        platform,
        enterprise_id=firm,
        institution_id=institution_of(platform, officer),
        granted_by=create_user(platform, "enterprise_admin", "lin"),
        scopes=(DataScope.FINANCIALS, DataScope.SOCIAL_SECURITY),
    )
    wang = principal(platform, officer)
    report = lending.credit_report(platform.uow, wang, uscc, PURPOSE, data_dir, on=ON)
    assert report.withheld == ()
    tech = next(d for d in report.grading.drivers if d.feature == "tech_staff_ratio")
    assert tech.value is not None
    assert tech.bin.label != "missing"
