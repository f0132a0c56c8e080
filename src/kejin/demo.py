"""The main job behind `kejin demo`: a migrated database holding the demo region, its loan
history, a technology-assessment run over it, the tech-aware credit scorecard trained on that
history and put in service, the document library (the team's guides, plus the
real corpus when `../shared` is present) indexed for search, the topic 科技金融支持体系
gathering its documents, one demo account per role and consent grants. Every
step is idempotent, so running it again is safe."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from kejin.assessment import reads
from kejin.assessment import service as assessment
from kejin.assessment.errors import NoAssessmentRun
from kejin.assessment.model import Status
from kejin.assessment.schemas import RunRead
from kejin.bootstrap import Platform
from kejin.consent import service as consent
from kejin.core.progress import ProgressCallback, no_progress, scoped
from kejin.credit import service as credit
from kejin.documents import service as documents
from kejin.identity import demo as accounts
from kejin.identity.model import Role
from kejin.matching import service as matching
from kejin.needs import demo as needs
from kejin.products import demo as catalogue
from kejin.region import calibration as region_defaults
from kejin.region import service as region
from kejin.registry import service as registry
from kejin.registry.model import IndustryCluster, Stage
from kejin.search import service as search
from kejin.search.index import STEP_SEGMENT
from kejin.topics import demo as topics
from kejin.topics import service as topic_service

# The demo's enterprise users belong to brain-science firms, like Lin in JOURNEYS.md; four
# enterprises of that cluster get accounts and grant the demo bank differently. Lin's is cast
# from the cluster's first `CASTING_POOL` firms as the one that fits most of what the journey
# tells of it (`journey_fit`); the others are the first of the rest.
DEMO_CLUSTER = IndustryCluster.BRAIN_SCIENCE
DEMO_ENTERPRISES = 4
CASTING_POOL = 200
LIN_AGE_YEARS = 3  # "a three-year-old brain-computer-interface start-up"
HNTE = "hnte"  # the high-tech enterprise standard's code and its certificate in a snapshot
TOP_BANDS = frozenset({"top_5", "top_10"})  # "innovation points ... top 10% of start-ups"
# Every firm of these clusters shares its assessment with the demo's government office (policy
# support), so the region view's drill-down lists some firms and withholds the others.
POLICY_CLUSTERS = (IndustryCluster.BRAIN_SCIENCE, IndustryCluster.AI)

STEP_LABELS = {
    "region/generate": "Generating the demo region",
    "region/store": "Storing enterprises and loans",
    "assessment/read": "Reading the assessment inputs",
    "assessment/assess": "Assessing the region",
    "assessment/store": "Storing the assessment",
    "credit/read": "Reading the loan history",
    "credit/train": "Training the credit scorecard",
    "guides/read": "Reading the guides",
    "guides/prepare": "Preparing the guides",
    "guides/store": "Storing the guides",
    "corpus/read": "Reading the policy corpus",
    "corpus/prepare": "Preparing policy documents",
    "corpus/store": "Storing policy documents",
    "news/read": "Reading the news pages",
    "news/prepare": "Preparing news",
    "news/store": "Storing news",
    f"search/{STEP_SEGMENT}": "Indexing the documents for search",
    "matching/read": "Reading the match inputs",
    "matching/match": "Matching firms with products and policies",
    "matching/store": "Storing the match run",
}


@dataclass(frozen=True)
class DemoReport:
    region: region.DemoBuild
    assessment: RunRead
    credit_model: credit.InService
    documents: dict[str, documents.LoadReport]
    accounts: accounts.DemoAccounts
    topic: topic_service.Refresh


def prepare_demo(
    platform: Platform,
    enterprises: int = region_defaults.DEFAULT_ENTERPRISES,
    seed: int = region_defaults.DEFAULT_SEED,
    progress: ProgressCallback = no_progress,
) -> DemoReport:
    """Migrate, build the region and fill the document library."""
    platform.migrate()
    built = region.build_demo_region(
        platform, enterprises, seed, progress=scoped(progress, "region")
    )
    assessed = assess_region(platform, built, scoped(progress, "assessment"))
    # trained after the assessment: stage and innovation points are features of the model
    model = credit.serve_region_model(platform, scoped(progress, "credit"))
    loaded = {"guides": documents.load_guides(platform, scoped(progress, "guides"))}
    shared = platform.settings.shared_dir
    if shared is not None:
        data = Path(shared) / "data"
        loaded["corpus"] = documents.load_corpus(
            platform, data / "corpus", scoped(progress, "corpus")
        )
        loaded["news"] = documents.load_search_pages(
            platform, data / "seed", scoped(progress, "news")
        )
    search.sync(platform, scoped(progress, "search"))
    topic = topics.seed_demo_topic(platform)
    catalogue.seed_catalogue(platform.uow)
    matching.ensure_run(
        platform.uow, started_by=consent.DEMO_ACTOR, progress=scoped(progress, "matching")
    )
    people = seed_people(platform, enterprises)
    seed_need(platform)
    return DemoReport(
        region=built,
        assessment=assessed,
        credit_model=model,
        documents=loaded,
        accounts=people,
        topic=topic,
    )


def assess_region(
    platform: Platform, built: region.DemoBuild, progress: ProgressCallback = no_progress
) -> RunRead:
    """Assess the region as of today and store the run, unless the newest run already holds
    exactly that: same day, same rule and configuration versions, and a region the build did
    not change (so a re-run of the demo leaves the same state)."""
    on = registry.today()
    try:
        latest = reads.latest_run(platform.uow)
    except NoAssessmentRun:
        latest = None
    catalogue = assessment.shipped_catalogue()
    unchanged = built.enterprises.inserted == built.enterprises.updated == 0
    if (
        latest is not None
        and unchanged
        and latest.evaluated_on == on
        and latest.rule_versions == catalogue.versions(on)
        and latest.config_versions == catalogue.config_versions()
    ):
        return latest
    return assessment.run_registry(
        platform.uow, on, started_by=consent.DEMO_ACTOR, progress=progress, catalogue=catalogue
    )


def seed_need(platform: Platform) -> int | None:
    """Lin's financing need (JOURNEYS.md), answered by the demo banks whose products fit."""
    banks = ("wang", "qian", "li")
    people = accounts.principals(platform.uow, ("lin", *banks))
    if "lin" not in people:
        return None
    officers = [people[login] for login in banks if login in people]
    return needs.seed_demo_need(platform.uow, people["lin"], officers)


