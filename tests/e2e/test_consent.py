"""Consent over HTTP: the grant → read → revoke → refused lifecycle, both reads in the access
log, expiry, uncovered scopes, own users and public data; the consent centre pages. SQLite and
PostgreSQL (the `platform` fixture)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from kejin.bootstrap import Platform
from kejin.consent import service
from kejin.consent.model import DataScope
from kejin.identity.model import TokenScope
from kejin.web.app import create_app
from tests.e2e.sessions import form_csrf, sign_in
from tests.factories import (
    bearer,
    create_grant,
    create_user,
    credit_code,
    institution_of,
    principal,
    seed_enterprises,
)

HTML = {"accept": "text/html"}
FINANCIALS = "/api/v1/enterprises/{code}/financials?purpose=credit_assessment"


@dataclass(frozen=True)
class World:
    client: TestClient
    code: str  # the first enterprise, Lin's
    enterprise_id: int
    lin: int  # enterprise admin
    wang: int  # bank officer
    bank: int


@pytest.fixture
def world(platform: Platform) -> Iterator[World]:
    codes = seed_enterprises(platform, 3)
    lin = create_user(platform, "enterprise_admin", "lin")
    wang = create_user(platform, "bank_officer", "wang")
    enterprise_id = principal(platform, lin).enterprise_id
    assert enterprise_id is not None
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        yield World(client, codes[0], enterprise_id, lin, wang, institution_of(platform, wang))


def _tokens(platform: Platform, world: World) -> tuple[dict[str, str], dict[str, str]]:
    lin = bearer(platform, world.lin, TokenScope.CONSENT_READ, TokenScope.CONSENT_WRITE)
    wang = bearer(platform, world.wang, TokenScope.CONSENT_READ)
    return lin, wang


def test_grant_read_revoke_refused_and_both_reads_in_the_access_log(
    platform: Platform, world: World
) -> None:
    lin, wang = _tokens(platform, world)
    client, url = world.client, FINANCIALS.format(code=world.code)
    expires = (service.today() + timedelta(days=90)).isoformat()
    body = {"institution_id": world.bank, "scopes": ["financials"], "purpose": "credit_assessment"}
    created = client.post("/api/v1/consents", json=body | {"expires_on": expires}, headers=lin)
    assert created.status_code == 201
    allowed = client.get(url, headers=wang)
    assert allowed.status_code == 200
    assert allowed.json()["financials"][-1]["revenue"].count(".") == 1
    assert client.delete(f"/api/v1/consents/{created.json()['id']}", headers=lin).json()[
        "status"
    ] == ("revoked")
    refused = client.get(url, headers=wang | {"accept-language": "en"})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "financial data" in refused.json()["detail"]
    log = client.get(f"/api/v1/enterprises/{world.code}/access-log", headers=lin).json()
    reads = [(e["actor"], e["outcome"], e["scopes"]) for e in log["items"] if e["outcome"]]
    assert reads == [("wang", "refused", ["financials"]), ("wang", "allowed", ["financials"])]
    assert {e["purpose"] for e in log["items"]} == {"credit_assessment"}


def test_an_expired_grant_or_an_uncovered_scope_is_a_403(platform: Platform, world: World) -> None:
    _, wang = _tokens(platform, world)
    common = {"enterprise_id": world.enterprise_id, "granted_by": world.lin}
    create_grant(platform, **common, institution_id=world.bank, scopes=(DataScope.IP,))
    yesterday = service.today() - timedelta(days=1)
    create_grant(platform, **common, institution_id=world.bank, expires_on=yesterday)
    answer = world.client.get(FINANCIALS.format(code=world.code), headers=wang)
    assert answer.status_code == 403
    assert answer.json()["type"] == "/problems/consent-required"


def test_the_enterprises_own_user_always_reads(platform: Platform, world: World) -> None:
    lin, _ = _tokens(platform, world)
    answer = world.client.get(FINANCIALS.format(code=world.code), headers=lin)
    assert answer.status_code == 200
    assert len(answer.json()["financials"]) == 3


def test_public_data_needs_no_consent_and_consented_sections_are_withheld(world: World) -> None:
    body = world.client.get(f"/api/v1/enterprises/{world.code}").json()
    assert body["name"]
    assert body["certifications"]
    assert (body["financials"], body["staff"], body["ip_assets"], body["stage"]) == (
        [],
        [],
        [],
        None,
    )
    assert body["withheld"] == ["financials", "ip", "profile", "social_security"]


def test_an_access_log_is_only_for_the_enterprises_own_users(
    platform: Platform, world: World
) -> None:
    wang = bearer(platform, world.wang, TokenScope.CONSENT_READ)
    answer = world.client.get(f"/api/v1/enterprises/{world.code}/access-log", headers=wang)
    assert answer.status_code == 403


def test_a_grant_too_far_ahead_is_a_422_naming_the_field(platform: Platform, world: World) -> None:
    lin, _ = _tokens(platform, world)
    far = (service.today() + timedelta(days=800)).isoformat()
    body = {"institution_id": world.bank, "scopes": ["ip"], "purpose": "credit_assessment"}
    answer = world.client.post("/api/v1/consents", json=body | {"expires_on": far}, headers=lin)
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["expires_on"]


def test_the_consent_centre_grants_and_revokes_with_csrf(world: World) -> None:
    client = world.client
    sign_in(client, "lin")
    form = {
        "institution_id": str(world.bank),
        "scopes": ["financials", "ip"],
        "purpose": "credit_assessment",
        "expires_on": (service.today() + timedelta(days=30)).isoformat(),
    }
    forged = client.post("/consent/grants", data=form, headers=HTML, follow_redirects=False)
    assert forged.status_code == 403
    granted = client.post(
        "/consent/grants",
        data=form | {"csrf_token": form_csrf(client, "/consent")},
        follow_redirects=False,
    )
    assert granted.status_code == 303
    page = client.get("/consent", headers=HTML).text
    grant_id = re.search(r'data-grant="(\d+)" data-status="active"', page)
    assert grant_id is not None
    revoke = f"/consent/grants/{grant_id.group(1)}/revoke"
    client.post(revoke, data={"csrf_token": form_csrf(client, "/consent")}, follow_redirects=False)
    page = client.get("/consent?lang=en", headers=HTML).text
    assert 'data-status="revoked"' in page
    assert page.count('data-action="consent.') == 2


def test_a_bad_grant_form_shows_the_reasons(world: World) -> None:
    client = world.client
    sign_in(client, "lin")
    form = {
        "institution_id": str(world.bank),
        "purpose": "credit_assessment",
        "expires_on": service.today().isoformat(),
        "csrf_token": form_csrf(client, "/consent"),
    }
    page = client.post("/consent/grants?lang=en", data=form, headers=HTML)
    assert page.status_code == 422
    assert 'data-field="scopes"' in page.text
    assert 'data-field="expires_on"' in page.text


def test_the_bank_officer_sees_financials_on_the_page_only_with_consent(
    platform: Platform, world: World
) -> None:
    client = world.client
    sign_in(client, "wang")
    url = f"/enterprises/{world.code}"
    assert 'data-scope="financials"' in client.get(url, headers=HTML).text
    create_grant(
        platform, enterprise_id=world.enterprise_id, institution_id=world.bank, granted_by=world.lin
    )
    page = client.get(url, headers=HTML).text
    assert 'data-scope="financials"' not in page
    assert "tax_bureau" in page
    received = client.get("/consent", headers=HTML).text
    assert f"/enterprises/{world.code}" in received
    other = client.get(f"/enterprises/{credit_code(1)}", headers=HTML).text
    assert 'data-scope="financials"' in other
