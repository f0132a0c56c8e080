"""Financing needs over HTTP: a firm posts a need on the page, two banks pick it up and offer
through the API, the firm compares the offers side by side and accepts one; pages in both
languages; the notices page; a bad form names the field and stores nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kejin.bootstrap import Platform
from kejin.identity.model import TokenScope
from kejin.web.app import create_app
from tests.e2e.sessions import sign_in
from tests.factories import bearer
from tests.needs_world import World as NeedsWorld
from tests.needs_world import build_world


@dataclass(frozen=True)
class World:
    client: TestClient  # signed in as the firm's admin (lin)
    csrf: str
    needs: NeedsWorld
    banks: list[dict[str, str]]  # bearer headers of each bank's officer


@pytest.fixture
def world(platform: Platform, tmp_path: Path) -> Iterator[World]:
    needs = build_world(platform, tmp_path, banks=2)
    scopes = (TokenScope.NEEDS_READ, TokenScope.NEEDS_WRITE)
    banks = [bearer(platform, officer.user_id, *scopes) for officer in needs.officers]
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        csrf = sign_in(client, "lin")
        yield World(client, csrf, needs, banks)


def _post_form(world: World, **changes: str | list[str]) -> object:
    form: dict[str, str | list[str]] = {
        "csrf_token": world.csrf,
        "amount_wan": "500",
        "term_months": "36",
        "purpose": "clinical_trials",
        "purpose_text": "临床二期",
        "instruments": ["loan"],
        "mode": "open",
        "max_pickups": "2",
    }
    form.update(changes)
    return world.client.post("/needs", data=form, follow_redirects=False)


def _need_id(response: object) -> int:
    location = response.headers["location"]  # type: ignore[attr-defined]
    match = re.fullmatch(r"/needs/(\d+)", location)
    assert match, location
    return int(match.group(1))


def test_a_posted_need_gets_two_offers_compared_side_by_side_and_one_accepted(
    world: World,
) -> None:
    response = _post_form(world)
    assert response.status_code == 303  # type: ignore[attr-defined]
    need_id = _need_id(response)
    client = world.client
    for bank, headers in enumerate(world.banks):
        code = world.needs.loan(bank)
        picked = client.post(f"/api/v1/needs/{need_id}/pickup", json={"product_code": code},
                             headers=headers)  # fmt: skip
        assert picked.status_code == 201, picked.text
        pickup = picked.json()["pickups"][0]["id"]
        rate = "0.038" if bank == 0 else "0.045"
        offer = {
            "amount": "5000000",
            "term_months": 36,
            "annual_rate": rate,
            "guarantee_fee_rate": "0.01",
            "subsidy_share": "0.5",
            "valid_until": "2099-01-01",
        }
        made = client.post(f"/api/v1/pickups/{pickup}/offers", json=offer, headers=headers)
        assert made.status_code == 201, made.text
        assert len(made.json()["offers"]) == 1  # a bank sees its own offer only
    page = client.get(f"/needs/{need_id}?lang=en")
    assert page.status_code == 200
    assert page.text.count("data-offer=") == 2
    assert 'data-net="435000.00"' in page.text  # 570,000 interest − 285,000 subsidy + 150,000
    assert "Offers side by side" in page.text
    assert "报价对比" in client.get(f"/needs/{need_id}?lang=zh-CN").text
    offers = client.get(f"/api/v1/needs/{need_id}").json()["offers"]
    cheapest = min(offers, key=lambda o: float(o["total_cost"]))["id"]
    accepted = client.post(f"/needs/{need_id}/offers/{cheapest}/accept",
                           data={"csrf_token": world.csrf}, follow_redirects=False)  # fmt: skip
    assert accepted.status_code == 303
    final = client.get(f"/api/v1/needs/{need_id}").json()
    assert final["need"]["status"] == "accepted"
    assert sorted(o["status"] for o in final["offers"]) == ["accepted", "declined"]
    assert [e["event"] for e in final["events"]] == [
        "posted", "picked_up", "offered", "picked_up", "offered", "accepted",
    ]  # fmt: skip


def test_a_second_bank_on_an_exclusive_need_gets_409_and_the_need_is_unchanged(
    world: World,
) -> None:
    need_id = _need_id(_post_form(world, mode="exclusive", max_pickups="1"))
    client = world.client
    path = f"/api/v1/needs/{need_id}/pickup"
    first, second = (
        client.post(path, json={"product_code": world.needs.loan(b)}, headers=world.banks[b])
        for b in (0, 1)
    )
    assert (first.status_code, second.status_code) == (201, 409)
    assert second.json()["type"].endswith("already-picked-up")
    need = client.get(f"/api/v1/needs/{need_id}").json()["need"]
    assert (need["pickups"], need["version"]) == (1, 2)


def test_a_bad_need_form_names_the_field_in_both_languages_and_stores_nothing(
    world: World,
) -> None:
    world.client.get("/needs?lang=en")
    english = _post_form(world, instruments=[])
    assert english.status_code == 422  # type: ignore[attr-defined]
    assert 'data-field="instruments"' in english.text  # type: ignore[attr-defined]
    assert "Name at least one instrument" in english.text  # type: ignore[attr-defined]
    world.client.get("/needs?lang=zh-CN")
    chinese = _post_form(world, instruments=[])
    assert "请至少选择一种融资工具" in chinese.text  # type: ignore[attr-defined]
    assert world.client.get("/api/v1/needs").json()["total"] == 0
    assert 'id="financing-map"' in chinese.text  # type: ignore[attr-defined]


def test_the_workbench_and_notices_show_a_new_need_to_the_bank(
    world: World, platform: Platform
) -> None:
    need_id = _need_id(_post_form(world))
    with TestClient(create_app(platform)) as bank:
        csrf = sign_in(bank, "officer0")
        bench = bank.get("/workbench?lang=en")
        assert f'data-need="{need_id}"' in bench.text
        assert "Needs to pick up" in bench.text
        assert f'href="/workbench/products/{world.needs.loan(0)}/edit"' in bench.text
        notices = bank.get("/notifications?lang=zh-CN")
        assert "融资需求与贵机构的产品匹配" in notices.text
        assert f'href="/needs/{need_id}"' in notices.text
        form = {"csrf_token": csrf, "product_code": world.needs.loan(0)}
        picked = bank.post(f"/needs/{need_id}/pickup", data=form)
        assert picked.status_code == 200  # the need's page again, now with the offer form
        assert 'id="offer-form"' in picked.text
        assert "年利率（%）" in picked.text
        assert "Annual rate (%)" in bank.get(f"/needs/{need_id}?lang=en").text
