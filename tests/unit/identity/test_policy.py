"""The access decision table of `kejin.web.policy`, and the request guards and settings."""

from __future__ import annotations

import pytest

from kejin.config import DEVELOPMENT_SECRET, InsecureSettings, Settings
from kejin.identity.model import Principal, Role, TokenScope
from kejin.web.guards import MAX_BODY_BYTES, refusal
from kejin.web.policy import AccessRule, Decision

OFFICER = Principal(user_id=1, login="o", role=Role.BANK_OFFICER, institution_id=1)
TOKEN = Principal(1, "o", Role.BANK_OFFICER, 1, scopes=frozenset({"consent:read"}))
OFFICERS = AccessRule(roles=frozenset({Role.BANK_OFFICER}), scope=TokenScope.CONSENT_READ)


@pytest.mark.parametrize(
    ("rule", "principal", "decision"),
    [
        (AccessRule(public=True), None, Decision.ALLOW),
        (AccessRule(public=True), TOKEN, Decision.ALLOW),
        (AccessRule(), None, Decision.SIGN_IN),
        (AccessRule(), OFFICER, Decision.ALLOW),
        (AccessRule(), TOKEN, Decision.FORBID),  # no scope named: sessions only
        (OFFICERS, OFFICER, Decision.ALLOW),
        (OFFICERS, TOKEN, Decision.ALLOW),
        (OFFICERS, None, Decision.SIGN_IN),
        (AccessRule(roles=frozenset({Role.PLATFORM_ADMIN})), OFFICER, Decision.FORBID),
        (AccessRule(roles=frozenset({Role.BANK_OFFICER}), scope=TokenScope.AUDIT_READ), TOKEN,
         Decision.FORBID),
    ],
)
def test_access_decisions(rule: AccessRule, principal: Principal | None, decision: Decision) -> None:
    assert rule.decide(principal) is decision


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "/", {}, None),
        ("POST", "/api/v1/signup", {"content-length": "2", "content-type": "application/json"}, None),
        ("POST", "/login", {"content-length": "9", "content-type": "application/x-www-form-urlencoded"}, None),
        ("POST", "/login", {"content-length": str(MAX_BODY_BYTES + 1)}, 413),
        ("POST", "/api/v1/signup", {"content-length": "5", "content-type": "text/plain"}, 415),
        ("POST", "/login", {"content-length": "5", "content-type": "application/json"}, 415),
        ("POST", "/login", {"transfer-encoding": "chunked"}, 411),
        ("POST", "/logout", {"content-length": "0"}, None),
    ],
)
def test_request_guards(method: str, path: str, headers: dict[str, str], status: int | None) -> None:
    refused = refusal(method, path, headers)
    assert (refused.status if refused else None) == status


def test_production_refuses_the_development_secret(tmp_path: object) -> None:
    with pytest.raises(InsecureSettings, match="KEJIN_SECRET_KEY"):
        Settings(data_dir=tmp_path, database_url="sqlite://", env="production")  # type: ignore[arg-type]
    with pytest.raises(InsecureSettings):
        Settings(tmp_path, "sqlite://", "production", secret_key=DEVELOPMENT_SECRET)  # type: ignore[arg-type]
    assert Settings(tmp_path, "sqlite://", "production", secret_key="s" * 40).env == "production"  # type: ignore[arg-type]
    assert Settings(tmp_path, "sqlite://", "development").secret_key == DEVELOPMENT_SECRET  # type: ignore[arg-type]
