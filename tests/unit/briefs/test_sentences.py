"""Sentences are located exactly in their paragraphs, in Chinese and in English."""

from hypothesis import given
from hypothesis import strategies as st

from kejin.briefs.sentences import (
    Sentence,
    document_sentences,
    excerpt,
    is_heading,
    split_sentences,
)


def texts(paragraph: str) -> list[str]:
    return [s.text for s in split_sentences(1, paragraph)]


def test_chinese_sentences_end_at_full_stops_exclamations_questions_and_semicolons() -> None:
    paragraph = "研发投入持续增长。基础研究占比仍然偏低！怎么办？要加快改革；完善机制"
    assert texts(paragraph) == [
        "研发投入持续增长。",
        "基础研究占比仍然偏低！",
        "怎么办？",
        "要加快改革；",
        "完善机制",
    ]


def test_a_closing_quote_stays_with_its_sentence() -> None:
    assert texts("他说：“要加快。”随后离开。") == ["他说：“要加快。”", "随后离开。"]


def test_english_sentences_respect_abbreviations_initials_and_decimals() -> None:
    paragraph = (
        "R&D rose 0.45 points in China, e.g. in Shenzhen. The U.S. gained 0.75 points. "
        "See Art. 5 of the law by J. Smith. Growth reached 2.68 percent!"
    )
    assert texts(paragraph) == [
        "R&D rose 0.45 points in China, e.g. in Shenzhen.",
        "The U.S. gained 0.75 points.",
        "See Art. 5 of the law by J. Smith.",
        "Growth reached 2.68 percent!",
    ]


def test_article_and_item_labels_are_left_out_of_the_sentence() -> None:
    assert texts("第十二条　县级以上人民政府应当安排资金。") == ["县级以上人民政府应当安排资金。"]
    assert texts("（三）加强知识产权保护。") == ["加强知识产权保护。"]
    assert texts("1.5亿元用于研发。") == ["1.5亿元用于研发。"]


def test_headings_are_not_sentences() -> None:
    assert is_heading("第三章　科技金融")
    assert is_heading("Core Insights")
    assert not is_heading("第三条　国家鼓励金融机构开展知识产权质押融资。")
    sentences = document_sentences(("第一章　总则", "第一条　为了促进发展，制定本法。"))
    assert [(s.position, s.text) for s in sentences] == [(2, "为了促进发展，制定本法。")]


def test_a_long_sentence_is_trimmed_to_whole_clauses_around_the_focus() -> None:
    paragraph = "国家加大投入，地方配套资金，金融机构应当创新产品，社会资本积极参与。"
    sentence = split_sentences(1, paragraph)[0]
    part = excerpt(paragraph, sentence, 20, sentence.text.index("应当"))
    assert part.text == "金融机构应当创新产品，社会资本积极参与。"
    assert paragraph[part.start : part.end] == part.text


@given(st.text(alphabet="科技金融。！？；，.!? ABCabc12“”（）一、第条", max_size=80))
def test_every_sentence_is_the_exact_slice_of_its_paragraph(paragraph: str) -> None:
    sentences: list[Sentence] = split_sentences(7, paragraph)
    for sentence in sentences:
        assert sentence.text == paragraph[sentence.start : sentence.end]
        assert sentence.text
        assert sentence.text.strip() == sentence.text
    starts = [s.start for s in sentences]
    assert starts == sorted(starts)
