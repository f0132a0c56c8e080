"""`kejin demo` end to end on a small region: accounts per role, grants that open some
enterprises' financials to the demo bank and not others', an assessment run whose results the
government office sees for the policy clusters only, the credit model in service and Lin's
credit report for Wang, Lin's financing need, and a safe second run."""

from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import func, select

from kejin.assessment.model import Status
from kejin.assessment.orm import AssessmentRunRow
from kejin.assessment.reads import Standing, enterprise_assessment, standing
from kejin.bootstrap import Platform
from kejin.consent.errors import AccessRefused
from kejin.consent.model import DataScope, GrantPurpose
from kejin.consent.orm import ConsentGrantRow
from kejin.consent.service import require_access
from kejin.credit import lending
from kejin.credit.features import FEATURE_SETS
from kejin.demo import (
    CASTING_POOL,
    DEMO_CLUSTER,
    DEMO_ENTERPRISES,
    HNTE,
    LIN_AGE_YEARS,
    POLICY_CLUSTERS,
    TOP_BANDS,
    DemoReport,
    prepare_demo,
)
from kejin.identity.model import Role
from kejin.identity.orm import UserRow
from kejin.identity.repository import user_by_login
from kejin.identity.service import principal_of
from kejin.needs.orm import NeedRow, PickupRow
from kejin.registry import service as registry
from kejin.registry.model import Stage
from kejin.registry.orm import EnterpriseRow
from kejin.topics import service as topics
from kejin.topics.demo import DEMO_SLUG
from tests.databases import empty_database

# The tests share one demo build (each takes seconds): on one xdist worker (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("demo")


@dataclass(frozen=True)
class Demo:
    platform: Platform
    report: DemoReport


