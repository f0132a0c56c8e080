"""Demo accounts for `kejin demo`: one person per role, in invented institutions.

Every demo account shares one published password, so the demo is for development only —
`kejin demo` refuses to run in production. Seeding is idempotent: when the platform admin
account exists, nothing is created again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy.orm import Session

from kejin.identity import repository
from kejin.identity.model import InstitutionKind, Principal, Role
from kejin.identity.orm import InstitutionRow
from kejin.identity.service import PLATFORM_OPERATOR_NAME, UowFactory, new_user_row, principal_of

DEMO_PASSWORD = "kejin-demo-2025"  # noqa: S105 - published on purpose; demo refuses production
DEMO_ACTOR = "system:demo"

BANK = "科创城市银行"
SECOND_BANK = "湾区科技银行"  # a second bank, so two banks compete for a need
THIRD_BANK = "高新区农村商业银行"  # a bank that lends first loans to seed-stage firms
FUND = "高新区天使母基金管理有限公司"
OFFICE = "高新区科技金融服务中心"
INSTITUTIONS = {
    PLATFORM_OPERATOR_NAME: InstitutionKind.PLATFORM_OPERATOR,
    BANK: InstitutionKind.BANK,
    SECOND_BANK: InstitutionKind.BANK,
    THIRD_BANK: InstitutionKind.BANK,
    FUND: InstitutionKind.FUND_MANAGER,
    OFFICE: InstitutionKind.GOVERNMENT_OFFICE,
}
# (login, display name, role, institution) — the people of JOURNEYS.md
STAFF = (
    ("admin", "平台管理员", Role.PLATFORM_ADMIN, PLATFORM_OPERATOR_NAME),
    ("wang", "王明（客户经理）", Role.BANK_OFFICER, BANK),
    ("zhao", "赵青（审批人）", Role.BANK_APPROVER, BANK),
    ("qian", "钱多（客户经理）", Role.BANK_OFFICER, SECOND_BANK),
    ("li", "李航（客户经理）", Role.BANK_OFFICER, THIRD_BANK),
    ("sun", "孙悦（基金经理）", Role.FUND_MANAGER, FUND),
    ("chen", "陈晨（分析员）", Role.GOVERNMENT_ANALYST, OFFICE),
)


class _Person(NamedTuple):
    login: str
    display_name: str
    role: Role
    institution_id: int | None
    enterprise_id: int | None


@dataclass(frozen=True, slots=True)
class DemoAccount:
    login: str
    role: Role
    password: str
    user_id: int
    enterprise_id: int | None = None


@dataclass(frozen=True, slots=True)
class DemoAccounts:
    accounts: tuple[DemoAccount, ...]
    institution_ids: dict[str, int]
    created: bool  # False when an earlier run had already seeded them

    def grantors(self) -> dict[int, int]:
        """Enterprise id → the user id of its demo administrator, in seeding order."""
        return {
            a.enterprise_id: a.user_id
            for a in self.accounts
            if a.role is Role.ENTERPRISE_ADMIN and a.enterprise_id is not None
        }


def seed_demo_accounts(uow: UowFactory, enterprise_ids: Sequence[int]) -> DemoAccounts:
    """Institutions, one person per institutional role, and for each enterprise in
    `enterprise_ids` an administrator (`lin`, `ent2`, …); the first also gets a member."""
    with uow() as work:
        session = work.session
        created = not repository.login_taken(session, STAFF[0][0])
        institutions = {
            name: _institution(session, name, kind) for name, kind in INSTITUTIONS.items()
        }
        people = [
            _Person(login, name, role, institutions[place], None)
            for login, name, role, place in STAFF
        ]
        for index, enterprise_id in enumerate(enterprise_ids):
            login = "lin" if index == 0 else f"ent{index + 1}"
            people.append(
                _Person(login, f"{login}（企业管理员）", Role.ENTERPRISE_ADMIN, None, enterprise_id)
            )
        if enterprise_ids:
            first = enterprise_ids[0]
            people.append(_Person("lin.member", "林一", Role.ENTERPRISE_MEMBER, None, first))
        accounts = tuple(_account(session, person) for person in people)
        work.commit()
    return DemoAccounts(accounts, institutions, created)


def ensure_institutions(
    uow: UowFactory, institutions: Mapping[str, InstitutionKind]
) -> dict[str, int]:
    """The id of each named institution, creating the missing ones (the demo's invented
    providers); an existing institution is kept as it is."""
    with uow() as work:
        ids = {name: _institution(work.session, name, kind) for name, kind in institutions.items()}
        work.commit()
    return ids


def _institution(session: Session, name: str, kind: InstitutionKind) -> int:
    row = repository.institution_by_name(session, name)
    if row is None:
        row = InstitutionRow(name=name, kind=kind)
        session.add(row)
        session.flush()
    return row.id


def _account(session: Session, person: _Person) -> DemoAccount:
    user = repository.user_by_login(session, person.login) or new_user_row(
        session,
        DEMO_ACTOR,
        person.login,
        person.display_name,
        DEMO_PASSWORD,
        role=person.role,
        institution_id=person.institution_id,
        enterprise_id=person.enterprise_id,
    )
    return DemoAccount(user.login, user.role, DEMO_PASSWORD, user.id, user.enterprise_id)


def principals(uow: UowFactory, logins: Sequence[str]) -> dict[str, Principal]:
    """The demo people of `logins` as services see them (logins not found are left out)."""
    with uow() as work:
        users = [repository.user_by_login(work.session, login) for login in logins]
        return {user.login: principal_of(user) for user in users if user is not None}
