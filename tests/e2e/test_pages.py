"""Server-rendered pages through the test client: both languages, CSV export, error pages."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from kejin.audit.orm import AuditEntryRow
from kejin.bootstrap import Platform
from kejin.identity.model import TokenScope
from kejin.registry.orm import EnterpriseRow
from kejin.web.app import create_app
from tests.factories import (
    bearer,
    create_grant,
    create_user,
    credit_code,
    institution_of,
    seed_enterprises,
)

HTML = {"accept": "text/html"}


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    seed_enterprises(platform, 12)
    with TestClient(create_app(platform)) as test_client:
        yield test_client


def test_home_speaks_chinese_by_default(client: TestClient) -> None:
    page = client.get("/", headers=HTML)
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    assert "区域概览" in page.text
    assert page.text.count("data-chart-for=") == 4


def test_accept_language_picks_english(client: TestClient) -> None:
    page = client.get("/", headers={**HTML, "accept-language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in page.text
    assert "The region at a glance" in page.text


def test_the_toggle_sets_a_cookie_that_later_pages_follow(client: TestClient) -> None:
    toggled = client.get("/enterprises?lang=en", headers={**HTML, "accept-language": "zh-CN"})
    assert toggled.cookies.get("kejin_lang") == "en"
    later = client.get("/", headers={**HTML, "accept-language": "zh-CN"})
    assert "The region at a glance" in later.text


def test_list_page_shows_display_names_in_both_languages(client: TestClient) -> None:
    zh = client.get("/enterprises?cluster=brain_science", headers=HTML).text
    en = client.get("/enterprises?cluster=brain_science&lang=en", headers=HTML).text
    assert "脑科学与脑机接口" in zh
    assert "Brain science &amp; BCI" in en


def test_empty_form_fields_are_ignored(client: TestClient) -> None:
    page = client.get("/enterprises?q=&cluster=&stage=&certification=&sort=", headers=HTML)
    assert page.status_code == 200
    assert 'data-total="12"' in page.text


def test_no_match_shows_a_helpful_empty_state(client: TestClient) -> None:
    page = client.get("/enterprises?q=不存在的企业", headers=HTML)
    assert "没有符合条件的企业" in page.text


def test_bad_page_number_is_a_friendly_error_page(client: TestClient) -> None:
    page = client.get("/enterprises?page=-3", headers={**HTML, "accept-language": "en"})
    assert page.status_code == 422
    assert "page must be 1 or more" in page.text
    assert "Back to the overview" in page.text


def test_unknown_enterprise_page_is_a_404_page(client: TestClient) -> None:
    page = client.get(f"/enterprises/{credit_code(777)}", headers=HTML)
    assert page.status_code == 404
    assert "未找到" in page.text


def test_detail_page_shows_provenance_to_the_enterprises_own_user(
    client: TestClient, platform: Platform
) -> None:
    own = bearer(platform, create_user(platform, "enterprise_member"), TokenScope.REGISTRY_READ)
    page = client.get(f"/enterprises/{credit_code(0)}", headers=HTML | own).text
    assert "tax_bureau" in page
    assert "数据来源：" in page
    assert "万元" in page


def _csv(response: Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))


def test_csv_export_holds_the_filtered_list_in_public_columns_only(client: TestClient) -> None:
    rows = _csv(client.get("/enterprises/export.csv?cluster=ai"))
    assert rows[0] == ["uscc", "name", "region", "cluster", "founded_on"]
    assert len(rows) > 1
    assert {row[3] for row in rows[1:]} == {"ai"}


def test_csv_export_refuses_a_revenue_sort_without_consent(client: TestClient) -> None:
    response = client.get("/enterprises/export.csv?sort=-revenue")
    assert (response.status_code, response.json()["field"]) == (403, "sort")


def _banker(platform: Platform, indexes: tuple[int, ...]) -> dict[str, str]:
    officer = create_user(platform, "bank_officer", "wang")
    with platform.uow() as uow:
        ids = dict(uow.session.execute(select(EnterpriseRow.uscc, EnterpriseRow.id)).all())
    for index in indexes:
        create_grant(
            platform,
            enterprise_id=ids[credit_code(index)],
            institution_id=institution_of(platform, officer),
            granted_by=officer,
        )
    return bearer(platform, officer, TokenScope.REGISTRY_READ)


def _listed_reads(platform: Platform) -> list[str]:
    with platform.uow() as uow:
        rows = uow.session.scalars(
            select(AuditEntryRow).where(AuditEntryRow.action == "consent.read")
        )
        return sorted(row.subject_id for row in rows if row.detail.get("listed"))


def test_csv_export_fills_figures_only_on_consented_rows_and_logs_them(
    client: TestClient, platform: Platform
) -> None:
    headers = _banker(platform, (0, 3))
    rows = _csv(client.get("/enterprises/export.csv", headers=headers))
    assert rows[0][5:] == ["latest_year", "revenue", "rd_expense", "stage"]
    filled = {row[0] for row in rows[1:] if any(row[5:])}
    assert filled == {credit_code(0), credit_code(3)}
    assert len(_listed_reads(platform)) == 2
    consented = _csv(
        client.get("/enterprises/export.csv?consented=true&sort=-revenue", headers=headers)
    )
    assert len(consented) == 3
    assert all(all(row[5:]) for row in consented[1:])
    assert len(_listed_reads(platform)) == 4


def test_list_page_hides_figures_and_the_stage_filter_from_anonymous_visitors(
    client: TestClient,
) -> None:
    page = client.get("/enterprises?lang=en", headers=HTML).text
    assert 'id="stage"' not in page
    assert '<th class="num">Revenue</th>' not in page
    assert 'value="-revenue"' not in page
    assert 'id="figures-withheld"' in page


def test_list_page_shows_an_institution_the_figures_of_consented_rows(
    client: TestClient, platform: Platform
) -> None:
    headers = _banker(platform, (1,))
    page = client.get("/enterprises?lang=en&size=100", headers=HTML | headers).text
    assert '<th class="num">Revenue</th>' in page
    assert page.count('class="muted withheld"') == 11
    assert _listed_reads(platform) == [_id(platform, 1)]
    tab = client.get("/enterprises?consented=true&stage=", headers=HTML | headers).text
    assert 'data-total="1"' in tab
    assert 'id="stage"' in tab
    assert 'value="-revenue"' in tab


def _id(platform: Platform, index: int) -> str:
    with platform.uow() as uow:
        found = uow.session.scalar(
            select(EnterpriseRow.id).where(EnterpriseRow.uscc == credit_code(index))
        )
    return str(found)


def test_plotly_is_served_from_the_wheel(client: TestClient) -> None:
    response = client.get("/static/vendor/plotly.min.js")
    assert response.status_code == 200
    assert "plotly" in response.text[:2000].lower()


def test_api_docs_load_their_assets_locally(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert f"/static/vendor/swagger-ui/{asset}" in page.text
        assert client.get(f"/static/vendor/swagger-ui/{asset}").status_code == 200