@pytest.fixture(scope="module")
def demo(migrated: Platform, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo without the real corpus, which other tests cover and which takes seconds, built
    once for the module; its credit model goes to a data directory of its own."""
    data_dir = tmp_path_factory.mktemp("demo")
    settings = replace(migrated.settings, shared_dir=None, data_dir=data_dir)
    platform = Platform(settings=settings, engine=migrated.engine)
    yield Demo(platform, prepare_demo(platform, enterprises=400, seed=7))
    empty_database(migrated)


def test_the_demo_seeds_one_account_per_role_and_a_second_run_adds_nothing(demo: Demo) -> None:
    without_corpus, first = demo.platform, demo.report
    second = prepare_demo(without_corpus, enterprises=400, seed=7)
    assert {account.role for account in first.accounts.accounts} == set(Role)
    assert first.accounts.created
    assert not second.accounts.created
    assert second.region.enterprises.unchanged == 400
    with without_corpus.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(UserRow)) == len(
            first.accounts.accounts
        )
        policy_firms = uow.session.scalar(
            select(func.count())
            .select_from(EnterpriseRow)
            .where(EnterpriseRow.cluster.in_(POLICY_CLUSTERS))
        )
        assert policy_firms
        grants = uow.session.scalar(select(func.count()).select_from(ConsentGrantRow))
        pickups = uow.session.scalar(select(func.count()).select_from(PickupRow))
        assert grants == 5 + policy_firms + pickups  # Lin's need shares data on pick-up
        assert uow.session.scalar(select(func.count()).select_from(NeedRow)) == 1
        assert uow.session.scalar(select(func.count()).select_from(AssessmentRunRow)) == 1
    assert second.assessment == first.assessment
    assert first.credit_model.trained
    assert not second.credit_model.trained
    assert second.credit_model.directory == first.credit_model.directory
    in_service = lending.current_model(without_corpus.settings.data_dir)
    assert in_service == first.credit_model.directory
    assert [p.name for p in in_service.parent.iterdir()] == [in_service.name]
    assert first.assessment.enterprises == 400
    assert first.assessment.started_by == "system:demo"
    assert (first.topic.slug, second.topic.added) == (DEMO_SLUG, 0)
    assert second.topic.documents == first.topic.documents
    held = {
        h.document.external_id for h in topics.topic_detail(without_corpus, DEMO_SLUG).documents
    }
    assert {"guide-support-system.zh", "guide-ip-pledge.zh", "guide-risk-sharing.zh"} <= held


def test_the_demo_bank_officer_reads_some_enterprises_financials_and_not_others(demo: Demo) -> None:
    without_corpus, report = demo.platform, demo.report
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


def test_the_demo_office_sees_the_assessments_of_the_policy_clusters_only(demo: Demo) -> None:
    without_corpus, report = demo.platform, demo.report
    with without_corpus.uow() as uow:
        firms = uow.session.execute(
            select(EnterpriseRow.uscc, EnterpriseRow.cluster).order_by(EnterpriseRow.id)
        ).all()
        analyst = user_by_login(uow.session, "chen")
        officer = user_by_login(uow.session, "wang")
        assert analyst is not None
        assert officer is not None
        chen, wang = principal_of(analyst), principal_of(officer)
    policy = GrantPurpose.POLICY_SUPPORT.value
    outcomes = set()
    for code, cluster in firms[:40]:
        try:
            enterprise_assessment(without_corpus.uow, chen, code, policy, advice=False)
            outcomes.add((cluster in POLICY_CLUSTERS, "allowed"))
        except AccessRefused:
            outcomes.add((cluster in POLICY_CLUSTERS, "refused"))
    assert outcomes == {(True, "allowed"), (False, "refused")}
    first = next(iter(report.accounts.grantors()))
    with without_corpus.uow() as uow:
        bank_first = uow.session.scalar(select(EnterpriseRow.uscc).where(EnterpriseRow.id == first))
    assert bank_first is not None
    read = enterprise_assessment(
        without_corpus.uow, wang, bank_first, GrantPurpose.CREDIT_ASSESSMENT.value, advice=False
    )
    assert read.run_id == report.assessment.id


def test_wang_opens_lins_credit_report_scored_by_the_model_the_demo_put_in_service(
    demo: Demo,
) -> None:
    without_corpus, report = demo.platform, demo.report
    lin_firm = next(iter(report.accounts.grantors()))  # grants the bank every scope it scores
    with without_corpus.uow() as uow:
        officer = user_by_login(uow.session, "wang")
        assert officer is not None
        wang = principal_of(officer)
        lin = registry.enterprise_keys(uow, [lin_firm])[lin_firm]
    data_dir = without_corpus.settings.data_dir
    model = lending.load_model(lending.current_model(data_dir))
    assert set(model.feature_names) <= set(FEATURE_SETS["tech"])
    credit = lending.credit_report(
        without_corpus.uow, wang, lin.uscc, GrantPurpose.CREDIT_ASSESSMENT.value, data_dir
    )
    assert credit.uscc == lin.uscc
    assert credit.withheld == ()
    assert credit.grading.grade in {f"T{i}" for i in range(1, 11)}
    assert {d.feature for d in credit.grading.drivers} == set(model.feature_names)
    assert credit.assessment is not None
    assert {v.code for v in credit.assessment.verdicts} >= {"tech_sme", "hnte"}


def test_lins_firm_is_the_pools_best_fit_to_her_journey(demo: Demo) -> None:
    """Casting reads the stored run; each firm's standing, assessed one by one, agrees."""
    without_corpus, report = demo.platform, demo.report
    lin_firm = next(iter(report.accounts.grantors()))
    pool = registry.first_enterprise_ids(without_corpus.uow, DEMO_CLUSTER, CASTING_POOL)
    on = registry.today()
    with without_corpus.uow() as uow:
        standings = {firm: standing(uow, firm, on) for firm in pool}
    fits = {firm: _fit(found) for firm, found in standings.items()}
    assert fits[lin_firm] == max(fits.values())
    assert fits[lin_firm] >= 4, standings[lin_firm]
    assert standings[lin_firm].stage == Stage.START_UP
    assert set(report.accounts.grantors()) - {lin_firm} == set(
        [firm for firm in pool if firm != lin_firm][: DEMO_ENTERPRISES - 1]
    )


def _fit(found: Standing) -> int:
    """The facts of Lin's firm in JOURNEYS.md, read from one enterprise's standing."""
    age = found.snapshot.age_days
    return sum(
        (
            found.stage == Stage.START_UP,
            age is not None and age // 365 == LIN_AGE_YEARS,
            found.statuses["tech_sme"] is Status.MET,
            found.statuses[HNTE] is not Status.MET
            and HNTE not in (found.snapshot.certifications or ()),
            found.points_band in TOP_BANDS,
        )
    )
