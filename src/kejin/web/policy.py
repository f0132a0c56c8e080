"""The one policy point: every route declares who may use it, and only here is that decided.

A route declares access with one of three dependencies:

- `Depends(public)` — anyone, signed in or not (public registry data, the login page);
- `Depends(signed_in)` — any signed-in person (web session);
- `Depends(allow(Role.BANK_OFFICER, Role.BANK_APPROVER, scope=TokenScope.CONSENT_READ))` —
  the listed roles; a machine client's API token also needs `scope` among its scopes.

API tokens reach only routes that name a scope (or public ones). Not signed in → 401 (pages
redirect to the login page); signed in but not allowed → 403. Each dependency also checks the
CSRF token of state-changing requests, so no form or cookie-authenticated API call escapes it.
The dependency returns the `Principal` (None on public routes for anonymous visitors).
`tests/e2e/test_route_policy.py` walks every route and fails on one without a declaration.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fastapi.dependencies.models import Dependant
from starlette.requests import Request
from starlette.routing import BaseRoute

from kejin.core.errors import PermissionDenied
from kejin.identity.errors import NotSignedIn
from kejin.identity.model import Principal, Role, TokenScope
from kejin.web.auth import check_csrf, current_principal

ACCESS_ATTRIBUTE = "kejin_access_rule"


class Decision(StrEnum):
    ALLOW = "allow"
    SIGN_IN = "sign_in"  # 401
    FORBID = "forbid"  # 403


@dataclass(frozen=True, slots=True)
class AccessRule:
    """Who may use a route. `roles` empty means any signed-in role."""

    public: bool = False
    roles: frozenset[Role] = frozenset()
    scope: TokenScope | None = None

    def decide(self, principal: Principal | None) -> Decision:
        if self.public:
            return Decision.ALLOW
        if principal is None:
            return Decision.SIGN_IN
        if self.roles and principal.role not in self.roles:
            return Decision.FORBID
        if principal.scopes is not None and (
            self.scope is None or self.scope.value not in principal.scopes
        ):
            return Decision.FORBID
        return Decision.ALLOW


async def _enforce(rule: AccessRule, request: Request) -> Principal | None:
    principal = current_principal(request)
    decision = rule.decide(principal)
    if decision is Decision.SIGN_IN:
        raise NotSignedIn("Sign in to continue")
    if decision is Decision.FORBID:
        raise PermissionDenied("You do not have access to this page or action")
    await check_csrf(request)
    return principal


def _marked(dependency: Callable[..., Any], rule: AccessRule) -> None:
    setattr(dependency, ACCESS_ATTRIBUTE, rule)


def allow(
    *roles: Role, scope: TokenScope | None = None
) -> Callable[[Request], Awaitable[Principal]]:
    """Access for the listed roles (any signed-in role when none is listed)."""
    rule = AccessRule(roles=frozenset(roles), scope=scope)

    async def require_role(request: Request) -> Principal:
        principal = await _enforce(rule, request)
        assert principal is not None  # _enforce raised for anonymous visitors
        return principal

    _marked(require_role, rule)
    return require_role


async def public(request: Request) -> Principal | None:
    """Access for everyone; the visitor's principal, if signed in."""
    return await _enforce(PUBLIC, request)


PUBLIC = AccessRule(public=True)
_marked(public, PUBLIC)
signed_in = allow()


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for child in dependant.dependencies:
        yield from _dependants(child)


def access_rule_of(route: BaseRoute) -> AccessRule | None:
    """The access a route declared (through its dependencies), or None when it declared none."""
    dependant: Dependant | None = getattr(route, "dependant", None)
    if dependant is None:
        return None
    for each in _dependants(dependant):
        rule = getattr(each.call, ACCESS_ATTRIBUTE, None)
        if isinstance(rule, AccessRule):
            return rule
    return None
