"""A small assessed region for the assessment's HTTP and browser tests: a demo region, one stored
run, one person per role, and grants that open some firms' assessments to some institutions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kejin.assessment import service
from kejin.assessment.schemas import RunRead
from kejin.bootstrap import Platform
from kejin.consent.model import DataScope, GrantPurpose
from kejin.region import service as region
from kejin.registry import service as registry
from kejin.registry.model import IndustryCluster
from kejin.registry.orm import EnterpriseRow
from tests.factories import create_grant, create_user, institution_of

ENTERPRISES = 300
SEED = 3
SHARED_CLUSTER = IndustryCluster.AI  # every firm of it opens its assessment to the office
LOGINS = {
    "lin": "enterprise_admin",
    "chen": "government_analyst",
    "wang": "bank_officer",
    "sun": "fund_manager",
    "admin": "platform_admin",
}


@dataclass(frozen=True)
class AssessedWorld:
    platform: Platform
    run: RunRead
    users: dict[str, int]  # login → user id
    own_code: str  # Lin's enterprise (the registry's first)
    shared_codes: list[str]  # the firms of SHARED_CLUSTER: open to the office (policy support)
    bank_code: str  # open to the bank (credit assessment), not in SHARED_CLUSTER
    other_code: str  # opens nothing to anyone


def build_world(platform: Platform) -> AssessedWorld:
    """Region, run as of today (the pages' default date), people and grants."""
    region.build_demo_region(platform, ENTERPRISES, SEED)
    run = service.run_registry(platform.uow, registry.today(), started_by="test")
    users = {login: create_user(platform, role, login) for login, role in LOGINS.items()}
    with platform.engine.connect() as conn:
        firms = conn.execute(
            select(EnterpriseRow.id, EnterpriseRow.uscc, EnterpriseRow.cluster).order_by(
                EnterpriseRow.id
            )
        ).all()
    shared = [firm for firm in firms if firm.cluster is SHARED_CLUSTER]
    others = [firm for firm in firms[1:] if firm.cluster is not SHARED_CLUSTER]
    office = institution_of(platform, users["chen"])
    for firm in shared:
        _grant(platform, firm.id, office, users["lin"], GrantPurpose.POLICY_SUPPORT)
    bank = institution_of(platform, users["wang"])
    _grant(platform, others[0].id, bank, users["lin"], GrantPurpose.CREDIT_ASSESSMENT)
    return AssessedWorld(
        platform=platform,
        run=run,
        users=users,
        own_code=firms[0].uscc,
        shared_codes=[firm.uscc for firm in shared],
        bank_code=others[0].uscc,
        other_code=others[1].uscc,
    )


def _grant(
    platform: Platform, enterprise_id: int, institution_id: int, by: int, purpose: GrantPurpose
) -> None:
    create_grant(
        platform,
        enterprise_id=enterprise_id,
        institution_id=institution_id,
        granted_by=by,
        scopes=(DataScope.ASSESSMENT,),
        purpose=purpose,
    )
