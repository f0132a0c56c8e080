"""The topic core without a database: definitions checked field by field, search hits
collected per document, and the digest — its passages, its order, its [n] numbering and its
Markdown."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from kejin.documents.model import DocumentKind
from kejin.search.model import Hit, Snippet
from kejin.topics.errors import InvalidTopic
from kejin.topics.model import (
    PASSAGE_LEAD,
    PASSAGE_WIDTH,
    KeyPoint,
    TopicDocument,
    build_digest,
    collect,
    digest_markdown,
    filters_mapping,
    passage,
    slug_of,
    topic_filters,
    topic_spec,
)

CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def document(
    external_id: str,
    score: float,
    published: date | None = None,
    *,
    seen: datetime = CREATED,
    position: int = 1,
) -> TopicDocument:
    return TopicDocument(
        external_id=external_id,
        title=f"Title {external_id}",
        issuer="科技部",
        date_text=published.isoformat() if published else None,
        published_on=published,
        kind="policy",
        score=score,
        position=position,
        paragraphs=1,
        first_seen_at=seen,
    )


def points(external_id: str, *positions: int) -> list[KeyPoint]:
    return [KeyPoint(f"{external_id} point at {p}", p) for p in positions]


def hit(external_id: str, position: int, score: float) -> Hit:
    return Hit(
        external_id, "t", None, None, "policy", None, "zh", position, score, Snippet("", 0, 0, ())
    )


@pytest.mark.parametrize(
    ("name", "query", "filters", "slug", "field"),
    [
        ("  ", "科技金融", {}, None, "name"),
        ("Topic", " ", {}, None, "query"),
        ("Topic", "x" * 201, {}, None, "query"),
        ("Topic", "科技金融", {"from": "2025-13-01"}, None, "filters.from"),
        ("Topic", "科技金融", {"from": "2025-02-01", "to": "2025-01-01"}, None, "filters.to"),
        ("Topic", "科技金融", {"kind": "novel"}, None, "filters.kind"),
        ("Topic", "科技金融", {"colour": "red"}, None, "filters.colour"),
        ("Topic", "科技金融", {"issuer": 5}, None, "filters.issuer"),
        ("Topic", "科技金融", {}, "Not A Slug", "slug"),
        ("Topic", "科技金融", {}, "-edge", "slug"),
    ],
)
def test_a_bad_topic_is_refused_naming_the_field(
    name: str, query: str, filters: dict[str, object], slug: str | None, field: str
) -> None:
    with pytest.raises(InvalidTopic) as refused:
        topic_spec(name, query, filters, slug)
    assert refused.value.field == field


def test_filters_round_trip_through_their_stored_form() -> None:
    raw = {
        "from": "2024-01-01",
        "to": "2025-06-30",
        "kind": "law",
        "region": "广东省",
        "issuer": "",
    }
    filters = topic_filters(raw)
    assert filters.kind is DocumentKind.LAW
    assert filters.date_from == date(2024, 1, 1)
    assert filters.issuer is None
    assert filters_mapping(filters) == {k: v for k, v in raw.items() if v}
    assert topic_filters(filters_mapping(filters)) == filters


def test_a_slug_is_made_from_latin_words_or_from_a_digest_of_the_name() -> None:
    assert slug_of("Tech Finance: 2026!") == "tech-finance-2026"
    chinese = slug_of("科技金融支持体系")
    assert chinese.startswith("topic-")
    assert chinese == slug_of("科技金融支持体系") != slug_of("知识产权质押")
    assert topic_spec("科技金融支持体系", "科技金融").slug == chinese


def test_hits_collect_into_one_match_per_document_keeping_the_best_paragraph() -> None:
    found = collect([hit("a", 3, 2.0), hit("b", 1, 1.5), hit("a", 7, 4.0), hit("a", 9, 4.0)])
    assert sorted(found) == ["a", "b"]
    assert (found["a"].position, found["a"].score, found["a"].paragraphs) == (7, 4.0, 3)
    assert (found["b"].position, found["b"].paragraphs) == (1, 1)


def test_the_digest_ranks_by_score_then_newest_date_then_id() -> None:
    held = [
        document("old", 2.0, date(2020, 1, 1)),
        document("new", 2.0, date(2024, 1, 1)),
        document("undated", 2.0),
        document("best", 5.0, date(2019, 1, 1)),
        document("also-undated", 2.0),
    ]
    digest = build_digest("T", "q", held, {}, CREATED)
    order = [entry.document.external_id for entry in digest.entries]
    assert order == ["best", "new", "old", "also-undated", "undated"]


def test_citations_are_numbered_from_one_in_order_of_first_citation_without_repeats() -> None:
    later = CREATED + timedelta(days=3)
    held = [document("a", 3.0), document("b", 2.0, seen=later), document("c", 1.0)]
    briefs = {"a": points("a", 2, 5, 9, 11), "b": points("b", 1, 4), "c": []}
    digest = build_digest("T", "q", held, briefs, CREATED, top=2, per_document=3)
    assert [[p.source for p in e.points] for e in digest.entries] == [[1, 2, 3], [4, 5]]
    assert [(s.number, s.external_id, s.position) for s in digest.sources] == [
        (1, "a", 2),
        (2, "a", 5),
        (3, "a", 9),
        (4, "b", 1),
        (5, "b", 4),
    ]
    # what's new cites b's first point again with the number it already has
    assert [(e.document.external_id, [p.source for p in e.points]) for e in digest.new] == [
        ("b", [4])
    ]
    assert [e.new for e in digest.entries] == [False, True]


def test_a_new_document_outside_the_top_gets_its_own_number_in_whats_new() -> None:
    later = CREATED + timedelta(hours=1)
    held = [document("a", 3.0), document("z", 0.5, seen=later)]
    digest = build_digest(
        "T", "q", held, {"a": points("a", 1), "z": points("z", 6)}, CREATED, top=1
    )
    assert [e.document.external_id for e in digest.entries] == ["a"]
    assert [(s.number, s.external_id) for s in digest.sources] == [(1, "a"), (2, "z")]


def test_the_same_documents_in_any_order_give_the_same_digest_and_markdown() -> None:
    later = CREATED + timedelta(days=1)
    held = [
        document(
            f"d{n}", float(n % 4), date(2020 + n % 5, 1, 1), seen=later if n % 3 == 0 else CREATED
        )
        for n in range(12)
    ]
    briefs = {d.external_id: points(d.external_id, 1, 3, 8) for d in held}
    texts = {d.external_id: f"前言。{d.external_id}推动科技金融发展。其他。" for d in held}
    expected = build_digest("科技金融支持体系", "科技金融", held, briefs, CREATED, paragraphs=texts)
    assert all(e.passage is not None for e in expected.entries)
    shuffled = held[:]
    random.Random(4).shuffle(shuffled)
    again = build_digest(
        "科技金融支持体系",
        "科技金融",
        shuffled,
        dict(reversed(briefs.items())),
        CREATED,
        paragraphs=dict(reversed(texts.items())),
    )
    assert again == expected
    assert digest_markdown(again) == digest_markdown(expected)


def test_the_markdown_lists_points_with_their_markers_and_the_numbered_sources() -> None:
    later = CREATED + timedelta(days=2)
    held = [document("a", 2.0, date(2025, 12, 29)), document("b", 1.0, seen=later)]
    briefs = {"a": points("a", 4), "b": [KeyPoint("trimmed point", 2, trimmed=True)]}
    texts = {"a": "发展科技金融。"}
    text = digest_markdown(
        build_digest("科技金融支持体系", "科技金融", held, briefs, CREATED, paragraphs=texts)
    )
    assert "# 科技金融支持体系" in text
    assert "### Title a (2025-12-29, 科技部)\n> 发展科技金融。 [1]\n\n- a point at 4 [2]" in text
    assert "## What's new since 2026-01-01" in text
    assert "- **Title b** trimmed point … [3]" in text
    assert text.endswith(
        "[1] Title a (a), paragraph 1\n[2] Title a (a), paragraph 4\n[3] Title b (b), paragraph 2\n"
    )


def test_a_digest_without_new_documents_says_so() -> None:
    text = digest_markdown(build_digest("T", "q", [document("a", 1.0)], {}, CREATED))
    assert "Nothing new since 2026-01-01." in text


def test_a_passage_is_the_sentence_holding_the_first_match() -> None:
    text = "本条例所称科技创新，是指创新活动。  鼓励银行开展科技金融\n服务。其他事项另行规定。"
    assert passage(text, "科技金融 OR 投贷联动") == KeyPoint("鼓励银行开展科技金融 服务。", 0)
    english = "Scope of the rules. Banks offer Technology Finance loans. Other matters follow."
    assert passage(english, '-scope "technology finance"').text == (
        "Banks offer Technology Finance loans."
    )


def test_a_query_word_not_found_whole_is_looked_for_by_its_first_two_characters() -> None:
    text = "总则部分。支持科技型企业融资。附则。"
    assert passage(text, "科技金融").text == "支持科技型企业融资。"
    assert passage(text, "投贷联动").text == "总则部分。"


def test_a_long_sentence_is_cut_around_the_match_and_marked_trimmed() -> None:
    before, after = "甲" * 300, "乙" * 300
    quoted = passage(f"{before}科技金融{after}。", "科技金融")
    assert quoted.trimmed
    assert len(quoted.text) == PASSAGE_WIDTH
    assert quoted.text.index("科技金融") == PASSAGE_LEAD
    early = passage(f"甲甲科技金融{after}。", "科技金融")
    assert early.trimmed
    assert early.text.startswith("甲甲科技金融")


def test_each_entry_starts_with_its_passage_citing_the_best_paragraph() -> None:
    later = CREATED + timedelta(days=1)
    held = [document("a", 3.0, position=5), document("b", 2.0, seen=later, position=2)]
    briefs = {"a": points("a", 1, 5, 7, 9), "b": points("b", 3)}
    texts = {"a": "说明。a 科技金融的条款。", "b": "b 科技金融。"}
    digest = build_digest("T", "科技金融", held, briefs, CREATED, paragraphs=texts)
    first, second = digest.entries
    assert first.passage is not None
    assert second.passage is not None
    assert (first.passage.text, first.passage.source) == ("a 科技金融的条款。", 1)
    # the key point citing the passage's own paragraph (5) is not repeated; two others follow
    assert [(p.text, p.source) for p in first.points] == [("a point at 1", 2), ("a point at 7", 3)]
    assert (second.passage.source, [p.source for p in second.points]) == (4, [5])
    assert [(s.number, s.external_id, s.position) for s in digest.sources] == [
        (1, "a", 5),
        (2, "a", 1),
        (3, "a", 7),
        (4, "b", 2),
        (5, "b", 3),
    ]
    # what's new quotes b's passage again with its number, without key points
    (new,) = digest.new
    assert new.passage is not None
    assert (new.passage.source, new.points) == (4, ())


def test_a_document_without_its_paragraph_lists_key_points_and_whats_new_its_first() -> None:
    later = CREATED + timedelta(days=1)
    held = [document("a", 1.0, seen=later)]
    digest = build_digest("T", "q", held, {"a": points("a", 2, 4, 6)}, CREATED)
    assert digest.entries[0].passage is None
    assert [p.text for p in digest.entries[0].points] == ["a point at 2", "a point at 4"]
    assert [p.text for p in digest.new[0].points] == ["a point at 2"]
