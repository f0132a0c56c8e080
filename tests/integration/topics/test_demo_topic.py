"""The demo's topic 科技金融支持体系 over the guides and the seed search page (the page's two
results, read in place from ../shared): it gathers both results and the tech-finance guides,
and seeding it again adds nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kejin.bootstrap import Platform
from kejin.config import load_settings
from kejin.documents import service as documents
from kejin.topics import service
from kejin.topics.demo import DEMO_NAME, DEMO_SLUG, seed_demo_topic
from kejin.topics.model import DIGEST_DOCUMENTS

SEED_RESULTS = {"seed-000_484e8d10c2046e1a-1", "seed-000_484e8d10c2046e1a-2"}
GUIDES = {
    "guide-support-system.zh",
    "guide-support-system.en",
    "guide-investment-loan-linkage.zh",
    "guide-investment-loan-linkage.en",
    "guide-ip-pledge.zh",
    "guide-ip-pledge.en",
    "guide-risk-sharing.zh",
}


def test_the_demo_topic_gathers_the_seed_results_and_the_tech_finance_guides_once(
    platform: Platform, tmp_path: Path
) -> None:
    shared = platform.settings.shared_dir or load_settings().shared_dir
    seed_dir = shared / "data" / "seed" if shared else None
    if seed_dir is None or not seed_dir.is_dir():
        pytest.skip("the seed search page (../shared/data/seed) is not present")
    own = Platform(replace(platform.settings, data_dir=tmp_path), platform.engine)
    documents.load_guides(own)
    documents.load_search_pages(own, seed_dir)
    first = seed_demo_topic(own)
    again = seed_demo_topic(own)
    assert (again.added, again.documents) == (0, first.documents)
    [topic] = service.list_topics(own)
    assert (topic.slug, topic.name) == (DEMO_SLUG, DEMO_NAME)
    held = {h.document.external_id for h in service.topic_detail(own, DEMO_SLUG).documents}
    assert held >= SEED_RESULTS | GUIDES
    digest = service.topic_digest(own, DEMO_SLUG)
    assert len(digest.entries) == min(DIGEST_DOCUMENTS, len(held))
    assert all(entry.points for entry in digest.entries)
