"""The demo's topic 科技金融支持体系 (technology-finance support system), as on the seed
search page: created on the first demo run, refreshed on every later one.

The query gathers, in Chinese and English, the themes of the support system: 科技金融 itself
(the seed page's first result speaks of a 科技金融支持体系), the "technology finance" of its
second, English result, and the instruments the guides and policy documents name —
投贷联动 (investment-loan linkage), 知识产权质押 (IP pledge) and 风险补偿 (risk compensation)
— with their English names."""

from __future__ import annotations

from kejin.bootstrap import Platform
from kejin.topics import service
from kejin.topics.errors import TopicNotFound
from kejin.topics.model import topic_spec

DEMO_ACTOR = "system:demo"
DEMO_SLUG = "tech-finance"
DEMO_NAME = "科技金融支持体系"
DEMO_QUERY = (
    '科技金融 OR 科技金融支持体系 OR 投贷联动 OR 知识产权质押 OR 风险补偿 OR "technology finance" '
    'OR "investment-loan linkage" OR "IP pledge"'
)


def seed_demo_topic(platform: Platform) -> service.Refresh:
    """Create the demo topic, or refresh it when it exists (re-runs add nothing twice)."""
    try:
        return service.refresh_topic(platform, DEMO_SLUG)
    except TopicNotFound:
        created = service.create_topic(
            platform, topic_spec(DEMO_NAME, DEMO_QUERY, slug=DEMO_SLUG), DEMO_ACTOR
        )
        return service.Refresh(created.slug, created.documents, created.documents)
