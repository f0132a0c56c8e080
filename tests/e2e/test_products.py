"""The catalogue over HTTP: the marketplace, comparison, product and policy pages in both
languages; the API's ETag / If-Match saves (428 without a tag, 412 when stale, 403 for another
institution, 422 naming the faulty condition) and the provider's edit form (409 with a reload
link when someone saved first). SQLite and PostgreSQL (the `platform` fixture)."""

from __future__ import annotations

import copy
import html
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from kejin.bootstrap import Platform
from kejin.identity.model import Role, TokenScope
from kejin.web.app import create_app
from tests.catalogue import OTHER_BANK, OWN_BANK, POINTS_LOAN, provider_staff, seed_catalogue
from tests.e2e.sessions import sign_in
from tests.factories import bearer

HTML = {"accept": "text/html"}
PRODUCT = f"/api/v1/products/{POINTS_LOAN}"
EDIT = f"/workbench/products/{POINTS_LOAN}/edit"


@dataclass(frozen=True)
class World:
    client: TestClient
    wang: dict[str, str]  # bearer headers of an officer of the product's bank
    qian: dict[str, str]  # … of an officer of another bank


@pytest.fixture
def world(platform: Platform) -> Iterator[World]:
    seed_catalogue(platform)
    wang = provider_staff(platform, OWN_BANK, "wang")
    qian = provider_staff(platform, OTHER_BANK, "qian")
    scope = TokenScope.PRODUCTS_WRITE
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        yield World(client, bearer(platform, wang, scope), bearer(platform, qian, scope))


def _body(client: TestClient) -> tuple[dict[str, Any], str]:
    response = client.get(PRODUCT)
    product = response.json()
    entry = {
        "provider": product["provider"]["code"],
        "family": product["family"],
        "instrument": product["instrument"],
        "name": {"zh": product["name_zh"], "en": product["name_en"]},
        "summary": {"zh": product["summary_zh"], "en": product["summary_en"]},
        "stages": product["stages"],
        "amount": {"min": product["amount_min"], "max": product["amount_max"]},
        "term_months": {"min": product["term_min_months"], "max": product["term_max_months"]},
        "pricing": {"basis": "lpr_spread", "spread_bp": product["pricing"]["spread_bp"]},
        "collateral": product["collateral"],
        "eligibility": product["eligibility"],
        "sizing": product["sizing"],
        "documents": product["documents"],
        "policy": product["policy_code"],
        "valid_from": product["valid_from"],
        "valid_to": product["valid_to"],
        "status": product["status"],
        "source": product["source"],
        "notes": product["notes"],
    }
    return entry, response.headers["etag"]


def test_a_product_is_read_with_its_version_as_etag(world: World) -> None:
    response = world.client.get(PRODUCT)
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.json()["pricing"]["all_in_rate"] is not None


def test_a_save_with_the_current_etag_takes_effect_at_once(world: World) -> None:
    body, tag = _body(world.client)
    body["eligibility"]["children"][0]["value"] = 500
    saved = world.client.put(PRODUCT, json=body, headers=world.wang | {"If-Match": tag})
    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == '"2"'
    after = world.client.get(PRODUCT)
    assert after.json()["eligibility"]["children"][0]["value"] == 500
    assert after.headers["etag"] == '"2"'


def test_a_stale_etag_gets_412_and_nothing_is_written(world: World) -> None:
    body, tag = _body(world.client)
    first = body | {"source": "first editor"}
    assert world.client.put(PRODUCT, json=first, headers=world.wang | {"If-Match": tag}).is_success
    second = body | {"source": "second editor"}
    stale = world.client.put(PRODUCT, json=second, headers=world.wang | {"If-Match": tag})
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert world.client.get(PRODUCT).json()["source"] == "first editor"


def test_a_save_without_if_match_is_refused(world: World) -> None:
    body, _ = _body(world.client)
    assert world.client.put(PRODUCT, json=body, headers=world.wang).status_code == 428
    patch = world.client.patch(PRODUCT, json={"status": "suspended"}, headers=world.wang)
    assert patch.status_code == 428


def test_another_institution_gets_403_and_nothing_is_written(world: World) -> None:
    body, tag = _body(world.client)
    refused = world.client.put(
        PRODUCT, json=body | {"source": "taken over"}, headers=world.qian | {"If-Match": tag}
    )
    assert refused.status_code == 403
    after = world.client.get(PRODUCT)
    assert (after.headers["etag"], after.json()["source"] != "taken over") == ('"1"', True)


