"""Authentication over HTTP: login and logout, CSRF, session fixation, throttling, API tokens,
secrets kept out of logs, and bad input answered with a clear 4xx (never a 500)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from kejin.bootstrap import Platform
from kejin.identity.orm import ApiTokenRow
from kejin.identity.service import now
from kejin.web.app import create_app
from kejin.web.auth import SESSION_COOKIE
from tests.e2e.sessions import form_csrf, sign_in
from tests.factories import PASSWORD, create_user

PAGE = {"Accept": "text/html"}
DOMAIN = "testserver.local"


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    for role in ("platform_admin", "bank_officer", "enterprise_admin"):
        create_user(platform, role)
    with TestClient(create_app(platform), raise_server_exceptions=False) as test_client:
        yield test_client


def test_sign_in_sets_a_protected_cookie_and_sign_out_ends_the_session(client: TestClient) -> None:
    csrf = form_csrf(client)
    response = client.post("/login", data={"login": "bank_officer", "password": PASSWORD,
                                           "csrf_token": csrf, "next": "/account/tokens"},
                           follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/account/tokens")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert client.get("/api/v1/me").json()["login"] == "bank_officer"
    session_csrf = form_csrf(client, "/account/tokens")
    assert client.post("/logout", data={"csrf_token": session_csrf},
                       follow_redirects=False).status_code == 303
    assert client.get("/api/v1/me").status_code == 401


def test_a_wrong_password_and_an_unknown_login_get_the_same_answer(client: TestClient) -> None:
    answers = set()
    for login in ("bank_officer", "nobody"):
        response = client.post("/login", data={"login": login, "password": "not the password",
                                               "csrf_token": form_csrf(client)}, headers=PAGE)
        answers.add((response.status_code, "Wrong login or password" in response.text
                     or "登录名或密码错误" in response.text))
    assert answers == {(401, True)}


def test_after_five_failures_even_the_right_password_is_refused(client: TestClient) -> None:
    for _ in range(5):
        client.post("/login", data={"login": "bank_officer", "password": "not the password",
                                    "csrf_token": form_csrf(client)})
    response = client.post("/login", data={"login": "bank_officer", "password": PASSWORD,
                                           "csrf_token": form_csrf(client)})
    assert response.status_code == 429


def test_forms_without_the_csrf_token_are_refused(client: TestClient) -> None:
    assert client.post("/login", data={"login": "bank_officer",
                                       "password": PASSWORD}).status_code == 403
    sign_in(client, "platform_admin")
    refused = client.post("/admin/institutions", data={"name": "Bank", "kind": "bank"})
    assert refused.status_code == 403
    assert refused.json()["type"] == "/problems/csrf"
    forged = client.post("/admin/institutions",
                         data={"name": "Bank", "kind": "bank", "csrf_token": "forged"})
    assert forged.status_code == 403
    assert client.post("/logout").status_code == 403


def test_cookie_authenticated_api_writes_need_the_csrf_header(client: TestClient) -> None:
    csrf = sign_in(client, "bank_officer")
    body = {"name": "batch", "scopes": ["consent:read"]}
    assert client.post("/api/v1/tokens", json=body).status_code == 403
    assert client.post("/api/v1/tokens", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201


def test_a_planted_session_id_is_never_adopted_at_sign_in(client: TestClient) -> None:
    planted = "attacker-chosen-session-id"
    client.cookies.set(SESSION_COOKIE, planted, domain=DOMAIN)
    sign_in(client, "bank_officer")
    assert client.cookies.get(SESSION_COOKIE) not in (None, planted)
    attacker = TestClient(client.app, raise_server_exceptions=False)
    attacker.cookies.set(SESSION_COOKIE, planted)
    assert attacker.get("/api/v1/me").status_code == 401


def test_signing_in_again_retires_the_previous_session_id(client: TestClient) -> None:
    sign_in(client, "bank_officer")
    before = client.cookies.get(SESSION_COOKIE)
    sign_in(client, "bank_officer")
    assert client.cookies.get(SESSION_COOKIE) != before
    stale = TestClient(client.app, raise_server_exceptions=False)
    stale.cookies.set(SESSION_COOKIE, before or "")
    assert stale.get("/api/v1/me").status_code == 401


def test_pages_send_anonymous_visitors_to_the_login_page(client: TestClient) -> None:
    response = client.get("/admin/accounts?x=1", headers=PAGE, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fadmin%2Faccounts%3Fx%3D1"
    assert client.get("/admin/accounts").status_code == 401


def _token(client: TestClient, scopes: list[str]) -> dict[str, str | int]:
    csrf = sign_in(client, "platform_admin")
    body = {"name": "machine", "scopes": scopes, "days": 7}
    issued = client.post("/api/v1/tokens", json=body, headers={"X-CSRF-Token": csrf}).json()
    client.cookies.clear()
    return issued


def test_api_tokens_are_limited_by_their_scopes(client: TestClient) -> None:
    token = _token(client, ["accounts:read"])
    bearer = {"Authorization": f"Bearer {token['token']}"}
    assert client.get("/api/v1/users", headers=bearer).status_code == 200
    assert client.post("/api/v1/institutions", json={"name": "B", "kind": "bank"},
                       headers=bearer).status_code == 403
    assert client.get("/api/v1/tokens", headers=bearer).status_code == 403


def test_revoked_and_expired_tokens_are_refused(client: TestClient, platform: Platform) -> None:
    token = _token(client, ["accounts:read"])
    bearer = {"Authorization": f"Bearer {token['token']}"}
    with platform.uow() as uow:
        uow.session.execute(update(ApiTokenRow).values(expires_at=now() - timedelta(seconds=1)))
        uow.commit()
    expired = client.get("/api/v1/users", headers=bearer)
    assert (expired.status_code, expired.headers["www-authenticate"]) == (401, "Bearer")
    assert "expired" in expired.json()["detail"] or "过期" in expired.json()["detail"]
    csrf = sign_in(client, "platform_admin")
    client.delete(f"/api/v1/tokens/{token['id']}", headers={"X-CSRF-Token": csrf})
    client.cookies.clear()
    assert client.get("/api/v1/users", headers=bearer).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer kejin_short", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000,
     "Bearer kejin_abcdefgh_" + "y" * 43],
)
def test_malformed_tokens_get_a_clear_401(client: TestClient, header: str) -> None:
    response = client.get("/api/v1/users", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"]


def test_forged_cookies_are_treated_as_anonymous(client: TestClient) -> None:
    client.cookies.set(SESSION_COOKIE, "forged-" + "A" * 4000)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/").status_code == 200


def test_oversized_and_mistyped_bodies_get_413_and_415(client: TestClient) -> None:
    too_big = client.post("/api/v1/signup", content=b"x" * (1024 * 1024 + 1),
                          headers={"content-type": "application/json"})
    assert too_big.status_code == 413
    assert too_big.json()["detail"]
    mistyped = client.post("/api/v1/signup", content=b"uscc=1", headers={"content-type": "text/plain"})
    assert mistyped.status_code == 415
    assert client.post("/login", json={"login": "x"}).status_code == 415
    assert client.post("/api/v1/signup", content=b"{not json",
                       headers={"content-type": "application/json"}).status_code == 422


def test_no_password_or_token_reaches_the_logs(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client.post("/login", data={"login": "bank_officer", "password": "wrong but secret-ish",
                                "csrf_token": form_csrf(client)})
    token = _token(client, ["accounts:read"])
    client.get("/api/v1/users", headers={"Authorization": f"Bearer {token['token']}"})
    logged = caplog.text
    assert PASSWORD not in logged
    assert "wrong but secret-ish" not in logged
    assert str(token["token"]) not in logged
