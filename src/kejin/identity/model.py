"""Pure identity vocabulary: institution kinds, roles, and which roles belong where."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