def test_a_faulty_condition_gets_422_naming_its_place(world: World) -> None:
    body, tag = _body(world.client)
    tree = copy.deepcopy(body["eligibility"])
    tree["children"][2]["value"] = "many"
    refused = world.client.put(
        PRODUCT, json=body | {"eligibility": tree}, headers=world.wang | {"If-Match": tag}
    )
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["eligibility.children[2].value"]


def test_a_patch_replaces_the_named_fields(world: World) -> None:
    patched = world.client.patch(
        PRODUCT,
        json={"term_months": {"min": 6, "max": 24}},
        headers=world.wang | {"If-Match": 'W/"1"'},
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["term_max_months"], patched.headers["etag"]) == (24, '"2"')
    refused = world.client.patch(
        PRODUCT, json={"stages": ["dormant"]}, headers=world.wang | {"If-Match": '"2"'}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "stages.0"
    unknown = world.client.patch(
        PRODUCT, json={"colour": "blue"}, headers=world.wang | {"If-Match": '"2"'}
    )
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "colour")


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh-CN", ("创新积分贷", "科创城市银行")), ("en", ("Innovation-points loan", "Kechuang"))],
)
def test_the_pages_read_in_both_languages(world: World, lang: str, words: tuple[str, ...]) -> None:
    pages = (
        "/marketplace?layer=bank&stage=start_up",
        f"/marketplace/products/{POINTS_LOAN}",
        f"/marketplace/compare?codes={POINTS_LOAN},bank.bay.points",
    )
    for path in pages:
        response = world.client.get(f"{path}&lang={lang}" if "?" in path else f"{path}?lang={lang}")
        assert response.status_code == 200, path
        assert f'lang="{lang}"' in response.text
        assert all(word in response.text for word in words), path
    policy = world.client.get(f"/policies/ai_guarantee?lang={lang}")
    assert 'id="source-link"' in policy.text
    assert "发挥中小微企业融资担保基金作用" in policy.text
    listing = world.client.get(f"/policies?lang={lang}")
    assert listing.text.count('href="/policies/') == 12


def test_empty_filter_fields_count_as_absent(world: World) -> None:
    blank = world.client.get("/marketplace?layer=&family=&provider=&amount=&term=&lang=en")
    assert blank.status_code == 200
    assert 'data-total="63"' in blank.text
    assert world.client.get("/marketplace?amount=lots", headers=HTML).status_code == 422


