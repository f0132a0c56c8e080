"""The built-in guides: every standard and tool in both languages, each with its front-matter."""

from collections import Counter
from pathlib import Path

import pytest

from kejin.documents.importing import read_text, split_front_matter
from kejin.documents.service import GUIDES_DIR

GUIDES = sorted(GUIDES_DIR.glob("*.md"))
TOPICS = {
    "support-system",
    "tech-sme",
    "high-tech-enterprise",
    "star-market",
    "graded-smes",
    "innovation-points",
    "ip-pledge",
    "investment-loan-linkage",
    "risk-sharing",
    "talent-rd-loans",
    "guidance-funds",
}


def test_every_topic_has_a_chinese_and_an_english_guide() -> None:
    names = Counter(path.name.rsplit(".", 2)[0] for path in GUIDES)
    assert set(names) == TOPICS
    assert {path.name for path in GUIDES} == {
        f"{topic}.{language}.md" for topic in TOPICS for language in ("zh", "en")
    }


@pytest.mark.parametrize("path", GUIDES, ids=lambda path: str(path.name))
def test_each_guide_has_its_front_matter(path: Path) -> None:
    header, body = split_front_matter(read_text(path))
    assert {"title", "kind", "language", "tags", "issuer", "region"} <= set(header)
    assert header["kind"] == "guide"
    assert header["language"] == path.suffixes[0].lstrip(".")
    assert header["tags"]
    assert body.lstrip().startswith("# ")
