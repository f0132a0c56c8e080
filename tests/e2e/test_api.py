"""The JSON API through the test client, on SQLite and PostgreSQL (the `platform` fixture)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select, update

from kejin.audit.orm import AuditEntryRow
from kejin.bootstrap import Platform
from kejin.identity.model import TokenScope
from kejin.registry import service
from kejin.registry.model import Stage
from kejin.registry.orm import EnterpriseRow, FinancialYearRow
from kejin.web.app import create_app
from tests.factories import (
    REVENUE_WAN,
    YEARS,
    bearer,
    create_grant,
    create_user,
    credit_code,
    institution_of,
    seed_enterprises,
)

SEEDED = 20
PUBLIC_KEYS = {"uscc", "name", "region", "cluster", "founded_on", "certifications", "withheld"}
FIGURES = {"stage", "latest_year", "revenue", "rd_expense"}


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    seed_enterprises(platform, SEEDED)
    with TestClient(create_app(platform), raise_server_exceptions=False) as test_client:
        yield test_client


def bank_with_grants(platform: Platform, indexes: range | tuple[int, ...]) -> dict[str, str]:
    """A bank officer's API headers; the enterprises at `indexes` granted the bank financials."""
    officer = create_user(platform, "bank_officer", "wang")
    with platform.uow() as uow:
        ids = {
            uscc: id_
            for id_, uscc in uow.session.execute(select(EnterpriseRow.id, EnterpriseRow.uscc))
        }
    for index in indexes:
        create_grant(
            platform,
            enterprise_id=ids[credit_code(index)],
            institution_id=institution_of(platform, officer),
            granted_by=officer,
        )
    return bearer(platform, officer, TokenScope.REGISTRY_READ)


@pytest.fixture
def banker(client: TestClient, platform: Platform) -> dict[str, str]:
    """A bank officer every seeded enterprise shares its financials with."""
    return bank_with_grants(platform, range(SEEDED))


def test_list_returns_a_page_and_the_total(client: TestClient) -> None:
    body = client.get("/api/v1/enterprises", params={"size": 7, "page": 3}).json()
    assert (body["total"], body["page"], body["size"], body["pages"]) == (SEEDED, 3, 7, 3)
    assert len(body["items"]) == SEEDED - 14


def test_list_pages_cover_every_enterprise_once(client: TestClient) -> None:
    codes = [
        item["uscc"]
        for page in (1, 2, 3)
        for item in client.get("/api/v1/enterprises", params={"size": 7, "page": page}).json()[
            "items"
        ]
    ]
    assert sorted(codes) == sorted(credit_code(i) for i in range(SEEDED))


def test_search_matches_name_or_credit_code_substring(client: TestClient) -> None:
    by_name = client.get("/api/v1/enterprises", params={"q": "脑机接口"}).json()
    assert by_name["total"] > 0
    assert all("脑机接口" in item["name"] for item in by_name["items"])
    by_code = client.get("/api/v1/enterprises", params={"q": credit_code(13)[-8:].lower()})
    assert [item["uscc"] for item in by_code.json()["items"]] == [credit_code(13)]


def test_filters_combine(client: TestClient) -> None:
    params = {"cluster": "biomedicine", "certification": "high_tech", "founded_from": 2008}
    items = client.get("/api/v1/enterprises", params=params).json()["items"]
    assert items
    assert all(
        item["cluster"] == "biomedicine" and "high_tech" in item["certifications"] for item in items
    )


def test_founded_year_range_bounds_are_inclusive(client: TestClient) -> None:
    params = {"founded_from": 2010, "founded_to": 2010, "size": 100}
    items = client.get("/api/v1/enterprises", params=params).json()["items"]
    assert items
    assert {item["founded_on"][:4] for item in items} == {"2010"}


