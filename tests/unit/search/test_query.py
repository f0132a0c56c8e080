"""Query parsing, highlights and snippets: pure, with a stand-in segmenter."""

from __future__ import annotations

import pytest

from kejin.search.errors import InvalidSearch
from kejin.search.model import (
    MAX_PAGE,
    MAX_QUERY_LENGTH,
    Clause,
    Highlight,
    PageSpec,
    ParsedQuery,
    Phrase,
    Token,
    find_highlights,
    make_snippet,
    parse_query,
)

WORDS = {"科技金融": ["科技", "金融"], "投贷联动": ["投贷联动"], "、": []}


def split(text: str) -> list[str]:
    """Known compounds from the table, anything else one lower-cased token per space."""
    return WORDS.get(text, text.lower().split())


def phrase(*tokens: str) -> Phrase:
    return Phrase(tokens)


def test_a_compound_is_one_required_phrase_of_adjacent_tokens() -> None:
    assert parse_query("科技金融", split) == ParsedQuery((Clause((phrase("科技", "金融"),)),))


def test_spaces_join_with_and_or_joins_alternatives_and_minus_excludes() -> None:
    parsed = parse_query("AI 科技金融 OR 投贷联动 -Loan", split)
    assert parsed.required == (
        Clause((phrase("ai"),)),
        Clause((phrase("科技", "金融"), phrase("投贷联动"))),
    )
    assert parsed.excluded == (phrase("loan"),)


def test_quoted_words_are_one_phrase_and_curly_quotes_count() -> None:
    assert parse_query('"Technology Finance"', split).required == (
        Clause((phrase("technology", "finance"),)),
    )
    assert parse_query("“a b” -“c d”", split) == ParsedQuery(
        (Clause((phrase("a", "b"),)),), (phrase("c", "d"),)
    )


def test_a_leading_or_trailing_or_and_wordless_terms_are_ignored() -> None:
    assert parse_query("OR 投贷联动 、 OR", split).required == (Clause((phrase("投贷联动"),)),)


@pytest.mark.parametrize("query", ["", "  ", "、", "-科技金融", "OR"])
def test_a_query_without_a_required_word_is_refused(query: str) -> None:
    with pytest.raises(InvalidSearch) as refused:
        parse_query(query, split)
    assert refused.value.field == "q"


def test_an_overlong_query_is_refused() -> None:
    with pytest.raises(InvalidSearch):
        parse_query("a" * (MAX_QUERY_LENGTH + 1), split)


@pytest.mark.parametrize(
    ("page", "per_page", "field"),
    [(0, 10, "page"), (MAX_PAGE + 1, 10, "page"), (1, 0, "per_page"), (1, 101, "per_page")],
)
def test_pages_out_of_range_name_the_parameter(page: int, per_page: int, field: str) -> None:
    with pytest.raises(InvalidSearch) as refused:
        PageSpec(page, per_page)
    assert refused.value.field == field


def test_highlights_cover_whole_phrases_and_merge_overlaps() -> None:
    tokens = [Token("发展", 0, 2), Token("科技", 2, 4), Token("金融", 4, 6), Token("科技", 7, 9)]
    found = find_highlights(tokens, [phrase("科技", "金融"), phrase("金融")])
    assert found == (Highlight(2, 6),)
    assert find_highlights(tokens, [phrase("科技")]) == (Highlight(2, 4), Highlight(7, 9))


def test_a_snippet_is_a_window_around_the_first_highlight() -> None:
    text = "甲" * 300 + "科技金融" + "乙" * 300
    snippet = make_snippet(text, [Highlight(300, 304)], width=100)
    assert snippet.text == text[snippet.start : snippet.end]
    assert snippet.end - snippet.start == 100
    assert snippet.start < 300
    assert snippet.end > 304
    assert snippet.highlights == (Highlight(300, 304),)
    assert [piece for piece, marked in snippet.fragments() if marked] == ["科技金融"]
    assert "".join(piece for piece, _ in snippet.fragments()) == snippet.text


def test_a_short_paragraph_is_its_own_snippet() -> None:
    snippet = make_snippet("科技金融", [Highlight(0, 4)])
    assert (snippet.text, snippet.start, snippet.end) == ("科技金融", 0, 4)
