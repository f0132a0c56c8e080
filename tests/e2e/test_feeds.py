"""Reported values over HTTP: the API and the detail-page card, for analysts and admins only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kejin.bootstrap import Platform
from kejin.feeds.model import Department
from kejin.feeds.service import import_feed
from kejin.web.app import create_app
from tests.e2e.sessions import sign_in
from tests.factories import create_user, credit_code, seed_enterprises

STAFF_HEADER = "uscc,year,as_of,insured_staff"


@pytest.fixture
def code(platform: Platform, tmp_path: Path) -> str:
    """An enterprise whose 2025 staff count the social security office disputes."""
    [uscc] = seed_enterprises(platform, 1)
    feed = tmp_path / "staff.csv"
    feed.write_text(f"{STAFF_HEADER}\n{uscc},2025,2026-01-15,999\n", encoding="utf-8")
    import_feed(platform.uow, Department.SOCIAL_SECURITY, feed)
    for role in ("government_analyst", "bank_officer"):
        create_user(platform, role)
    return uscc


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform), raise_server_exceptions=False) as test_client:
        yield test_client


def test_an_analyst_reads_reported_values_with_the_conflict_flagged(
    client: TestClient, code: str
) -> None:
    sign_in(client, "government_analyst")
    body = client.get(f"/api/v1/enterprises/{code}/reported-values").json()

    assert body["conflicts"] == 1
    [field] = body["fields"]
    assert (field["field"], field["period"], field["conflict"]) == (
        "staff_years.total",
        "2025",
        True,
    )
    assert [(v["source"], v["in_registry"]) for v in field["values"]] == [
        ("factory", True),
        ("social_security", False),
    ]


def test_reported_values_are_refused_to_a_bank_officer_and_to_visitors(
    client: TestClient, code: str
) -> None:
    assert client.get(f"/api/v1/enterprises/{code}/reported-values").status_code == 401
    sign_in(client, "bank_officer")
    assert client.get(f"/api/v1/enterprises/{code}/reported-values").status_code == 403


def test_an_unknown_enterprise_is_a_404_problem(client: TestClient, code: str) -> None:
    sign_in(client, "government_analyst")
    response = client.get(f"/api/v1/enterprises/{credit_code(500)}/reported-values")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_the_detail_page_shows_the_card_to_an_analyst_only(client: TestClient, code: str) -> None:
    assert 'id="reported-values"' not in client.get(f"/enterprises/{code}").text
    sign_in(client, "government_analyst")
    page = client.get(f"/enterprises/{code}", headers={"Accept-Language": "en"}).text

    assert 'id="reported-values"' in page
    assert 'class="conflict"' in page
    assert "social_security" in page
    assert "999" in page