def test_stage_filter_uses_the_latest_years_revenue(
    client: TestClient, banker: dict[str, str]
) -> None:
    params = {"stage": "mature", "size": 100, "consented": "true"}
    items = client.get("/api/v1/enterprises", params=params, headers=banker).json()
    assert items["total"] == SEEDED // len(REVENUE_WAN)
    assert all(Decimal(item["revenue"]) >= Decimal(100_000_000) for item in items["items"])
    assert {item["stage"] for item in items["items"]} == {"mature"}


def test_sort_by_revenue_descending(client: TestClient, banker: dict[str, str]) -> None:
    params = {"sort": "-revenue", "consented": "true"}
    items = client.get("/api/v1/enterprises", params=params, headers=banker).json()["items"]
    revenues = [Decimal(item["revenue"]) for item in items]
    assert revenues == sorted(revenues, reverse=True)


def test_anonymous_list_has_only_public_columns(client: TestClient) -> None:
    items = client.get("/api/v1/enterprises", params={"size": 100}).json()["items"]
    assert len(items) == SEEDED
    assert all(item.keys() == PUBLIC_KEYS for item in items)
    assert all(item["withheld"] == ["financials"] for item in items)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"stage": "mature"}, "stage"),
        ({"sort": "revenue"}, "sort"),
        ({"sort": "-revenue"}, "sort"),
        ({"consented": "true"}, "consented"),
    ],
)
def test_financial_filters_are_refused_without_consent_naming_the_field(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    response = client.get("/api/v1/enterprises", params=params, headers={"accept-language": "en"})
    assert response.status_code == 403
    problem = response.json()
    assert (problem["type"], problem["field"]) == ("/problems/consent-required", field)
    assert "financial data" in problem["detail"]


def test_stage_filter_outside_the_consented_list_is_refused_even_with_grants(
    client: TestClient, banker: dict[str, str]
) -> None:
    response = client.get("/api/v1/enterprises", params={"stage": "seed"}, headers=banker)
    assert (response.status_code, response.json()["field"]) == (403, "stage")


def _reads(platform: Platform) -> list[tuple[str, str | None, bool]]:
    with platform.uow() as uow:
        rows = uow.session.scalars(
            select(AuditEntryRow)
            .where(AuditEntryRow.action == "consent.read")
            .order_by(AuditEntryRow.seq)
        )
        return [(row.subject_id, row.purpose, row.detail.get("listed")) for row in rows]


def _enterprise_id(platform: Platform, index: int) -> str:
    with platform.uow() as uow:
        found = uow.session.scalar(
            select(EnterpriseRow.id).where(EnterpriseRow.uscc == credit_code(index))
        )
    return str(found)


def test_an_institution_sees_figures_only_on_rows_consented_to_it_and_the_reads_are_logged(
    client: TestClient, platform: Platform
) -> None:
    headers = bank_with_grants(platform, (0, 1))
    body = client.get("/api/v1/enterprises", params={"size": 100}, headers=headers).json()
    shown = {item["uscc"] for item in body["items"] if item.keys() >= FIGURES}
    assert shown == {credit_code(0), credit_code(1)}
    assert all(
        item["withheld"] == ["financials"] and not FIGURES & item.keys()
        for item in body["items"]
        if item["uscc"] not in shown
    )
    expected = [(_enterprise_id(platform, i), "credit_assessment", True) for i in (0, 1)]
    assert sorted(_reads(platform)) == sorted(expected)
    consented = client.get("/api/v1/enterprises?consented=true", headers=headers).json()
    assert {item["uscc"] for item in consented["items"]} == shown


def test_revoked_and_expired_grants_show_no_figures(client: TestClient, platform: Platform) -> None:
    officer = create_user(platform, "bank_officer", "li")
    enterprise_id = int(_enterprise_id(platform, 0))
    bank = institution_of(platform, officer)
    create_grant(
        platform, enterprise_id=enterprise_id, institution_id=bank, granted_by=officer, revoked=True
    )
    create_grant(
        platform,
        enterprise_id=enterprise_id,
        institution_id=bank,
        granted_by=officer,
        expires_on=service.today() - timedelta(days=1),
    )
    headers = bearer(platform, officer, TokenScope.REGISTRY_READ)
    body = client.get("/api/v1/enterprises?consented=true", headers=headers).json()
    assert body["total"] == 0
    assert _reads(platform) == []


def test_an_enterprise_user_sees_only_its_own_figures_unlogged(
    client: TestClient, platform: Platform
) -> None:
    own = bearer(platform, create_user(platform, "enterprise_member"), TokenScope.REGISTRY_READ)
    items = client.get("/api/v1/enterprises", params={"size": 100}, headers=own).json()["items"]
    assert [item["uscc"] for item in items if "revenue" in item] == [credit_code(0)]
    assert _reads(platform) == []


def test_detail_has_every_child_table_with_provenance_for_the_enterprises_own_user(
    client: TestClient, platform: Platform
) -> None:
    own = bearer(platform, create_user(platform, "enterprise_member"), TokenScope.REGISTRY_READ)
    body = client.get(f"/api/v1/enterprises/{credit_code(0)}", headers=own).json()
    for table in (
        "staff",
        "financials",
        "ip_assets",
        "certifications",
        "funding_rounds",
        "standards",
        "awards",
        "rd_institutions",
        "compliance_flags",
    ):
        assert body[table], table
        assert {"source", "as_of"} <= body[table][0].keys()
    assert body["financials"][-1]["revenue"].count(".") == 1  # money as an exact string
    assert body["stage"] == "seed"


def test_detail_accepts_a_lower_case_code(client: TestClient) -> None:
    assert client.get(f"/api/v1/enterprises/{credit_code(1).lower()}").status_code == 200


def test_unknown_enterprise_is_a_404_problem(client: TestClient) -> None:
    response = client.get(f"/api/v1/enterprises/{credit_code(999)}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/not-found"
    assert problem["field"] == "uscc"
    assert credit_code(999) in problem["detail"]


def test_wrong_check_character_names_the_field_and_the_expected_one(client: TestClient) -> None:
    code = credit_code(5)
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    response = client.get(f"/api/v1/enterprises/{wrong}", headers={"accept-language": "en"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["field"] == "uscc"
    assert problem["detail"].endswith(f"expected {code[-1]}")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
        ({"size": 0}, "size"),
        ({"size": 100000}, "size"),
        ({"stage": "teenage"}, "stage"),
        ({"cluster": "steel"}, "cluster"),
        ({"certification": "iso9001"}, "certification"),
        ({"sort": "height"}, "sort"),
        ({"founded_from": "1800"}, "founded_from"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_list_input_is_a_422_problem_naming_the_field(
    client: TestClient, params: dict[str, object], field: str
) -> None:
    response = client.get("/api/v1/enterprises", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == field


def test_problems_speak_the_request_language(client: TestClient) -> None:
    zh = client.get("/api/v1/enterprises", params={"page": 0}, headers={"accept-language": "zh"})
    en = client.get("/api/v1/enterprises", params={"page": 0}, headers={"accept-language": "en"})
    assert (zh.json()["title"], zh.json()["detail"]) == ("输入有误", "页码必须大于等于 1")
    assert (en.json()["title"], en.json()["detail"]) == ("Invalid input", "page must be 1 or more")


def test_an_unexpected_error_is_a_500_problem_without_internals(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("password=hunter2")

    monkeypatch.setattr(service, "region_summary", broken)
    with pytest.MonkeyPatch.context() as quiet:
        quiet.setattr("kejin.web.problems.logger.exception", lambda *_, **__: None)
        response = client.get("/api/v1/region/summary")
    assert response.status_code == 500
    assert response.json()["type"] == "/problems/internal-error"
    assert "hunter2" not in response.text


def test_region_summary_counts(client: TestClient) -> None:
    body = client.get("/api/v1/region/summary").json()
    assert body["enterprises"] == SEEDED
    assert sum(body["by_stage"].values()) == SEEDED
    assert body["by_stage"] == dict.fromkeys((s.value for s in Stage), SEEDED // 5)
    assert body["by_certification"]["tech_sme"] == SEEDED
    assert body["by_certification"]["high_tech"] == SEEDED // 2
    assert Decimal(body["total_rd_expense"]) > 0


def test_region_intensity_withholds_clusters_of_fewer_than_three_firms(
    client: TestClient,
) -> None:
    cells = client.get("/api/v1/region/summary").json()["rd_intensity_by_cluster"]
    small = [cell for cell in cells if cell["enterprises"] < service.MIN_CELL]
    assert small
    assert all((c["revenue"], c["rd_expense"], c["intensity"]) == (None,) * 3 for c in small)
    assert all(cell["intensity"] is not None for cell in cells if cell not in small)


def test_openapi_operation_ids_are_stable(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert paths["/api/v1/enterprises"]["get"]["operationId"] == "list_enterprises"
    assert paths["/api/v1/enterprises/{uscc}"]["get"]["operationId"] == "get_enterprise"
    assert paths["/api/v1/region/summary"]["get"]["operationId"] == "region_summary"


def _statements_for(
    client: TestClient, platform: Platform, url: str, headers: dict[str, str] | None = None
) -> int:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(platform.engine, "before_cursor_execute", count)
    try:
        assert client.get(url, headers=headers).status_code == 200
    finally:
        event.remove(platform.engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize("path", ["/api/v1/enterprises", "/enterprises"])
def test_list_query_count_does_not_grow_with_the_page_size(
    client: TestClient, platform: Platform, path: str
) -> None:
    small = _statements_for(client, platform, f"{path}?size=2")
    large = _statements_for(client, platform, f"{path}?size=20&cluster=ai&sort=-founded_on")
    # data date, page, count, certifications: a fixed four whatever the size (no figures shown)
    assert small == large <= 4


@pytest.mark.parametrize("path", ["/api/v1/enterprises", "/enterprises"])
def test_consented_list_query_count_does_not_grow_with_the_page_size(
    client: TestClient, platform: Platform, banker: dict[str, str], path: str
) -> None:
    # a token's use is written down at most once a minute: count after its first use
    assert client.get(f"{path}?size=2&consented=true", headers=banker).status_code == 200
    small = _statements_for(client, platform, f"{path}?size=2&consented=true", banker)
    large = f"{path}?size=20&consented=true&stage=growth&sort=-revenue"
    # on top of the token check and the four above: the institution's live grants, the page's
    # latest financials, and the audit (grants again, institution name, lock, head, one insert)
    assert small == _statements_for(client, platform, large, banker)


BOUNDARY_REVENUES = (
    "0",
    "999999.99",
    "1000000",
    "4999999.99",
    "5000000",
    "19999999.99",
    "20000000",
    "99999999.99",
    "100000000",
    "5000000000",
)


def test_stage_filter_in_sql_agrees_with_the_python_rule_at_every_floor(
    client: TestClient, platform: Platform, banker: dict[str, str]
) -> None:
    with platform.uow() as uow:
        for index, revenue in enumerate(BOUNDARY_REVENUES):
            uow.session.execute(
                update(FinancialYearRow)
                .where(FinancialYearRow.year == YEARS[-1])
                .where(
                    FinancialYearRow.enterprise_id
                    == select(EnterpriseRow.id)
                    .where(EnterpriseRow.uscc == credit_code(index))
                    .scalar_subquery()
                )
                .values(revenue=Decimal(revenue))
            )
        uow.commit()
    params = {"size": 100, "consented": "true"}
    listed = client.get("/api/v1/enterprises", params=params, headers=banker).json()["items"]
    python_stage = {item["uscc"]: item["stage"] for item in listed}
    sql_stage = {
        item["uscc"]: stage.value
        for stage in Stage
        for item in client.get(
            "/api/v1/enterprises", params=params | {"stage": stage.value}, headers=banker
        ).json()["items"]
    }
    assert sql_stage == python_stage
    assert [python_stage[credit_code(i)] for i in range(4)] == [
        "seed",
        "seed",
        "start_up",
        "start_up",
    ]
