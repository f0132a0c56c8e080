"""Pure consent rules: data scopes, grant purposes, grant liveness and validation, the access
decision, and the split of an enterprise's data into public and consented parts.

A grant (授权) lets one institution read some scopes of one enterprise's data for one purpose
until its expiry date (inclusive, in the platform's time zone). Nothing here touches a database;
the service feeds these functions the grants it loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from kejin.core.errors import FieldProblem
from kejin.core.i18n import N_
from kejin.identity.model import Principal

# The longest a grant may run; a longer relationship renews its consent.
MAX_GRANT_DURATION = timedelta(days=366)


class DataScope(StrEnum):
    """What part of an enterprise's data a grant opens (数据范围)."""

    PROFILE = "profile"  # 企业画像（非公开部分）
    FINANCIALS = "financials"  # 财务数据
    TAX = "tax"  # 纳税数据
    SOCIAL_SECURITY = "social_security"  # 社保数据
    IP = "ip"  # 知识产权明细
    CREDIT_HISTORY = "credit_history"  # 信贷记录
    ASSESSMENT = "assessment"  # 评价结果


class GrantPurpose(StrEnum):
    """Why an institution may read (授权用途); a read names its purpose and must match."""

    CREDIT_ASSESSMENT = "credit_assessment"  # 授信评估
    POST_LOAN_MONITORING = "post_loan_monitoring"  # 贷后管理
    GUARANTEE_REVIEW = "guarantee_review"  # 担保审查
    INSURANCE_UNDERWRITING = "insurance_underwriting"  # 保险承保
    INVESTMENT_DUE_DILIGENCE = "investment_due_diligence"  # 投资尽职调查
    POLICY_SUPPORT = "policy_support"  # 政策兑现


class GrantStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


# The public/consented split of the enterprise record, section by section. Public sections are
# registry basics and facts the issuing authority publishes (公示); every other section opens
# only with its scope. Stage is derived from revenue, so it travels with the financials.
PUBLIC_SECTIONS = (
    "uscc",
    "name",
    "region",
    "industry_code",
    "cluster",
    "emerging_industry",
    "founded_on",
    "certifications",
    "standards",
    "awards",
    "rd_institutions",
)
CONSENTED_SECTIONS: dict[str, DataScope] = {
    "financials": DataScope.FINANCIALS,
    "stage": DataScope.FINANCIALS,
    "staff": DataScope.SOCIAL_SECURITY,
    "ip_assets": DataScope.IP,
    "funding_rounds": DataScope.PROFILE,
    "compliance_flags": DataScope.PROFILE,
}


@dataclass(frozen=True, slots=True)
class ConsentGrant:
    """A grant as the rules see it."""

    id: int
    enterprise_id: int
    institution_id: int
    scopes: frozenset[DataScope]
    purpose: str
    granted_at: datetime
    expires_on: date
    revoked_at: datetime | None = None

    def status_on(self, today: date) -> GrantStatus:
        if self.revoked_at is not None:
            return GrantStatus.REVOKED
        return GrantStatus.ACTIVE if today <= self.expires_on else GrantStatus.EXPIRED

    def is_live(self, today: date) -> bool:
        return self.status_on(today) is GrantStatus.ACTIVE

    def covers(self, scope: DataScope, purpose: str, today: date) -> bool:
        """Live, opening `scope`, and granted for `purpose`."""
        return self.is_live(today) and scope in self.scopes and self.purpose == purpose


@dataclass(frozen=True, slots=True)
class AccessDecision:
    """The outcome of one read check: allowed or not, why, and through which grant."""

    allowed: bool
    reason: str  # "own_enterprise", "grant", "no_grant", "no_institution"
    grant_id: int | None = None


def is_own_enterprise(principal: Principal, enterprise_id: int) -> bool:
    """The principal is a user of the enterprise whose data is read."""
    return principal.is_enterprise_user and principal.enterprise_id == enterprise_id


def decide(
    principal: Principal,
    enterprise_id: int,
    scope: DataScope,
    purpose: str,
    *,
    grants: Iterable[ConsentGrant],
    today: date,
) -> AccessDecision:
    """Whether `principal` may read `scope` of the enterprise for `purpose`, given the grants
    of that enterprise to the principal's institution."""
    if is_own_enterprise(principal, enterprise_id):
        return AccessDecision(allowed=True, reason="own_enterprise")
    if principal.is_enterprise_user or principal.institution_id is None:
        return AccessDecision(allowed=False, reason="no_institution")
    for grant in grants:
        if grant.institution_id == principal.institution_id and grant.covers(scope, purpose, today):
            return AccessDecision(allowed=True, reason="grant", grant_id=grant.id)
    return AccessDecision(allowed=False, reason="no_grant")


def grant_problems(
    scopes: Iterable[DataScope], expires_on: date, today: date
) -> list[FieldProblem]:
    """Why a new grant is refused: no scope, or an expiry not in the future or too far out."""
    problems = []
    if not list(scopes):
        problems.append(FieldProblem("scopes", N_("choose at least one data scope")))
    if expires_on <= today:
        problems.append(FieldProblem("expires_on", N_("must be a date after today")))
    elif expires_on > today + MAX_GRANT_DURATION:
        latest = today + MAX_GRANT_DURATION
        problems.append(
            FieldProblem(
                "expires_on", N_("must be no later than {latest}"), params={"latest": latest}
            )
        )
    return problems