def _statements(platform: Platform, client: TestClient, url: str) -> int:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(platform.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(platform.engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize("path", ["/api/v1/products", "/marketplace"])
def test_the_list_query_count_does_not_grow_with_the_page_size(
    platform: Platform, world: World, path: str
) -> None:
    small = _statements(platform, world.client, f"{path}?size=2")
    large = _statements(platform, world.client, f"{path}?size=50&layer=bank")
    # providers, products, revision; the page adds the provider list of its filter
    assert small == large <= 4


def test_the_marketplace_exports_its_filtered_products_as_csv(world: World) -> None:
    response = world.client.get("/marketplace/export.csv?layer=equity&lang=en")
    assert response.status_code == 200
    rows = response.text.lstrip("\ufeff").splitlines()
    assert rows[0].startswith("Code,Product,Provider")
    assert len(rows) == 1 + 12


def test_comparing_more_than_four_products_is_refused(world: World) -> None:
    codes = ",".join(["gov.subsidy.interest", "bank.kcb.credit", "bank.bay.credit"] * 2)
    five = codes + ",bank.rural.credit,bank.kcb.hnte"
    assert world.client.get(f"/marketplace/compare?codes={five}", headers=HTML).status_code == 422


def _form_fields(client: TestClient, csrf: str) -> dict[str, Any]:
    page = client.get(EDIT)
    assert page.status_code == 200
    return {
        "csrf_token": csrf,
        "version": "1",
        "name_zh": "创新积分贷",
        "name_en": "Innovation-points loan",
        "summary_zh": "以创新积分作为风控信号的信用贷款。",
        "summary_en": "An unsecured loan using innovation points as a risk signal.",
        "status": "published",
        "collateral": "none",
        "stages": ["start_up", "growth"],
        "amount_min": "500000",
        "amount_max": "5000000",
        "term_min": "12",
        "term_max": "36",
        "pricing_basis": "lpr_spread",
        "spread_bp": "45",
        "lpr_tenor": "1y",
        "documents": ["business_licence", "credit_report"],
        "valid_from": "2025-01-01",
        "valid_to": "2027-12-31",
        "eligibility": html.unescape(
            page.text.split('name="eligibility"', 1)[1].split(">", 1)[1].split("</textarea>")[0]
        ),
        "sizing": '{"rule": "range"}',
        "source": "RULES.md §5",
        "notes": "Demo (unconfirmed).",
    }


def test_the_provider_saves_through_the_form_and_a_stale_form_gets_409(
    platform: Platform, world: World
) -> None:
    csrf = sign_in(world.client, "wang")
    fields = _form_fields(world.client, csrf)
    saved = world.client.post(EDIT, data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert world.client.get(PRODUCT).json()["sizing"] == {"rule": "range"}
    stale = world.client.post(EDIT, data=fields | {"source": "late"}, follow_redirects=False)
    assert stale.status_code == 409
    assert 'id="reload-link"' in stale.text
    assert world.client.get(PRODUCT).json()["source"] == "RULES.md §5"


def test_a_providers_staff_see_edit_links_on_their_own_products_only(world: World) -> None:
    sign_in(world.client, "wang")
    page = world.client.get("/marketplace?layer=bank&size=50").text
    assert f'href="/workbench/products/{POINTS_LOAN}/edit"' in page
    assert 'href="/workbench/products/bank.bay.points/edit"' not in page
    assert 'id="own-products" href="/marketplace?provider=kechuang_city_bank"' in page
    assert 'id="edit-link"' in world.client.get(f"/marketplace/products/{POINTS_LOAN}").text
    assert 'id="edit-link"' not in world.client.get("/marketplace/products/bank.bay.points").text


def test_the_form_names_a_faulty_field_and_others_cannot_open_it(world: World) -> None:
    csrf = sign_in(world.client, "wang")
    fields = _form_fields(world.client, csrf) | {"eligibility": "{not json"}
    refused = world.client.post(EDIT, data=fields, follow_redirects=False)
    assert refused.status_code == 422
    assert "<code>eligibility</code>" in refused.text
    world.client.post("/logout", data={"csrf_token": csrf})
    sign_in(world.client, "qian")
    assert world.client.get(EDIT, headers=HTML).status_code == 403


def test_the_policy_owner_saves_a_policy_with_its_etag(platform: Platform, world: World) -> None:
    chen = provider_staff(platform, "tech_finance_centre", "chen", Role.GOVERNMENT_ANALYST)
    headers = bearer(platform, chen, TokenScope.PRODUCTS_WRITE)
    path = "/api/v1/policies/ai_guarantee"
    read = world.client.get(path)
    policy, tag = read.json(), read.headers["etag"]
    body = {
        "owner": policy["owner"]["code"],
        "name": {"zh": policy["name_zh"], "en": policy["name_en"]},
        "summary": {"zh": policy["summary_zh"], "en": policy["summary_en"]},
        "document": {
            key: policy[key]
            for key in (
                "issuer", "doc_no", "source_url", "document_ref", "cited_paragraph", "confirmed"
            )
        },
        "mode": policy["mode"],
        "benefit_kind": policy["benefit_kind"],
        "benefit": {"zh": policy["benefit_zh"], "en": "Guarantees first, at a lower fee"},
        "eligibility": policy["eligibility"],
        "stages": policy["stages"],
        "valid_from": policy["valid_from"],
        "valid_to": policy["valid_to"],
        "status": policy["status"],
        "source": policy["source"],
        "notes": policy["notes"],
    }  # fmt: skip
    assert (
        world.client.put(path, json=body, headers=world.wang | {"If-Match": tag}).status_code == 403
    )
    saved = world.client.put(path, json=body, headers=headers | {"If-Match": tag})
    assert (saved.status_code, saved.headers["etag"]) == (200, '"2"')
    assert world.client.get(path).json()["benefit_en"] == "Guarantees first, at a lower fee"
    assert world.client.put(path, json=body, headers=headers | {"If-Match": tag}).status_code == 412
