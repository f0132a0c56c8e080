"""The route × role matrix: every route declares its access through `kejin.web.policy`, the
declaration matches the table below, and real requests by every role (and by anonymous
visitors) are allowed or refused accordingly. A new route missing from the table, or without a
declaration, fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Mount

from kejin.bootstrap import Platform
from kejin.identity.model import Principal, Role, TokenScope
from kejin.web.app import create_app
from kejin.web.policy import AccessRule, Decision, access_rule_of, app_routes
from tests.e2e.sessions import form_csrf, sign_in
from tests.factories import create_user, credit_code, seed_enterprises

PUBLIC = "public"
ANY = frozenset(Role)
PLATFORM = frozenset({Role.PLATFORM_ADMIN})
ADMINS = frozenset({Role.PLATFORM_ADMIN, Role.ENTERPRISE_ADMIN})
ENTERPRISE_ADMIN = frozenset({Role.ENTERPRISE_ADMIN})
ENTERPRISE_USERS = frozenset({Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_MEMBER})
REGION_STAFF = frozenset({Role.GOVERNMENT_ANALYST, Role.PLATFORM_ADMIN})
PROVIDERS = frozenset(
    {Role.BANK_OFFICER, Role.BANK_APPROVER, Role.FUND_MANAGER, Role.GOVERNMENT_ANALYST}
)
BANK_STAFF = frozenset({Role.BANK_OFFICER, Role.BANK_APPROVER})
CARD_READERS = BANK_STAFF | PLATFORM
DOCUMENT_UPLOADERS = frozenset({Role.PLATFORM_ADMIN, Role.GOVERNMENT_ANALYST})
ASSET_MOUNTS = {"/static", "/static/vendor/swagger-ui"}

# (method, path) → who may use it: PUBLIC, or the roles allowed (and the token scope, if any).
TABLE: dict[tuple[str, str], tuple[str | frozenset[Role], TokenScope | None]] = {
    ("GET", "/openapi.json"): (PUBLIC, None),
    ("GET", "/docs"): (PUBLIC, None),
    ("GET", "/static/vendor/plotly.min.js"): (PUBLIC, None),
    ("GET", "/"): (PUBLIC, None),
    ("GET", "/enterprises"): (PUBLIC, None),
    ("GET", "/enterprises/export.csv"): (PUBLIC, None),
    ("GET", "/enterprises/{uscc}"): (PUBLIC, None),
    ("GET", "/api/v1/enterprises"): (PUBLIC, None),
    ("GET", "/api/v1/enterprises/{uscc}"): (PUBLIC, None),
    ("GET", "/api/v1/region/summary"): (PUBLIC, None),
    ("GET", "/login"): (PUBLIC, None),
    ("POST", "/login"): (PUBLIC, None),
    ("GET", "/signup"): (PUBLIC, None),
    ("POST", "/signup"): (PUBLIC, None),
    ("GET", "/invitation"): (PUBLIC, None),
    ("POST", "/invitation"): (PUBLIC, None),
    ("POST", "/api/v1/signup"): (PUBLIC, None),
    ("GET", "/api/v1/me"): (ANY, None),
    ("GET", "/api/v1/tokens"): (ANY, None),
    ("POST", "/api/v1/tokens"): (ANY, None),
    ("DELETE", "/api/v1/tokens/{token_id}"): (ANY, None),
    ("GET", "/account/tokens"): (ANY, None),
    ("POST", "/account/tokens"): (ANY, None),
    ("POST", "/account/tokens/{token_id}/revoke"): (ANY, None),
    ("GET", "/api/v1/institutions"): (PLATFORM, TokenScope.ACCOUNTS_READ),
    ("POST", "/api/v1/institutions"): (PLATFORM, None),
    ("POST", "/api/v1/invitations"): (PLATFORM, None),
    ("POST", "/admin/institutions"): (PLATFORM, None),
    ("POST", "/admin/invitations"): (PLATFORM, None),
    ("GET", "/api/v1/users"): (ADMINS, TokenScope.ACCOUNTS_READ),
    ("POST", "/api/v1/users/{user_id}/deactivate"): (ADMINS, None),
    ("GET", "/admin/accounts"): (ADMINS, None),
    ("POST", "/admin/users/{user_id}/deactivate"): (ADMINS, None),
    ("POST", "/api/v1/members"): (ENTERPRISE_ADMIN, None),
    ("POST", "/admin/members"): (ENTERPRISE_ADMIN, None),
    ("GET", "/api/v1/audit"): (PLATFORM, TokenScope.AUDIT_READ),
    ("GET", "/api/v1/audit/verify"): (PLATFORM, TokenScope.AUDIT_READ),
    ("GET", "/audit"): (PLATFORM, None),
    ("POST", "/api/v1/consents"): (ENTERPRISE_ADMIN, TokenScope.CONSENT_WRITE),
    ("DELETE", "/api/v1/consents/{grant_id}"): (ENTERPRISE_ADMIN, TokenScope.CONSENT_WRITE),
    ("GET", "/api/v1/consents"): (ANY, TokenScope.CONSENT_READ),
    ("GET", "/api/v1/enterprises/{uscc}/financials"): (ANY, TokenScope.CONSENT_READ),
    ("GET", "/api/v1/enterprises/{uscc}/access-log"): (ENTERPRISE_USERS, TokenScope.CONSENT_READ),
    ("GET", "/consent"): (ANY, None),
    ("GET", "/api/v1/enterprises/{uscc}/reported-values"): (
        frozenset({Role.GOVERNMENT_ANALYST, Role.PLATFORM_ADMIN}),
        TokenScope.CONSENT_READ,
    ),
    ("GET", "/api/v1/enterprises/{uscc}/assessment"): (ANY, TokenScope.CONSENT_READ),
    ("GET", "/api/v1/assessment/region"): (REGION_STAFF, TokenScope.REGISTRY_READ),
    ("GET", "/api/v1/enterprises/{uscc}/credit"): (BANK_STAFF, TokenScope.CONSENT_READ),
    ("GET", "/api/v1/credit/model"): (CARD_READERS, TokenScope.REGISTRY_READ),
    ("GET", "/credit/model"): (CARD_READERS, None),
    ("GET", "/api/v1/credit/monitoring"): (CARD_READERS, TokenScope.REGISTRY_READ),
    ("GET", "/api/v1/credit/monitoring/{run_id}"): (CARD_READERS, TokenScope.REGISTRY_READ),
    ("GET", "/credit/monitoring"): (CARD_READERS, None),
    ("POST", "/credit/monitoring"): (PLATFORM, None),
    ("GET", "/enterprises/{uscc}/credit"): (BANK_STAFF, None),
    ("GET", "/api/v1/assessment/region/enterprises"): (REGION_STAFF, TokenScope.CONSENT_READ),
    ("GET", "/api/v1/assessment/runs/latest"): (ANY, TokenScope.REGISTRY_READ),
    ("GET", "/enterprises/{uscc}/assessment"): (ANY, None),
    ("GET", "/api/v1/enterprises/{uscc}/financing"): (ANY, TokenScope.CONSENT_READ),
    ("GET", "/api/v1/enterprises/{uscc}/financing/path"): (ANY, TokenScope.CONSENT_READ),
    ("GET", "/api/v1/enterprises/{uscc}/financing/unlock/{code}"): (ANY, TokenScope.CONSENT_READ),
    ("GET", "/enterprises/{uscc}/financing"): (ANY, None),
    ("GET", "/api/v1/financing/coverage"): (REGION_STAFF, TokenScope.REGISTRY_READ),
    ("GET", "/api/v1/financing/coverage/cell"): (REGION_STAFF, TokenScope.CONSENT_READ),
    ("GET", "/api/v1/policies/{code}/reach"): (REGION_STAFF, TokenScope.REGISTRY_READ),
    ("GET", "/api/v1/policies/{code}/entitled"): (REGION_STAFF, TokenScope.CONSENT_READ),
    ("GET", "/financing/coverage"): (REGION_STAFF, None),
    ("GET", "/financing/coverage/cell"): (REGION_STAFF, None),
    ("GET", "/financing/coverage/cell/export.csv"): (REGION_STAFF, None),
    ("GET", "/policies/{code}/reach"): (REGION_STAFF, None),
    ("GET", "/policies/{code}/reach/export.csv"): (REGION_STAFF, None),
    ("GET", "/assessment"): (REGION_STAFF, None),
    ("GET", "/assessment/enterprises"): (REGION_STAFF, None),
    ("GET", "/assessment/enterprises/export.csv"): (REGION_STAFF, None),
    ("POST", "/consent/grants"): (ENTERPRISE_ADMIN, None),
    ("POST", "/consent/grants/{grant_id}/revoke"): (ENTERPRISE_ADMIN, None),
    ("GET", "/marketplace"): (PUBLIC, None),
    ("GET", "/marketplace/export.csv"): (PUBLIC, None),
    ("GET", "/marketplace/compare"): (PUBLIC, None),
    ("GET", "/marketplace/products/{code}"): (PUBLIC, None),
    ("GET", "/policies"): (PUBLIC, None),
    ("GET", "/policies/{code}"): (PUBLIC, None),
    ("GET", "/api/v1/products"): (PUBLIC, None),
    ("GET", "/api/v1/products/{code}"): (PUBLIC, None),
    ("PUT", "/api/v1/products/{code}"): (PROVIDERS, TokenScope.PRODUCTS_WRITE),
    ("PATCH", "/api/v1/products/{code}"): (PROVIDERS, TokenScope.PRODUCTS_WRITE),
    ("GET", "/api/v1/policies"): (PUBLIC, None),
    ("GET", "/api/v1/policies/{code}"): (PUBLIC, None),
    ("PUT", "/api/v1/policies/{code}"): (PROVIDERS, TokenScope.PRODUCTS_WRITE),
    ("GET", "/workbench/products/{code}/edit"): (PROVIDERS, None),
    ("POST", "/workbench/products/{code}/edit"): (PROVIDERS, None),
    ("POST", "/api/v1/needs"): (ENTERPRISE_ADMIN, TokenScope.NEEDS_WRITE),
    ("GET", "/api/v1/needs"): (ANY, TokenScope.NEEDS_READ),
    ("GET", "/api/v1/needs/{need_id}"): (ANY, TokenScope.NEEDS_READ),
    ("POST", "/api/v1/needs/{need_id}/pickup"): (PROVIDERS, TokenScope.NEEDS_WRITE),
    ("POST", "/api/v1/pickups/{pickup_id}/release"): (PROVIDERS, TokenScope.NEEDS_WRITE),
    ("POST", "/api/v1/pickups/{pickup_id}/offers"): (PROVIDERS, TokenScope.NEEDS_WRITE),
    ("POST", "/api/v1/offers/{offer_id}/accept"): (ENTERPRISE_ADMIN, TokenScope.NEEDS_WRITE),
    ("POST", "/api/v1/offers/{offer_id}/decline"): (ENTERPRISE_ADMIN, TokenScope.NEEDS_WRITE),
    ("POST", "/api/v1/needs/{need_id}/withdraw"): (ENTERPRISE_ADMIN, TokenScope.NEEDS_WRITE),
    ("POST", "/api/v1/needs/{need_id}/close"): (ENTERPRISE_ADMIN, TokenScope.NEEDS_WRITE),
    ("GET", "/api/v1/workbench"): (PROVIDERS, TokenScope.NEEDS_READ),
    ("POST", "/api/v1/needs/sweep"): (PLATFORM, TokenScope.NEEDS_WRITE),
    ("GET", "/api/v1/notifications"): (ANY, TokenScope.NEEDS_READ),
    ("POST", "/api/v1/notifications/{notification_id}/read"): (ANY, TokenScope.NEEDS_WRITE),
    ("GET", "/needs"): (ANY, None),
    ("POST", "/needs"): (ENTERPRISE_ADMIN, None),
    ("GET", "/needs/{need_id}"): (ANY, None),
    ("POST", "/needs/{need_id}/pickup"): (PROVIDERS, None),
    ("POST", "/needs/{need_id}/pickups/{pickup_id}/offer"): (PROVIDERS, None),
    ("POST", "/needs/{need_id}/pickups/{pickup_id}/release"): (PROVIDERS, None),
    ("POST", "/needs/{need_id}/offers/{offer_id}/accept"): (ENTERPRISE_ADMIN, None),
    ("POST", "/needs/{need_id}/offers/{offer_id}/decline"): (ENTERPRISE_ADMIN, None),
    ("POST", "/needs/{need_id}/withdraw"): (ENTERPRISE_ADMIN, None),
    ("GET", "/workbench"): (PROVIDERS, None),
    ("GET", "/notifications"): (ANY, None),
    ("POST", "/notifications/read"): (ANY, None),
    ("GET", "/api/v1/documents/{external_id}/brief"): (ANY, None),
    ("GET", "/documents/{external_id}"): (ANY, None),
    ("GET", "/api/v1/search"): (ANY, TokenScope.REGISTRY_READ),
    ("GET", "/search"): (ANY, None),
    ("GET", "/search/export"): (ANY, None),
    ("GET", "/api/v1/documents"): (ANY, None),
    ("POST", "/api/v1/documents"): (DOCUMENT_UPLOADERS, None),
    ("GET", "/api/v1/documents/{external_id}"): (ANY, None),
    ("DELETE", "/api/v1/documents/{external_id}"): (PLATFORM, None),
    ("GET", "/api/v1/topics"): (ANY, TokenScope.REGISTRY_READ),
    ("POST", "/api/v1/topics"): (REGION_STAFF, None),
    ("GET", "/api/v1/topics/{slug}"): (ANY, TokenScope.REGISTRY_READ),
    ("PATCH", "/api/v1/topics/{slug}"): (REGION_STAFF, None),
    ("POST", "/api/v1/topics/{slug}/refresh"): (REGION_STAFF, None),
    ("GET", "/api/v1/topics/{slug}/digest"): (ANY, TokenScope.REGISTRY_READ),
    ("GET", "/topics"): (ANY, None),
    ("POST", "/topics"): (REGION_STAFF, None),
    ("GET", "/topics/{slug}"): (ANY, None),
    ("POST", "/topics/{slug}"): (REGION_STAFF, None),
    ("POST", "/logout"): (ANY, None),  # last: it ends the session
}
UPLOADS = {"/api/v1/documents"}  # multipart file uploads


def _routes(app: FastAPI) -> Iterator[tuple[str, str, BaseRoute]]:
    for route in app_routes(app.routes):
        if not isinstance(route, Mount):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, route.path, route


def _expected(method: str, path: str, principal: Principal | None) -> Decision:
    who, scope = TABLE[(method, path)]
    if who == PUBLIC:
        return Decision.ALLOW
    if principal is None:
        return Decision.SIGN_IN
    allowed = principal.role in who and (
        principal.scopes is None or (scope is not None and scope.value in principal.scopes)
    )
    return Decision.ALLOW if allowed else Decision.FORBID


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app(Platform.__new__(Platform))


def test_every_route_declares_its_access_and_is_in_the_table(app: FastAPI) -> None:
    routes = {(method, path): route for method, path, route in _routes(app)}
    undeclared = sorted(key for key, route in routes.items() if access_rule_of(route) is None)
    assert undeclared == [], "routes without an access declaration"
    assert sorted(set(routes) - set(TABLE)) == [], "routes missing from the policy table"
    assert sorted(set(TABLE) - set(routes)) == [], "table rows for routes that do not exist"
    mounts = {route.path for route in app.routes if isinstance(route, Mount)}
    assert mounts == ASSET_MOUNTS


PRINCIPALS: list[Principal | None] = [None] + [
    Principal(1, role.value, role, scopes=scopes)
    for role in Role
    for scopes in (None, frozenset(TokenScope), frozenset())
]


@pytest.mark.parametrize(
    "principal",
    PRINCIPALS,
    ids=lambda p: f"{p.role}-{p.scopes is not None and len(p.scopes)}" if p else "anonymous",
)
def test_declarations_match_the_table_for_every_role_and_token(
    app: FastAPI, principal: Principal | None
) -> None:
    for method, path, route in _routes(app):
        rule = access_rule_of(route)
        assert isinstance(rule, AccessRule), (method, path)
        assert rule.decide(principal) is _expected(method, path, principal), (method, path)


def _request(client: TestClient, method: str, path: str, csrf: str) -> int:
    url = re.sub(r"\{uscc\}", credit_code(0), path)
    url = re.sub(r"\{[a-z_]+\}", "999999", url)
    if method == "GET":
        return client.get(url).status_code
    if url.startswith("/api/"):
        headers = {"X-CSRF-Token": csrf}
        if method == "DELETE":
            return client.delete(url, headers=headers).status_code
        if url in UPLOADS:
            return client.post(url, files={"file": ("e.txt", b"")}, headers=headers).status_code
        return client.request(method, url, json={}, headers=headers).status_code
    return client.request(method, url, data={"csrf_token": csrf}).status_code


@pytest.mark.parametrize("role", [None, *Role], ids=str)
def test_every_role_is_allowed_or_refused_over_http(platform: Platform, role: Role | None) -> None:
    seed_enterprises(platform, 1)
    create_user(platform, "platform_admin", login="someone_else")
    app = create_app(platform)
    with TestClient(app, raise_server_exceptions=False) as client:
        principal = None
        if role is None:
            csrf = form_csrf(client)
        else:
            create_user(platform, role.value)
            csrf = sign_in(client, role.value)
            principal = Principal(0, role.value, role)
        for method, path, _ in sorted(_routes(app), key=lambda r: r[1] == "/logout"):
            status = _request(client, method, path, csrf)
            expected = _expected(method, path, principal)
            if expected is Decision.ALLOW:
                assert status not in (401, 403, 500), (method, path, status)
            else:
                wanted = 401 if expected is Decision.SIGN_IN else 403
                assert status == wanted, (method, path, status)
