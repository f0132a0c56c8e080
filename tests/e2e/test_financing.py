"""The enterprise's financing map over HTTP: the firm reads its own map, path and unlocks; an
institution reads it within a grant of the assessment and is refused without one; the page in
both languages; the links from the enterprise and assessment pages."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from kejin.assessment.model import Status
from kejin.matching.model import PolicyList
from kejin.web.app import create_app
from tests.catalogue import seed_catalogue
from tests.e2e.assessment_world import AssessedWorld, build_world
from tests.e2e.conftest import sqlite_platform
from tests.e2e.sessions import sign_in

HTML = {"accept": "text/html"}
PASSABLE = {Status.MET.value, Status.MANUAL_REVIEW.value}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AssessedWorld]:
    platform = sqlite_platform(Path(tmp_path_factory.mktemp("financing")))
    built = build_world(platform)
    seed_catalogue(platform)
    yield built
    platform.dispose()


@pytest.fixture
def client(world: AssessedWorld) -> Iterator[TestClient]:
    with TestClient(create_app(world.platform), raise_server_exceptions=False) as test_client:
        yield test_client


def _financing(code: str, query: str = "") -> str:
    return f"/api/v1/enterprises/{code}/financing{query}"


def test_a_firm_reads_its_own_map_ranked_per_layer_with_checklists_and_policy_lists(
    world: AssessedWorld, client: TestClient
) -> None:
    sign_in(client, "lin")
    body = client.get(_financing(world.own_code)).json()
    assert body["uscc"] == world.own_code
    assert {layer["layer"] for layer in body["layers"]} == {
        "government",
        "equity",
        "bank",
        "guarantee_insurance",
        "capital_market",
    }
    order = [Status.MET, Status.MANUAL_REVIEW, Status.UNKNOWN, Status.UNMET]
    for layer in body["layers"]:
        ranks = [order.index(Status(p["status"])) for p in layer["products"]]
        assert ranks == sorted(ranks), layer["layer"]
        assert all(p["checklist"] for p in layer["products"])
        amounts = [p["amount"] for p in layer["products"]]
        assert all(Decimal(a["low"]) <= Decimal(a["high"]) for a in amounts)
    assert all(p["listed"] == PolicyList.AUTOMATIC for p in body["entitled"])
    assert all(p["listed"] == PolicyList.APPLY for p in body["apply_needed"])
    assert body["unlocks"] == []  # on request only


def test_the_unlock_and_path_endpoints_answer_for_a_missed_product(
    world: AssessedWorld, client: TestClient
) -> None:
    sign_in(client, "lin")
    body = client.get(_financing(world.own_code, "?unlocks=true")).json()
    assert body["unlocks"]
    missed = body["unlocks"][0]
    found = client.get(_financing(world.own_code, f"/unlock/{missed['code']}")).json()
    assert found == missed
    path = client.get(_financing(world.own_code, "/path")).json()
    assert path["uscc"] == world.own_code
    assert all(p["status"] in PASSABLE and p["stage_fit"] for p in path["now"])
    absent = client.get(_financing(world.own_code, "/unlock/bank.no.such"))
    assert absent.status_code == 404


def test_an_institution_reads_a_map_within_a_grant_and_is_refused_without_one(
    world: AssessedWorld, client: TestClient
) -> None:
    sign_in(client, "wang")
    allowed = client.get(_financing(world.bank_code, "?purpose=credit_assessment"))
    assert allowed.status_code == 200
    refused = client.get(_financing(world.other_code, "?purpose=credit_assessment"))
    assert refused.status_code == 403
    assert client.get(_financing(world.bank_code)).status_code == 422  # no purpose named
    page = client.get(
        f"/enterprises/{world.other_code}/financing?purpose=credit_assessment&lang=en",
        headers=HTML,
    )
    assert page.status_code == 403
    assert 'id="refused"' in page.text


def test_the_map_page_shows_layers_checklists_path_and_policies_in_both_languages(
    world: AssessedWorld, client: TestClient
) -> None:
    sign_in(client, "lin")
    body = client.get(_financing(world.own_code)).json()
    chinese = client.get(f"/enterprises/{world.own_code}/financing", headers=HTML)
    english = client.get(f"/enterprises/{world.own_code}/financing?lang=en", headers=HTML)
    assert chinese.status_code == english.status_code == 200
    for layer in body["layers"]:
        assert f'id="layer-{layer["layer"]}"' in chinese.text
        for product in layer["products"]:
            assert f'data-product="{product["code"]}"' in chinese.text
            assert escape(product["name_zh"]) in chinese.text
            assert escape(product["name_en"]) in english.text
    for policy in body["entitled"] + body["apply_needed"]:
        assert f'data-policy="{policy["code"]}"' in chinese.text
    assert 'id="path"' in chinese.text
    assert 'data-unlock="' in chinese.text
    assert "Financing map" in english.text


def test_the_enterprise_and_assessment_pages_link_to_the_map(
    world: AssessedWorld, client: TestClient
) -> None:
    sign_in(client, "lin")
    profile = client.get(f"/enterprises/{world.own_code}", headers=HTML)
    assert f'href="/enterprises/{world.own_code}/financing"' in profile.text
    report = client.get(f"/enterprises/{world.own_code}/assessment", headers=HTML)
    assert f'href="/enterprises/{world.own_code}/financing"' in report.text
