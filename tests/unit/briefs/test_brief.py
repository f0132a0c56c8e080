"""Briefs of whole documents: golden briefs of the seed search page and of a guide, the legal
structure for texts made of articles, citations that resolve, and determinism."""

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kejin.briefs.cli import as_text
from kejin.briefs.model import (
    BRIEF_VERSION,
    Brief,
    DocumentText,
    Structure,
    Theme,
    build_brief,
    load_cues,
)
from kejin.briefs.service import DocumentBrief, as_read
from kejin.config import load_settings
from kejin.documents.importing import read_search_page, read_text_document
from kejin.documents.model import DocumentInput, StoredDocument, prepare
from kejin.documents.repository import field_limits
from kejin.documents.service import GUIDES_DIR

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("KEJIN_UPDATE_GOLDEN") == "1"


def stored(document: DocumentInput) -> DocumentBrief:
    """The document as stored (its metadata and paragraphs) with its brief."""
    paragraphs = prepare(document).paragraphs
    level = document.level
    meta = StoredDocument(
        id=0, external_id=document.external_id, title=document.title,
        kind=document.kind.value, language=document.language, source=document.source,
        issuer=document.issuer, doc_no=document.doc_no, date_text=document.date_text,
        published_on=document.published_on, region=document.region,
        level=level.value if level else None, tags=document.tags, paragraphs=len(paragraphs),
    )  # fmt: skip
    text = DocumentText(document.external_id, document.title, document.language, paragraphs)
    return DocumentBrief(meta, paragraphs, build_brief(text))


def assert_citations_resolve(brief: Brief, paragraphs: tuple[str, ...]) -> None:
    for bullet in brief.bullets:
        assert bullet.citation.external_id == brief.external_id
        assert bullet.text in paragraphs[bullet.citation.position - 1]
    for figure in brief.figures:
        assert figure.text in paragraphs[figure.citation.position - 1]


def assert_golden(name: str, found: DocumentBrief) -> None:
    assert_citations_resolve(found.brief, found.paragraphs)
    text = as_text(as_read(found)) + "\n"
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"regenerate with KEJIN_UPDATE_GOLDEN=1: {name}"
    )


def seed_page() -> Path:
    shared = load_settings().shared_dir
    page = shared / "data" / "seed" / "000_484e8d10c2046e1a.txt" if shared else None
    if page is None or not page.is_file():
        pytest.skip("the seed search page (../shared/data/seed) is not present")
    return page


@pytest.mark.parametrize("result", [1, 2])
def test_the_seed_search_page_results_have_their_golden_brief(result: int) -> None:
    documents = read_search_page(seed_page(), field_limits())
    assert_golden(f"seed-{result}.txt", stored(documents[result - 1]))


def test_the_english_seed_article_brief_finds_its_themes() -> None:
    documents = read_search_page(seed_page(), field_limits())
    brief = stored(documents[1]).brief
    assert brief.structure is Structure.REPORT
    assert [s.theme for s in brief.sections] == [Theme.TRENDS, Theme.CHALLENGES, Theme.MEASURES]
    assert len({b.text for b in brief.bullets}) == len(brief.bullets)


def test_a_guide_has_its_golden_brief() -> None:
    guide = read_text_document(
        GUIDES_DIR / "tech-sme.zh.md", field_limits(), {"id": "guide-tech-sme.zh"}
    )
    assert_golden("guide-tech-sme.zh.txt", stored(guide))


LAW = (
    "中华人民共和国促进法",
    "第一章　总则",
    "第一条　为了支持中小企业创新发展，保障其合法权益，制定本法。",
    "第二条　本法所称中小企业，是指在境内依法设立的人员规模、经营规模相对较小的企业。",
    "第三条　县级以上人民政府应当建立中小企业促进工作协调机制。",
    "第四条　国家鼓励金融机构为中小企业提供信用贷款，给予贷款贴息和风险补偿支持。",
    "第五条　违反本法规定截留、挪用专项资金的，责令改正，处五万元以上十万元以下罚款。",
    "第六条　本法自2018年1月1日起施行。",
)


def test_a_text_of_articles_gets_the_legal_sections() -> None:
    brief = build_brief(DocumentText("law-1", LAW[0], "zh", LAW))
    assert brief.structure is Structure.LEGAL
    assert brief.key_points[0].text.startswith("为了支持中小企业创新发展")
    themes = {s.theme for s in brief.sections}
    assert themes <= {Theme.SCOPE, Theme.OBLIGATIONS, Theme.SUPPORT, Theme.PENALTIES}
    assert_citations_resolve(brief, LAW)
    amounts = [f.value for f in brief.figures if f.kind.value == "amount"]
    assert amounts == ["50000.00", "100000.00"]


def test_the_brief_names_its_version_and_the_cue_lists() -> None:
    brief = build_brief(DocumentText("law-1", LAW[0], "zh", LAW))
    assert brief.version == BRIEF_VERSION
    assert brief.cues_version == load_cues().version
    assert set(load_cues().words) == {"zh", "en"}


PARAGRAPH = st.lists(
    st.sampled_from(
        ["研发投入持续增长，占比提高。", "融资难问题依然突出。", "要加快完善科技金融体系。",
         "Growth rose 5 percent.", "第一条　应当支持企业创新。", "总规模11.6亿元。", "小结"]
    ),
    min_size=1,
    max_size=6,
).map("".join)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=12))
def test_the_same_text_always_gives_the_same_brief(paragraphs: list[str]) -> None:
    text = DocumentText("doc", "标题", "zh", tuple(paragraphs))
    first = build_brief(text)
    assert build_brief(text) == first
    assert_citations_resolve(first, text.paragraphs)
    assert len({(b.citation, b.text) for b in first.bullets}) == len(first.bullets)
