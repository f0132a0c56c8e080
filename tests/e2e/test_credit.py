"""Credit over HTTP: an enterprise's credit report as JSON and as a page in both languages
for a bank with consent (the assessment beside the financials with the assessment scope only),
the firm's public data without consent (the refusal recorded), and the model card as JSON and
page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select

from kejin.assessment import service as assessment
from kejin.audit import service as audit
from kejin.bootstrap import Platform
from kejin.consent.model import DataScope
from kejin.consent.service import READ_REFUSED, SUBJECT
from kejin.core.pagination import PageRequest
from kejin.region import service as region
from kejin.registry import service as registry
from kejin.registry.orm import EnterpriseRow
from kejin.web.app import create_app
from tests.credit_data import put_model_in_service
from tests.e2e.conftest import sqlite_platform
from tests.e2e.sessions import sign_in
from tests.factories import create_grant, create_user, institution_of

HTML = {"accept": "text/html"}


@dataclass(frozen=True)
class CreditWorld:
    platform: Platform
    granted: str  # opens its financials to Wang's bank for credit assessment
    assessed: str  # opens its financials and its assessment
    closed: str  # opens nothing
    closed_id: int


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CreditWorld]:
    data_dir = Path(tmp_path_factory.mktemp("credit"))
    platform = sqlite_platform(data_dir)
    region.build_demo_region(platform, 30, 4)
    assessment.run_registry(platform.uow, registry.today(), started_by="test")
    put_model_in_service(data_dir)
    wang = create_user(platform, "bank_officer", "wang")
    create_user(platform, "platform_admin", "admin")
    create_user(platform, "government_analyst", "chen")
    with platform.engine.connect() as conn:
        firms = conn.execute(select(EnterpriseRow.id, EnterpriseRow.uscc).limit(3)).all()
    lin = create_user(platform, "enterprise_admin", "lin")
    bank = institution_of(platform, wang)
    for firm, scopes in zip(
        firms, [(DataScope.FINANCIALS,), (DataScope.FINANCIALS, DataScope.ASSESSMENT)], strict=False
    ):
        create_grant(
            platform, enterprise_id=firm.id, institution_id=bank, granted_by=lin, scopes=scopes
        )
    yield CreditWorld(platform, firms[0].uscc, firms[1].uscc, firms[2].uscc, firms[2].id)
    platform.dispose()


@pytest.fixture
def client(world: CreditWorld) -> Iterator[TestClient]:
    with TestClient(create_app(world.platform), raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_bank_with_consent_gets_grade_limit_price_and_the_bins_behind_them(
    world: CreditWorld, client: TestClient
) -> None:
    sign_in(client, "wang")
    body = client.get(f"/api/v1/enterprises/{world.granted}/credit").json()
    assert body["uscc"] == world.granted
    assert body["grade"] in {f"T{i}" for i in range(1, 11)}
    assert 0 < body["pd"] < 1
    assert {d["feature"] for d in body["drivers"]} >= {"rd_intensity", "debt_ratio"}
    assert body["withheld"] == ["tech_staff_ratio"]
    assert float(body["rate"]) >= 0.03


def test_without_consent_the_api_refuses_and_the_page_shows_public_data_only(
    world: CreditWorld, client: TestClient
) -> None:
    sign_in(client, "wang")
    answer = client.get(f"/api/v1/enterprises/{world.closed}/credit")
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("application/problem+json")
    profile = client.get(f"/api/v1/enterprises/{world.closed}").json()
    page = client.get(f"/enterprises/{world.closed}/credit?lang=en", headers=HTML)
    assert page.status_code == 200
    assert "This credit report is not shared with you" in page.text
    assert 'id="how-to-grant"' in page.text
    assert profile["name"] in page.text
    assert world.closed in page.text
    for certificate in profile["certifications"]:
        assert certificate["number"] in page.text
    for section in ("public-profile", "certifications", "awards", "withheld"):
        assert f'id="{section}"' in page.text
    for scored in ('id="grade"', 'id="credit-summary"', 'id="drivers"', "Suggested limit"):
        assert scored not in page.text
    log = audit.entries_about(world.platform.uow, SUBJECT, str(world.closed_id), PageRequest())
    refusals = [e for e in log.items if e.action == READ_REFUSED and e.actor == "wang"]
    assert len(refusals) == 2  # the API's and the page's
    assert {e.purpose for e in refusals} == {"credit_assessment"}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_credit_report_page_shows_the_grade_advice_and_bins_in_both_languages(
    world: CreditWorld, client: TestClient, lang: str
) -> None:
    sign_in(client, "wang")
    body = client.get(f"/api/v1/enterprises/{world.granted}/credit").json()
    page = client.get(f"/enterprises/{world.granted}/credit?lang={lang}", headers=HTML)
    assert page.status_code == 200
    assert f'<html lang="{lang.replace("_", "-")}"' in page.text
    assert f'<p class="big" id="grade">{body["grade"]}</p>' in page.text
    for section in ("credit-summary", "adverse", "advice", "drivers", "withheld", "financials"):
        assert f'id="{section}"' in page.text


def test_the_model_card_is_open_to_bank_staff_and_admins_as_json_and_page(
    world: CreditWorld, client: TestClient
) -> None:
    sign_in(client, "admin")
    card = client.get("/api/v1/credit/model").json()
    assert card["splits"]["test"]["auc"] > 0.6
    page = client.get("/credit/model?lang=en", headers=HTML)
    assert page.status_code == 200
    assert 'data-chart="calibration"' in page.text
    assert 'data-chart="scores"' in page.text
    for feature in card["features"]:
        assert f'id="feature-{feature["name"]}"' in page.text
    assert len(card["cross_validation"]["per_fold"]) == 3
    assert 'id="cross-validation"' in page.text
    assert f"{card['cross_validation']['summary']['auc']['mean']:.3f} ± " in page.text
    assert card["challenger"]["model"] == "lightgbm"
    assert 'id="challenger"' in page.text
    assert f"{card['challenger']['difference']['auc']:+.3f}" in page.text
    sign_in(client, "chen")
    assert client.get("/api/v1/credit/model").status_code == 403


def test_the_report_names_features_in_words_and_shows_ratios_in_percent(
    world: CreditWorld, client: TestClient
) -> None:
    sign_in(client, "wang")
    body = client.get(f"/api/v1/enterprises/{world.granted}/credit").json()
    page = client.get(f"/enterprises/{world.granted}/credit?lang=en", headers=HTML).text
    assert "<td>Debt ratio</td>" in page
    debt = next(d for d in body["drivers"] if d["feature"] == "debt_ratio")
    assert f"<td>{debt['value']:.1%}</td>" in page
    assert "Not shared with your institution, scored as missing: Tech staff share" in page


def test_the_assessment_is_beside_the_financials_only_with_the_assessment_scope(
    world: CreditWorld, client: TestClient
) -> None:
    sign_in(client, "wang")
    without = client.get(f"/api/v1/enterprises/{world.granted}/credit").json()
    assert without["assessment"] is None
    page = client.get(f"/enterprises/{world.granted}/credit?lang=en", headers=HTML).text
    assert 'id="assessment-withheld"' in page
    assert 'id="verdicts"' not in page
    body = client.get(f"/api/v1/enterprises/{world.assessed}/credit").json()
    beside = body["assessment"]
    assert beside is not None
    assert {v["code"] for v in beside["verdicts"]} >= {"tech_sme", "hnte"}
    page = client.get(f"/enterprises/{world.assessed}/credit?lang=en", headers=HTML).text
    assert 'id="assessment-withheld"' not in page
    for v in beside["verdicts"]:
        row = f'<tr data-standard="{v["code"]}"><td>{escape(v["name_en"])}</td><td>'
        assert f'{row}<span class="badge status status-{v["status"]}"' in page
    points = beside["innovation_points"]
    shown = "—" if points is None else f"{points:,}"
    assert f'<dd id="innovation-points">{shown}</dd>' in page
    assert set(body["financials"]) == {
        "debt_ratio",
        "net_margin",
        "revenue_growth",
        "log_revenue_wan",
        "rd_intensity",
    }
    assert "Revenue of the prior year" in page
