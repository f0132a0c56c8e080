"""`kejin demo` end to end on a small region: accounts per role, grants that open some
enterprises' financials to the demo bank and not others', and a safe second run."""

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from kejin.bootstrap import Platform
from kejin.consent.errors import AccessRefused
from kejin.consent.model import DataScope, GrantPurpose
from kejin.consent.orm import ConsentGrantRow
from kejin.consent.service import require_access
from kejin.demo import DEMO_ENTERPRISES, prepare_demo
from kejin.identity.model import Role
from kejin.identity.orm import UserRow
from kejin.identity.repository import user_by_login
from kejin.identity.service import principal_of


@pytest.fixture
def without_corpus(platform: Platform) -> Platform:
    """The demo without the real corpus, which other tests cover and which takes seconds."""
    return Platform(settings=replace(platform.settings, shared_dir=None), engine=platform.engine)


def test_the_demo_seeds_one_account_per_role_and_a_second_run_adds_nothing(
    without_corpus: Platform,
) -> None:
    first = prepare_demo(without_corpus, enterprises=400, seed=7)
    second = prepare_demo(without_corpus, enterprises=400, seed=7)
    assert {account.role for account in first.accounts.accounts} == set(Role)
    assert first.accounts.created
    assert not second.accounts.created
    assert second.region.enterprises.unchanged == 400
    with without_corpus.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(UserRow)) == len(
            first.accounts.accounts
        )
        assert uow.session.scalar(select(func.count()).select_from(ConsentGrantRow)) == 5


def test_the_demo_bank_officer_reads_some_enterprises_financials_and_not_others(
    without_corpus: Platform,
) -> None:
    report = prepare_demo(without_corpus, enterprises=400, seed=7)
    enterprises = list(report.accounts.grantors())
    assert len(enterprises) == DEMO_ENTERPRISES
    purpose = GrantPurpose.CREDIT_ASSESSMENT
    with without_corpus.uow() as uow:
        officer = user_by_login(uow.session, "wang")
        assert officer is not None
        wang = principal_of(officer)
    outcomes = []
    for enterprise_id in enterprises:
        with without_corpus.uow() as uow:
            try:
                require_access(uow.session, wang, enterprise_id, DataScope.FINANCIALS, purpose)
                outcomes.append("allowed")
            except AccessRefused:
                outcomes.append("refused")
    assert outcomes == ["allowed", "allowed", "refused", "refused"]
