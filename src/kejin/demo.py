"""The main job behind `kejin demo`: a migrated database holding the demo region, its loan
history, the document library (the team's guides, plus the real corpus when `../shared` is
present), one demo account per role and a few consent grants. Every step is idempotent, so
running it again is safe."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kejin.bootstrap import Platform
from kejin.consent import service as consent
from kejin.core.progress import ProgressCallback, no_progress, scoped
from kejin.documents import service as documents
from kejin.identity import demo as accounts
from kejin.region import calibration as region_defaults
from kejin.region import service as region
from kejin.registry import service as registry
from kejin.registry.model import IndustryCluster

# The demo's enterprise users belong to brain-science firms, like Lin in JOURNEYS.md; the
# first four enterprises of that cluster get accounts and grant the demo bank differently.
DEMO_CLUSTER = IndustryCluster.BRAIN_SCIENCE
DEMO_ENTERPRISES = 4

STEP_LABELS = {
    "region/generate": "Generating the demo region",
    "region/store": "Storing enterprises and loans",
    "guides/read": "Reading the guides",
    "guides/prepare": "Preparing the guides",
    "guides/store": "Storing the guides",
    "corpus/read": "Reading the policy corpus",
    "corpus/prepare": "Preparing policy documents",
    "corpus/store": "Storing policy documents",
    "news/read": "Reading the news pages",
    "news/prepare": "Preparing news",
    "news/store": "Storing news",
}


@dataclass(frozen=True)
class DemoReport:
    region: region.DemoBuild
    documents: dict[str, documents.LoadReport]
    accounts: accounts.DemoAccounts


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
    return DemoReport(region=built, documents=loaded, accounts=seed_people(platform))


def seed_people(platform: Platform) -> accounts.DemoAccounts:
    """Demo accounts, and on their first creation the demo consent grants."""
    enterprise_ids = registry.first_enterprise_ids(platform.uow, DEMO_CLUSTER, DEMO_ENTERPRISES)
    seeded = accounts.seed_demo_accounts(platform.uow, enterprise_ids)
    if seeded.created:
        grantees = [seeded.institution_ids[accounts.BANK], seeded.institution_ids[accounts.FUND]]
        consent.seed_demo_grants(platform.uow, seeded.grantors(), grantees)
    return seeded
