"""Credit over HTTP: an enterprise's credit report as JSON and as a page in both languages
for a bank with consent, the refusal without it, and the model card as JSON and page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kejin.bootstrap import Platform
from kejin.consent.model import DataScope
from kejin.region import service as region
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
    closed: str  # opens nothing


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CreditWorld]:
    data_dir = Path(tmp_path_factory.mktemp("credit"))
    platform = sqlite_platform(data_dir)
    region.build_demo_region(platform, 30, 4)
    put_model_in_service(data_dir)
    wang = create_user(platform, "bank_officer", "wang")
    create_user(platform, "platform_admin", "admin")
    create_user(platform, "government_analyst", "chen")
    with platform.engine.connect() as conn:
        firms = conn.execute(select(EnterpriseRow.id, EnterpriseRow.uscc).limit(2)).all()
    create_grant(
        platform,
        enterprise_id=firms[0].id,
        institution_id=institution_of(platform, wang),
        granted_by=create_user(platform, "enterprise_admin", "lin"),
        scopes=(DataScope.FINANCIALS,),
    )
    yield CreditWorld(platform, firms[0].uscc, firms[1].uscc)
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


def test_a_bank_without_consent_is_refused_over_the_api_and_on_the_page(
    world: CreditWorld, client: TestClient
) -> None:
    sign_in(client, "wang")
    answer = client.get(f"/api/v1/enterprises/{world.closed}/credit")
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("application/problem+json")
    page = client.get(f"/enterprises/{world.closed}/credit?lang=en", headers=HTML)
    assert page.status_code == 403
    assert "This credit report is not shared with you" in page.text
    assert "Grade" not in page.text


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
    for section in ("credit-summary", "adverse", "advice", "drivers", "withheld"):
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
