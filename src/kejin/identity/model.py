"""Pure identity vocabulary: institution kinds, roles, and which roles belong where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from kejin.core.i18n import N_


class InstitutionKind(StrEnum):
    BANK = "bank"  # 银行
    GUARANTOR = "guarantor"  # 融资担保机构
    INSURER = "insurer"  # 保险机构
    FUND_MANAGER = "fund_manager"  # 基金管理人
    GOVERNMENT_OFFICE = "government_office"  # 科技金融主管部门
    PLATFORM_OPERATOR = "platform_operator"  # 平台运营方


class Role(StrEnum):
    ENTERPRISE_ADMIN = "enterprise_admin"  # 企业管理员
    ENTERPRISE_MEMBER = "enterprise_member"  # 企业成员
    BANK_OFFICER = "bank_officer"  # 客户经理
    BANK_APPROVER = "bank_approver"  # 审批人
    FUND_MANAGER = "fund_manager"  # 基金经理
    GOVERNMENT_ANALYST = "government_analyst"  # 政府分析员
    PLATFORM_ADMIN = "platform_admin"  # 平台管理员


ENTERPRISE_ROLES = frozenset({Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_MEMBER})

# The institution kinds whose staff may hold each institutional role.
ROLE_INSTITUTIONS: dict[Role, frozenset[InstitutionKind]] = {
    Role.BANK_OFFICER: frozenset(
        {InstitutionKind.BANK, InstitutionKind.GUARANTOR, InstitutionKind.INSURER}
    ),
    Role.BANK_APPROVER: frozenset(
        {InstitutionKind.BANK, InstitutionKind.GUARANTOR, InstitutionKind.INSURER}
    ),
    Role.FUND_MANAGER: frozenset({InstitutionKind.FUND_MANAGER}),
    Role.GOVERNMENT_ANALYST: frozenset({InstitutionKind.GOVERNMENT_OFFICE}),
    Role.PLATFORM_ADMIN: frozenset({InstitutionKind.PLATFORM_OPERATOR}),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: a signed-in user (web session or API token) as services see them."""

    user_id: int
    login: str
    role: Role
    institution_id: int | None = None
    enterprise_id: int | None = None
    scopes: frozenset[str] | None = None  # an API token's scopes; None for a web session

    @property
    def is_enterprise_user(self) -> bool:
        return self.role in ENTERPRISE_ROLES


class TokenScope(StrEnum):
    """What a machine client's API token may do; a route that names no scope refuses tokens."""

    REGISTRY_READ = "registry:read"  # enterprise registry data
    CONSENT_READ = "consent:read"  # consented enterprise data and grants
    CONSENT_WRITE = "consent:write"  # grant and revoke (enterprise users)
    FEEDS_WRITE = "feeds:write"  # department feed imports
    AUDIT_READ = "audit:read"  # the audit log (platform admins)
    ACCOUNTS_READ = "accounts:read"  # institutions and users (admins)
    PRODUCTS_WRITE = "products:write"  # save your institution's financing products
    NEEDS_READ = "needs:read"  # financing needs, offers, the workbench and notices
    NEEDS_WRITE = "needs:write"  # post, pick up, offer, accept and decline


MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
LOGIN_FAILURES_BEFORE_LOCK = 5  # per login name within the window
CLIENT_FAILURES_BEFORE_THROTTLE = 20  # per client address within the window
LOCKOUT = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=2)
SESSION_ABSOLUTE = timedelta(hours=12)
INVITATION_VALIDITY = timedelta(days=7)
TOKEN_PREFIX = "kejin"  # noqa: S105 - a public marker, not a secret
TOKEN_ID_LENGTH = 8


def password_problems(login: str, password: str) -> list[str]:
    """Why `password` is unacceptable for `login` (message ids); empty when it is fine."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(N_("must be at least {min_length} characters"))
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(N_("must be at most {max_length} characters"))
    if password.strip().casefold() == login.strip().casefold():
        problems.append(N_("must not be the login name"))
    return problems


def locked_until(failures: list[datetime], now: datetime, limit: int) -> datetime | None:
    """When a throttle lifts, given the failure times inside the window; None when open.

    `limit` failures within `LOCKOUT` of each other close it until `LOCKOUT` after the last.
    """
    recent = sorted(moment for moment in failures if moment > now - LOCKOUT)
    if len(recent) < limit:
        return None
    return recent[-1] + LOCKOUT


def session_expired(created_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
    """A session ends after `SESSION_IDLE` without use or `SESSION_ABSOLUTE` after sign-in."""
    return now - last_seen_at > SESSION_IDLE or now - created_at > SESSION_ABSOLUTE


def format_api_token(token_id: str, secret: str) -> str:
    """The text a machine client presents: `kejin_<id>_<secret>`."""
    return f"{TOKEN_PREFIX}_{token_id}_{secret}"


def parse_api_token(text: str) -> tuple[str, str] | None:
    """`(id, secret)` of a well-formed API token text, else None."""
    parts = text.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token_id, secret = parts[1], parts[2]
    if len(token_id) != TOKEN_ID_LENGTH or not token_id.isalnum() or len(secret) < 32:
        return None
    return token_id, secret


def role_fits_institution(role: Role, kind: InstitutionKind) -> bool:
    """Whether staff of an institution of `kind` may hold `role`."""
    return kind in ROLE_INSTITUTIONS.get(role, frozenset())


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC time (SQLite hands back naive values)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
