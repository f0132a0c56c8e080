"""Segmentation for search: domain terms, the finest split, normalisation, offsets."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.core.words import DICTIONARY_FILE, dictionary, read_dictionary
from kejin.search.segment import TABLE_FROM, normalise, segment, tokens_with_offsets


def test_the_dictionary_holds_the_glossary_and_the_hand_kept_terms_once_each() -> None:
    data = json.loads(DICTIONARY_FILE.read_text(encoding="utf-8"))
    loaded = read_dictionary()
    assert loaded.version == data["version"]
    assert {"科技型中小企业", "专精特新", "投贷联动", "风险补偿资金池"} <= set(data["glossary"])
    assert {"科技金融", "知识产权质押", "免申即享", "小巨人"} <= set(data["hand_kept"])
    assert len(loaded.words) == len(set(loaded.words))


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("科技金融", ["科技", "金融"]),
        ("发展科技金融", ["发展", "科技", "金融"]),
        ("科技型中小企业", ["科技型", "中小", "企业"]),
        ("专精特新", ["专精特新"]),
        ("投贷联动", ["投贷联动"]),
        ("免申即享", ["免申即享"]),
        ("小巨人", ["小巨人"]),
    ],
)
def test_domain_terms_are_kept_whole_or_split_into_their_finest_words(
    text: str, tokens: list[str]
) -> None:
    assert segment(text) == tokens


def test_a_term_is_segmented_alike_alone_and_inside_a_sentence() -> None:
    sentence = segment("各地支持科技型中小企业开展投贷联动。")
    for term in ("科技型中小企业", "投贷联动"):
        words = segment(term)
        assert any(sentence[at : at + len(words)] == words for at in range(len(sentence))), term


def test_latin_words_are_lower_cased_full_width_folded_and_punctuation_a_break() -> None:
    assert segment("ＡＩ技术、COVID-19！") == ["ai", "技术", "|", "covid", "|", "19"]
    assert segment("“科技、，金融”") == ["科技", "|", "金融"]
    assert normalise("Ａ，b…\u3000c") == "a|b| c"
    assert len(normalise("㎡…Ⅰ类")) == len("㎡…Ⅰ类")


def test_token_offsets_point_at_the_token_in_the_original_text() -> None:
    text = "一、发展ＡＩ与科技金融……"
    tokens = list(tokens_with_offsets(text))
    assert [t.text for t in tokens] == ["一", "|", "发展", "ai", "与", "科技", "金融", "|"]
    for token in tokens:
        assert normalise(text[token.start : token.end]) == token.text


def test_the_dictionary_is_added_once_per_process() -> None:
    assert dictionary() is dictionary()


MIXED = "科技金融ＡＩ技术 PM2.5、Ｃ919\t\n㎡𠀀𝐀😀！（广东省）ÄÖß\u3000"


def test_a_long_text_is_normalised_as_each_of_its_characters_alone() -> None:
    text = MIXED * (TABLE_FROM // len(MIXED) + 2)
    assert len(text) >= TABLE_FROM
    assert normalise(text) == "".join(normalise(char) for char in text)


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=60))
def test_normalising_a_long_text_is_normalising_its_pieces(piece: str) -> None:
    text = piece * (TABLE_FROM // len(piece) + 1)
    assert normalise(text) == "".join(normalise(char) for char in text)


def test_a_domain_term_splits_into_as_many_words_as_it_takes() -> None:
    # 支持体系 is no word, so two halves cannot cover the term; three pieces can
    assert segment("科技金融支持体系") == ["科技", "金融", "支持", "体系"]