def demo_enterprises(platform: Platform) -> list[int]:
    """The firms of the demo's enterprise accounts, Lin's first: of the first `CASTING_POOL`
    firms of `DEMO_CLUSTER`, the one of best `journey_fit` in the newest stored run (ties: the
    oldest record), then the first of the others."""
    pool = registry.first_enterprise_ids(platform.uow, DEMO_CLUSTER, CASTING_POOL)
    with platform.uow() as work:
        answers = assessment.stored_answers(work, ids=pool)
    if answers is None or not pool:
        return pool[:DEMO_ENTERPRISES]
    inputs = answers.snapshots.select("enterprise_id", "age_days", "certifications")
    firms = pl.concat([inputs, answers.results], how="horizontal")
    ranked = firms.with_columns(fit=journey_fit()).sort(
        "fit", "enterprise_id", descending=[True, False]
    )
    lin = int(ranked["enterprise_id"][0])
    return [lin, *[firm for firm in pool if firm != lin][: DEMO_ENTERPRISES - 1]]


def journey_fit() -> pl.Expr:
    """How many of the facts JOURNEYS.md tells of Lin's firm hold for a firm of a run's stored
    answers: a start-up, three years old, a tech-based SME, not (yet) a high-tech enterprise
    (neither met nor certified), innovation points in the top 10% of its stage."""
    facts = (
        pl.col("stage") == Stage.START_UP.value,
        pl.col("age_days") // 365 == LIN_AGE_YEARS,
        pl.col("tech_sme.status") == Status.MET.value,
        (pl.col("hnte.status") != Status.MET.value)
        & ~pl.col("certifications").list.contains(HNTE).fill_null(value=False),
        pl.col("points_band").is_in(sorted(TOP_BANDS)),
    )
    return pl.sum_horizontal(fact.fill_null(value=False).cast(pl.Int64) for fact in facts)


def seed_people(platform: Platform, enterprises: int) -> accounts.DemoAccounts:
    """Demo accounts, and on their first creation the demo consent grants: the bank's and the
    fund's, and the government office's on every firm of `POLICY_CLUSTERS` (of at most
    `enterprises` firms each)."""
    enterprise_ids = demo_enterprises(platform)
    seeded = accounts.seed_demo_accounts(platform.uow, enterprise_ids)
    if seeded.created:
        grantees = [seeded.institution_ids[accounts.BANK], seeded.institution_ids[accounts.FUND]]
        consent.seed_demo_grants(platform.uow, seeded.grantors(), grantees)
        policy_firms = [
            enterprise_id
            for cluster in POLICY_CLUSTERS
            for enterprise_id in registry.first_enterprise_ids(platform.uow, cluster, enterprises)
        ]
        admin = next(a.user_id for a in seeded.accounts if a.role is Role.PLATFORM_ADMIN)
        office = seeded.institution_ids[accounts.OFFICE]
        consent.seed_demo_policy_grants(platform.uow, policy_firms, office, admin)
    return seeded
