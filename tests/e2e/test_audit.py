"""The audit API and viewer page through the test client, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from kejin.audit import service
from kejin.audit.repository import ENTRIES
from kejin.bootstrap import Platform
from kejin.web.app import create_app
from tests.e2e.sessions import sign_in
from tests.factories import create_user
from tests.tampering import tampering

ENTRIES_SEEDED = 30


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with platform.uow() as work:
        for number in range(1, ENTRIES_SEEDED + 1):
            service.record(
                work.session,
                actor="wang.officer" if number % 3 else "system:import",
                action="enterprise.read" if number % 2 else "consent.grant",
                subject_type="enterprise",
                subject_id=str(number % 5),
                purpose="贷前调查",
                detail={"scope": "financials"},
            )
        work.commit()
    create_user(platform, "platform_admin")
    create_user(platform, "bank_officer")
    with TestClient(create_app(platform), raise_server_exceptions=False) as test_client:
        sign_in(test_client, "platform_admin")
        yield test_client


def test_the_api_lists_entries_newest_first_a_page_at_a_time(client: TestClient) -> None:
    params = {"subject_type": "enterprise", "size": 7, "page": 2}
    body = client.get("/api/v1/audit", params=params).json()
    assert (body["total"], body["pages"]) == (ENTRIES_SEEDED, 5)
    assert [item["seq"] for item in body["items"]] == list(range(23, 16, -1))
    assert body["items"][0]["recorded_at"].endswith(("Z", "+00:00"))


def test_the_api_filters_by_actor_action_and_subject(client: TestClient) -> None:
    params = {"actor": "system:import", "action": "enterprise.read", "subject_id": "3"}
    body = client.get("/api/v1/audit", params=params).json()
    assert [item["seq"] for item in body["items"]] == [3]


def test_the_api_filters_by_utc_day_inclusive(client: TestClient) -> None:
    today = client.get("/api/v1/audit", params={"size": 1}).json()["items"][0]["recorded_at"][:10]
    seeded = {"subject_type": "enterprise"}
    within = client.get("/api/v1/audit", params={**seeded, "since": today, "until": today}).json()
    before = client.get("/api/v1/audit", params={**seeded, "until": "2000-01-01"}).json()
    assert (within["total"], before["total"]) == (ENTRIES_SEEDED, 0)


def test_a_reversed_date_range_is_a_clear_422(client: TestClient) -> None:
    answer = client.get("/api/v1/audit", params={"since": "2026-02-01", "until": "2026-01-01"})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_the_api_verifies_the_chain_and_names_an_edited_entry(
    client: TestClient, platform: Platform
) -> None:
    assert client.get("/api/v1/audit/verify").json()["ok"] is True
    with tampering(platform) as conn:
        conn.execute(update(ENTRIES).where(ENTRIES.c.seq == 12).values(subject_id="x"))
    report = client.get("/api/v1/audit/verify").json()
    assert (report["ok"], report["first_bad_seq"], report["checked"]) == (False, 12, 11)


def test_the_viewer_page_shows_filters_rows_and_verifies_on_request(client: TestClient) -> None:
    page = client.get("/audit", params={"action": "consent.grant", "size": 10})
    assert page.status_code == 200
    assert page.text.count('data-seq="') == 10
    assert 'data-verify="none"' in page.text
    verified = client.get("/audit", params={"verify": 1, "lang": "zh-CN"})
    assert 'data-verify="ok"' in verified.text


def test_only_platform_admins_reach_the_log(platform: Platform, client: TestClient) -> None:
    assert 'href="/audit"' in client.get("/").text
    client.cookies.clear()
    assert client.get("/api/v1/audit").status_code == 401
    page = client.get("/audit", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.headers["location"].startswith("/login")
    sign_in(client, "bank_officer")
    assert client.get("/api/v1/audit").status_code == 403
    assert client.get("/api/v1/audit/verify").status_code == 403
    assert client.get("/audit").status_code == 403
    assert 'href="/audit"' not in client.get("/").text
